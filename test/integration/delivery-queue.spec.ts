import { Queue } from 'bullmq';
import { DeliveryQueue } from '../../libs/core/src/queue/delivery-queue';
import { DeliveryJob, QueueName } from '../../libs/core/src/queue/queue-names';
import { createRedis } from '../../libs/core/src/queue/redis';
import { TEST_REDIS_URL } from '../support/env';

/**
 * The queue's cost is paid per job: first attempts enqueued together (ingest requests in flight at the
 * same time) go to Redis as one job per webhook, holding every delivery exactly once.
 */
describe('DeliveryQueue on Redis: first attempts grouped per webhook', () => {
  const connection = createRedis(TEST_REDIS_URL, 'test-delivery-queue');
  const queue = new DeliveryQueue(connection);
  const raw = new Queue<DeliveryJob>(QueueName.Deliveries, { connection });

  beforeEach(() => raw.obliterate({ force: true }));
  afterAll(async () => {
    await raw.obliterate({ force: true });
    await raw.close();
    await queue.close();
    connection.disconnect();
  });

  it('enqueues requests made in the same turn as one job per webhook', async () => {
    await Promise.all([
      queue.enqueueFirstAttempts([
        { id: 'a1', webhook_id: 'A' },
        { id: 'b1', webhook_id: 'B' },
      ]),
      queue.enqueueFirstAttempts([
        { id: 'a2', webhook_id: 'A' },
        { id: 'a3', webhook_id: 'A' },
      ]),
    ]);

    const jobs = await raw.getJobs(['wait']);
    const byWebhook = Object.fromEntries(jobs.map((j) => [j.data.webhookId, j.data]));
    expect(jobs).toHaveLength(2);
    expect(byWebhook.A).toEqual({ deliveryIds: ['a1', 'a2', 'a3'], webhookId: 'A', attempt: 1 });
    expect(byWebhook.B).toEqual({ deliveryIds: ['b1'], webhookId: 'B', attempt: 1 });
  });

  it('enqueues a retry as a job of its own, once however often it is asked for', async () => {
    const retry = { deliveryId: 'a1', webhookId: 'A', attempt: 2 };
    await queue.enqueue([retry], 60_000);
    await queue.enqueue([retry], 60_000);

    const jobs = await raw.getJobs(['delayed']);
    expect(jobs.map((j) => j.data)).toEqual([{ deliveryIds: ['a1'], webhookId: 'A', attempt: 2 }]);
  });
});
