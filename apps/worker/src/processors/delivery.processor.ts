import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Semaphore } from 'async-mutex';
import { DelayedError, Job, Worker } from 'bullmq';
import { AppConfig } from '@hookpost/core/config/app-config';
import { AttemptRunner } from '@hookpost/core/attempts/attempt-runner';
import { REDIS } from '@hookpost/core/core.module';
import { DeliveryQueue } from '@hookpost/core/queue/delivery-queue';
import { OpsAlerter } from '@hookpost/core/ops/ops-alerter';
import { toPublicId } from '@hookpost/core/ids/ids';
import { DeliveryJob, deliveryIdsOf, QueueName } from '@hookpost/core/queue/queue-names';
import { createRedis } from '@hookpost/core/queue/redis';
import { Redis } from 'ioredis';
import { Busy, EndpointSlots, Slot } from './endpoint-slots';

/**
 * How long a job of a fast endpoint waits in-process for a slot, holding its claim, before giving the
 * claim back and returning to the queue: long enough that a busy endpoint's waiters are served rather
 * than sent round (each round costs a claim, its release and two queue moves), and inside the lease's
 * 10 s margin, so a claim never outlives its lease.
 */
const SLOT_WAIT_MS = 5_000;

/** Jitter, so deliveries put back together do not all come back together. */
function withJitter(retryInMs: number): number {
  return Math.round(retryInMs * (1 + Math.random() / 2));
}

/** Thin: takes a job, respects the caps, runs its attempts, schedules the retries the policy asks for. */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryProcessor.name);
  private worker?: Worker<DeliveryJob>;
  private readonly slots: EndpointSlots;
  /**
   * Attempts in flight in this process, at most WORKER_CONCURRENCY: BullMQ's concurrency counts jobs,
   * and a job may hold several deliveries.
   */
  private readonly permits: Semaphore;
  private closing = false;

  constructor(
    private readonly config: AppConfig,
    private readonly runner: AttemptRunner,
    private readonly queue: DeliveryQueue,
    private readonly ops: OpsAlerter,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    // Half the worker's slots at most wait for one endpoint, so the others have room, unless it is
    // known to serve them all quickly: then waiting costs less than sending them round the queue.
    this.slots = new EndpointSlots(
      config.WORKER_ENDPOINT_CONCURRENCY,
      Math.max(config.WORKER_ENDPOINT_CONCURRENCY, Math.floor(config.WORKER_CONCURRENCY / 2)),
      Date.now,
      config.WORKER_CONCURRENCY,
    );
    this.permits = new Semaphore(config.WORKER_CONCURRENCY);
  }

  onApplicationBootstrap(): void {
    this.worker = new Worker<DeliveryJob>(QueueName.Deliveries, (job, token) => this.process(job, token), {
      connection: createRedis(this.config.REDIS_URL, 'worker-consumer'),
      concurrency: this.config.WORKER_CONCURRENCY,
      // BullMQ renews the lock every half of this while the job runs (a job of several deliveries may
      // take longer than one attempt); a worker that died leaves it to expire, then to be run again.
      lockDuration: 150_000,
    });
    this.worker.on('error', (err) => this.logger.error({ err: String(err) }, 'worker error'));
    // BullMQ runs a failed job again (or drops it after its last try, for the reconciler): say why.
    this.worker.on('failed', (job, err) =>
      this.logger.warn(
        { job: job?.id, attemptsMade: job?.attemptsMade, err: String(err) },
        'delivery job failed',
      ),
    );
  }

  /**
   * A job of one delivery is put back whole when its endpoint has no slot. A job of several (first
   * attempts created together) runs them side by side, each as far as a job of its own would go; one
   * its endpoint refuses goes back at once as a job of its own. An error in one fails the job once the
   * others are done: BullMQ runs it again, and what is done already finds nothing to claim.
   */
  async process(job: Job<DeliveryJob>, token?: string): Promise<void> {
    const { webhookId, attempt } = job.data;
    const ids = deliveryIdsOf(job.data);
    if (ids.length === 1) {
      const busy = await this.attempt(ids[0], webhookId, attempt);
      if (busy) await this.putBack(job, busy.retryInMs, token);
      return;
    }
    // Each delivery starts once it has a permit, and the job waits for one permit at a time: the
    // deliveries of the jobs a worker has fetched ahead (up to WORKER_CONCURRENCY jobs) wait as ids, not
    // as thousands of pending attempts (those took the worker's peak RSS from ~250 to ~280 MiB).
    const started: Promise<void>[] = [];
    const errors: unknown[] = [];
    for (const deliveryId of ids) {
      const [, releasePermit] = await this.permits.acquire();
      started.push(
        this.attemptHoldingPermit(deliveryId, webhookId, attempt)
          .finally(releasePermit)
          .then(async (busy) => {
            if (busy)
              await this.queue.enqueue([{ deliveryId, webhookId, attempt }], withJitter(busy.retryInMs));
          })
          // Caught at once: the loop may still be waiting for a permit when an attempt fails.
          .catch((err: unknown) => void errors.push(err)),
      );
    }
    await Promise.all(started);
    // The first fails the job (and is logged with it); the others would go unsaid.
    if (errors.length > 1) {
      this.logger.warn(
        { job: job.id, errors: errors.slice(1).map(String) },
        'further attempts of one job failed',
      );
    }
    if (errors.length > 0) throw errors[0];
  }

  /** One attempt of one delivery, or Busy when its endpoint would not take it now (nothing was sent). */
  private attempt(deliveryId: string, webhookId: string, attempt: number): Promise<Busy | undefined> {
    return this.permits.runExclusive(() => this.attemptHoldingPermit(deliveryId, webhookId, attempt));
  }

  private async attemptHoldingPermit(
    deliveryId: string,
    webhookId: string,
    attempt: number,
  ): Promise<Busy | undefined> {
    // Stopping: a delivery not started yet goes back to the queue rather than extend the drain.
    if (this.closing) return { retryInMs: 0 };
    // A delivery its endpoint would refuse anyway goes back before it costs a claim.
    const entry = this.slots.enter(webhookId);
    if ('retryInMs' in entry) return entry;
    let slot: Slot | undefined;
    let busy: Busy | undefined;
    try {
      // The slot is taken once the claim is held and given back once the exchange is over: it covers
      // the HTTP exchange only, so an endpoint's throughput is not capped by Postgres round trips.
      const outcome = await this.runner.run(deliveryId, attempt, {
        beforeSend: async () => {
          const got = await entry.acquire(SLOT_WAIT_MS);
          if ('retryInMs' in got) busy = got;
          // Stopping while it waited: nothing new is sent; the claim is given back and the delivery
          // goes back to the queue.
          else if (this.closing) got.release();
          else slot = got;
          return slot !== undefined;
        },
        afterSend: () => slot?.release(),
      });
      if (outcome === 'deferred') return busy ?? { retryInMs: 0 };
      if (!outcome) return undefined;
      if (outcome.decision.kind === 'retry' && outcome.nextAttemptAt) {
        // Due at the time the record holds (the policy's delay from the attempt's end), however long
        // the record took to join its batch.
        const delayMs = outcome.nextAttemptAt.getTime() - Date.now();
        await this.queue.enqueue([{ deliveryId, webhookId, attempt: attempt + 1 }], delayMs);
      }
      this.ops.attemptFinished({
        webhookId: toPublicId('webhook', webhookId),
        deliveryId: toPublicId('del', deliveryId),
        eventType: outcome.delivery.event_type,
        ok: outcome.decision.kind === 'success',
        exhausted: outcome.decision.kind === 'fail',
        statusCode: outcome.result.kind === 'response' ? outcome.result.status : null,
      });
      return undefined;
    } finally {
      entry.leave();
      slot?.release();
    }
  }

  private async putBack(job: Job<DeliveryJob>, retryInMs: number, token?: string): Promise<never> {
    await job.moveToDelayed(Date.now() + withJitter(retryInMs), token);
    throw new DelayedError();
  }

  /**
   * Stops taking jobs and lets the attempts in flight finish (each is bounded by its timeout); those of
   * a job not started yet go back to the queue. Before the shutdown hooks, which close the HTTP sender
   * and the queue that these attempts still use.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (!this.worker) return;
    const connection = await this.worker.client.catch(() => null);
    await this.worker.close();
    if (connection) connection.disconnect();
  }
}
