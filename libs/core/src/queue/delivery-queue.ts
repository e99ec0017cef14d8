import { JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { MicroBatcher } from '../batching/micro-batcher';
import { DeliveryJob, deliveryJobId, QueueName } from './queue-names';

const JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  // A processor error (Postgres briefly away) is retried by BullMQ; the reconciler covers the rest.
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
};

export interface DeliveryRef {
  id: string;
  webhook_id: string;
}

/** Enqueues attempts of deliveries. Jobs are hints: Postgres says what is actually due. */
export class DeliveryQueue {
  readonly queue: Queue<DeliveryJob>;
  // Ingest enqueues each request's deliveries; requests in flight together share one Redis round trip.
  private readonly firstAttempts = new MicroBatcher(async (batches: DeliveryRef[][]) => {
    await this.enqueue(
      batches.flat().map((r) => ({ deliveryId: r.id, webhookId: r.webhook_id, attempt: 1 })),
    );
    return batches.map(() => undefined);
  });

  constructor(connection: Redis) {
    this.queue = new Queue<DeliveryJob>(QueueName.Deliveries, { connection });
  }

  async enqueue(jobs: DeliveryJob[], delayMs = 0): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((data) => ({
        name: 'deliver',
        data,
        opts: {
          ...JOB_OPTIONS,
          jobId: deliveryJobId(data.deliveryId, data.attempt),
          delay: Math.max(0, delayMs),
        },
      })),
    );
  }

  async enqueueFirstAttempts(refs: DeliveryRef[]): Promise<void> {
    if (refs.length > 0) await this.firstAttempts.call(refs);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
