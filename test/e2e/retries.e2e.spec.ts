import { createServer } from 'node:net';
import { AddressInfo } from 'node:net';
import { INestApplicationContext } from '@nestjs/common';
import { client, startApi, startWorker, TestApi, TestDb } from '../support/platform';
import { Receiver, Responder } from '../support/receiver';
import { eventually } from '../support/eventually';

/** Allowed deviation of a measured gap from the expected delay (ms). */
const EARLY = 50;
const LATE = 400;

describe('retries: backoff, retryable outcomes, Retry-After, exhaustion', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let db: TestDb;
  const receivers: Receiver[] = [];

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

  /** A fresh receiver and webhook; publishes one event and waits for its delivery to reach a final status. */
  async function run(opts: {
    responder: Responder;
    retry_policy: Record<string, unknown>;
    timeout?: number;
    url?: string;
    waitMs?: number;
  }) {
    // One account per case, so each event reaches exactly this case's webhook.
    const { apiKey } = await db.createAccount('retries');
    const http = client(api.baseUrl, apiKey);
    const rx = await new Receiver().start();
    receivers.push(rx);
    rx.responder = opts.responder;
    const created = await http.post('/api/webhooks', {
      url: opts.url ?? `${rx.url}/hook`,
      events: ['*'],
      name: 'retries',
      retry_policy: opts.retry_policy,
      ...(opts.timeout ? { timeout: opts.timeout } : {}),
    });
    expect(created.status).toBe(201);
    const webhookId = created.body.webhook_id;
    const pub = await http.post('/api/events', { event: 'user.login', data: { t: Date.now() } });
    expect(pub.status).toBe(202);
    expect(pub.body.deliveries).toBe(1);
    const ev = await http.get(`/api/events/${pub.body.event_id}`);
    const deliveryId = ev.body.deliveries[0].delivery_id;
    let last: unknown;
    const detail = await eventually(
      async () => {
        const d = await http.get(`/api/webhooks/${webhookId}/deliveries/${deliveryId}`);
        last = d.body;
        return d.body?.status === 'success' || d.body?.status === 'failed' ? d.body : undefined;
      },
      { timeoutMs: opts.waitMs ?? 10_000, intervalMs: 25, what: `delivery ${deliveryId} final` },
    ).catch((e: Error) => {
      const seen = rx.requests.map((r) => `${r.receivedAt}→${r.respondedAt}`).join(', ');
      throw new Error(`${e.message}; receiver saw [${seen}]; last detail ${JSON.stringify(last)}`);
    });
    return { rx, detail, webhookId, deliveryId, http };
  }

  beforeAll(async () => {
    // Warm up (JIT, connections, BullMQ's delayed-job path) so the first timed case is not measured cold.
    await run({
      responder: failThenOk(1),
      retry_policy: { max_attempts: 2, backoff_strategy: 'fixed', initial_delay: 100 },
    });
  });

  /** Gap between the end of attempt n (as the receiver saw it) and the start of attempt n+1. */
  function gaps(rx: Receiver): number[] {
    const out: number[] = [];
    for (let i = 1; i < rx.requests.length; i++) {
      out.push(rx.requests[i].receivedAt - rx.requests[i - 1].respondedAt!);
    }
    return out;
  }

  function expectGaps(actual: number[], expected: number[]) {
    expect(actual).toHaveLength(expected.length);
    actual.forEach((g, i) => {
      const ok = g >= expected[i] - EARLY && g <= expected[i] + LATE;
      if (!ok)
        throw new Error(
          `gap ${i + 1} was ${g} ms, expected ≈${expected[i]} ms (all gaps: ${actual.join(', ')})`,
        );
    });
  }

  const failThenOk =
    (failures: number, status = 500, headers?: Record<string, string>): Responder =>
    (_req, n) =>
      n <= failures ? { status, body: `fail ${n}`, headers } : { status: 200, body: 'OK' };

  describe('backoff strategies', () => {
    it('exponential: initial_delay * 2^(n-1)', async () => {
      const { rx, detail } = await run({
        responder: failThenOk(3),
        retry_policy: { max_attempts: 4, backoff_strategy: 'exponential', initial_delay: 200 },
      });
      expect(detail.status).toBe('success');
      expect(detail.attempts).toBe(4);
      expectGaps(gaps(rx), [200, 400, 800]);
    });

    it('linear: initial_delay * n', async () => {
      const { rx, detail } = await run({
        responder: failThenOk(3),
        retry_policy: { max_attempts: 4, backoff_strategy: 'linear', initial_delay: 200 },
      });
      expect(detail.status).toBe('success');
      expect(detail.attempts).toBe(4);
      expectGaps(gaps(rx), [200, 400, 600]);
    });

    it('fixed: initial_delay every time', async () => {
      const { rx, detail } = await run({
        responder: failThenOk(3),
        retry_policy: { max_attempts: 4, backoff_strategy: 'fixed', initial_delay: 300 },
      });
      expect(detail.status).toBe('success');
      expectGaps(gaps(rx), [300, 300, 300]);
    });

    it('caps the delay at max_delay', async () => {
      const { rx, detail } = await run({
        responder: failThenOk(3),
        retry_policy: {
          max_attempts: 4,
          backoff_strategy: 'exponential',
          initial_delay: 300,
          max_delay: 400,
        },
      });
      expect(detail.status).toBe('success');
      expectGaps(gaps(rx), [300, 400, 400]);
    });
  });

  describe('which outcomes are retried', () => {
    const quick = { max_attempts: 3, backoff_strategy: 'fixed', initial_delay: 200 };

    it('retry_on_status [409] retries 409', async () => {
      const { rx, detail } = await run({
        responder: failThenOk(1, 409),
        retry_policy: { ...quick, retry_on_status: [409] },
      });
      expect(detail.status).toBe('success');
      expect(detail.attempts).toBe(2);
      expect(rx.requests).toHaveLength(2);
    });

    it('retry_on_status [409] replaces the default set: 500 is not retried', async () => {
      const { rx, detail } = await run({
        responder: failThenOk(1, 500),
        retry_policy: { ...quick, retry_on_status: [409] },
      });
      expect(detail.status).toBe('failed');
      expect(detail.attempts).toBe(1);
      expect(detail.response_code).toBe(500);
      expect(detail.next_retry).toBeNull();
      expect(rx.requests).toHaveLength(1);
    });

    it('default set: 404 is not retried', async () => {
      const { rx, detail } = await run({ responder: failThenOk(1, 404), retry_policy: quick });
      expect(detail.status).toBe('failed');
      expect(detail.attempts).toBe(1);
      expect(detail.response_code).toBe(404);
      expect(rx.requests).toHaveLength(1);
    });

    it.each([408, 429, 503])('default set: %i is retried', async (status) => {
      const { rx, detail } = await run({ responder: failThenOk(1, status), retry_policy: quick });
      expect(detail.status).toBe('success');
      expect(detail.attempts).toBe(2);
      expect(detail.attempt_history.map((a: { response_code: number }) => a.response_code)).toEqual([
        status,
        200,
      ]);
      expect(rx.requests).toHaveLength(2);
    });

    it('a 3xx fails without retry and the redirect is not followed', async () => {
      const { rx, detail } = await run({
        responder: (req) =>
          req.path === '/hook'
            ? { status: 302, headers: { Location: '/elsewhere' }, body: '' }
            : { status: 200 },
        retry_policy: quick,
      });
      expect(detail.status).toBe('failed');
      expect(detail.attempts).toBe(1);
      expect(detail.response_code).toBe(302);
      expect(rx.requests.map((r) => r.path)).toEqual(['/hook']);
    });

    it('a timeout is retried when retry_on_timeout is true', async () => {
      const { rx, detail } = await run({
        responder: (_req, n) => (n === 1 ? { hang: true } : { status: 200 }),
        retry_policy: { ...quick, retry_on_timeout: true },
        timeout: 1,
      });
      expect(detail.status).toBe('success');
      expect(detail.attempts).toBe(2);
      expect(detail.attempt_history[0].response_code).toBeNull();
      expect(detail.attempt_history[0].error).toMatch(/time/i);
      expect(rx.requests).toHaveLength(2);
    });

    it('a timeout fails after one attempt when retry_on_timeout is false', async () => {
      const { rx, detail } = await run({
        responder: () => ({ status: 200, delayMs: 2000 }),
        retry_policy: { ...quick, retry_on_timeout: false },
        timeout: 1,
      });
      expect(detail.status).toBe('failed');
      expect(detail.attempts).toBe(1);
      expect(detail.error).toMatch(/time/i);
      expect(detail.next_retry).toBeNull();
      expect(rx.requests).toHaveLength(1);
    });

    it('a network error (connection refused) is retried up to max_attempts', async () => {
      const port = await new Promise<number>((resolve) => {
        const s = createServer();
        s.listen(0, '127.0.0.1', () => {
          const p = (s.address() as AddressInfo).port;
          s.close(() => resolve(p));
        });
      });
      const { detail } = await run({
        responder: () => ({ status: 200 }),
        url: `http://127.0.0.1:${port}/closed`,
        retry_policy: { max_attempts: 3, backoff_strategy: 'fixed', initial_delay: 100 },
      });
      expect(detail.status).toBe('failed');
      expect(detail.attempts).toBe(3);
      expect(detail.attempt_history).toHaveLength(3);
      expect(detail.error).toMatch(/refused/i);
      expect(detail.response_code).toBeNull();
    });
  });

  describe('Retry-After', () => {
    it('waits the Retry-After of a 503 instead of the policy delay', async () => {
      const { rx, detail } = await run({
        responder: failThenOk(1, 503, { 'Retry-After': '1' }),
        retry_policy: { max_attempts: 3, backoff_strategy: 'fixed', initial_delay: 200 },
      });
      expect(detail.status).toBe('success');
      expectGaps(gaps(rx), [1000]);
    });

    it('caps Retry-After at max_delay', async () => {
      const { rx, detail } = await run({
        responder: failThenOk(1, 429, { 'Retry-After': '10' }),
        retry_policy: { max_attempts: 3, backoff_strategy: 'fixed', initial_delay: 200, max_delay: 500 },
      });
      expect(detail.status).toBe('success');
      expectGaps(gaps(rx), [500]);
    });
  });

  it('exhaustion ends failed with next_retry null and attempts = max_attempts', async () => {
    const { rx, detail, webhookId, deliveryId, http } = await run({
      responder: () => ({ status: 500, body: 'always' }),
      retry_policy: { max_attempts: 3, backoff_strategy: 'fixed', initial_delay: 200 },
    });
    expect(detail.status).toBe('failed');
    expect(detail.attempts).toBe(3);
    expect(detail.next_retry).toBeNull();
    expect(detail.response_code).toBe(500);
    expect(detail.response_body).toBe('always');
    expect(detail.attempt_history).toHaveLength(3);
    expect(detail.attempt_history.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3]);
    expect(rx.requests).toHaveLength(3);
    // Nothing more is sent once failed: a 4th attempt would be due 200 ms after the 3rd.
    await expect(eventually(() => rx.requests.length > 3, { timeoutMs: 800 })).rejects.toThrow(/timed out/);
    const again = await http.get(`/api/webhooks/${webhookId}/deliveries/${deliveryId}`);
    expect(again.body.status).toBe('failed');
    expect(again.body.attempts).toBe(3);
  });
});
