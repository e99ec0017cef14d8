import { createHmac, timingSafeEqual } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { fromPublicId } from '@hookpost/core/ids/ids';
import { client, startApi, startWorker, TestApi, TestDb } from '../support/platform';
import { ReceivedRequest, Receiver } from '../support/receiver';
import { eventually } from '../support/eventually';

type Http = ReturnType<typeof client>;

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function headersOf(req: ReceivedRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** The seed's receiver snippet: HMAC-SHA256 over the raw body, compared with 'sha256=' stripped. */
function verifyTraeSignature(req: ReceivedRequest, secret: string): boolean {
  const header = headersOf(req)['x-trae-signature-256'] ?? '';
  const expected = createHmac('sha256', secret).update(req.rawBody.toString('utf8'), 'utf8').digest('hex');
  const given = header.replace(/^sha256=/, '');
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

describe('delivery: publish, receiver contract, history, redeliver, recover, test', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let db: TestDb;
  const receivers: Receiver[] = [];

  async function newReceiver(): Promise<Receiver> {
    const r = await new Receiver().start();
    receivers.push(r);
    return r;
  }

  async function newAccount(): Promise<Http> {
    const { apiKey } = await db.createAccount();
    return client(api.baseUrl, apiKey);
  }

  async function createWebhook(http: Http, body: Record<string, unknown>) {
    const res = await http.post('/api/webhooks', { name: 'hook', events: ['*'], ...body });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function waitDelivery(http: Http, webhookId: string, deliveryId: string, status: string) {
    return eventually(
      async () => {
        const d = await http.get(`/api/webhooks/${webhookId}/deliveries/${deliveryId}`);
        return d.status === 200 && d.body.status === status ? d.body : undefined;
      },
      { what: `delivery ${deliveryId} ${status}` },
    );
  }

  beforeAll(async () => {
    db = await TestDb.open();
    api = await startApi();
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    for (const r of receivers) await r.stop();
    await db?.close();
  });

  describe('what a receiver gets', () => {
    it('signs with a generated whsec_ secret: both schemes verify, headers and body are as documented', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      const hook = await createWebhook(http, {
        url: `${rx.url}/hook`,
        events: ['build.completed'],
        headers: { 'X-Custom-One': 'alpha', Authorization: 'Bearer downstream' },
      });
      expect(hook.secret).toMatch(/^whsec_/);
      const data = { build_id: 'b-1', nested: { n: 1, s: 'ünïcødé ✓' }, list: [1, 2, 3] };
      const pub = await http.post('/api/events', { event: 'build.completed', data });
      expect(pub.status).toBe(202);
      await eventually(() => rx.requests.length === 1, { what: 'one request' });
      const req = rx.requests[0];
      const h = headersOf(req);

      expect(req.method).toBe('POST');
      expect(req.path).toBe('/hook');
      expect(verifyTraeSignature(req, hook.secret)).toBe(true);
      expect(verifyTraeSignature(req, hook.secret + 'x')).toBe(false);
      expect(h['x-trae-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(() => new Webhook(hook.secret).verify(req.rawBody.toString(), h)).not.toThrow();

      const body = JSON.parse(req.body);
      expect(Object.keys(body).sort()).toEqual(['data', 'delivery_id', 'event', 'timestamp', 'webhook_id']);
      expect(body.event).toBe('build.completed');
      expect(body.data).toEqual(data);
      expect(body.webhook_id).toBe(hook.webhook_id);
      expect(body.delivery_id).toMatch(/^del_/);
      expect(body.timestamp).toBe(pub.body.timestamp);

      expect(h['content-type']).toMatch(/^application\/json/);
      expect(h['user-agent']).toBe('Trae-Webhooks/1.0');
      expect(h['x-trae-event']).toBe('build.completed');
      expect(h['x-trae-delivery']).toBe(body.delivery_id);
      expect(h['x-trae-webhook-id']).toBe(hook.webhook_id);
      expect(h['x-trae-timestamp']).toMatch(/^\d+$/);
      expect(Math.abs(Number(h['x-trae-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
      expect(h['webhook-id']).toBe(pub.body.event_id);
      expect(h['webhook-id']).toMatch(/^event_/);
      expect(h['webhook-timestamp']).toMatch(/^\d+$/);
      expect(h['webhook-signature']).toMatch(/^v1,/);
      expect(h['x-custom-one']).toBe('alpha');
      expect(h['authorization']).toBe('Bearer downstream');
    });

    it('signs with a user-given secret: Standard Webhooks key is the UTF-8 bytes of the secret', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      const secret = 'my-own-secret-ü-1234';
      const hook = await createWebhook(http, { url: `${rx.url}/u`, secret });
      expect(hook.secret).toBe(secret);
      const pub = await http.post('/api/events', { event: 'user.login', data: { user: 'u1' } });
      expect(pub.status).toBe(202);
      await eventually(() => rx.requests.length === 1, { what: 'one request' });
      const req = rx.requests[0];
      const h = headersOf(req);
      expect(verifyTraeSignature(req, secret)).toBe(true);
      expect(() =>
        new Webhook(new Uint8Array(Buffer.from(secret, 'utf8')), { format: 'raw' }).verify(
          req.rawBody.toString(),
          h,
        ),
      ).not.toThrow();
      expect(() =>
        new Webhook(new Uint8Array(Buffer.from('other-secret', 'utf8')), { format: 'raw' }).verify(
          req.rawBody.toString(),
          h,
        ),
      ).toThrow();
      expect(h['webhook-id']).toBe(pub.body.event_id);
      expect(JSON.parse(req.body).data).toEqual({ user: 'u1' });
    });
  });

  describe('POST /api/events', () => {
    it('answers 202 with the documented shape and GET /api/events/{id} returns data and deliveries', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      const hook = await createWebhook(http, { url: `${rx.url}/e` });
      const pub = await http.post('/api/events', {
        event: 'deployment.started',
        data: { a: 1 },
        project_id: 'p1',
      });
      expect(pub.status).toBe(202);
      expect(Object.keys(pub.body).sort()).toEqual([
        'deliveries',
        'event',
        'event_id',
        'project_id',
        'timestamp',
      ]);
      expect(pub.body.event_id).toMatch(/^event_/);
      expect(pub.body.event).toBe('deployment.started');
      expect(pub.body.project_id).toBe('p1');
      expect(pub.body.timestamp).toMatch(ISO_MS);
      expect(pub.body.deliveries).toBe(1);

      const ev = await eventually(async () => {
        const r = await http.get(`/api/events/${pub.body.event_id}`);
        return r.body?.deliveries?.[0]?.status === 'success' ? r : undefined;
      });
      expect(ev.status).toBe(200);
      expect(ev.body).toMatchObject({
        event_id: pub.body.event_id,
        event: 'deployment.started',
        project_id: 'p1',
        timestamp: pub.body.timestamp,
        data: { a: 1 },
      });
      expect(ev.body.deliveries).toEqual([
        {
          delivery_id: expect.stringMatching(/^del_/),
          webhook_id: hook.webhook_id,
          status: 'success',
          attempts: 1,
        },
      ]);
    });

    it('fans out by exact type, family wildcard, *, active flag and project', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      const mk = (path: string, extra: Record<string, unknown>) =>
        createWebhook(http, { url: `${rx.url}/${path}`, ...extra });
      const exact = await mk('exact', { events: ['build.completed'] });
      const family = await mk('family', { events: ['build.*'] });
      const star = await mk('star', { events: ['*'] });
      await mk('other', { events: ['user.login'] });
      await mk('inactive', { events: ['*'], active: false });
      const projA = await mk('projA', { events: ['*'], project_id: 'proj-a' });
      await mk('projB', { events: ['*'], project_id: 'proj-b' });

      const pub = await http.post('/api/events', {
        event: 'build.completed',
        data: { x: 1 },
        project_id: 'proj-a',
      });
      expect(pub.status).toBe(202);
      expect(pub.body.deliveries).toBe(4);
      await eventually(() => rx.requests.length >= 4, { what: 'four requests' });

      const pub2 = await http.post('/api/events', { event: 'build.started', data: { x: 2 } });
      expect(pub2.body.deliveries).toBe(2); // family + star; not project webhooks
      await eventually(() => rx.requests.length >= 6, { what: 'six requests' });

      const ev = await http.get(`/api/events/${pub.body.event_id}`);
      expect(ev.body.deliveries.map((d: { webhook_id: string }) => d.webhook_id).sort()).toEqual(
        [exact.webhook_id, family.webhook_id, star.webhook_id, projA.webhook_id].sort(),
      );
      const ev2 = await http.get(`/api/events/${pub2.body.event_id}`);
      expect(ev2.body.deliveries.map((d: { webhook_id: string }) => d.webhook_id).sort()).toEqual(
        [family.webhook_id, star.webhook_id].sort(),
      );
      // Settle: nothing more arrives.
      await eventually(
        async () => {
          const a = await http.get(`/api/events/${pub.body.event_id}`);
          const b = await http.get(`/api/events/${pub2.body.event_id}`);
          return [...a.body.deliveries, ...b.body.deliveries].every(
            (d: { status: string }) => d.status === 'success',
          );
        },
        { what: 'all success' },
      );
      const paths = rx.requests.map((r) => r.path).sort();
      expect(paths).toEqual(['/exact', '/family', '/family', '/projA', '/star', '/star']);
    });

    it('rejects unknown types (422), test.ping (422) and missing data (400)', async () => {
      const http = await newAccount();
      const unknown = await http.post('/api/events', { event: 'no.such.type', data: {} });
      expect(unknown.status).toBe(422);
      const ping = await http.post('/api/events', { event: 'test.ping', data: {} });
      expect(ping.status).toBe(422);
      const missing = await http.post('/api/events', { event: 'build.completed' });
      expect(missing.status).toBe(400);
      expect(JSON.stringify(missing.body.message)).toContain('data');
    });

    it('replays the first answer for the same Idempotency-Key and creates nothing', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      const hook = await createWebhook(http, { url: `${rx.url}/idem` });
      const key = `idem-${Date.now()}`;
      const first = await http.post(
        '/api/events',
        { event: 'user.login', data: { n: 1 } },
        { 'Idempotency-Key': key },
      );
      const second = await http.post(
        '/api/events',
        { event: 'user.login', data: { n: 1 } },
        { 'Idempotency-Key': key },
      );
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect(second.body.event_id).toBe(first.body.event_id);
      expect(second.body).toEqual(first.body);
      await eventually(async () => {
        const ev = await http.get(`/api/events/${first.body.event_id}`);
        return ev.body.deliveries[0]?.status === 'success';
      });
      const ev = await http.get(`/api/events/${first.body.event_id}`);
      expect(ev.body.deliveries).toHaveLength(1);
      const hist = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries`);
      expect(hist.body.total).toBe(1);
      expect(rx.requests).toHaveLength(1);
    });
  });

  describe('concurrent ingest (many events share one statement)', () => {
    it('gives every event its own deliveries, and one event to a key repeated in the same burst', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      const hook = await createWebhook(http, { url: `${rx.url}/burst`, events: ['user.login'] });
      const key = `burst-${Date.now()}`;
      const [plain, keyed] = await Promise.all([
        Promise.all(
          Array.from({ length: 30 }, (_, n) =>
            http.post('/api/events', { event: 'user.login', data: { n } }),
          ),
        ),
        Promise.all(
          Array.from({ length: 5 }, () =>
            http.post(
              '/api/events',
              { event: 'user.login', data: { keyed: true } },
              { 'Idempotency-Key': key },
            ),
          ),
        ),
      ]);
      expect(plain.map((r) => r.status)).toEqual(Array(30).fill(202));
      expect(plain.every((r) => r.body.deliveries === 1)).toBe(true);
      expect(new Set(plain.map((r) => r.body.event_id)).size).toBe(30);
      expect(keyed.map((r) => r.status)).toEqual(Array(5).fill(202));
      expect(new Set(keyed.map((r) => r.body.event_id)).size).toBe(1);
      await eventually(async () => rx.requests.length >= 31, { what: '31 deliveries' });
      const hist = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries?limit=100`);
      expect(hist.body.total).toBe(31);
      const sent = rx.requests.map((r) => JSON.parse(r.body).data);
      expect(sent.filter((d) => d.keyed)).toHaveLength(1);
      expect(
        sent
          .filter((d) => d.n !== undefined)
          .map((d) => d.n)
          .sort((a, b) => a - b),
      ).toEqual(Array.from({ length: 30 }, (_, n) => n));
    });
  });

  describe('POST /api/webhooks/{id}/test', () => {
    it('sends test.ping synchronously with the default payload and records it', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      const hook = await createWebhook(http, { url: `${rx.url}/t`, events: ['build.completed'] });
      const res = await http.post(`/api/webhooks/${hook.webhook_id}/test`, {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        delivery_id: expect.stringMatching(/^del_/),
        event_type: 'test.ping',
        status: 'success',
        response_code: 200,
        response_body: 'OK',
        attempts: 1,
        webhook_url: `${rx.url}/t`,
      });
      expect(typeof res.body.response_time).toBe('number');
      expect(res.body.delivered_at).toMatch(ISO_MS);
      expect(rx.requests).toHaveLength(1);
      const body = JSON.parse(rx.requests[0].body);
      expect(body.event).toBe('test.ping');
      expect(body.data).toEqual({ message: 'This is a test webhook delivery' });
      expect(body.delivery_id).toBe(res.body.delivery_id);
      expect(verifyTraeSignature(rx.requests[0], hook.secret)).toBe(true);
      expect(() =>
        new Webhook(hook.secret).verify(rx.requests[0].rawBody.toString(), headersOf(rx.requests[0])),
      ).not.toThrow();

      const hist = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries`);
      expect(hist.body.deliveries.map((d: { delivery_id: string }) => d.delivery_id)).toContain(
        res.body.delivery_id,
      );
    });

    it('sends even when a webhook is inactive (request with no body at all)', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      const hook = await createWebhook(http, { url: `${rx.url}/t`, active: false });
      const res = await http.post(`/api/webhooks/${hook.webhook_id}/test`);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('success');
      expect(rx.requests).toHaveLength(1);
    });

    it('reports a failing receiver as failed with an error, and never retries it', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      rx.responder = () => ({ status: 500, body: 'boom' });
      const hook = await createWebhook(http, {
        url: `${rx.url}/t`,
        retry_policy: { max_attempts: 3, initial_delay: 100, backoff_strategy: 'fixed' },
      });
      const res = await http.post(`/api/webhooks/${hook.webhook_id}/test`, {});
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('failed');
      expect(res.body.response_code).toBe(500);
      expect(res.body.attempts).toBe(1);
      expect(res.body.error).toEqual(expect.any(String));
      expect(res.body.error.length).toBeGreaterThan(0);
      // A retry (100 ms policy) would have happened well within this bounded wait.
      await expect(
        eventually(() => rx.requests.length > 1, { timeoutMs: 1500, what: 'a retry' }),
      ).rejects.toThrow(/timed out/);
      const detail = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries/${res.body.delivery_id}`);
      expect(detail.body.status).toBe('failed');
      expect(detail.body.attempts).toBe(1);
      expect(detail.body.next_retry).toBeNull();
      expect(detail.body.attempt_history).toHaveLength(1);
      expect(rx.requests).toHaveLength(1);
    });
  });

  describe('delivery history', () => {
    it('filters, paginates newest first, and reports stats for the whole webhook', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      rx.responder = (req) =>
        JSON.parse(req.body).event === 'user.logout' ? { status: 500 } : { status: 200 };
      const hook = await createWebhook(http, { url: `${rx.url}/h`, retry_policy: { max_attempts: 1 } });
      const ids: string[] = [];
      for (const event of ['user.login', 'user.logout', 'user.login']) {
        const p = await http.post('/api/events', { event, data: { event } });
        expect(p.status).toBe(202);
        ids.push(p.body.event_id);
      }
      const all = await eventually(async () => {
        const h = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries`);
        return h.body.deliveries.every((d: { status: string }) => d.status !== 'pending') &&
          h.body.total === 3
          ? h
          : undefined;
      });
      expect(all.status).toBe(200);
      expect(all.body.deliveries.map((d: { event_id: string }) => d.event_id)).toEqual([...ids].reverse());
      expect(all.body.stats).toEqual({
        total_deliveries: 3,
        successful_deliveries: 2,
        failed_deliveries: 1,
        pending_deliveries: 0,
        success_rate: expect.any(Number),
      });
      expect(all.body.stats.success_rate).toBeGreaterThan(60);
      expect(all.body.stats.success_rate).toBeLessThan(70);
      expect(all.body.pagination).toBeDefined();

      const failed = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries?status=failed`);
      expect(failed.body.total).toBe(1);
      expect(failed.body.deliveries[0].event_type).toBe('user.logout');
      expect(failed.body.stats.total_deliveries).toBe(3);

      const byType = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries?event_type=user.login`);
      expect(byType.body.total).toBe(2);
      expect(byType.body.deliveries.every((d: { event_type: string }) => d.event_type === 'user.login')).toBe(
        true,
      );

      const page = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries?limit=1&offset=1`);
      expect(page.body.deliveries).toHaveLength(1);
      expect(page.body.deliveries[0].event_id).toBe(ids[1]);
      expect(page.body.total).toBe(3);

      const future = new Date(Date.now() + 3_600_000).toISOString();
      const past = new Date(Date.now() - 3_600_000).toISOString();
      const none = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries?start_date=${future}`);
      expect(none.body.total).toBe(0);
      expect(none.body.deliveries).toEqual([]);
      const some = await http.get(
        `/api/webhooks/${hook.webhook_id}/deliveries?start_date=${past}&end_date=${future}`,
      );
      expect(some.body.total).toBe(3);
      const before = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries?end_date=${past}`);
      expect(before.body.total).toBe(0);

      const bad = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries?limit=0`);
      expect(bad.status).toBe(400);
    });

    it('detail shows attempt_history oldest first', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      rx.responder = (_req, n) =>
        n < 3 ? { status: 503, body: `fail ${n}` } : { status: 200, body: 'fine' };
      const hook = await createWebhook(http, {
        url: `${rx.url}/d`,
        retry_policy: { max_attempts: 3, initial_delay: 100, backoff_strategy: 'fixed' },
      });
      const pub = await http.post('/api/events', { event: 'user.login', data: {} });
      const ev = await http.get(`/api/events/${pub.body.event_id}`);
      const deliveryId = ev.body.deliveries[0].delivery_id;
      const d = await waitDelivery(http, hook.webhook_id, deliveryId, 'success');
      expect(d.attempts).toBe(3);
      expect(d.response_code).toBe(200);
      expect(d.response_body).toBe('fine');
      expect(d.payload).toEqual(JSON.parse(rx.requests[2].body));
      expect(d.attempt_history.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3]);
      expect(d.attempt_history.map((a: { response_code: number }) => a.response_code)).toEqual([
        503, 503, 200,
      ]);
      expect(d.attempt_history[0].response_body).toBe('fail 1');
      for (const a of d.attempt_history) {
        expect(Object.keys(a).sort()).toEqual(
          ['attempt', 'error', 'response_body', 'response_code', 'response_time', 'started_at'].sort(),
        );
        expect(a.started_at).toMatch(ISO_MS);
      }
      const starts = d.attempt_history.map((a: { started_at: string }) => Date.parse(a.started_at));
      expect(starts[0]).toBeLessThanOrEqual(starts[1]);
      expect(starts[1]).toBeLessThanOrEqual(starts[2]);
      // Every attempt of one delivery carries the same delivery id and webhook-id.
      expect(new Set(rx.requests.map((r) => headersOf(r)['x-trae-delivery']))).toEqual(new Set([deliveryId]));
      expect(new Set(rx.requests.map((r) => headersOf(r)['webhook-id']))).toEqual(
        new Set([pub.body.event_id]),
      );
    });
  });

  describe('redeliver and recover', () => {
    it('redelivers as a new delivery of the same event with the same webhook-id', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      const hook = await createWebhook(http, { url: `${rx.url}/r` });
      const pub = await http.post('/api/events', { event: 'user.login', data: { r: 1 } });
      await eventually(() => rx.requests.length === 1);
      const original = JSON.parse(rx.requests[0].body).delivery_id;
      await waitDelivery(http, hook.webhook_id, original, 'success');

      const re = await http.post(`/api/webhooks/${hook.webhook_id}/deliveries/${original}/redeliver`);
      expect(re.status).toBe(202);
      expect(re.body).toMatchObject({
        delivery_id: expect.stringMatching(/^del_/),
        original_delivery_id: original,
        event_type: 'user.login',
        status: 'pending',
        webhook_url: `${rx.url}/r`,
      });
      expect(re.body.delivery_id).not.toBe(original);
      expect(re.body.scheduled_at).toMatch(ISO_MS);

      await eventually(() => rx.requests.length === 2, { what: 'second request' });
      const second = rx.requests[1];
      const h = headersOf(second);
      expect(h['x-trae-delivery']).toBe(re.body.delivery_id);
      expect(JSON.parse(second.body).delivery_id).toBe(re.body.delivery_id);
      expect(JSON.parse(second.body).data).toEqual({ r: 1 });
      expect(h['webhook-id']).toBe(headersOf(rx.requests[0])['webhook-id']);
      expect(h['webhook-id']).toBe(pub.body.event_id);
      expect(verifyTraeSignature(second, hook.secret)).toBe(true);
      expect(() => new Webhook(hook.secret).verify(second.rawBody.toString(), h)).not.toThrow();

      const d = await waitDelivery(http, hook.webhook_id, re.body.delivery_id, 'success');
      expect(d.original_delivery_id).toBe(original);
      expect(d.event_id).toBe(pub.body.event_id);
      expect(d.attempts).toBe(1);
    });

    it('recovers failed deliveries since a time', async () => {
      const http = await newAccount();
      const rx = await newReceiver();
      rx.responder = () => ({ status: 500 });
      const hook = await createWebhook(http, { url: `${rx.url}/rc`, retry_policy: { max_attempts: 1 } });
      const since = new Date(Date.now() - 1000).toISOString();
      for (let i = 0; i < 3; i++) {
        expect((await http.post('/api/events', { event: 'user.login', data: { i } })).status).toBe(202);
      }
      await eventually(async () => {
        const h = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries?status=failed`);
        return h.body.total === 3;
      });
      rx.responder = () => ({ status: 200 });
      const rec = await http.post(`/api/webhooks/${hook.webhook_id}/recover`, { since });
      expect(rec.status).toBe(202);
      expect(rec.body).toEqual({ recovered: 3 });
      await eventually(async () => {
        const h = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries?status=success`);
        return h.body.total === 3;
      });
      expect(rx.requests).toHaveLength(6);
      const succ = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries?status=success`);
      expect(
        succ.body.deliveries.every((d: { original_delivery_id: string | null }) => !!d.original_delivery_id),
      ).toBe(true);
      const empty = await http.post(`/api/webhooks/${hook.webhook_id}/recover`, {
        since: new Date().toISOString(),
      });
      expect(empty.status).toBe(202);
      expect(empty.body).toEqual({ recovered: 0 });
      const backwards = await http.post(`/api/webhooks/${hook.webhook_id}/recover`, {
        since: new Date(Date.now() + 60_000).toISOString(),
      });
      expect(backwards.status).toBe(400);
      expect(rx.requests).toHaveLength(6);
    });
  });

  it('DELETE cancels deliveries waiting for a retry: failed with error "webhook deleted"', async () => {
    const http = await newAccount();
    const rx = await newReceiver();
    rx.responder = () => ({ status: 500 });
    const hook = await createWebhook(http, {
      url: `${rx.url}/del`,
      retry_policy: { max_attempts: 5, initial_delay: 60000, max_delay: 60000 },
    });
    const pub = await http.post('/api/events', { event: 'user.login', data: {} });
    const ev = await http.get(`/api/events/${pub.body.event_id}`);
    const deliveryId = ev.body.deliveries[0].delivery_id;
    const waiting = await eventually(async () => {
      const d = await http.get(`/api/webhooks/${hook.webhook_id}/deliveries/${deliveryId}`);
      // In flight, next_retry still shows the first schedule; wait for the retry to be scheduled.
      const scheduled = d.body.next_retry && Date.parse(d.body.next_retry) > Date.now() + 30_000;
      return d.body.status === 'pending' && d.body.attempts === 1 && scheduled ? d.body : undefined;
    });
    expect(waiting.attempt_history).toHaveLength(1);

    const del = await http.delete(`/api/webhooks/${hook.webhook_id}`);
    expect(del.status).toBe(200);
    expect(del.body.message).toBe('Webhook deleted successfully');
    expect((await http.get(`/api/webhooks/${hook.webhook_id}/deliveries/${deliveryId}`)).status).toBe(404);

    const row = await eventually(async () => {
      const r = await db.db.rows<{ status: string; error: string | null }>(
        'SELECT status, error FROM deliveries WHERE id = $1',
        [fromPublicId('del', deliveryId)],
      );
      return r[0]?.status !== 'pending' ? r[0] : undefined;
    });
    expect(row).toEqual({ status: 'failed', error: 'webhook deleted' });
    expect(rx.requests).toHaveLength(1);
  });

  it('hides every delivery and event route from another account (404)', async () => {
    const owner = await newAccount();
    const other = await newAccount();
    const rx = await newReceiver();
    const hook = await createWebhook(owner, { url: `${rx.url}/ten` });
    const pub = await owner.post('/api/events', { event: 'user.login', data: {} });
    await eventually(() => rx.requests.length === 1);
    const deliveryId = JSON.parse(rx.requests[0].body).delivery_id;
    await waitDelivery(owner, hook.webhook_id, deliveryId, 'success');
    const w = hook.webhook_id;
    expect((await other.get(`/api/webhooks/${w}/deliveries`)).status).toBe(404);
    expect((await other.get(`/api/webhooks/${w}/deliveries/${deliveryId}`)).status).toBe(404);
    expect((await other.post(`/api/webhooks/${w}/deliveries/${deliveryId}/redeliver`)).status).toBe(404);
    expect(
      (await other.post(`/api/webhooks/${w}/recover`, { since: new Date(0).toISOString() })).status,
    ).toBe(404);
    expect((await other.post(`/api/webhooks/${w}/test`, {})).status).toBe(404);
    expect((await other.get(`/api/events/${pub.body.event_id}`)).status).toBe(404);
    expect(rx.requests).toHaveLength(1);
  });
});
