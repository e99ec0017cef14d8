'use strict';
// Latency of the stats-heavy read endpoints against a seeded database (see bench/seed.js).
//   npm run bench:stats -- [--calls 50] [--warmup 5] [--database-url URL] [--account-file F] [--smoke]
// Starts the API from dist (or $HOOKPOST_DIST) as a child (LOG_LEVEL=warn, a free port), times sequential HTTP calls per
// endpoint, prints a table and the machine on stdout, writes JSON to bench/results/, stops the API.
// --smoke: seeds 20,000 deliveries into hookpost_bench_stats_smoke first, then 10 calls each.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { Agent, request } = require('undici');
const { ROOT, DIST, SMOKE_DB_URL, parseArgs, dbName, log, freePort, percentile, sleep } = require('./lib');

const SPEC = {
  calls: { type: 'int', default: 0, min: 1 },
  warmup: { type: 'int', default: -1, min: 0 },
  'database-url': { type: 'string', default: '' },
  'account-file': { type: 'string', default: '' },
  'timeout-ms': { type: 'int', default: 30_000, min: 100 },
  smoke: { type: 'bool', default: false },
};

function machine() {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0] ? cpus[0].model : 'unknown',
    cpu_count: cpus.length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavg_at_start: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

async function startApi(dbUrl, port) {
  const child = spawn(process.execPath, [path.join(DIST, 'apps/api/src/main.js')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: dbUrl, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (b) => {
    output = (output + b.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`API exited early (${JSON.stringify(exited)}):\n${output}`);
    try {
      const res = await request(`http://127.0.0.1:${port}/health/ready`, {
        headersTimeout: 2000,
        bodyTimeout: 2000,
      });
      await res.body.dump();
      if (res.statusCode === 200) return { child, output: () => output, exited: () => exited };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error(`API not ready within 60 s:\n${output}`);
}

async function stopApi(api) {
  if (!api || api.exited()) return;
  api.child.kill('SIGTERM');
  for (let i = 0; i < 40 && !api.exited(); i++) await sleep(250);
  if (!api.exited()) api.child.kill('SIGKILL');
}

async function main() {
  const opt = parseArgs(process.argv.slice(2), SPEC);
  const calls = opt.calls || (opt.smoke ? 10 : 50);
  const warmup = opt.warmup >= 0 ? opt.warmup : opt.smoke ? 2 : 5;
  const accountFile =
    opt['account-file'] ||
    path.join(ROOT, 'bench/results', opt.smoke ? 'stats-account-smoke.json' : 'stats-account.json');
  const t0 = Date.now();

  if (opt.smoke) {
    const dbUrl = opt['database-url'] || SMOKE_DB_URL;
    log(`smoke: seeding 20,000 deliveries into ${dbName(dbUrl)}`);
    execFileSync(
      process.execPath,
      [
        path.join(__dirname, 'seed.js'),
        '--deliveries',
        '20000',
        '--database-url',
        dbUrl,
        '--account-file',
        accountFile,
      ],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
    );
  }
  if (!fs.existsSync(accountFile)) throw new Error(`${accountFile} missing: run npm run bench:seed first`);
  const account = JSON.parse(fs.readFileSync(accountFile, 'utf8'));
  const dbUrl = opt['database-url'] || account.database_url;
  const mach = machine();
  console.log(
    `machine: ${mach.cpu_model} x${mach.cpu_count}, ${mach.memory_gb} GB RAM, node ${mach.node}, ${mach.platform}, load ${mach.loadavg_at_start.join(' ')}`,
  );
  console.log(`database: ${dbName(dbUrl)} (${JSON.stringify(account.counts || account.params || {})})`);

  const port = await freePort();
  log(`starting API on port ${port}`);
  const api = await startApi(dbUrl, port);
  const agent = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${account.api_key}` };
  async function get(p) {
    const started = process.hrtime.bigint();
    const res = await request(base + p, {
      dispatcher: agent,
      headers,
      headersTimeout: opt['timeout-ms'],
      bodyTimeout: opt['timeout-ms'],
    });
    const text = await res.body.text();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (res.statusCode !== 200) throw new Error(`GET ${p} -> ${res.statusCode}: ${text.slice(0, 500)}`);
    return { ms, body: JSON.parse(text), bytes: text.length };
  }

  const results = [];
  try {
    const list = (await get('/api/webhooks?limit=100')).body;
    const hooks = list.webhooks || [];
    if (hooks.length === 0) throw new Error('no webhooks in the account: seed first');
    // The busiest webhook: the worst case for per-webhook reads.
    const target = hooks.reduce((a, b) =>
      (b.stats?.total_deliveries ?? 0) > (a.stats?.total_deliveries ?? 0) ? b : a,
    );
    const whId = target.webhook_id;
    log(
      `${hooks.length} webhooks listed (total ${list.total}); per-webhook calls use ${whId} (${target.stats?.total_deliveries} deliveries)`,
    );
    const since30 = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const cases = [
      { name: 'webhook stats 7d daily', path: `/api/webhooks/${whId}/stats?period=day` },
      { name: 'webhook stats 24h hourly', path: `/api/webhooks/${whId}/stats?period=hour` },
      {
        name: 'account stats 30d daily',
        path: `/api/stats?period=day&start_date=${encodeURIComponent(since30)}`,
      },
      { name: 'webhook list limit=100', path: '/api/webhooks?limit=100' },
      { name: 'history failed limit=20', path: `/api/webhooks/${whId}/deliveries?status=failed&limit=20` },
    ];
    for (const c of cases) {
      log(`${c.name}: ${warmup} warm-up + ${calls} calls`);
      let bytes = 0;
      for (let i = 0; i < warmup; i++) bytes = (await get(c.path)).bytes;
      const samples = [];
      const caseDeadline = Date.now() + 120_000; // bounded: at most ~2 minutes per endpoint
      for (let i = 0; i < calls && Date.now() < caseDeadline; i++) samples.push((await get(c.path)).ms);
      const sorted = [...samples].sort((a, b) => a - b);
      const r2 = (x) => Math.round(x * 10) / 10;
      results.push({
        name: c.name,
        path: c.path,
        calls: samples.length,
        p50_ms: r2(percentile(sorted, 50)),
        p95_ms: r2(percentile(sorted, 95)),
        max_ms: r2(sorted[sorted.length - 1]),
        mean_ms: r2(samples.reduce((a, b) => a + b, 0) / samples.length),
        response_bytes: bytes,
      });
    }
  } finally {
    await agent.close().catch(() => {});
    log('stopping API');
    await stopApi(api);
  }

  const target = 100;
  const head = ['endpoint', 'calls', 'p50 ms', 'p95 ms', 'max ms', 'p95<100'];
  const f1 = (x) => x.toFixed(1);
  const rows = results.map((r) => [
    r.name,
    r.calls,
    f1(r.p50_ms),
    f1(r.p95_ms),
    f1(r.max_ms),
    r.p95_ms < target ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    '| ' + cells.map((c, i) => String(c)[i === 0 ? 'padEnd' : 'padStart'](widths[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log(
    '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 1) + '-' : '-'.repeat(w + 1) + ':')).join('|') + '|',
  );
  for (const r of rows) console.log(line(r));

  const out = {
    at: new Date().toISOString(),
    smoke: opt.smoke,
    database: dbName(dbUrl),
    seed: account.params || null,
    counts: account.counts || null,
    machine: { ...mach, loadavg_at_end: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    warmup,
    calls,
    target_p95_ms: target,
    results,
  };
  const dir = path.join(ROOT, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = out.at.replace(/[:.]/g, '-');
  const file = path.join(dir, `stats-${opt.smoke ? 'smoke-' : ''}${stamp}.json`);
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  fs.writeFileSync(
    path.join(dir, `stats-${opt.smoke ? 'smoke-' : ''}latest.json`),
    JSON.stringify(out, null, 2) + '\n',
  );
  console.log(`results: ${path.relative(ROOT, file)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

main().catch((err) => {
  process.stderr.write(`bench:stats failed: ${err.stack || err}\n`);
  process.exit(1);
});
