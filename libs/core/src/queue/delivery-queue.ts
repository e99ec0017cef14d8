import { JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { MicroBatcher } from '../batching/micro-batcher';
import { AttemptRef, DeliveryJob, deliveryJobId, QueueName } from './queue-names';

const JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  // A processor error (Postgres briefly away) is retried by BullMQ; the reconciler covers the rest.
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
};

/**
 * First attempts to one webhook per job at most: bounds what a job retried after an error repeats, and
 * how many deliveries one job runs before the worker's other fetched jobs get their turn. (Measured
 * while a job's deliveries all waited as pending attempts, 50 also took the worker's peak RSS from ~255
 * to ~280 MiB, for no more throughput.)
 */
export const MAX_DELIVERIES_PER_JOB = 20;

export interface DeliveryRef {
  id: string;
  webhook_id: string;
}

/** Enqueues attempts of deliveries. Jobs are hints: Postgres says what is actually due. */
export class DeliveryQueue {
  readonly queue: Queue<DeliveryJob>;
  // Ingest enqueues each request's deliveries; requests in flight together share one Redis round trip,
  // and their deliveries to one webhook share a job.
  private readonly firstAttempts = new MicroBatcher(async (batches: DeliveryRef[][]) => {
    await this.add(groupByWebhook(batches.flat()).map((job) => ({ job, delayMs: 0 })));
    return batches.map(() => undefined);
  });

  constructor(connection: Redis) {
    this.queue = new Queue<DeliveryJob>(QueueName.Deliveries, { connection });
  }

  /** One job per attempt, due in `delayMs`. Job ids are per attempt, so an attempt already queued is not queued twice. */
  async enqueue(refs: AttemptRef[], delayMs = 0): Promise<void> {
    await this.add(
      refs.map((r) => ({
        job: { deliveryIds: [r.deliveryId], webhookId: r.webhookId, attempt: r.attempt },
        delayMs,
      })),
    );
  }

  async enqueueFirstAttempts(refs: DeliveryRef[]): Promise<void> {
    if (refs.length > 0) await this.firstAttempts.call(refs);
  }

  private async add(jobs: { job: DeliveryJob; delayMs: number }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map(({ job, delayMs }) => ({
        name: 'deliver',
        data: job,
        opts: {
          ...JOB_OPTIONS,
          jobId: deliveryJobId(job.deliveryIds, job.attempt),
          delay: Math.max(0, delayMs),
        },
      })),
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** First-attempt jobs, one per webhook (split at MAX_DELIVERIES_PER_JOB), in the order given. */
export function groupByWebhook(refs: DeliveryRef[]): DeliveryJob[] {
  const byWebhook = new Map<string, string[]>();
  for (const r of refs) {
    const ids = byWebhook.get(r.webhook_id);
    if (ids) ids.push(r.id);
    else byWebhook.set(r.webhook_id, [r.id]);
  }
  const jobs: DeliveryJob[] = [];
  for (const [webhookId, ids] of byWebhook) {
    for (let i = 0; i < ids.length; i += MAX_DELIVERIES_PER_JOB)
      jobs.push({ deliveryIds: ids.slice(i, i + MAX_DELIVERIES_PER_JOB), webhookId, attempt: 1 });
  }
  return jobs;
}
