import { createServer } from 'node:net';
import { AppProcess } from '../support/app-process';
import { client, TestDb } from '../support/platform';
import { eventually } from '../support/eventually';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * The compiled API at LOG_LEVEL=debug, so every request is logged: each gets a correlation id, and no
 * API key, webhook secret or idempotency key ever reaches the log (promise 7).
 */
describe('request logging', () => {
  let api: AppProcess;
  let baseUrl: string;
  let tdb: TestDb;
  let apiKey: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    api = AppProcess.spawn('api', { LOG_LEVEL: 'debug', PORT: String(port) });
    await eventually(async () => (await fetch(`${baseUrl}/health`).catch(() => null))?.ok, {
      timeoutMs: 30_000,
      what: 'the API to start',
    });
    tdb = await TestDb.open();
    apiKey = (await tdb.createAccount('request-log')).apiKey;
  });

  afterAll(async () => {
    await api?.stop();
    await tdb?.close();
  });

  const lines = () =>
    api.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, any>);

  it('logs each request with its correlation id, and no key, secret or idempotency key', async () => {
    const h = client(baseUrl, apiKey);
    const created = await h.post('/api/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      events: ['user.login'],
      name: 'logged',
    });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^whsec_/);
    const given = await h.get(`/api/webhooks/${created.body.webhook_id}`, { 'x-request-id': 'trace-42' });
    expect(given.headers.get('x-request-id')).toBe('trace-42');
    const ingest = await h.post(
      '/api/events',
      { event: 'user.login', data: { n: 1 } },
      { 'idempotency-key': 'idem-secret-7f3a' },
    );
    expect(ingest.status).toBe(202);
    const refused = await client(baseUrl, `${apiKey}x`).get('/api/webhooks');
    expect(refused.status).toBe(401);
    const refusedId = refused.headers.get('x-request-id');
    expect(refusedId).toMatch(/^[0-9a-f-]{36}$/);

    const logged = await eventually(
      () => {
        const all = lines().filter((l) => l.msg === 'request completed');
        return all.some((l) => l.correlationId === refusedId) && all;
      },
      { what: 'the 401 to be logged' },
    );
    const byId = (id: string | null) => logged.find((l) => l.correlationId === id);
    expect(byId(refusedId)).toMatchObject({
      level: 30,
      method: 'GET',
      url: '/api/webhooks',
      statusCode: 401,
    });
    expect(byId('trace-42')).toMatchObject({ level: 20, statusCode: 200 });
    expect(logged.some((l) => l.url === '/api/events' && l.statusCode === 202)).toBe(true);

    for (const secretText of [apiKey, secret, 'idem-secret-7f3a'])
      expect(api.output).not.toContain(secretText);
    // The event's delivery to a closed port must not linger for the suites that follow.
    expect((await h.delete(`/api/webhooks/${created.body.webhook_id}`)).status).toBe(200);
  });
});
