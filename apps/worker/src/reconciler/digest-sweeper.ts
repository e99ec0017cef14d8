import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@hookpost/core/config/app-config';
import { newUuid } from '@hookpost/core/ids/ids';
import { DeliveryQueue, DeliveryRef } from '@hookpost/core/queue/delivery-queue';
import { ThrottleWindowsRepository } from '@hookpost/core/throttle/throttle-windows.repository';
import { PeriodicTask } from './periodic-task';

const BATCH = 100;

/**
 * Turns each ended throttle window that suppressed events into one digest delivery, on the
 * reconciler's cadence. The digest is committed before it is enqueued: if the enqueue is lost, the
 * reconciler finds the pending delivery overdue and enqueues it (promise 1).
 */
@Injectable()
export class DigestSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DigestSweeper.name);
  private readonly task = new PeriodicTask(this.logger, 'digest sweep', () => this.sweep());

  constructor(
    private readonly config: AppConfig,
    private readonly windows: ThrottleWindowsRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.RECONCILE_INTERVAL_MS);
  }

  /** Makes the digests due now; answers how many this worker made (another may have made the rest). */
  async sweep(): Promise<number> {
    const due = await this.windows.dueDigests(BATCH);
    const made: DeliveryRef[] = [];
    for (const w of due) {
      const delivery = await this.windows.createDigest(w, newUuid());
      if (delivery) made.push(delivery);
    }
    await this.queue.enqueueFirstAttempts(made);
    if (made.length > 0) this.logger.log({ count: made.length }, 'made throttle digests');
    return made.length;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
