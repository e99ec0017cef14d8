import { DeliveriesRepository } from '../../libs/core/src/deliveries/deliveries.repository';
import { client, startApi, TestApi, TestDb } from '../support/platform';

/**
 * Promise 2 at the level where it is enforced: concurrent claims are folded into one statement, and a
 * repeated claim of the same attempt in that statement must still win for one caller only.
 */
describe('batched claims (promise 2: never in parallel)', () => {
  let api: TestApi;
  let db: TestDb;

  beforeAll(async () => {
    db = await TestDb.open();
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  /** Pending deliveries with no worker running: only this test claims them. */
  async function pendingDeliveries(count: number): Promise<string[]> {
    const http = client(api.baseUrl, (await db.createAccount()).apiKey);
    const hook = await http.post('/api/webhooks', {
      url: 'http://127.0.0.1:9/unused',
      events: ['*'],
      name: 'c',
    });
    expect(hook.status).toBe(201);
    for (let i = 0; i < count; i++) {
      expect((await http.post('/api/events', { event: 'user.login', data: { i } })).status).toBe(202);
    }
    const rows = await db.db.rows<{ id: string }>(
      `SELECT d.id FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.name = 'c' AND w.url = $1
         AND d.attempts = 0 ORDER BY d.id DESC LIMIT $2`,
      ['http://127.0.0.1:9/unused', count],
    );
    return rows.map((r) => r.id);
  }

  it('gives a repeated claim of one attempt to exactly one caller, even within one batch', async () => {
    const [id] = await pendingDeliveries(1);
    const deliveries = new DeliveriesRepository(db.db);
    const claims = await Promise.all([1, 2, 3].map(() => deliveries.claim(id, 1)));
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    expect(await deliveries.claim(id, 1)).toBeNull();
    const opened = await db.db.rows(`SELECT attempt FROM delivery_attempts WHERE delivery_id = $1`, [id]);
    expect(opened).toEqual([{ attempt: 1 }]);
  });

  it('claims different deliveries of one batch independently', async () => {
    const ids = await pendingDeliveries(3);
    const deliveries = new DeliveriesRepository(db.db);
    const claims = await Promise.all(ids.map((id) => deliveries.claim(id, 1)));
    expect(claims.map((c) => c?.id)).toEqual(ids);
  });

  it('gives a claim back as if it was never made, and only while it is still held', async () => {
    const [id] = await pendingDeliveries(1);
    const deliveries = new DeliveriesRepository(db.db);
    const state = async () =>
      (
        await db.db.rows(
          `SELECT d.attempts, d.lease_until IS NOT NULL AS leased, d.next_attempt_at,
             (SELECT count(*)::int FROM delivery_attempts a WHERE a.delivery_id = d.id) AS rows
           FROM deliveries d WHERE d.id = $1`,
          [id],
        )
      )[0];
    const before = await state();
    expect(await deliveries.claim(id, 1)).not.toBeNull();
    expect(await state()).toMatchObject({ attempts: 1, leased: true, rows: 1 });
    await deliveries.release(id, 1);
    expect(await state()).toEqual(before);
    // Given back, the attempt can be claimed again; a release of a claim no longer held changes nothing.
    expect(await deliveries.claim(id, 1)).not.toBeNull();
    await db.db.rows(`UPDATE deliveries SET status = 'failed', lease_until = NULL WHERE id = $1`, [id]);
    await deliveries.release(id, 1);
    expect(await state()).toMatchObject({ attempts: 1, leased: false, rows: 1 });
  });
});
