import { groupByWebhook, MAX_DELIVERIES_PER_JOB } from './delivery-queue';
import { deliveryJobId } from './queue-names';

describe('groupByWebhook (first attempts created together share a job per webhook)', () => {
  it('puts each webhook’s deliveries in one job, in the order given', () => {
    const jobs = groupByWebhook([
      { id: 'a1', webhook_id: 'A' },
      { id: 'b1', webhook_id: 'B' },
      { id: 'a2', webhook_id: 'A' },
      { id: 'a3', webhook_id: 'A' },
    ]);
    expect(jobs).toEqual([
      { deliveryIds: ['a1', 'a2', 'a3'], webhookId: 'A', attempt: 1 },
      { deliveryIds: ['b1'], webhookId: 'B', attempt: 1 },
    ]);
  });

  it(`splits a webhook’s deliveries into jobs of at most ${MAX_DELIVERIES_PER_JOB}`, () => {
    const refs = Array.from({ length: MAX_DELIVERIES_PER_JOB * 2 + 1 }, (_, i) => ({
      id: `d${i}`,
      webhook_id: 'A',
    }));
    const jobs = groupByWebhook(refs);
    expect(jobs.map((j) => j.deliveryIds.length)).toEqual([
      MAX_DELIVERIES_PER_JOB,
      MAX_DELIVERIES_PER_JOB,
      1,
    ]);
    expect(jobs.flatMap((j) => j.deliveryIds)).toEqual(refs.map((r) => r.id));
  });

  it('names a job of one delivery by its attempt, as retries and the reconciler do, and a group apart from it', () => {
    expect(deliveryJobId(['d1'], 1)).toBe('d1.1');
    expect(deliveryJobId(['d1', 'd2'], 1)).not.toBe(deliveryJobId(['d1'], 1));
  });
});
