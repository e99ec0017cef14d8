import type { Job } from 'bullmq';
import type { AppConfig } from '@hookpost/core/config/app-config';
import type { AttemptRunner } from '@hookpost/core/attempts/attempt-runner';
import type { DeliveryQueue } from '@hookpost/core/queue/delivery-queue';
import type { OpsAlerter } from '@hookpost/core/ops/ops-alerter';
import type { DeliveryJob } from '@hookpost/core/queue/queue-names';
import type { Redis } from 'ioredis';
import { DeliveryProcessor } from './delivery.processor';

/**
 * Promise 3: a retry is due the policy's delay after the failed attempt ended. The record of the
 * attempt is batched and may take a while; the retry job must not start its delay only once it returns.
 */
describe('DeliveryProcessor retry scheduling', () => {
  it('schedules the retry at the due time the attempt was recorded with, not the delay from now', async () => {
    const now = Date.now();
    const attemptEnded = new Date(now - 300); // the record took 300 ms to come back
    const outcome = {
      delivery: { event_type: 'user.login' },
      result: { kind: 'response', status: 500 },
      decision: { kind: 'retry', delayMs: 1_000, error: 'HTTP 500' },
      finishedAt: attemptEnded,
      nextAttemptAt: new Date(attemptEnded.getTime() + 1_000),
    };
    const enqueue = jest.fn().mockResolvedValue(undefined);
    const processor = new DeliveryProcessor(
      { WORKER_CONCURRENCY: 10, WORKER_ENDPOINT_CONCURRENCY: 2 } as AppConfig,
      { run: jest.fn().mockResolvedValue(outcome) } as unknown as AttemptRunner,
      { enqueue } as unknown as DeliveryQueue,
      { attemptFinished: jest.fn() } as unknown as OpsAlerter,
      {} as Redis,
    );
    const job = { data: { deliveryIds: ['d1'], webhookId: 'w1', attempt: 1 } } as Job<DeliveryJob>;

    await processor.process(job);

    expect(enqueue).toHaveBeenCalledTimes(1);
    const [jobs, delayMs] = enqueue.mock.calls[0];
    expect(jobs).toEqual([{ deliveryId: 'd1', webhookId: 'w1', attempt: 2 }]);
    // ~700 ms are left of the 1,000 ms delay; allow for the time this test itself takes.
    expect(delayMs).toBeLessThanOrEqual(700);
    expect(delayMs).toBeGreaterThan(500);
  });
});
