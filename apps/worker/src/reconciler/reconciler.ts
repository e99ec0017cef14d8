import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@hookpost/core/config/app-config';
import { DeliveriesRepository } from '@hookpost/core/deliveries/deliveries.repository';
import { DeliveryQueue } from '@hookpost/core/queue/delivery-queue';
import { AttemptRef } from '@hookpost/core/queue/queue-names';
import { PeriodicTask } from './periodic-task';

const BATCH = 1000;

/**
 * Postgres is the truth, jobs are hints: every sweep re-enqueues pending deliveries whose due time
 * passed without an attempt (lost with Redis, or never enqueued after a crash) and ends attempts whose
 * worker died. Job ids are per attempt, so a sweep that races a live job of one delivery adds nothing
 * (promise 1). One still queued in a job of several (a long backlog) gets a job of its own: whichever
 * runs first claims the attempt and the other finds nothing to claim (promise 2).
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Reconciler.name);
  private readonly task = new PeriodicTask(this.logger, 'reconcile sweep', () => this.sweep());

  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.RECONCILE_INTERVAL_MS);
  }

  /** Due for this long without an attempt means its job is gone. */
  get graceMs(): number {
    return Math.max(1000, 2 * this.config.RECONCILE_INTERVAL_MS);
  }

  async sweep(): Promise<number> {
    const overdue = await this.deliveries.overdue(this.graceMs, BATCH);
    const jobs: AttemptRef[] = [];
    for (const d of overdue) {
      if (d.leased) {
        const exhausted = d.attempts >= d.max_attempts;
        const closed = await this.deliveries.closeAbandoned(d.id, d.attempts, exhausted);
        if (!closed || exhausted) continue;
      }
      jobs.push({ deliveryId: d.id, webhookId: d.webhook_id, attempt: d.attempts + 1 });
    }
    await this.queue.enqueue(jobs);
    if (jobs.length > 0) this.logger.log({ count: jobs.length }, 're-enqueued overdue deliveries');
    return jobs.length;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
