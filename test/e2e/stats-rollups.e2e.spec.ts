import { client, startApi, TestApi, TestDb } from '../support/platform';
import { counterMismatches } from '../support/raw-recount';
import { compactRollups } from '../../libs/core/src/stats/rollup-compaction';

/**
 * The daily rollups and the per-webhook counters are kept by statement-level triggers; after every kind
 * of delivery change they must equal a recomputation from raw rows, and the account report served from
 * them must equal the raw-row figures for windows whose edges fall mid-day.
 */
describe('stats rollups', () => {
  let api: TestApi;
  let db: TestDb;
  let http: ReturnType<typeof client>;
  let accountId: string;
  const hooks: { publicId: string; uuid: string }[] = [];
  const TYPES = ['build.completed', 'build.failed', 'deployment.started', 'test.ping'];

  /** n deliveries in ONE statement (as the batching worker and ingest do), spread over days, hooks, types. */
  const insertBatch = async (
    n: number,
    seed: number,
    acct = accountId,
    hookIds = hooks.map((h) => h.uuid),
  ) => {
    await db.db.rows(
      `WITH ev AS (
         INSERT INTO events (id, account_id, type, data, created_at)
         VALUES (hookpost_uuid_v7(), $1, 'build.completed', '{}', '2024-03-01T00:00:00Z') RETURNING id)
       INSERT INTO deliveries (id, account_id, webhook_id, event_id, event_type, status, attempts, response_code,
         response_time, delivered_at, created_at)
       SELECT hookpost_uuid_v7(), $1, ($3::uuid[])[1 + (i * 7 + $2) % cardinality($3::uuid[])], ev.id,
         ($4::text[])[1 + (i * 3 + $2) % 4],
         CASE WHEN i % 5 = 0 THEN 'pending' WHEN i % 7 = 0 THEN 'failed' ELSE 'success' END,
         CASE WHEN i % 5 = 0 THEN 0 ELSE 1 END,
         CASE WHEN i % 5 = 0 THEN NULL WHEN i % 7 = 0 THEN (CASE WHEN i % 2 = 0 THEN 500 ELSE NULL END) ELSE 200 END,
         CASE WHEN i % 5 = 0 THEN NULL WHEN i % 7 = 0 AND i % 2 = 1 THEN NULL ELSE 20 + (i * 37 + $2) % 400 END,
         CASE WHEN i % 5 = 0 THEN NULL ELSE '2024-03-01T00:00:00Z'::timestamptz + (i * 4111 + $2) * interval '1 minute' / 7 END,
         '2024-03-01T00:00:00Z'::timestamptz + (i * 4111 + $2 * 13) * interval '1 second'
       FROM generate_series(1, $5) i, ev`,
      [acct, seed, hookIds, TYPES, n],
    );
  };

  beforeAll(async () => {
    db = await TestDb.open();
    api = await startApi();
    const a = await db.createAccount();
    accountId = a.accountId;
    http = client(api.baseUrl, a.apiKey);
    for (const [name, project] of [
      ['alpha', 'p1'],
      ['beta', 'p1'],
      ['gamma', 'p2'],
    ]) {
      const res = await http.post('/api/webhooks', {
        url: 'http://127.0.0.1:9/x',
        events: ['*'],
        name,
        project_id: project,
      });
      expect(res.status).toBe(201);
      const uuid = (
        await db.db.rows(`SELECT id FROM webhooks WHERE account_id = $1 AND name = $2`, [accountId, name])
      )[0].id;
      hooks.push({ publicId: res.body.webhook_id, uuid });
    }
    // Another account's rows share the rollup tables and must never leak into this account's figures.
    const b = await db.createAccount();
    const other = client(api.baseUrl, b.apiKey);
    await other.post('/api/webhooks', { url: 'http://127.0.0.1:9/x', events: ['*'], name: 'other' });
    const otherHook = (await db.db.rows(`SELECT id FROM webhooks WHERE account_id = $1`, [b.accountId]))[0]
      .id;
    await insertBatch(150, 5, b.accountId, [otherHook]);

    await insertBatch(400, 1);
    await insertBatch(1, 2); // a single-row statement
    await insertBatch(250, 3);
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  const rollupMismatches = async () => {
    const daily: unknown[] = [];
    for (const [table, keys] of [
      ['delivery_stats_daily', 'webhook_id, event_type'],
      ['delivery_stats_daily_by_webhook', 'webhook_id'],
      ['delivery_stats_daily_by_type', 'event_type'],
    ]) {
      const group = keys.split(', ').map((_, i) => i + 3);
      daily.push(
        ...(await db.db.rows(
          `WITH raw AS (
             SELECT account_id, date_trunc('day', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, ${keys},
               count(*) AS total, count(*) FILTER (WHERE status = 'success') AS successful,
               count(*) FILTER (WHERE status = 'failed') AS failed, count(*) FILTER (WHERE status = 'pending') AS pending,
               count(*) FILTER (WHERE response_code IS NOT NULL AND response_time IS NOT NULL) AS rt_count,
               coalesce(sum(response_time) FILTER (WHERE response_code IS NOT NULL AND response_time IS NOT NULL), 0) AS rt_sum
             FROM deliveries GROUP BY 1, 2, ${group.join(', ')}),
           roll AS (
             SELECT account_id, day, ${keys}, sum(total) AS total, sum(successful) AS successful,
               sum(failed) AS failed, sum(pending) AS pending, sum(rt_count) AS rt_count, sum(rt_sum) AS rt_sum
             FROM ${table} GROUP BY account_id, day, ${keys} HAVING sum(total) <> 0 OR sum(rt_count) <> 0)
           SELECT '${table}' AS rollup, raw.*, roll.* FROM raw FULL JOIN roll USING (account_id, day, ${keys})
           WHERE (raw.total, raw.successful, raw.failed, raw.pending, raw.rt_count, raw.rt_sum)
             IS DISTINCT FROM (roll.total, roll.successful, roll.failed, roll.pending, roll.rt_count, roll.rt_sum)`,
        )),
      );
    }
    const times = await db.db.rows(
      `WITH raw AS (
         SELECT account_id, date_trunc('day', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, response_time, count(*) AS n
         FROM deliveries WHERE response_code IS NOT NULL AND response_time IS NOT NULL GROUP BY 1, 2, 3),
       roll AS (
         SELECT account_id, day, response_time, sum(n) AS n FROM delivery_response_times_daily
         GROUP BY account_id, day, response_time HAVING sum(n) <> 0)
       SELECT raw.*, roll.n AS rolled FROM raw FULL JOIN roll USING (account_id, day, response_time)
       WHERE raw.n IS DISTINCT FROM roll.n`,
    );
    const counters = await counterMismatches(db.db);
    return { daily, times, counters };
  };

  /** API.md's account report computed straight from raw rows, independently of the product code. */
  const rawReport = async (start: string, end: string, filter = '') => {
    const w = `d.account_id = $1 AND d.created_at >= $2 AND d.created_at <= $3 ${filter}`;
    const counts = `count(*)::int AS total, count(*) FILTER (WHERE d.status = 'success')::int AS successful,
      count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
      round(avg(d.response_time) FILTER (WHERE d.response_code IS NOT NULL))::int AS avg_ms`;
    const p = [accountId, start, end];
    const [overall] = await db.db.rows(
      `SELECT ${counts}, count(*) FILTER (WHERE d.status = 'pending')::int AS pending,
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d.response_time) FILTER (WHERE d.response_code IS NOT NULL))::int AS median,
         round(percentile_cont(0.95) WITHIN GROUP (ORDER BY d.response_time) FILTER (WHERE d.response_code IS NOT NULL))::int AS p95
       FROM deliveries d WHERE ${w}`,
      p,
    );
    const days = await db.db.rows(
      `SELECT to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, ${counts}
       FROM deliveries d WHERE ${w} GROUP BY 1`,
      p,
    );
    const types = await db.db.rows(
      `SELECT d.event_type, ${counts} FROM deliveries d WHERE ${w} GROUP BY 1 ORDER BY total DESC, d.event_type`,
      p,
    );
    const webhooks = await db.db.rows(
      `SELECT d.webhook_id, ${counts} FROM deliveries d JOIN webhooks wh ON wh.id = d.webhook_id
       WHERE ${w} AND wh.deleted_at IS NULL GROUP BY 1`,
      p,
    );
    return { overall, days, types, webhooks };
  };

  const rate = (s: number, f: number) => (s + f === 0 ? 0 : Math.round((s / (s + f)) * 10000) / 100);

  const expectReportMatchesRaw = async (start: string, end: string, query = '', filter = '') => {
    const res = await http.get(`/api/stats?period=day&start_date=${start}&end_date=${end}${query}`);
    expect(res.status).toBe(200);
    const raw = await rawReport(start, end, filter);
    expect(raw.overall.total).toBeGreaterThan(0);
    expect(res.body.overall_stats).toEqual({
      total_deliveries: raw.overall.total,
      successful_deliveries: raw.overall.successful,
      failed_deliveries: raw.overall.failed,
      pending_deliveries: raw.overall.pending,
      success_rate: rate(raw.overall.successful, raw.overall.failed),
      average_response_time: raw.overall.avg_ms ?? 0,
      median_response_time: raw.overall.median ?? 0,
      p95_response_time: raw.overall.p95 ?? 0,
    });
    const byDay = new Map(raw.days.map((d) => [d.date, d]));
    for (const b of res.body.daily_stats) {
      const r = byDay.get(b.date) ?? { total: 0, successful: 0, failed: 0, avg_ms: null };
      expect(b).toEqual({
        date: b.date,
        total_deliveries: r.total,
        successful_deliveries: r.successful,
        failed_deliveries: r.failed,
        success_rate: rate(r.successful, r.failed),
        average_response_time: r.avg_ms ?? 0,
      });
    }
    expect(
      res.body.daily_stats.reduce((n: number, b: { total_deliveries: number }) => n + b.total_deliveries, 0),
    ).toBe(raw.overall.total);
    expect(res.body.event_type_stats).toEqual(
      raw.types.map((t) => ({
        event_type: t.event_type,
        total_deliveries: t.total,
        successful_deliveries: t.successful,
        failed_deliveries: t.failed,
        success_rate: rate(t.successful, t.failed),
      })),
    );
    const hookByUuid = new Map(hooks.map((h) => [h.uuid, h.publicId]));
    expect(
      [...res.body.webhook_stats].sort((a: { webhook_id: string }, b: { webhook_id: string }) =>
        a.webhook_id.localeCompare(b.webhook_id),
      ),
    ).toEqual(
      raw.webhooks
        .map((w) => ({
          webhook_id: hookByUuid.get(w.webhook_id),
          name: expect.any(String),
          total_deliveries: w.total,
          successful_deliveries: w.successful,
          failed_deliveries: w.failed,
          success_rate: rate(w.successful, w.failed),
          average_response_time: w.avg_ms ?? 0,
        }))
        .sort((a, b) => String(a.webhook_id).localeCompare(String(b.webhook_id))),
    );
  };

  it('agree exactly with raw rows after inserts', async () => {
    expect(await rollupMismatches()).toEqual({ daily: [], times: [], counters: [] });
  });

  it('agree exactly after retries, completions, redeliveries, moves, webhook deletes and hard deletes', async () => {
    const [alpha, beta, gamma] = hooks;
    // Retries: many pending deliveries get a failed attempt in ONE statement (pending -> pending).
    await db.db.rows(
      `UPDATE deliveries SET attempts = attempts + 1, response_code = 503, response_time = 30 + (attempts * 11) % 90,
         delivered_at = created_at + interval '1 minute', next_attempt_at = now()
       WHERE account_id = $1 AND status = 'pending' AND webhook_id = ANY($2::uuid[])`,
      [accountId, [alpha.uuid, beta.uuid]],
    );
    // An update touching nothing the stats read (a lease) must change nothing.
    await db.db.rows(`UPDATE deliveries SET lease_until = now() WHERE account_id = $1`, [accountId]);
    // Completions in one statement: some pending succeed, some fail for good.
    await db.db.rows(
      `UPDATE deliveries SET status = CASE WHEN response_time % 2 = 0 THEN 'success' ELSE 'failed' END,
         response_code = CASE WHEN response_time % 2 = 0 THEN 200 ELSE 500 END, response_time = response_time + 5,
         delivered_at = delivered_at + interval '2 minutes'
       WHERE account_id = $1 AND status = 'pending' AND webhook_id = $2`,
      [accountId, alpha.uuid],
    );
    // A single-row completion, as the per-delivery worker path records it.
    await db.db.rows(
      `UPDATE deliveries SET status = 'success', response_code = 204, response_time = 77, attempts = attempts + 1
       WHERE id = (SELECT id FROM deliveries WHERE account_id = $1 AND status = 'pending' ORDER BY id LIMIT 1)`,
      [accountId],
    );
    // Redeliveries through the API: new delivery rows of the same events.
    const failed = await db.db.rows(
      `SELECT id FROM deliveries WHERE webhook_id = $1 AND status = 'failed' ORDER BY id LIMIT 3`,
      [beta.uuid],
    );
    for (const f of failed) {
      const publicId = `del_${f.id.replace(/-/g, '')}`;
      const res = await http.post(`/api/webhooks/${beta.publicId}/deliveries/${publicId}/redeliver`);
      expect(res.status).toBe(202);
    }
    // A delivery moved to another day, webhook and type (every rollup key changes).
    await db.db.rows(
      `UPDATE deliveries SET created_at = created_at - interval '3 days', webhook_id = $3, event_type = 'moved.type'
       WHERE id = (SELECT id FROM deliveries WHERE account_id = $1 AND webhook_id = $2 AND response_code IS NOT NULL ORDER BY id LIMIT 1)`,
      [accountId, alpha.uuid, beta.uuid],
    );
    // Deleting a webhook cancels its pending deliveries (status failed) in one statement.
    expect((await http.delete(`/api/webhooks/${gamma.publicId}`)).status).toBe(200);
    // Hard deletes are not a product path, but the rollups handle them too.
    await db.db.rows(
      `DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE account_id = $1 AND webhook_id = $2 ORDER BY id DESC LIMIT 15)`,
      [accountId, beta.uuid],
    );
    expect(await rollupMismatches()).toEqual({ daily: [], times: [], counters: [] });
  });

  it('agree exactly after their shards are folded, which leaves one row per key for past days', async () => {
    const spread = await db.db.rows(`SELECT 1 FROM delivery_stats_daily_by_webhook WHERE shard <> 0 LIMIT 1`);
    expect(spread.length).toBe(1);
    await compactRollups(db.db, 'everything');
    expect(await rollupMismatches()).toEqual({ daily: [], times: [], counters: [] });
    for (const table of [
      'webhook_delivery_counters',
      'delivery_stats_daily',
      'delivery_response_times_daily',
    ]) {
      expect(await db.db.rows(`SELECT 1 FROM ${table} WHERE shard <> 0`)).toEqual([]);
    }
  });

  it('answers the account report exactly as raw rows do, for windows with unaligned edges', async () => {
    // Rows span 2024-03-01 .. ~2024-03-24; windows start and end mid-day, mid-hour.
    await expectReportMatchesRaw('2024-03-02T10:17:23Z', '2024-03-05T15:42:10Z');
    await expectReportMatchesRaw('2024-03-01T00:00:00Z', '2024-03-31T00:00:00Z');
    await expectReportMatchesRaw('2024-03-03T23:59:59.999Z', '2024-03-21T00:00:00.001Z');
    await expectReportMatchesRaw('2024-03-04T06:00:00Z', '2024-03-04T18:30:00Z'); // no whole day
    await expectReportMatchesRaw(
      '2024-03-02T10:17:23Z',
      '2024-03-20T15:42:10Z',
      '&event_type=build.failed',
      `AND d.event_type = 'build.failed'`,
    );
    await expectReportMatchesRaw(
      '2024-03-02T10:17:23Z',
      '2024-03-20T15:42:10Z',
      '&project_id=p1',
      `AND d.webhook_id IN (SELECT id FROM webhooks WHERE project_id = 'p1')`,
    );
  });
});
