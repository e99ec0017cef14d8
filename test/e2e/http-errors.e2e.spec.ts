import { client, startApi, TestApi, TestDb } from '../support/platform';

describe('HTTP errors, health and docs', () => {
  let api: TestApi;
  let db: TestDb;
  let apiKey: string;

  beforeAll(async () => {
    db = await TestDb.open();
    api = await startApi();
    ({ apiKey } = await db.createAccount('http-errors-e2e'));
  });
  afterAll(async () => {
    await api?.close();
    await db?.close();
  });

  const body = JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['*'], name: 'x' });
  const raw = (method: string, path: string, payload: string | undefined, headers: Record<string, string>) =>
    fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...headers },
      body: payload,
    }).then(async (res) => ({ status: res.status, body: JSON.parse((await res.text()) || 'null') }));

  const expectError = (res: { status: number; body: any }, status: number, error: string) => {
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ statusCode: status, error, message: expect.anything() });
  };

  const total = async () => (await client(api.baseUrl, apiKey).get('/api/webhooks')).body.total;

  it('answers 415 to a body that is not JSON', async () => {
    const before = await total();
    expectError(
      await raw('POST', '/api/webhooks', body, { 'content-type': 'text/plain' }),
      415,
      'Unsupported Media Type',
    );
    expectError(
      await raw('POST', '/api/webhooks', 'url=x', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'Unsupported Media Type',
    );
    expectError(
      await raw('PUT', '/api/webhooks/webhook_123', body, { 'content-type': 'text/plain' }),
      415,
      'Unsupported Media Type',
    );
    expect(await total()).toBe(before);
  });

  it('accepts application/json with a charset', async () => {
    const res = await raw('POST', '/api/webhooks', body, {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(res.status).toBe(201);
  });

  it('answers 413 to a body over 262144 bytes', async () => {
    const big = JSON.stringify({
      url: 'http://127.0.0.1:9/hook',
      events: ['*'],
      name: 'x',
      description: 'd'.repeat(262144),
    });
    expectError(
      await raw('POST', '/api/webhooks', big, { 'content-type': 'application/json' }),
      413,
      'Payload Too Large',
    );
  });

  it('answers 400 to malformed JSON', async () => {
    expectError(
      await raw('POST', '/api/webhooks', '{"url": "http://x", ', { 'content-type': 'application/json' }),
      400,
      'Bad Request',
    );
  });

  it('answers 400 to a JSON array or scalar body', async () => {
    expectError(
      await raw('POST', '/api/webhooks', '[]', { 'content-type': 'application/json' }),
      400,
      'Bad Request',
    );
    expectError(
      await raw('POST', '/api/webhooks', `[${body}]`, { 'content-type': 'application/json' }),
      400,
      'Bad Request',
    );
    expectError(
      await raw('POST', '/api/webhooks', '"text"', { 'content-type': 'application/json' }),
      400,
      'Bad Request',
    );
  });

  it('answers 400 in the error shape to a path with a malformed percent-encoding', async () => {
    expectError(await raw('GET', '/api/webhooks/%zz', undefined, {}), 400, 'Bad Request');
  });

  it('answers 404 in the error shape to an unknown route', async () => {
    expectError(await raw('GET', '/api/nothing-here', undefined, {}), 404, 'Not Found');
  });

  it('GET /health answers 200 without a key', async () => {
    const res = await client(api.baseUrl).get('/health');
    expect(res.status).toBe(200);
  });

  it('GET /health/ready answers 200 with checks', async () => {
    const res = await client(api.baseUrl).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ postgres: 'up', redis: 'up' });
  });

  it('GET /api/docs-json serves the OpenAPI document with the webhook paths', async () => {
    const res = await client(api.baseUrl).get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.paths).toHaveProperty('/api/webhooks');
    expect(res.body.paths).toHaveProperty(['/api/webhooks/{webhookId}']);
    expect(Object.keys(res.body.paths['/api/webhooks'])).toEqual(expect.arrayContaining(['get', 'post']));
  });
});
