import { client, startApi, TestApi, TestDb } from '../support/platform';
import { counterMismatches } from '../support/raw-recount';

/** Known deliveries inserted straight into Postgres, so every figure of the report can be checked exactly. */
describe('stats', () => {
  let api: TestApi;
  let db: TestDb;
  let http: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;
  let webhookId: string;
  let accountId: string;

  const seed = async (
    acct: string,
    hook: string,
    rows: [string, string, string, number | null, number | null][],
  ) => {
    for (const [createdAt, type, status, code, ms] of rows) {
      await db.db.rows(
        `WITH ev AS (INSERT INTO events (id, account_id, type, data, created_at) VALUES (hookpost_uuid_v7(), $1, $3, '{}', $2) RETURNING id)
         INSERT INTO deliveries (id, account_id, webhook_id, event_id, event_type, status, attempts, response_code, response_time, created_at)
         SELECT hookpost_uuid_v7(), $1, $4, ev.id, $3, $5, 1, $6, $7, $2 FROM ev`,
        [acct, createdAt, type, hook, status, code, ms],
      );
    }
  };

  beforeAll(async () => {
    db = await TestDb.open();
    api = await startApi();
    const a = await db.createAccount();
    const b = await db.createAccount();
    accountId = a.accountId;
    http = client(api.baseUrl, a.apiKey);
    other = client(api.baseUrl, b.apiKey);
    const created = await http.post('/api/webhooks', {
      url: 'http://127.0.0.1:9/x',
      events: ['*'],
      name: 'stats',
    });
    webhookId = created.body.webhook_id;
    const uuid = (await db.db.rows(`SELECT id FROM webhooks WHERE account_id = $1`, [accountId]))[0].id;
    await seed(accountId, uuid, [
      ['2024-01-01T00:00:00Z', 'build.completed', 'success', 200, 100],
      ['2024-01-01T23:59:59.999Z', 'build.completed', 'success', 200, 200],
      ['2024-01-02T00:00:00Z', 'build.failed', 'failed', 500, 300],
      ['2024-01-02T10:00:00Z', 'build.failed', 'failed', null, null], // network error: no response time
      ['2024-01-02T11:00:00Z', 'build.completed', 'success', 204, 400],
      ['2024-01-04T08:00:00Z', 'build.completed', 'pending', null, null],
      ['2024-01-08T00:00:00Z', 'build.completed', 'success', 200, 1000], // the next Monday
    ]);
    // Another account's deliveries in the same window are never counted.
    await other.post('/api/webhooks', { url: 'http://127.0.0.1:9/x', events: ['*'], name: 'x' });
    const foreignUuid = (await db.db.rows(`SELECT id FROM webhooks WHERE account_id = $1`, [b.accountId]))[0]
      .id;
    await seed(b.accountId, foreignUuid, [['2024-01-01T05:00:00Z', 'build.completed', 'failed', 500, 50]]);
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  it('reports daily buckets, zero-filled, with exact overall figures', async () => {
    const res = await http.get(
      `/api/webhooks/${webhookId}/stats?period=day&start_date=2024-01-01T00:00:00Z&end_date=2024-01-07T23:59:59Z`,
    );
    expect(res.status).toBe(200);
    expect(res.body.webhook_id).toBe(webhookId);
    expect(res.body.period).toBe('day');
    expect(res.body.overall_stats).toEqual({
      total_deliveries: 6,
      successful_deliveries: 3,
      failed_deliveries: 2,
      pending_deliveries: 1,
      success_rate: 60,
      average_response_time: 250,
      median_response_time: 250,
      p95_response_time: 385,
    });
    expect(res.body.daily_stats.map((d: { date: string }) => d.date)).toEqual([
      '2024-01-01',
      '2024-01-02',
      '2024-01-03',
      '2024-01-04',
      '2024-01-05',
      '2024-01-06',
      '2024-01-07',
    ]);
    expect(res.body.daily_stats[0]).toEqual({
      date: '2024-01-01',
      total_deliveries: 2,
      successful_deliveries: 2,
      failed_deliveries: 0,
      success_rate: 100,
      average_response_time: 150,
    });
    expect(res.body.daily_stats[1]).toEqual({
      date: '2024-01-02',
      total_deliveries: 3,
      successful_deliveries: 1,
      failed_deliveries: 2,
      success_rate: 33.33,
      average_response_time: 350,
    });
    expect(res.body.daily_stats[2]).toEqual({
      date: '2024-01-03',
      total_deliveries: 0,
      successful_deliveries: 0,
      failed_deliveries: 0,
      success_rate: 0,
      average_response_time: 0,
    });
    expect(res.body.event_type_stats).toEqual([
      {
        event_type: 'build.completed',
        total_deliveries: 4,
        successful_deliveries: 3,
        failed_deliveries: 0,
        success_rate: 100,
      },
      {
        event_type: 'build.failed',
        total_deliveries: 2,
        successful_deliveries: 0,
        failed_deliveries: 2,
        success_rate: 0,
      },
    ]);
  });

  it('buckets hours at UTC boundaries, weeks from Monday, months', async () => {
    const hours = await http.get(
      `/api/webhooks/${webhookId}/stats?period=hour&start_date=2024-01-01T23:30:00Z&end_date=2024-01-02T01:00:00Z`,
    );
    expect(
      hours.body.hourly_stats.map((h: { date: string; total_deliveries: number }) => [
        h.date,
        h.total_deliveries,
      ]),
    ).toEqual([
      ['2024-01-01T23:00:00Z', 1], // the bucket holding start_date comes first
      ['2024-01-02T00:00:00Z', 1],
      ['2024-01-02T01:00:00Z', 0],
    ]);
    const weeks = await http.get(
      `/api/webhooks/${webhookId}/stats?period=week&start_date=2024-01-03T00:00:00Z&end_date=2024-01-10T00:00:00Z`,
    );
    expect(
      weeks.body.weekly_stats.map((w: { date: string; total_deliveries: number }) => [
        w.date,
        w.total_deliveries,
      ]),
    ).toEqual([
      ['2024-01-01', 1],
      ['2024-01-08', 1],
    ]);
    const months = await http.get(
      `/api/webhooks/${webhookId}/stats?period=month&start_date=2023-12-15T00:00:00Z&end_date=2024-01-31T00:00:00Z`,
    );
    expect(
      months.body.monthly_stats.map((m: { date: string; total_deliveries: number }) => [
        m.date,
        m.total_deliveries,
      ]),
    ).toEqual([
      ['2023-12', 0],
      ['2024-01', 7],
    ]);
  });

  it('answers the account-wide report with per-webhook figures, own deliveries only', async () => {
    const res = await http.get(
      '/api/stats?period=month&start_date=2024-01-01T00:00:00Z&end_date=2024-01-31T00:00:00Z',
    );
    expect(res.status).toBe(200);
    expect(res.body.overall_stats.total_deliveries).toBe(7);
    expect(res.body.webhook_stats).toEqual([
      {
        webhook_id: webhookId,
        name: 'stats',
        total_deliveries: 7,
        successful_deliveries: 4,
        failed_deliveries: 2,
        success_rate: 66.67,
        average_response_time: 400,
      },
    ]);
    const filtered = await http.get(
      '/api/stats?period=month&start_date=2024-01-01T00:00:00Z&end_date=2024-01-31T00:00:00Z&event_type=build.failed',
    );
    expect(filtered.body.overall_stats.total_deliveries).toBe(2);
  });

  it('refuses bad periods and ranges with 400, and another account gets 404', async () => {
    expect((await http.get(`/api/webhooks/${webhookId}/stats?period=year`)).status).toBe(400);
    expect((await http.get(`/api/webhooks/${webhookId}/stats?start_date=yesterday`)).status).toBe(400);
    expect(
      (
        await http.get(
          `/api/webhooks/${webhookId}/stats?start_date=2024-02-01T00:00:00Z&end_date=2024-01-01T00:00:00Z`,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await http.get(
          `/api/webhooks/${webhookId}/stats?period=hour&start_date=2022-01-01T00:00:00Z&end_date=2024-01-01T00:00:00Z`,
        )
      ).status,
    ).toBe(400);
    expect((await other.get(`/api/webhooks/${webhookId}/stats`)).status).toBe(404);
  });

  it('defaults to day over the last 7 days', async () => {
    const res = await http.get(`/api/webhooks/${webhookId}/stats`);
    expect(res.body.period).toBe('day');
    expect(res.body.daily_stats).toHaveLength(8);
    expect(new Date(res.body.end_date).getTime() - new Date(res.body.start_date).getTime()).toBe(
      7 * 86_400_000,
    );
  });

  it('keeps lifetime counters that agree exactly with a recomputation from raw rows', async () => {
    const uuid = (await db.db.rows(`SELECT id FROM webhooks WHERE account_id = $1`, [accountId]))[0].id;
    // Transitions the worker and the API make: a retry moving response figures, a success, a cancel.
    await db.db.rows(
      `UPDATE deliveries SET response_code = 503, response_time = 70, delivered_at = '2024-01-09T00:00:00Z'
       WHERE webhook_id = $1 AND status = 'pending'`,
      [uuid],
    );
    await db.db.rows(
      `UPDATE deliveries SET status = 'success', response_code = 200, response_time = 90 WHERE webhook_id = $1 AND status = 'pending'`,
      [uuid],
    );
    await db.db.rows(
      `UPDATE deliveries SET status = 'failed', error = 'webhook deleted' WHERE webhook_id = $1 AND event_type = 'build.failed'`,
      [uuid],
    );
    const mismatches = await counterMismatches(db.db);
    expect(mismatches).toEqual([]);
    const list = await http.get('/api/webhooks');
    expect(list.body.webhooks[0].stats).toEqual({
      total_deliveries: 7,
      successful_deliveries: 5,
      failed_deliveries: 2,
      last_delivery: '2024-01-09T00:00:00.000Z',
      success_rate: 71.43,
    });
  });
});
