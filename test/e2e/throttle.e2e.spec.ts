import { INestApplicationContext } from '@nestjs/common';
import { newUuid } from '@hookpost/core/ids/ids';
import { windowOf } from '@hookpost/core/throttle/throttle';
import { ThrottleWindowsRepository } from '@hookpost/core/throttle/throttle-windows.repository';
import { eventually } from '../support/eventually';
import { client, startApi, startWorker, TestApi, TestDb } from '../support/platform';
import { Receiver } from '../support/receiver';

type Http = ReturnType<typeof client>;
type Res = Awaited<ReturnType<Http['get']>>;

const WINDOW = 10;
// A window ends, then the sweeper (every 500 ms in tests) makes the digest: allow a full window and more.
const DIGEST_WAIT = { timeoutMs: 2 * WINDOW * 1000 + 5000, intervalMs: 100 };

function expectBadRequest(res: Res, ...fields: string[]) {
  expect(res.status).toBe(400);
  expect(res.body).toEqual(expect.objectContaining({ statusCode: 400, error: 'Bad Request' }));
  const messages: string[] = Array.isArray(res.body.message) ? res.body.message : [res.body.message];
  for (const field of fields) {
    if (!messages.some((m) => m.includes(field)))
      throw new Error(`expected a message naming "${field}", got ${JSON.stringify(messages)}`);
  }
}

/** Waits (polling, bounded) until at least `needSeconds` remain in the current window, so a burst fits in one. */
async function startOfWindow(needSeconds = 6): Promise<void> {
  await eventually(() => windowOf(new Date(), WINDOW).end.getTime() - Date.now() >= needSeconds * 1000, {
    timeoutMs: (WINDOW + 1) * 1000,
    what: 'a fresh throttle window',
  });
}

/** All events of a burst must share one window, or the expected counts do not apply. */
function expectOneWindow(timestamps: string[]) {
  const starts = new Set(timestamps.map((t) => windowOf(new Date(t), WINDOW).start.getTime()));
  expect(starts.size).toBe(1);
}

const alertmanager = (alertname: string, n: number) => ({
  version: '4',
  status: 'firing',
  receiver: 'hookpost',
  groupLabels: { alertname },
  commonLabels: { alertname, severity: 'critical' },
  externalURL: 'http://alertmanager:9093',
  alerts: Array.from({ length: n }, (_, i) => ({
    status: 'firing',
    labels: { instance: `redis-${i}:6379`, job: 'redis' },
    annotations: { summary: 'Redis down' },
  })),
});

describe('alert-storm control (throttle and digest)', () => {
  let api: TestApi;
  // Two workers, so two digest sweepers race for every ended window.
  let workers: INestApplicationContext[];
  let db: TestDb;
  let http: Http;
  const receiver = new Receiver();

  beforeAll(async () => {
    db = await TestDb.open();
    api = await startApi();
    workers = [await startWorker(), await startWorker()];
    await receiver.start();
    http = client(api.baseUrl, (await db.createAccount('throttle-e2e')).apiKey);
  });
  afterAll(async () => {
    for (const w of workers ?? []) await w.close();
    await api?.close();
    await receiver.stop();
    await db?.close();
  });

  // Each storm gets an account of its own, so no other test's webhooks take its events.
  const ownAccount = async () => {
    http = client(api.baseUrl, (await db.createAccount('throttle-e2e')).apiKey);
  };
  const at = (path: string) => receiver.requests.filter((r) => r.path === path);
  const hook = async (path: string, extra: Record<string, unknown>) => {
    const res = await http.post('/api/webhooks', { url: `${receiver.url}${path}`, name: path, ...extra });
    expect(res.status).toBe(201);
    return res.body as { webhook_id: string; throttle?: unknown };
  };

  describe('validation', () => {
    const create = (throttle: unknown) =>
      http.post('/api/webhooks', { url: `${receiver.url}/v`, events: ['*'], name: 'v', throttle });

    it.each([
      [{ limit: 0, window: 60 }, 'throttle.limit must be an integer from 1 to 1000'],
      [{ limit: 1001, window: 60 }, 'throttle.limit'],
      [{ limit: 2.5, window: 60 }, 'throttle.limit'],
      [{ limit: '3', window: 60 }, 'throttle.limit'],
      [{ window: 60 }, 'throttle.limit'],
      [{ limit: 3, window: 9 }, 'throttle.window must be a whole number of seconds from 10 to 86400'],
      [{ limit: 3, window: 86401 }, 'throttle.window'],
      [{ limit: 3 }, 'throttle.window'],
      [{ limit: 3, window: 60, key: 'alertname' }, 'throttle.key must be a dotted path into the event data'],
      [{ limit: 3, window: 60, key: 'data.a b' }, 'throttle.key segment "a b"'],
      [{ limit: 3, window: 60, key: 42 }, 'throttle.key'],
      ['often', 'throttle'],
    ])('refuses %j', async (throttle, message) => {
      expectBadRequest(await create(throttle), message);
    });

    it('is described in the OpenAPI document', async () => {
      const doc = await client(api.baseUrl).get('/api/docs-json');
      const schemas = doc.body.components.schemas;
      expect(schemas.ThrottleDto.required).toEqual(['limit', 'window']);
      expect(schemas.ThrottleDto.properties).toMatchObject({
        limit: { minimum: 1, maximum: 1000 },
        window: { minimum: 10, maximum: 86400 },
        key: { example: 'data.alert_name' },
      });
      expect(JSON.stringify(schemas.CreateWebhookDto.properties.throttle)).toContain('ThrottleDto');
    });

    it('names every bad field at once', async () => {
      expectBadRequest(
        await create({ limit: 0, window: 5, key: 'x' }),
        'throttle.limit',
        'throttle.window',
        'throttle.key',
      );
    });

    it('accepts the edges and echoes the stored throttle', async () => {
      const low = await create({ limit: 1, window: 10 });
      expect(low.status).toBe(201);
      expect(low.body.throttle).toEqual({ limit: 1, window: 10 });
      const high = await create({
        limit: 1000,
        window: 86400,
        key: 'data.labels.alertname',
        extra: 'dropped',
      });
      expect(high.status).toBe(201);
      expect(high.body.throttle).toEqual({ limit: 1000, window: 86400, key: 'data.labels.alertname' });
      const none = await create(null);
      expect(none.status).toBe(201);
      expect(none.body).not.toHaveProperty('throttle');
    });

    it('updates as a whole, removes with null, and a rejected update changes nothing', async () => {
      const created = await create({ limit: 5, window: 60, key: 'data.alert_name' });
      const path = `/api/webhooks/${created.body.webhook_id}`;
      expectBadRequest(
        await http.put(path, { name: 'renamed', throttle: { limit: 5, window: 1 } }),
        'throttle.window',
      );
      let now = await http.get(path);
      expect(now.body.name).toBe('v');
      expect(now.body.throttle).toEqual({ limit: 5, window: 60, key: 'data.alert_name' });

      const changed = await http.put(path, { throttle: { limit: 2, window: 30 } });
      expect(changed.status).toBe(200);
      expect(changed.body.throttle).toEqual({ limit: 2, window: 30 });
      expect((await http.put(path, { name: 'other' })).body.throttle).toEqual({ limit: 2, window: 30 });

      expect((await http.put(path, { throttle: null })).status).toBe(200);
      now = await http.get(path);
      expect(now.body).not.toHaveProperty('throttle');
    });
  });

  it('delivers the first `limit` events of a storm, then one digest counting the rest when the window ends', async () => {
    await ownAccount();
    const created = await hook('/storm', {
      events: ['build.failed'],
      throttle: { limit: 3, window: WINDOW },
    });
    await hook('/unthrottled', { events: ['build.failed'] });
    await startOfWindow();
    const answers: Res[] = [];
    for (let i = 0; i < 15; i++)
      answers.push(await http.post('/api/events', { event: 'build.failed', data: { n: i } }));
    expect(answers.map((a) => a.status)).toEqual(Array(15).fill(202));
    expectOneWindow(answers.map((a) => a.body.timestamp));
    // The 202 counts real deliveries only: the unthrottled hook always, the throttled one 3 times.
    expect(answers.map((a) => a.body.deliveries)).toEqual([...Array(3).fill(2), ...Array(12).fill(1)]);

    await eventually(() => at('/storm').length === 3 && at('/unthrottled').length === 15, {
      what: 'normal deliveries',
    });
    const digest = await eventually(() => at('/storm')[3], { ...DIGEST_WAIT, what: 'the digest' });
    const body = JSON.parse(digest.body);
    const start = windowOf(new Date(answers[0].body.timestamp), WINDOW).start;
    expect(body).toEqual({
      event: 'build.failed',
      timestamp: expect.any(String),
      webhook_id: created.webhook_id,
      delivery_id: expect.stringMatching(/^del_/),
      data: {
        digest: {
          suppressed: 12,
          delivered: 3,
          limit: 3,
          key: null,
          event_type: 'build.failed',
          window_seconds: WINDOW,
          window_start: start.toISOString(),
          window_end: new Date(start.getTime() + WINDOW * 1000).toISOString(),
          event_ids: answers.slice(3).map((a) => a.body.event_id),
        },
        summary: '12 more build.failed events in the last 10 s',
      },
    });
    // A normal, signed delivery: the webhook-id is the digest event's id.
    expect(digest.headers['x-trae-signature-256']).toMatch(/^sha256=/);
    expect(digest.headers['webhook-id']).toMatch(/^event_/);
    expect(Date.parse(body.timestamp)).toBeGreaterThanOrEqual(start.getTime() + WINDOW * 1000);

    // History and stats see 4 deliveries; two racing sweepers still made only one digest.
    await eventually(
      async () => {
        const h = await http.get(`/api/webhooks/${created.webhook_id}/deliveries`);
        return h.body.total === 4 && h.body.stats.successful_deliveries === 4;
      },
      { what: 'history of 4' },
    );
    const digestEvent = await http.get(`/api/events/${digest.headers['webhook-id']}`);
    expect(digestEvent.body.deliveries).toHaveLength(1);
    expect(at('/storm')).toHaveLength(4);
    const windows = await db.db.rows(
      `SELECT count(*)::int AS n, count(digest_event_id)::int AS digested FROM throttle_windows t
       JOIN webhooks w ON w.id = t.webhook_id WHERE w.name = '/storm'`,
    );
    expect(windows[0]).toEqual({ n: 1, digested: 1 });
    // The digest can be redelivered like any delivery.
    const del = body.delivery_id as string;
    const again = await http.post(`/api/webhooks/${created.webhook_id}/deliveries/${del}/redeliver`);
    expect(again.status).toBe(202);
    await eventually(() => at('/storm').length === 5, { what: 'redelivered digest' });
    expect(JSON.parse(at('/storm')[4].body).data).toEqual(body.data);
  });

  it('counts each key value separately and makes no digest for a key under its limit', async () => {
    await ownAccount();
    const created = await hook('/keys', {
      events: ['alert.firing'],
      throttle: { limit: 2, window: WINDOW, key: 'data.alert_name' },
    });
    await startOfWindow();
    const send = (alert_name: string) =>
      http.post('/api/events', { event: 'alert.firing', data: { alert_name, severity: 'critical' } });
    const answers: Res[] = [];
    for (let i = 0; i < 5; i++) answers.push(await send('DiskFull'));
    for (let i = 0; i < 2; i++) answers.push(await send('HighLatency'));
    answers.push(await http.post('/api/events', { event: 'alert.firing', data: { other: true } }));
    expectOneWindow(answers.map((a) => a.body.timestamp));
    expect(answers.map((a) => a.body.deliveries)).toEqual([1, 1, 0, 0, 0, 1, 1, 1]);
    await eventually(() => at('/keys').length === 5, { what: 'five normal deliveries' });

    const digest = await eventually(() => at('/keys')[5], { ...DIGEST_WAIT, what: 'the DiskFull digest' });
    const data = JSON.parse(digest.body).data;
    expect(data.digest).toMatchObject({ suppressed: 3, delivered: 2, key: 'DiskFull' });
    expect(data.summary).toBe('3 more alerts of DiskFull in the last 10 s');
    // HighLatency stayed within its limit and the keyless event has its own bucket: no more digests.
    const rows = await db.db.rows(
      `SELECT key, events_seen, digest_event_id IS NOT NULL AS digested FROM throttle_windows
       WHERE webhook_id = (SELECT id FROM webhooks WHERE name = '/keys') ORDER BY key`,
    );
    expect(rows).toEqual([
      { key: '', events_seen: 1, digested: false },
      { key: 'DiskFull', events_seen: 5, digested: true },
      { key: 'HighLatency', events_seen: 2, digested: false },
    ]);
    expect(at('/keys')).toHaveLength(6);
    const history = await http.get(`/api/webhooks/${created.webhook_id}/deliveries`);
    expect(history.body.total).toBe(6);
  });

  it('reads keys from data holding \\u0000, which Postgres cannot turn into text', async () => {
    await ownAccount();
    await hook('/nul', {
      events: ['alert.firing'],
      throttle: { limit: 1, window: WINDOW, key: 'data.alert_name' },
    });
    await startOfWindow(3);
    const send = () =>
      http.post('/api/events', { event: 'alert.firing', data: { alert_name: 'Disk\u0000Full' } });
    const answers = [await send(), await send()];
    expectOneWindow(answers.map((a) => a.body.timestamp));
    expect(answers.map((a) => [a.status, a.body.deliveries])).toEqual([
      [202, 1],
      [202, 0],
    ]);
    const rows = await db.db.rows(
      `SELECT key FROM throttle_windows WHERE webhook_id = (SELECT id FROM webhooks WHERE name = '/nul')`,
    );
    expect(rows).toEqual([{ key: 'DiskFull' }]);
  });

  it('throttles an Alertmanager storm by alert name and posts the digest as a Slack message', async () => {
    await ownAccount();
    await hook('/slack', {
      events: ['alert.*'],
      format: 'slack',
      template: { title: 'Alert {{data.alert_name}}' },
      throttle: { limit: 2, window: WINDOW, key: 'data.alert_name' },
    });
    await startOfWindow();
    const first = await http.post('/api/sources/alertmanager', alertmanager('RedisConnectionFailed', 9));
    const second = await http.post('/api/sources/alertmanager', alertmanager('RedisConnectionFailed', 5));
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const events = [...first.body.events, ...second.body.events];
    expectOneWindow(events.map((e: { timestamp: string }) => e.timestamp));
    expect(events.map((e: { deliveries: number }) => e.deliveries)).toEqual([1, 1, ...Array(12).fill(0)]);
    await eventually(() => at('/slack').length === 2, { what: 'two alert messages' });
    for (const post of at('/slack')) expect(JSON.parse(post.body).text).toBe('Alert RedisConnectionFailed');

    const digest = await eventually(() => at('/slack')[2], { ...DIGEST_WAIT, what: 'the Slack digest' });
    expect(digest.headers['content-type']).toBe('application/json');
    expect(digest.headers['x-trae-signature-256']).toBeUndefined();
    const message = JSON.parse(digest.body);
    expect(message.text).toBe('⚠️ 12 more alerts of RedisConnectionFailed in the last 10 s');
    expect(message.attachments[0].color).toBe('#ecb22e');
    const blocks = JSON.stringify(message.attachments[0].blocks);
    expect(blocks).toContain('*Suppressed*\\n12');
    expect(blocks).toContain('*Delivered*\\n2');
    expect(at('/slack')).toHaveLength(3);
  });

  it('delivers a digest whose job was lost between commit and enqueue, through the reconciler', async () => {
    await ownAccount();
    const created = await hook('/crash', {
      events: ['build.failed'],
      throttle: { limit: 1, window: WINDOW },
    });
    for (const w of workers) await w.close();
    workers = [];
    await startOfWindow();
    const answers: Res[] = [];
    for (let i = 0; i < 3; i++)
      answers.push(await http.post('/api/events', { event: 'build.failed', data: { n: i } }));
    expectOneWindow(answers.map((a) => a.body.timestamp));
    const end = windowOf(new Date(answers[0].body.timestamp), WINDOW).end.getTime();
    await eventually(() => Date.now() > end, { timeoutMs: (WINDOW + 1) * 1000, what: 'the window to end' });

    // What a sweeper that dies right after its commit leaves behind: a pending digest with no job.
    const windows = new ThrottleWindowsRepository(db.db);
    const [hookRow] = await db.db.rows(`SELECT id FROM webhooks WHERE name = '/crash'`);
    const due = (await windows.dueDigests(100)).filter((w) => w.webhook_id === hookRow.id);
    expect(due).toHaveLength(1);
    expect(await windows.createDigest(due[0], newUuid())).not.toBeNull();
    expect(await windows.createDigest(due[0], newUuid())).toBeNull();

    workers = [await startWorker()];
    const digest = await eventually(() => at('/crash').find((r) => r.body.includes('"digest"')), {
      ...DIGEST_WAIT,
      what: 'the reconciled digest',
    });
    expect(JSON.parse(digest.body).data.digest).toMatchObject({ suppressed: 2, delivered: 1 });
    await eventually(() => at('/crash').length === 2, { what: 'the first event too' });
    const history = await http.get(`/api/webhooks/${created.webhook_id}/deliveries`);
    expect(history.body.total).toBe(2);
  });
});
