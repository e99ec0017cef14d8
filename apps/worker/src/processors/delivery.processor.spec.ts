import type { Job } from 'bullmq';
import type { AppConfig } from '@hookpost/core/config/app-config';
import type { AttemptRunner } from '@hookpost/core/attempts/attempt-runner';
import type { DeliveryQueue } from '@hookpost/core/queue/delivery-queue';
import type { OpsAlerter } from '@hookpost/core/ops/ops-alerter';
import type { AttemptRef, DeliveryJob } from '@hookpost/core/queue/queue-names';
import type { Redis } from 'ioredis';
import { CROWDED_RETRY_MS } from './endpoint-slots';
import { DeliveryProcessor } from './delivery.processor';
import { eventually } from '../../../../test/support/eventually';

type Run = AttemptRunner['run'];

function processorWith(run: Run, concurrency: { worker: number; endpoint: number }) {
  const enqueue = jest.fn().mockResolvedValue(undefined);
  const processor = new DeliveryProcessor(
    {
      WORKER_CONCURRENCY: concurrency.worker,
      WORKER_ENDPOINT_CONCURRENCY: concurrency.endpoint,
    } as AppConfig,
    { run: jest.fn(run) } as unknown as AttemptRunner,
    { enqueue } as unknown as DeliveryQueue,
    { attemptFinished: jest.fn() } as unknown as OpsAlerter,
    {} as Redis,
  );
  return { processor, enqueue };
}

function jobOf(deliveryIds: string[]): Job<DeliveryJob> {
  return { data: { deliveryIds, webhookId: 'w1', attempt: 1 } } as Job<DeliveryJob>;
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `d${i + 1}`);

function succeeded() {
  return {
    delivery: { event_type: 'user.login' },
    result: { kind: 'response', status: 200 },
    decision: { kind: 'success' },
    finishedAt: new Date(),
    nextAttemptAt: null,
  } as unknown as Awaited<ReturnType<Run>>;
}

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
    } as unknown as Awaited<ReturnType<Run>>;
    const { processor, enqueue } = processorWith(async () => outcome, { worker: 10, endpoint: 2 });

    await processor.process(jobOf(['d1']));

    expect(enqueue).toHaveBeenCalledTimes(1);
    const [jobs, delayMs] = enqueue.mock.calls[0];
    expect(jobs).toEqual([{ deliveryId: 'd1', webhookId: 'w1', attempt: 2 }]);
    // ~700 ms are left of the 1,000 ms delay; allow for the time this test itself takes.
    expect(delayMs).toBeLessThanOrEqual(700);
    expect(delayMs).toBeGreaterThan(500);
  });
});

/** A job holding several deliveries (first attempts created together) to one webhook. */
describe('DeliveryProcessor jobs of several deliveries', () => {
  it('keeps attempts in flight within WORKER_CONCURRENCY however many deliveries a job holds (promise 4)', async () => {
    let inFlight = 0;
    let most = 0;
    const attempted: string[] = [];
    const { processor } = processorWith(
      async (deliveryId) => {
        attempted.push(deliveryId);
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return succeeded();
      },
      { worker: 3, endpoint: 20 },
    );

    await Promise.all([processor.process(jobOf(ids(8))), processor.process(jobOf(['e1', 'e2']))]);

    expect(most).toBe(3);
    expect(attempted.sort()).toEqual([...ids(8), 'e1', 'e2'].sort());
  });

  it('sends back at once, each as a job of its own, the deliveries its endpoint has no place for; attempts the rest', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const attempted: string[] = [];
    // One slot and five waiting places (half of WORKER_CONCURRENCY): the first holds its slot until the
    // gate opens, five wait, and the last two of eight have no place.
    const { processor, enqueue } = processorWith(
      async (deliveryId, _attempt, opts) => {
        attempted.push(deliveryId);
        if (!(await opts!.beforeSend!())) return 'deferred';
        await gate;
        opts!.afterSend!();
        return succeeded();
      },
      { worker: 10, endpoint: 1 },
    );

    const done = processor.process(jobOf(ids(8)));
    // Sent back while the others still wait, not when the job ends.
    await eventually(() => enqueue.mock.calls.length === 2);
    open();
    await done;

    expect(attempted).toEqual(ids(6));
    const sentBack = enqueue.mock.calls as [AttemptRef[], number][];
    expect(sentBack.map(([refs]) => refs)).toEqual([
      [{ deliveryId: 'd7', webhookId: 'w1', attempt: 1 }],
      [{ deliveryId: 'd8', webhookId: 'w1', attempt: 1 }],
    ]);
    for (const [, delayMs] of sentBack) {
      expect(delayMs).toBeGreaterThanOrEqual(CROWDED_RETRY_MS);
      expect(delayMs).toBeLessThanOrEqual(CROWDED_RETRY_MS * 1.5);
    }
  });

  it('stopping, sends back the deliveries not started yet (the e2e test shows those in flight finish)', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const attempted: string[] = [];
    const { processor, enqueue } = processorWith(
      async (deliveryId) => {
        attempted.push(deliveryId);
        await gate;
        return succeeded();
      },
      { worker: 1, endpoint: 20 },
    );

    const done = processor.process(jobOf(ids(3)));
    await eventually(() => attempted.length === 1);
    await processor.beforeApplicationShutdown();
    open();
    await done;

    expect(attempted).toEqual(['d1']);
    expect(
      (enqueue.mock.calls as [AttemptRef[], number][]).map(([refs, delayMs]) => [
        refs[0].deliveryId,
        delayMs,
      ]),
    ).toEqual([
      ['d2', 0],
      ['d3', 0],
    ]);
  });

  it('stopping, sends back a claimed delivery still waiting for its endpoint’s slot instead of sending it', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const waiting: string[] = [];
    const sent: string[] = [];
    const { processor, enqueue } = processorWith(
      async (deliveryId, _attempt, opts) => {
        waiting.push(deliveryId);
        if (!(await opts!.beforeSend!())) return 'deferred';
        sent.push(deliveryId);
        await gate;
        opts!.afterSend!();
        return succeeded();
      },
      { worker: 10, endpoint: 1 },
    );

    const done = processor.process(jobOf(ids(2)));
    await eventually(() => waiting.length === 2 && sent.length === 1);
    await processor.beforeApplicationShutdown();
    open();
    await done;

    expect(sent).toEqual(['d1']);
    expect(enqueue.mock.calls).toEqual([[[{ deliveryId: 'd2', webhookId: 'w1', attempt: 1 }], 0]]);
  });

  it('fails the job after its other deliveries are done when one attempt throws, so BullMQ runs it again', async () => {
    const finished: string[] = [];
    const { processor } = processorWith(
      async (deliveryId) => {
        await new Promise((r) => setTimeout(r, deliveryId === 'd2' ? 1 : 10));
        if (deliveryId === 'd2') throw new Error('connection terminated');
        finished.push(deliveryId);
        return succeeded();
      },
      { worker: 10, endpoint: 20 },
    );

    await expect(processor.process(jobOf(ids(4)))).rejects.toThrow('connection terminated');
    expect(finished.sort()).toEqual(['d1', 'd3', 'd4']);
  });

  it('fails the job without an unhandled rejection when an attempt throws while later ones wait for a permit', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const finished: string[] = [];
      const { processor } = processorWith(
        async (deliveryId) => {
          if (deliveryId === 'd1') throw new Error('connection terminated');
          await new Promise((r) => setTimeout(r, 10));
          finished.push(deliveryId);
          return succeeded();
        },
        { worker: 1, endpoint: 20 },
      );

      await expect(processor.process(jobOf(ids(3)))).rejects.toThrow('connection terminated');
      await new Promise((r) => setImmediate(r));
      expect(finished).toEqual(['d2', 'd3']);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('still runs a job enqueued before deliveries were grouped (one deliveryId)', async () => {
    const attempted: string[] = [];
    const { processor } = processorWith(
      async (deliveryId) => {
        attempted.push(deliveryId);
        return succeeded();
      },
      { worker: 10, endpoint: 20 },
    );

    await processor.process({
      data: { deliveryId: 'old', webhookId: 'w1', attempt: 1 },
    } as unknown as Job<DeliveryJob>);

    expect(attempted).toEqual(['old']);
  });
});
