import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { OpsAlerter } from './ops-alerter';

describe('OpsAlerter', () => {
  let server: Server;
  let url: string;
  const bodies: string[] = [];
  let hang = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        bodies.push(b);
        if (!hang) res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ops`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const poll = async (cond: () => boolean) => {
    for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('is disabled without a URL', () => {
    expect(new OpsAlerter({}).notify({ key: 'k', title: 't', fields: {} })).toBe(false);
  });

  it('sends minimal context and throttles one message per key per window', async () => {
    let now = 0;
    const ops = new OpsAlerter({ slackWebhookUrl: url, now: () => now });
    const alert = {
      key: 'exhausted:w1',
      title: 'Delivery failed',
      fields: { webhook: 'webhook_1', status_code: 500 },
    };
    expect(ops.notify(alert)).toBe(true);
    expect(ops.notify(alert)).toBe(false);
    expect(ops.notify({ ...alert, key: 'other' })).toBe(true);
    now = 60_001;
    expect(ops.notify(alert)).toBe(true);
    await poll(() => bodies.length >= 3);
    expect(JSON.parse(bodies[0]).text).toContain('*webhook*: webhook_1');
  });

  it('alerts when an endpoint keeps failing and on exhaustion', async () => {
    bodies.length = 0;
    const ops = new OpsAlerter({ slackWebhookUrl: url });
    const attempt = {
      webhookId: 'webhook_2',
      deliveryId: 'del_1',
      eventType: 'build.failed',
      ok: false,
      exhausted: false,
      statusCode: 500,
    };
    for (let i = 0; i < 4; i++) ops.attemptFinished(attempt);
    ops.attemptFinished({ ...attempt, exhausted: true });
    await poll(() => bodies.length >= 2);
    expect(bodies.map((b) => JSON.parse(b).text).join('\n')).toMatch(/last attempt[\s\S]*keeps failing/);
  });

  it('never waits for the ops endpoint, even one that hangs', async () => {
    hang = true;
    bodies.length = 0;
    const ops = new OpsAlerter({ slackWebhookUrl: url, timeoutMs: 200 });
    const sent = ops.notify({ key: 'hang', title: 't', fields: {} });
    // notify has returned before the request even reached the server: nothing awaits it.
    expect(sent).toBe(true);
    expect(bodies).toHaveLength(0);
    await poll(() => bodies.length === 1);
    expect(bodies).toHaveLength(1);
    hang = false;
  });
});
