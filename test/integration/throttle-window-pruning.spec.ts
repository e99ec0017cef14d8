import { ThrottleWindowsRepository } from '../../libs/core/src/throttle/throttle-windows.repository';
import { TestDb } from '../support/platform';

/**
 * Throttle windows are counted into at ingest and turned into digests after they end; once a window
 * owes nothing it is only weight. Housekeeping deletes those, and nothing that is still counting or
 * still owes a digest.
 */
describe('pruning settled throttle windows', () => {
  let db: TestDb;
  let webhookId: string;

  beforeAll(async () => {
    db = await TestDb.open();
    const { accountId } = await db.createAccount('pruning');
    const [hook] = await db.db.rows<{ id: string }>(
      `INSERT INTO webhooks (id, account_id, created_by, url, events, secret, name)
       VALUES (hookpost_uuid_v7(), $1, $1, 'http://127.0.0.1:9/x', '{*}', 'whsec_x', 'pruning')
       RETURNING id`,
      [accountId],
    );
    webhookId = hook.id;
    const window = (key: string, endedAgo: string, seen: number, digested: boolean) =>
      db.db.rows(
        `INSERT INTO throttle_windows (webhook_id, account_id, event_type, key, window_start, window_end,
           event_limit, events_seen, digest_event_id)
         VALUES ($1, $2, 'user.login', $3, now() - $4::interval - interval '1 minute', now() - $4::interval,
           2, $5, CASE WHEN $6 THEN hookpost_uuid_v7() END)`,
        [webhookId, accountId, key, endedAgo, seen, digested],
      );
    await window('digested long ago', '2 hours', 5, true);
    await window('under its limit long ago', '2 hours', 2, false);
    await window('still owes a digest', '2 hours', 5, false);
    await window('digested a moment ago', '10 minutes', 5, true);
    await window('still open', '-1 minute', 1, false);
  });

  afterAll(async () => {
    await db.db.rows(`DELETE FROM webhooks WHERE id = $1`, [webhookId]);
    await db.close();
  });

  it('deletes windows that ended over an hour ago and owe nothing, and keeps the rest', async () => {
    expect(await new ThrottleWindowsRepository(db.db).pruneSettled()).toBeGreaterThanOrEqual(2);
    const left = await db.db.rows<{ key: string }>(
      `SELECT key FROM throttle_windows WHERE webhook_id = $1 ORDER BY key`,
      [webhookId],
    );
    expect(left.map((w) => w.key)).toEqual(['digested a moment ago', 'still open', 'still owes a digest']);
  });

  it('deletes more than one batch in a run', async () => {
    await db.db.rows(
      `INSERT INTO throttle_windows (webhook_id, account_id, event_type, key, window_start, window_end,
         event_limit, events_seen, digest_event_id)
       SELECT w.id, w.account_id, 'user.login', 'old ' || i, now() - interval '3 hours', now() - interval '2 hours',
         2, 5, hookpost_uuid_v7()
       FROM webhooks w, generate_series(1, 5001) AS i WHERE w.id = $1`,
      [webhookId],
    );
    expect(await new ThrottleWindowsRepository(db.db).pruneSettled()).toBeGreaterThanOrEqual(5001);
    const [{ n }] = await db.db.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM throttle_windows WHERE webhook_id = $1 AND key LIKE 'old %'`,
      [webhookId],
    );
    expect(n).toBe(0);
  });
});
