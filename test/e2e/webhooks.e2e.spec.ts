import { client, startApi, TestApi, TestDb } from '../support/platform';

type Http = ReturnType<typeof client>;
type Res = Awaited<ReturnType<Http['get']>>;

const ISO_MS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const WEBHOOK_ID = /^webhook_[0-9a-f]{32}$/;
const ACCT_ID = /^acct_[0-9a-f]{32}$/;
const BASE_URL = 'http://127.0.0.1:9/hook';
const DEFAULT_POLICY = {
  max_attempts: 3,
  backoff_strategy: 'exponential',
  initial_delay: 1000,
  max_delay: 60000,
  retry_on_timeout: true,
};

const valid = (extra: Record<string, unknown> = {}) => ({
  url: BASE_URL,
  events: ['build.completed'],
  name: 'hook',
  ...extra,
});

/** A 400 in the error shape whose message list names every given field. */
function expectBadRequest(res: Res, ...fields: string[]) {
  expect(res.status).toBe(400);
  expect(res.body).toEqual(
    expect.objectContaining({ statusCode: 400, error: 'Bad Request', message: expect.anything() }),
  );
  const messages: string[] = Array.isArray(res.body.message) ? res.body.message : [res.body.message];
  for (const field of fields) {
    if (!messages.some((m) => m.includes(field))) {
      throw new Error(`expected a message naming "${field}", got ${JSON.stringify(messages)}`);
    }
  }
}

function expectError(res: Res, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ statusCode: status, error, message: expect.anything() });
}

describe('webhooks API', () => {
  let api: TestApi;
  let db: TestDb;

  beforeAll(async () => {
    db = await TestDb.open();
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
    await db?.close();
  });

  const newClient = async () => {
    const account = await db.createAccount('webhooks-e2e');
    return { http: client(api.baseUrl, account.apiKey), account };
  };

  describe('create: validation', () => {
    let http: Http;
    beforeAll(async () => {
      ({ http } = await newClient());
    });
    const create = (body: Record<string, unknown>) => http.post('/api/webhooks', body);

    describe('url', () => {
      it('is required', async () => {
        const { url: _url, ...rest } = valid();
        expectBadRequest(await create(rest), 'url');
      });
      it.each([['ftp://example.com/x'], ['not a url'], ['/relative/path'], [''], [42]])(
        'rejects %p',
        async (url) => {
          expectBadRequest(await create(valid({ url })), 'url');
        },
      );
      it('rejects credentials in the url', async () => {
        expectBadRequest(await create(valid({ url: 'https://user:pass@example.com/x' })), 'url');
        expectBadRequest(await create(valid({ url: 'https://user@example.com/x' })), 'url');
      });
      it('accepts exactly 2048 characters and rejects 2049', async () => {
        const prefix = 'http://127.0.0.1/';
        const url2048 = prefix + 'a'.repeat(2048 - prefix.length);
        expect(url2048).toHaveLength(2048);
        const ok = await create(valid({ url: url2048 }));
        expect(ok.status).toBe(201);
        expect(ok.body.url).toBe(url2048);
        expectBadRequest(await create(valid({ url: url2048 + 'a' })), 'url');
      });
      it('accepts http, https and a literal 127.0.0.1 (private destinations allowed in tests)', async () => {
        for (const url of ['http://127.0.0.1:8080/x', 'https://example.com/hooks?x=1']) {
          const res = await create(valid({ url }));
          expect(res.status).toBe(201);
          expect(res.body.url).toBe(url);
        }
      });
    });

    describe('events', () => {
      it('is required', async () => {
        const { events: _events, ...rest } = valid();
        expectBadRequest(await create(rest), 'events');
      });
      it('rejects 0 and 101 entries, accepts 1 and 100', async () => {
        expectBadRequest(await create(valid({ events: [] })), 'events');
        expectBadRequest(await create(valid({ events: Array(101).fill('build.started') })), 'events');
        const one = await create(valid({ events: ['user.login'] }));
        expect(one.status).toBe(201);
        expect(one.body.events).toEqual(['user.login']);
        const hundred = await create(valid({ events: Array(100).fill('user.login') }));
        expect(hundred.status).toBe(201);
      });
      it('rejects an unknown name with a message listing the valid ones', async () => {
        const res = await create(valid({ events: ['build.completed', 'nope.never'] }));
        expectBadRequest(
          res,
          'events',
          'nope.never',
          'build.completed',
          'test.ping',
          'user.logout',
          'build.*',
        );
      });
      it('rejects an unknown family wildcard and non-strings', async () => {
        expectBadRequest(await create(valid({ events: ['nope.*'] })), 'events');
        expectBadRequest(await create(valid({ events: [1] })), 'events');
        expectBadRequest(await create(valid({ events: 'build.completed' })), 'events');
      });
      it('accepts family wildcards and *', async () => {
        const res = await create(valid({ events: ['build.*', '*', 'test.ping'] }));
        expect(res.status).toBe(201);
        expect([...res.body.events].sort()).toEqual(['*', 'build.*', 'test.ping']);
      });
      it('stores duplicates de-duplicated', async () => {
        const res = await create(
          valid({ events: ['build.completed', 'user.login', 'build.completed', 'user.login'] }),
        );
        expect(res.status).toBe(201);
        expect([...res.body.events].sort()).toEqual(['build.completed', 'user.login']);
        const detail = await http.get(`/api/webhooks/${res.body.webhook_id}`);
        expect([...detail.body.events].sort()).toEqual(['build.completed', 'user.login']);
      });
    });

    describe('name, description, secret, active, project_id', () => {
      it('name is required', async () => {
        const { name: _name, ...rest } = valid();
        expectBadRequest(await create(rest), 'name');
      });
      it('name is 1..255 and not null', async () => {
        expectBadRequest(await create(valid({ name: '' })), 'name');
        expectBadRequest(await create(valid({ name: 'n'.repeat(256) })), 'name');
        expectBadRequest(await create(valid({ name: null })), 'name');
        expect((await create(valid({ name: 'n' }))).status).toBe(201);
        const long = await create(valid({ name: 'n'.repeat(255) }));
        expect(long.status).toBe(201);
        expect(long.body.name).toBe('n'.repeat(255));
      });
      it('description is at most 1000', async () => {
        expectBadRequest(await create(valid({ description: 'd'.repeat(1001) })), 'description');
        const ok = await create(valid({ description: 'd'.repeat(1000) }));
        expect(ok.status).toBe(201);
        expect(ok.body.description).toBe('d'.repeat(1000));
      });
      it('secret is 8..256', async () => {
        expectBadRequest(await create(valid({ secret: 's'.repeat(7) })), 'secret');
        expectBadRequest(await create(valid({ secret: 's'.repeat(257) })), 'secret');
        const eight = await create(valid({ secret: 's'.repeat(8) }));
        expect(eight.status).toBe(201);
        expect(eight.body.secret).toBe('s'.repeat(8));
        const max = await create(valid({ secret: 's'.repeat(256) }));
        expect(max.status).toBe(201);
        expect(max.body.secret).toBe('s'.repeat(256));
      });
      it('an omitted secret is generated as whsec_ + base64 of 32 bytes', async () => {
        const a = await create(valid());
        const b = await create(valid());
        expect(a.status).toBe(201);
        expect(a.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
        expect(Buffer.from(a.body.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
        expect(b.body.secret).not.toBe(a.body.secret);
      });
      it('active defaults to true and takes a boolean', async () => {
        expect((await create(valid())).body.active).toBe(true);
        const off = await create(valid({ active: false }));
        expect(off.status).toBe(201);
        expect(off.body.active).toBe(false);
        expectBadRequest(await create(valid({ active: 'yes' })), 'active');
      });
      it('project_id is 1..128', async () => {
        expectBadRequest(await create(valid({ project_id: '' })), 'project_id');
        expectBadRequest(await create(valid({ project_id: 'p'.repeat(129) })), 'project_id');
        const one = await create(valid({ project_id: 'p' }));
        expect(one.status).toBe(201);
        expect(one.body.project_id).toBe('p');
        const max = await create(valid({ project_id: 'p'.repeat(128) }));
        expect(max.status).toBe(201);
        expect(max.body.project_id).toBe('p'.repeat(128));
      });
    });

    describe('headers', () => {
      const many = (n: number) =>
        Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-H${i}`, `v${i}`]));
      it('accepts 20 entries and rejects 21', async () => {
        const ok = await create(valid({ headers: many(20) }));
        expect(ok.status).toBe(201);
        expect(ok.body.headers).toEqual(many(20));
        expectBadRequest(await create(valid({ headers: many(21) })), 'headers');
      });
      it('rejects a name that is not an RFC 7230 token', async () => {
        expectBadRequest(await create(valid({ headers: { 'Bad Header': 'x' } })), 'headers');
        expectBadRequest(await create(valid({ headers: { 'X-Bad:Name': 'x' } })), 'headers');
      });
      it('rejects CR or LF in a value', async () => {
        expectBadRequest(await create(valid({ headers: { 'X-Custom': 'a\r\nX-Evil: 1' } })), 'headers');
        expectBadRequest(await create(valid({ headers: { 'X-Custom': 'a\nb' } })), 'headers');
        expectBadRequest(await create(valid({ headers: { 'X-Custom': 'a\rb' } })), 'headers');
      });
      it('accepts a 1024-char value and rejects 1025', async () => {
        const ok = await create(valid({ headers: { 'X-Long': 'v'.repeat(1024) } }));
        expect(ok.status).toBe(201);
        expectBadRequest(await create(valid({ headers: { 'X-Long': 'v'.repeat(1025) } })), 'headers');
      });
      it.each([
        'Content-Type',
        'content-length',
        'Host',
        'Transfer-Encoding',
        'Connection',
        'User-Agent',
        'X-Trae-Foo',
        'x-trae-signature',
        'webhook-id',
        'Webhook-Signature',
      ])('rejects the reserved name %s', async (name) => {
        expectBadRequest(await create(valid({ headers: { [name]: 'x' } })), 'headers');
      });
      it('rejects non-object headers and non-string values', async () => {
        expectBadRequest(await create(valid({ headers: ['X-A'] })), 'headers');
        expectBadRequest(await create(valid({ headers: { 'X-A': 1 } })), 'headers');
      });
    });

    describe('timeout', () => {
      it('defaults to 30', async () => {
        expect((await create(valid())).body.timeout).toBe(30);
      });
      it('accepts 1 and 120', async () => {
        expect((await create(valid({ timeout: 1 }))).body.timeout).toBe(1);
        expect((await create(valid({ timeout: 120 }))).body.timeout).toBe(120);
      });
      it.each([[0], [121], [1.5], ['30'], [-1]])('rejects %p', async (timeout) => {
        expectBadRequest(await create(valid({ timeout })), 'timeout');
      });
    });

    describe('retry_policy', () => {
      const withPolicy = (retry_policy: Record<string, unknown>) => create(valid({ retry_policy }));

      it('is filled with defaults when omitted, without retry_on_status', async () => {
        const res = await create(valid());
        expect(res.body.retry_policy).toEqual(DEFAULT_POLICY);
        expect(res.body.retry_policy).not.toHaveProperty('retry_on_status');
      });
      it('fills defaults around the fields given', async () => {
        const res = await withPolicy({ max_attempts: 5 });
        expect(res.status).toBe(201);
        expect(res.body.retry_policy).toEqual({ ...DEFAULT_POLICY, max_attempts: 5 });
      });
      it('max_attempts is 1..25', async () => {
        expectBadRequest(await withPolicy({ max_attempts: 0 }), 'retry_policy.max_attempts');
        expectBadRequest(await withPolicy({ max_attempts: 26 }), 'retry_policy.max_attempts');
        expectBadRequest(await withPolicy({ max_attempts: 2.5 }), 'retry_policy.max_attempts');
        expect((await withPolicy({ max_attempts: 1 })).body.retry_policy.max_attempts).toBe(1);
        expect((await withPolicy({ max_attempts: 25 })).body.retry_policy.max_attempts).toBe(25);
      });
      it('backoff_strategy is linear | exponential | fixed', async () => {
        expectBadRequest(await withPolicy({ backoff_strategy: 'random' }), 'retry_policy.backoff_strategy');
        for (const s of ['linear', 'exponential', 'fixed']) {
          const res = await withPolicy({ backoff_strategy: s });
          expect(res.status).toBe(201);
          expect(res.body.retry_policy.backoff_strategy).toBe(s);
        }
      });
      it('initial_delay is 100..3600000', async () => {
        expectBadRequest(await withPolicy({ initial_delay: 99 }), 'retry_policy.initial_delay');
        expectBadRequest(
          await withPolicy({ initial_delay: 3_600_001, max_delay: 86_400_000 }),
          'retry_policy.initial_delay',
        );
        expect((await withPolicy({ initial_delay: 100 })).body.retry_policy.initial_delay).toBe(100);
        const max = await withPolicy({ initial_delay: 3_600_000, max_delay: 3_600_000 });
        expect(max.status).toBe(201);
        expect(max.body.retry_policy).toEqual({
          ...DEFAULT_POLICY,
          initial_delay: 3_600_000,
          max_delay: 3_600_000,
        });
      });
      it('max_delay is >= initial_delay and <= 86400000', async () => {
        expectBadRequest(
          await withPolicy({ initial_delay: 5000, max_delay: 4999 }),
          'retry_policy.max_delay',
        );
        expectBadRequest(await withPolicy({ max_delay: 86_400_001 }), 'retry_policy.max_delay');
        expect((await withPolicy({ initial_delay: 5000, max_delay: 5000 })).status).toBe(201);
        expect((await withPolicy({ max_delay: 86_400_000 })).body.retry_policy.max_delay).toBe(86_400_000);
      });
      it('retry_on_status holds statuses 400..599 and is shown when set', async () => {
        expectBadRequest(await withPolicy({ retry_on_status: [399] }), 'retry_policy.retry_on_status');
        expectBadRequest(await withPolicy({ retry_on_status: [600] }), 'retry_policy.retry_on_status');
        expectBadRequest(await withPolicy({ retry_on_status: 500 }), 'retry_policy.retry_on_status');
        const res = await withPolicy({ retry_on_status: [400, 599] });
        expect(res.status).toBe(201);
        expect(res.body.retry_policy).toEqual({ ...DEFAULT_POLICY, retry_on_status: [400, 599] });
      });
      it('retry_on_timeout is a boolean', async () => {
        expectBadRequest(await withPolicy({ retry_on_timeout: 'yes' }), 'retry_policy.retry_on_timeout');
        expect((await withPolicy({ retry_on_timeout: false })).body.retry_policy.retry_on_timeout).toBe(
          false,
        );
      });
      it('must be an object', async () => {
        expectBadRequest(await create(valid({ retry_policy: 'fast' })), 'retry_policy');
      });
    });

    it('a 400 names every invalid field at once', async () => {
      const res = await create(valid({ url: 'ftp://x.example/', timeout: 0 }));
      expectBadRequest(res, 'url', 'timeout');
      expect(res.body.message.length).toBeGreaterThanOrEqual(2);
    });

    it('an empty body is a 400 naming url, events and name', async () => {
      const empty = await create({});
      expectBadRequest(empty, 'url', 'events', 'name');
    });
  });

  describe('create: response and rejected requests', () => {
    it('returns 201 with secret, zero stats, timestamps and created_by', async () => {
      const { http, account } = await newClient();
      const res = await http.post(
        '/api/webhooks',
        valid({
          name: 'full',
          description: 'desc',
          secret: 'my-secret-123',
          project_id: 'proj-1',
          headers: { 'X-Custom': 'yes' },
          timeout: 10,
          events: ['build.completed', 'deployment.*'],
        }),
      );
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({
          url: BASE_URL,
          events: ['build.completed', 'deployment.*'],
          name: 'full',
          description: 'desc',
          secret: 'my-secret-123',
          active: true,
          project_id: 'proj-1',
          headers: { 'X-Custom': 'yes' },
          timeout: 10,
          retry_policy: DEFAULT_POLICY,
          created_by: account.publicId,
          stats: {
            total_deliveries: 0,
            successful_deliveries: 0,
            failed_deliveries: 0,
            last_delivery: null,
            success_rate: 0,
          },
        }),
      );
      expect(res.body.webhook_id).toMatch(WEBHOOK_ID);
      expect(res.body.created_by).toMatch(ACCT_ID);
      expect(res.body.created_at).toMatch(ISO_MS_Z);
      expect(res.body.updated_at).toMatch(ISO_MS_Z);
    });

    it('optional fields are absent or null when not given', async () => {
      const { http } = await newClient();
      const res = await http.post('/api/webhooks', valid());
      expect(res.status).toBe(201);
      expect(res.body.description ?? null).toBeNull();
      expect(res.body.project_id ?? null).toBeNull();
      expect(res.body.headers ?? {}).toEqual({});
    });

    it('a rejected request changes nothing', async () => {
      const { http } = await newClient();
      expect((await http.post('/api/webhooks', valid())).status).toBe(201);
      const before = await http.get('/api/webhooks');
      expect(before.body.total).toBe(1);
      const bad = [
        valid({ url: 'ftp://x' }),
        valid({ events: ['nope'] }),
        valid({ timeout: 0 }),
        valid({ headers: { Host: 'x' } }),
        valid({ retry_policy: { initial_delay: 5000, max_delay: 1000 } }),
        valid({ name: '' }),
      ];
      for (const body of bad) expect((await http.post('/api/webhooks', body)).status).toBe(400);
      const after = await http.get('/api/webhooks');
      expect(after.body.total).toBe(1);
      expect(after.body.webhooks).toHaveLength(1);
    });

    it('unknown fields are ignored', async () => {
      const { http } = await newClient();
      const res = await http.post('/api/webhooks', valid({ bogus: 1 }));
      expect(res.status).toBe(201);
      expect(res.body).not.toHaveProperty('bogus');
    });
  });

  describe('list', () => {
    let http: Http;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      ({ http } = await newClient());
      const specs = [
        { name: 'bravo', project_id: 'p1', active: true },
        { name: 'alpha', project_id: 'p1', active: false },
        { name: 'charlie', project_id: 'p2', active: true },
      ];
      for (const spec of specs) {
        const res = await http.post('/api/webhooks', valid({ ...spec, headers: { 'X-A': 'b' } }));
        expect(res.status).toBe(201);
        ids[spec.name] = res.body.webhook_id;
      }
    });

    const names = (res: Res) => res.body.webhooks.map((w: { name: string }) => w.name);

    it('defaults: created_at desc, limit 20, offset 0, with total and pagination', async () => {
      const res = await http.get('/api/webhooks');
      expect(res.status).toBe(200);
      expect(names(res)).toEqual(['charlie', 'alpha', 'bravo']);
      expect(res.body.total).toBe(3);
      expect(res.body.pagination).toEqual({ limit: 20, offset: 0, has_more: false });
    });

    it('items omit secret and headers and carry list stats', async () => {
      const res = await http.get('/api/webhooks');
      for (const w of res.body.webhooks) {
        expect(w).not.toHaveProperty('secret');
        expect(w).not.toHaveProperty('headers');
        expect(w.webhook_id).toMatch(WEBHOOK_ID);
        expect(w.stats).toEqual({
          total_deliveries: 0,
          successful_deliveries: 0,
          failed_deliveries: 0,
          last_delivery: null,
          success_rate: 0,
        });
        expect(w.created_at).toMatch(ISO_MS_Z);
      }
    });

    it('filters by project_id and active', async () => {
      const p1 = await http.get('/api/webhooks?project_id=p1');
      expect(p1.status).toBe(200);
      expect(names(p1).sort()).toEqual(['alpha', 'bravo']);
      expect(p1.body.total).toBe(2);
      const inactive = await http.get('/api/webhooks?active=false');
      expect(names(inactive)).toEqual(['alpha']);
      expect(inactive.body.total).toBe(1);
      const active = await http.get('/api/webhooks?active=true');
      expect(names(active).sort()).toEqual(['bravo', 'charlie']);
      const both = await http.get('/api/webhooks?project_id=p1&active=true');
      expect(names(both)).toEqual(['bravo']);
      const none = await http.get('/api/webhooks?project_id=nope');
      expect(none.body).toEqual({
        webhooks: [],
        total: 0,
        pagination: { limit: 20, offset: 0, has_more: false },
      });
    });

    it('sorts by name, created_at and updated_at in both orders', async () => {
      expect(names(await http.get('/api/webhooks?sort=name&order=asc'))).toEqual([
        'alpha',
        'bravo',
        'charlie',
      ]);
      expect(names(await http.get('/api/webhooks?sort=name&order=desc'))).toEqual([
        'charlie',
        'bravo',
        'alpha',
      ]);
      expect(names(await http.get('/api/webhooks?sort=name'))).toEqual(['charlie', 'bravo', 'alpha']);
      expect(names(await http.get('/api/webhooks?sort=created_at&order=asc'))).toEqual([
        'bravo',
        'alpha',
        'charlie',
      ]);
      expect(names(await http.get('/api/webhooks?order=desc'))).toEqual(['charlie', 'alpha', 'bravo']);
      const touched = await http.put(`/api/webhooks/${ids.bravo}`, { description: 'touched' });
      expect(touched.status).toBe(200);
      expect(names(await http.get('/api/webhooks?sort=updated_at&order=desc'))[0]).toBe('bravo');
      expect(names(await http.get('/api/webhooks?sort=updated_at&order=asc')).at(-1)).toBe('bravo');
    });

    it('paginates with limit and offset', async () => {
      const first = await http.get('/api/webhooks?limit=2&sort=name&order=asc');
      expect(names(first)).toEqual(['alpha', 'bravo']);
      expect(first.body.total).toBe(3);
      expect(first.body.pagination).toEqual({ limit: 2, offset: 0, has_more: true });
      const second = await http.get('/api/webhooks?limit=2&offset=2&sort=name&order=asc');
      expect(names(second)).toEqual(['charlie']);
      expect(second.body.pagination).toEqual({ limit: 2, offset: 2, has_more: false });
      const past = await http.get('/api/webhooks?offset=10');
      expect(past.body.webhooks).toEqual([]);
      expect(past.body.total).toBe(3);
      expect((await http.get('/api/webhooks?limit=1')).body.pagination.limit).toBe(1);
      expect((await http.get('/api/webhooks?limit=100')).body.pagination.limit).toBe(100);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['offset=-1', 'offset'],
      ['offset=abc', 'offset'],
      ['sort=url', 'sort'],
      ['order=up', 'order'],
      ['active=yes', 'active'],
    ])('rejects %s with a 400 naming %s', async (query, field) => {
      expectBadRequest(await http.get(`/api/webhooks?${query}`), field);
    });
  });

  describe('detail, update and delete', () => {
    let http: Http;
    let created: any;

    beforeAll(async () => {
      ({ http } = await newClient());
      const res = await http.post(
        '/api/webhooks',
        valid({
          name: 'original',
          description: 'first',
          project_id: 'proj',
          headers: { 'X-One': '1' },
          secret: 'original-secret',
          retry_policy: { backoff_strategy: 'linear', retry_on_status: [500, 502] },
        }),
      );
      expect(res.status).toBe(201);
      created = res.body;
    });

    it('GET returns everything with detail stats and recent_deliveries', async () => {
      const res = await http.get(`/api/webhooks/${created.webhook_id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        expect.objectContaining({
          webhook_id: created.webhook_id,
          url: BASE_URL,
          events: ['build.completed'],
          name: 'original',
          description: 'first',
          secret: 'original-secret',
          active: true,
          project_id: 'proj',
          headers: { 'X-One': '1' },
          timeout: 30,
          retry_policy: { ...DEFAULT_POLICY, backoff_strategy: 'linear', retry_on_status: [500, 502] },
          created_at: created.created_at,
          updated_at: created.updated_at,
          created_by: created.created_by,
          recent_deliveries: [],
        }),
      );
      expect(res.body.stats).toEqual({
        total_deliveries: 0,
        successful_deliveries: 0,
        failed_deliveries: 0,
        last_delivery: null,
        success_rate: 0,
        average_response_time: expect.anything(),
      });
      expect([0, null]).toContain(res.body.stats.average_response_time);
    });

    it('PUT changes only the given fields, moves updated_at and hides the secret', async () => {
      const res = await http.put(`/api/webhooks/${created.webhook_id}`, { name: 'renamed', timeout: 60 });
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('secret');
      expect(res.body.name).toBe('renamed');
      expect(res.body.timeout).toBe(60);
      expect(res.body.description).toBe('first');
      expect(res.body.project_id).toBe('proj');
      expect(res.body.url).toBe(BASE_URL);
      expect(res.body.events).toEqual(['build.completed']);
      expect(res.body.active).toBe(true);
      expect(res.body.created_at).toBe(created.created_at);
      expect(res.body.updated_at).toMatch(ISO_MS_Z);
      expect(new Date(res.body.updated_at).getTime()).toBeGreaterThan(new Date(created.updated_at).getTime());
      const detail = await http.get(`/api/webhooks/${created.webhook_id}`);
      expect(detail.body.secret).toBe('original-secret');
      expect(detail.body.headers).toEqual({ 'X-One': '1' });
      expect(detail.body.name).toBe('renamed');
      expect(detail.body.updated_at).toBe(res.body.updated_at);
    });

    it('PUT merges retry_policy into the current policy', async () => {
      const res = await http.put(`/api/webhooks/${created.webhook_id}`, {
        retry_policy: { max_attempts: 5 },
      });
      expect(res.status).toBe(200);
      expect(res.body.retry_policy).toEqual({
        ...DEFAULT_POLICY,
        backoff_strategy: 'linear',
        retry_on_status: [500, 502],
        max_attempts: 5,
      });
      const again = await http.put(`/api/webhooks/${created.webhook_id}`, {
        retry_policy: { max_delay: 90000 },
      });
      expect(again.body.retry_policy).toEqual({
        ...DEFAULT_POLICY,
        backoff_strategy: 'linear',
        retry_on_status: [500, 502],
        max_attempts: 5,
        max_delay: 90000,
      });
    });

    it('PUT rejects a max_delay below the current initial_delay', async () => {
      const res = await http.put(`/api/webhooks/${created.webhook_id}`, { retry_policy: { max_delay: 500 } });
      expectBadRequest(res, 'retry_policy.max_delay');
    });

    it('PUT applies the same rules and a rejected PUT changes nothing', async () => {
      const before = await http.get(`/api/webhooks/${created.webhook_id}`);
      expectBadRequest(await http.put(`/api/webhooks/${created.webhook_id}`, { name: null }), 'name');
      expectBadRequest(await http.put(`/api/webhooks/${created.webhook_id}`, { name: '' }), 'name');
      expectBadRequest(await http.put(`/api/webhooks/${created.webhook_id}`, { url: 'ftp://x' }), 'url');
      expectBadRequest(await http.put(`/api/webhooks/${created.webhook_id}`, { events: [] }), 'events');
      expectBadRequest(await http.put(`/api/webhooks/${created.webhook_id}`, { timeout: 121 }), 'timeout');
      expectBadRequest(await http.put(`/api/webhooks/${created.webhook_id}`, { secret: 'short' }), 'secret');
      expectBadRequest(
        await http.put(`/api/webhooks/${created.webhook_id}`, { headers: { 'X-Trae-Foo': 'x' } }),
        'headers',
      );
      expectBadRequest(
        await http.put(`/api/webhooks/${created.webhook_id}`, { name: '', timeout: 0 }),
        'name',
        'timeout',
      );
      const after = await http.get(`/api/webhooks/${created.webhook_id}`);
      expect(after.body).toEqual(before.body);
    });

    it('PUT can update events (de-duplicated), active, secret and clear description', async () => {
      const res = await http.put(`/api/webhooks/${created.webhook_id}`, {
        events: ['user.*', 'user.*'],
        active: false,
        secret: 'another-secret',
        description: null,
      });
      expect(res.status).toBe(200);
      expect(res.body.events).toEqual(['user.*']);
      expect(res.body.active).toBe(false);
      expect(res.body.description ?? null).toBeNull();
      const detail = await http.get(`/api/webhooks/${created.webhook_id}`);
      expect(detail.body.secret).toBe('another-secret');
    });

    it('DELETE answers with the deletion, then the webhook is gone everywhere', async () => {
      const { http: own } = await newClient();
      const made = await own.post('/api/webhooks', valid({ name: 'doomed' }));
      const keep = await own.post('/api/webhooks', valid({ name: 'kept' }));
      const id = made.body.webhook_id;
      const res = await own.delete(`/api/webhooks/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        message: 'Webhook deleted successfully',
        webhook_id: id,
        deleted_at: expect.stringMatching(ISO_MS_Z),
      });
      expectError(await own.get(`/api/webhooks/${id}`), 404, 'Not Found');
      expectError(await own.put(`/api/webhooks/${id}`, { name: 'x' }), 404, 'Not Found');
      expectError(await own.delete(`/api/webhooks/${id}`), 404, 'Not Found');
      expectError(await own.get(`/api/webhooks/${id}/deliveries`), 404, 'Not Found');
      expectError(await own.post(`/api/webhooks/${id}/test`), 404, 'Not Found');
      expectError(await own.get(`/api/webhooks/${id}/stats`), 404, 'Not Found');
      const list = await own.get('/api/webhooks');
      expect(list.body.total).toBe(1);
      expect(list.body.webhooks.map((w: { webhook_id: string }) => w.webhook_id)).toEqual([
        keep.body.webhook_id,
      ]);
    });
  });

  describe('authentication and tenancy', () => {
    let owner: Http;
    let other: Http;
    let webhookId: string;

    beforeAll(async () => {
      ({ http: owner } = await newClient());
      ({ http: other } = await newClient());
      const res = await owner.post('/api/webhooks', valid({ name: 'owned' }));
      webhookId = res.body.webhook_id;
      expect((await other.post('/api/webhooks', valid({ name: 'theirs' }))).status).toBe(201);
    });

    const routes = (id: string): Array<[string, (h: Http) => Promise<Res>]> => [
      ['GET /api/webhooks', (h) => h.get('/api/webhooks')],
      ['POST /api/webhooks', (h) => h.post('/api/webhooks', valid())],
      ['GET /api/webhooks/:id', (h) => h.get(`/api/webhooks/${id}`)],
      ['PUT /api/webhooks/:id', (h) => h.put(`/api/webhooks/${id}`, { name: 'x' })],
      ['DELETE /api/webhooks/:id', (h) => h.delete(`/api/webhooks/${id}`)],
      ['GET /api/webhooks/:id/deliveries', (h) => h.get(`/api/webhooks/${id}/deliveries`)],
      ['POST /api/webhooks/:id/test', (h) => h.post(`/api/webhooks/${id}/test`)],
      ['GET /api/event-types', (h) => h.get('/api/event-types')],
      ['POST /api/events', (h) => h.post('/api/events', { event: 'user.login', data: {} })],
    ];

    it('answers 401 without Authorization and with a wrong key on every route', async () => {
      const anonymous = client(api.baseUrl);
      const wrong = client(api.baseUrl, 'hp_definitely_not_a_real_key_0000000000');
      for (const [label, call] of routes(webhookId)) {
        for (const h of [anonymous, wrong]) {
          const res = await call(h);
          if (res.status !== 401) throw new Error(`${label}: expected 401, got ${res.status} ${res.text}`);
          expectError(res, 401, 'Unauthorized');
        }
      }
      const malformed = await anonymous.get('/api/webhooks', { authorization: 'Basic abc' });
      expectError(malformed, 401, 'Unauthorized');
      expect((await owner.get(`/api/webhooks/${webhookId}`)).status).toBe(200);
    });

    it("another account gets 404 on the webhook's routes and never sees it", async () => {
      expectError(await other.get(`/api/webhooks/${webhookId}`), 404, 'Not Found');
      expectError(await other.put(`/api/webhooks/${webhookId}`, { name: 'hijack' }), 404, 'Not Found');
      expectError(await other.delete(`/api/webhooks/${webhookId}`), 404, 'Not Found');
      expectError(await other.get(`/api/webhooks/${webhookId}/deliveries`), 404, 'Not Found');
      const list = await other.get('/api/webhooks');
      expect(list.body.total).toBe(1);
      expect(list.body.webhooks.map((w: { name: string }) => w.name)).toEqual(['theirs']);
      const still = await owner.get(`/api/webhooks/${webhookId}`);
      expect(still.status).toBe(200);
      expect(still.body.name).toBe('owned');
    });

    it.each([
      ['webhook_123'],
      ['del_0190a0b0c0d07e8f9a0b1c2d3e4f5a6b'],
      ['acct_0190a0b0c0d07e8f9a0b1c2d3e4f5a6b'],
      ['webhook_0190a0b0c0d07e8f9a0b1c2d3e4f5a6b'],
      ['webhook_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'],
      ['not-an-id'],
    ])('answers 404 for the malformed or unknown id %s', async (id) => {
      expectError(await owner.get(`/api/webhooks/${id}`), 404, 'Not Found');
      expectError(await owner.put(`/api/webhooks/${id}`, { name: 'x' }), 404, 'Not Found');
      expectError(await owner.delete(`/api/webhooks/${id}`), 404, 'Not Found');
      expectError(await owner.get(`/api/webhooks/${id}/deliveries`), 404, 'Not Found');
    });

    it('uses the delivery id form in webhook position: 404', async () => {
      const delLike = webhookId.replace(/^webhook_/, 'del_');
      expectError(await owner.get(`/api/webhooks/${delLike}`), 404, 'Not Found');
    });
  });

  describe('event types', () => {
    const CONTRACT_TYPES = [
      'project.created',
      'project.updated',
      'project.deleted',
      'build.started',
      'build.completed',
      'build.failed',
      'deployment.started',
      'deployment.completed',
      'deployment.failed',
      'collaboration.invited',
      'collaboration.joined',
      'collaboration.left',
      'file.created',
      'file.updated',
      'file.deleted',
      'user.registered',
      'user.login',
      'user.logout',
      'security.alert',
      'test.ping',
    ];

    it('lists the 19 seed types and test.ping, each {name, description}', async () => {
      const { http } = await newClient();
      const res = await http.get('/api/event-types');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['event_types']);
      for (const t of res.body.event_types) {
        expect(Object.keys(t).sort()).toEqual(['description', 'name']);
        expect(typeof t.name).toBe('string');
        expect(t.description).toEqual(expect.any(String));
        expect(t.description.length).toBeGreaterThan(0);
      }
      const names: string[] = res.body.event_types.map((t: { name: string }) => t.name);
      expect(names).toEqual(expect.arrayContaining(CONTRACT_TYPES));
      expect(new Set(names).size).toBe(names.length);
      // API.md lists exactly these 20; the catalog adds the alert family the alert sources publish
      // (issue 6), so presence is asserted here, not the count.
    });
  });
});
