import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Resolver } from './guarded-lookup';
import { HttpSender, timeoutMessage } from './http-sender';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

interface TestServer {
  port: number;
  url: string;
  connections: number;
  received: Received[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];
const senders: HttpSender[] = [];

async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const server: Server = createServer();
  const state: TestServer = {
    port: 0,
    url: '',
    connections: 0,
    received: [],
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
  server.on('connection', () => state.connections++);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      handler(req, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  servers.push(state);
  return state;
}

function sender(opts: Partial<ConstructorParameters<typeof HttpSender>[0]> = {}): HttpSender {
  const s = new HttpSender({ allowPrivateDestinations: true, ...opts });
  senders.push(s);
  return s;
}

function post(
  url: string,
  extra: { body?: string | Buffer; timeoutMs?: number; headers?: Record<string, string> } = {},
) {
  return {
    url,
    headers: { 'content-type': 'application/json', ...extra.headers },
    body: extra.body ?? '{"hello":"world"}',
    timeoutMs: extra.timeoutMs ?? 5000,
  };
}

// A resolver that answers like a DNS server an attacker controls.
function fakeResolver(answers: Record<string, string[]>): Resolver {
  return (hostname, _options, callback) => {
    const addresses = answers[hostname];
    if (!addresses) {
      const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      err.code = 'ENOTFOUND';
      return callback(err, []);
    }
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('HttpSender', () => {
  describe('responses', () => {
    it('posts the body and headers and returns status, headers and body', async () => {
      const server = await startServer((_req, res) => {
        res.setHeader('X-Custom', 'yes');
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.writeHead(201, { 'Content-Type': 'text/plain' });
        res.end('thanks');
      });
      const body = Buffer.from('{"event":"build.completed","data":{"name":"café"}}', 'utf8');
      const result = await sender().send(
        post(`${server.url}/hooks/in?x=1`, { body, headers: { 'x-trae-event': 'build.completed' } }),
      );

      expect(result).toMatchObject({ kind: 'response', status: 201, body: 'thanks' });
      if (result.kind !== 'response') throw new Error('unreachable');
      expect(result.headers['x-custom']).toBe('yes');
      expect(result.headers['content-type']).toBe('text/plain');
      expect(result.headers['set-cookie']).toBe('a=1, b=2');
      expect(Object.keys(result.headers).every((k) => k === k.toLowerCase())).toBe(true);
      expect(Number.isInteger(result.responseTimeMs)).toBe(true);
      expect(result.responseTimeMs).toBeGreaterThanOrEqual(0);

      expect(server.received).toHaveLength(1);
      const [got] = server.received;
      expect(got.method).toBe('POST');
      expect(got.url).toBe('/hooks/in?x=1');
      expect(got.body.equals(body)).toBe(true);
      expect(got.headers['content-type']).toBe('application/json');
      expect(got.headers['x-trae-event']).toBe('build.completed');
      expect(got.headers['content-length']).toBe(String(body.length));
    });

    it('sends a string body as UTF-8', async () => {
      const server = await startServer((_req, res) => res.end());
      await sender().send(post(server.url, { body: '{"x":"☃"}' }));
      expect(server.received[0].body.toString('utf8')).toBe('{"x":"☃"}');
    });

    it.each([404, 500, 503])('returns a %i as a response, not an error', async (status) => {
      const server = await startServer((_req, res) => {
        res.writeHead(status, { 'Retry-After': '5' });
        res.end('nope');
      });
      const result = await sender().send(post(server.url));
      expect(result).toMatchObject({
        kind: 'response',
        status,
        body: 'nope',
        headers: { 'retry-after': '5' },
      });
    });

    it('returns a 302 as a response and does not follow it', async () => {
      const target = await startServer((_req, res) => res.end('followed'));
      const server = await startServer((_req, res) => {
        res.writeHead(302, { Location: `${target.url}/elsewhere` });
        res.end();
      });
      const result = await sender().send(post(server.url));
      expect(result).toMatchObject({
        kind: 'response',
        status: 302,
        headers: { location: `${target.url}/elsewhere` },
      });
      expect(target.connections).toBe(0);
    });

    it('returns an empty body as an empty string', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(204);
        res.end();
      });
      expect(await sender().send(post(server.url))).toMatchObject({
        kind: 'response',
        status: 204,
        body: '',
      });
    });
  });

  describe('response body limit', () => {
    it('keeps exactly 4096 bytes of a 50 MB stream and returns quickly', async () => {
      const total = 50 * 1024 * 1024;
      let sent = 0;
      let finished = false;
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (sent < total) {
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end(() => (finished = true));
        };
        res.on('error', () => undefined);
        pump();
      });

      const started = Date.now();
      const result = await sender().send(post(server.url));
      const took = Date.now() - started;

      expect(result.kind).toBe('response');
      if (result.kind !== 'response') throw new Error('unreachable');
      expect(Buffer.byteLength(result.body, 'utf8')).toBe(4096);
      expect(result.body).toBe('a'.repeat(4096));
      expect(took).toBeLessThan(2000);
      await new Promise((r) => setTimeout(r, 50));
      expect(finished).toBe(false);
      expect(sent).toBeLessThan(total);
    });

    it('keeps a body of exactly the limit whole, and the connection for the next send', async () => {
      const server = await startServer((_req, res) => res.end('b'.repeat(4096)));
      const s = sender();
      const first = await s.send(post(server.url));
      const second = await s.send(post(server.url));
      expect(first).toMatchObject({ kind: 'response', body: 'b'.repeat(4096) });
      expect(second).toMatchObject({ kind: 'response', body: 'b'.repeat(4096) });
      expect(server.connections).toBe(1);
    });

    it('honours a custom maxResponseBytes', async () => {
      const server = await startServer((_req, res) => res.end('0123456789'));
      expect(await sender({ maxResponseBytes: 4 }).send(post(server.url))).toMatchObject({ body: '0123' });
    });

    it('does not leave half a character where it cuts', async () => {
      const server = await startServer((_req, res) => res.end('€'.repeat(2000)));
      const result = await sender().send(post(server.url));
      if (result.kind !== 'response') throw new Error(`unexpected ${result.kind}`);
      expect(result.body).toBe('€'.repeat(1365));
      expect(Buffer.byteLength(result.body, 'utf8')).toBe(4095);
    });
  });

  describe('timeouts', () => {
    it('times out a receiver that never answers', async () => {
      const server = await startServer(() => undefined);
      const result = await sender().send(post(server.url, { timeoutMs: 300 }));
      expect(result).toMatchObject({ kind: 'timeout', message: 'timeout after 0.3s' });
      expect(result.responseTimeMs).toBeGreaterThanOrEqual(290);
      expect(result.responseTimeMs).toBeLessThan(1500);
      expect(Number.isInteger(result.responseTimeMs)).toBe(true);
    });

    it('counts the body in the timeout: headers then a stalled body still time out', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('partial');
      });
      const result = await sender().send(post(server.url, { timeoutMs: 300 }));
      expect(result).toMatchObject({ kind: 'timeout', message: 'timeout after 0.3s' });
      expect(result.responseTimeMs).toBeGreaterThanOrEqual(290);
      expect(result.responseTimeMs).toBeLessThan(1500);
    });

    it('counts a slow trickle as one exchange, not per chunk', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(200);
        const tick = setInterval(() => res.write('.'), 50);
        res.on('close', () => clearInterval(tick));
      });
      const result = await sender().send(post(server.url, { timeoutMs: 400 }));
      expect(result).toMatchObject({ kind: 'timeout', message: 'timeout after 0.4s' });
    });

    it('leaves the sender usable after a timeout', async () => {
      let calls = 0;
      const server = await startServer((_req, res) => {
        if (++calls > 1) res.end('ok');
      });
      const s = sender();
      expect((await s.send(post(server.url, { timeoutMs: 200 }))).kind).toBe('timeout');
      expect(await s.send(post(server.url, { timeoutMs: 2000 }))).toMatchObject({
        kind: 'response',
        body: 'ok',
      });
    });

    it.each([
      [30000, 'timeout after 30s'],
      [1000, 'timeout after 1s'],
      [300, 'timeout after 0.3s'],
      [120000, 'timeout after 120s'],
    ])('describes %i ms as %p', (ms, message) => {
      expect(timeoutMessage(ms)).toBe(message);
    });
  });

  describe('network errors', () => {
    it('reports a closed port as connection refused', async () => {
      const server = await startServer(() => undefined);
      const url = server.url;
      await server.close();
      const result = await sender().send(post(url));
      expect(result).toMatchObject({
        kind: 'network',
        code: 'ECONNREFUSED',
        message: 'connection refused (ECONNREFUSED)',
      });
      expect(Number.isInteger(result.responseTimeMs)).toBe(true);
    });

    it('reports a receiver that hangs up without answering', async () => {
      const server = await startServer((req) => req.socket.destroy());
      const result = await sender().send(post(server.url));
      expect(result.kind).toBe('network');
      if (result.kind !== 'network') throw new Error('unreachable');
      expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(result.code);
      expect(result.message).toMatch(/\((UND_ERR_SOCKET|ECONNRESET)\)$/);
    });

    it('reports a name that does not resolve', async () => {
      const result = await sender({ resolve: fakeResolver({}) }).send(post('http://nowhere.example.test/'));
      expect(result).toMatchObject({
        kind: 'network',
        code: 'ENOTFOUND',
        message: 'host not found (ENOTFOUND)',
      });
    });

    it('reports garbage instead of throwing', async () => {
      const result = await sender().send(post('not a url'));
      expect(result).toMatchObject({ kind: 'network', code: 'ERR_INVALID_URL' });
    });
  });

  describe('SSRF guard', () => {
    it('refuses a literal loopback address without connecting', async () => {
      const server = await startServer((_req, res) => res.end('reached'));
      const result = await sender({ allowPrivateDestinations: false }).send(post(server.url));
      expect(result).toMatchObject({ kind: 'forbidden_destination', message: 'destination not allowed' });
      expect(server.connections).toBe(0);
    });

    it.each([
      'http://[::1]:1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://2130706433:1/',
    ])('refuses the literal %s', async (url) => {
      const result = await sender({ allowPrivateDestinations: false }).send(post(url));
      expect(result).toMatchObject({ kind: 'forbidden_destination', message: 'destination not allowed' });
    });

    it('refuses localhost through the lookup path, after resolution', async () => {
      const server = await startServer((_req, res) => res.end('reached'));
      const result = await sender({ allowPrivateDestinations: false }).send(
        post(`http://localhost:${server.port}/`),
      );
      expect(result).toMatchObject({ kind: 'forbidden_destination', message: 'destination not allowed' });
      expect(server.connections).toBe(0);
    });

    it('refuses a public-looking name that resolves to a private address', async () => {
      const server = await startServer((_req, res) => res.end('reached'));
      const resolve = fakeResolver({ 'hooks.example.test': ['127.0.0.1'] });
      const result = await sender({ allowPrivateDestinations: false, resolve }).send(
        post(`http://hooks.example.test:${server.port}/`),
      );
      expect(result).toMatchObject({ kind: 'forbidden_destination', message: 'destination not allowed' });
      expect(server.connections).toBe(0);
    });

    it('checks the address at every connect, so a name that rebinds is caught', async () => {
      const server = await startServer((_req, res) => res.end('reached'));
      const answers: Record<string, string[]> = { 'rebind.example.test': ['127.0.0.1'] };
      const plain = sender({ allowPrivateDestinations: true, resolve: fakeResolver(answers) });
      const guarded = sender({ allowPrivateDestinations: false, resolve: fakeResolver(answers) });
      const url = `http://rebind.example.test:${server.port}/`;
      expect(await plain.send(post(url))).toMatchObject({ kind: 'response', body: 'reached' });
      expect(await guarded.send(post(url))).toMatchObject({ kind: 'forbidden_destination' });
      expect(server.connections).toBe(1);
    });

    it('refuses a name when any of its addresses is forbidden', async () => {
      const resolve = fakeResolver({ 'mixed.example.test': ['93.184.216.34', '10.0.0.5'] });
      const result = await sender({ allowPrivateDestinations: false, resolve }).send(
        post('http://mixed.example.test/', { timeoutMs: 1000 }),
      );
      expect(result).toMatchObject({ kind: 'forbidden_destination' });
    });

    it('lets private destinations through when allowed, by address or by name', async () => {
      const server = await startServer((_req, res) => res.end('reached'));
      const s = sender({ allowPrivateDestinations: true });
      expect(await s.send(post(server.url))).toMatchObject({ kind: 'response', body: 'reached' });
      expect(await s.send(post(`http://localhost:${server.port}/`))).toMatchObject({ kind: 'response' });
    });
  });

  describe('connection reuse', () => {
    it('sends two requests over one kept-alive socket', async () => {
      const server = await startServer((_req, res) => res.end('ok'));
      const s = sender();
      await s.send(post(server.url));
      await s.send(post(server.url));
      expect(server.received).toHaveLength(2);
      expect(server.connections).toBe(1);
    });

    it('opens parallel connections up to connectionsPerOrigin', async () => {
      const pending: ServerResponse[] = [];
      const server = await startServer((_req, res) => {
        pending.push(res);
        if (pending.length === 2) for (const r of pending) r.end('ok');
      });
      const s = sender({ connectionsPerOrigin: 2 });
      const results = await Promise.all([s.send(post(server.url)), s.send(post(server.url))]);
      expect(results.map((r) => r.kind)).toEqual(['response', 'response']);
      expect(server.connections).toBe(2);
    });
  });

  it('close() resolves once pooled connections are closed', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    const s = new HttpSender({ allowPrivateDestinations: true });
    await s.send(post(server.url));
    await expect(s.close()).resolves.toBeUndefined();
  });
});
