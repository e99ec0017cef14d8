'use strict';
// Hookpost benchmark: `npm run bench [-- --smoke | --events N --webhooks M --rate R --duration S
//   --warmup S --ceiling-seconds S --backlog N --baseline-deliveries N
//   --only ceiling,drain,baseline,sustained,retry,isolation,backlog --cpu-prof]`.
// Progress goes to stderr, the results table to stdout, JSON to bench/results/<timestamp>.json.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, fork, execFileSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const { Pool: HttpPool, request } = require('undici');
const { Client: PgClient } = require('pg');
const Redis = require('ioredis');
const { Queue } = require('bullmq');
const L = require('./lib');

const ROOT = L.ROOT;
const DB_NAME = 'hookpost_bench';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DB_NAME}`;
const ADMIN_DB_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = 'redis://127.0.0.1:6379/5';
const PHASES = ['ceiling', 'drain', 'baseline', 'sustained', 'retry', 'isolation', 'backlog'];
const BASELINE_QUEUE = 'bench-baseline';
const BASELINE_CONCURRENCY = 100;
const TYPES = {
  drain: 'build.completed',
  sustained: 'deployment.completed',
  warmup: 'deployment.started',
  retry: 'file.created',
  slow: 'security.alert',
  healthy: 'user.login',
  backlog: 'project.updated',
};

// ---------------------------------------------------------------- options
const NUMBER_OPTIONS = [
  'ceiling-seconds',
  'events',
  'webhooks',
  'rate',
  'duration',
  'warmup',
  'retry-events',
  'slow-deliveries',
  'healthy-deliveries',
  'healthy-rate',
  'backlog',
  'worker-concurrency',
  'endpoint-concurrency',
  'publish-concurrency',
  'baseline-deliveries',
];
const SPEC = {
  ...Object.fromEntries(NUMBER_OPTIONS.map((name) => [name, { type: 'int', min: 1 }])),
  only: { type: 'string' },
  smoke: { type: 'bool', default: false },
  'cpu-prof': { type: 'bool', default: false },
};
const args = L.parseArgs(process.argv.slice(2), SPEC);
const smoke = args.smoke;
const num = (v, d) => (v === undefined ? d : v);
const opt = {
  smoke,
  ceilingSeconds: num(args['ceiling-seconds'], smoke ? 1 : 10),
  // 50,000 deliveries: at ~6,000/s a drain of 20,000 lasted ~3.5 s, short enough for the worker's ramp-up
  // (first fetches, JIT) to move its ratio to the straightforward pipeline between 2.2 and 2.6x.
  events: num(args.events, smoke ? 100 : 5000),
  webhooks: num(args.webhooks, smoke ? 2 : 10),
  rate: num(args.rate, smoke ? 100 : 1000),
  duration: num(args.duration, smoke ? 3 : 60),
  warmup: num(args.warmup, smoke ? 1 : 10),
  retryEvents: num(args['retry-events'], smoke ? 100 : 2000),
  slowDeliveries: num(args['slow-deliveries'], smoke ? 20 : 200),
  healthyDeliveries: num(args['healthy-deliveries'], smoke ? 100 : 1000),
  healthyRate: num(args['healthy-rate'], smoke ? 50 : 100),
  backlog: num(args.backlog, smoke ? 2000 : 100000),
  workerConcurrency: num(args['worker-concurrency'], 200),
  endpointConcurrency: num(args['endpoint-concurrency'], 20),
  publishConcurrency: num(args['publish-concurrency'], 64),
  only: typeof args.only === 'string' ? args.only.split(',').map((s) => s.trim()) : PHASES,
  cpuProf: args['cpu-prof'],
};
// The same number of deliveries as the drain phase, so the two rates are taken over the same work.
opt.baselineDeliveries = num(args['baseline-deliveries'], opt.events * opt.webhooks);
for (const p of opt.only)
  if (!PHASES.includes(p)) throw new Error(`--only: unknown phase ${p} (one of ${PHASES.join(',')})`);
const want = (p) => opt.only.includes(p);

// ---------------------------------------------------------------- child processes
const children = {}; // name -> ChildProcess
let shuttingDown = false;

function pipeLogs(name, stream) {
  let lines = 0;
  let buf = '';
  stream.on('data', (chunk) => {
    buf += chunk.toString('utf8');
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (++lines <= 40) process.stderr.write(`[${name}] ${line.slice(0, 500)}\n`);
      else if (lines === 41) process.stderr.write(`[${name}] (further output suppressed)\n`);
    }
    if (buf.length > 65536) buf = '';
  });
}

function startNode(name, script, env, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children[name] = child;
  pipeLogs(name, child.stdout);
  pipeLogs(name, child.stderr);
  child.on('exit', (code, signal) => {
    if (!shuttingDown) L.log(`${name} exited unexpectedly (code ${code}, signal ${signal})`);
  });
  return child;
}

function killAllSync() {
  for (const c of Object.values(children)) {
    if (c && c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

async function stopChildren() {
  shuttingDown = true;
  await Promise.all(Object.values(children).map((c) => c && stopChild(c, 8000)));
}

process.on('exit', () => {
  killAllSync();
  removeSnapshot();
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    L.log(`${sig}: stopping children`);
    shuttingDown = true;
    killAllSync();
    process.exit(130);
  });
}

async function waitHttpOk(url, maxMs, what, child) {
  const deadline = Date.now() + maxMs;
  let lastErr = '';
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null))
      throw new Error(`${what} exited during start`);
    try {
      const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
      await res.body.text();
      if (res.statusCode === 200) return;
      lastErr = `status ${res.statusCode}`;
    } catch (e) {
      lastErr = e.code || e.message;
    }
    await L.sleep(200);
  }
  throw new Error(`${what} not ready after ${maxMs} ms (${lastErr})`);
}

/** Forks a bench helper and resolves with its first message (it sends one once it is ready). */
function forkReady(name, script, env, timeoutMs) {
  const child = fork(path.join(__dirname, script), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  children[name] = child;
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`${name} did not start in ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    child.once('message', (message) => {
      clearTimeout(t);
      resolve({ child, message });
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
  });
}

async function startReceiver() {
  const { child, message } = await forkReady('receiver', 'receiver.js', {}, 10000);
  if (!message || !message.ready) throw new Error('receiver sent an unexpected first message');
  return { child, port: message.port };
}

let rpcSeq = 0;
function receiverStats(tag) {
  const child = children.receiver;
  const id = ++rpcSeq;
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      child.off('message', onMsg);
      reject(new Error('receiver stats timed out'));
    }, 10000);
    function onMsg(m) {
      if (m && m.id === id) {
        clearTimeout(t);
        child.off('message', onMsg);
        resolve(m.result);
      }
    }
    child.on('message', onMsg);
    child.send({ cmd: 'stats', tag, id });
  });
}

// ---------------------------------------------------------------- database / redis setup
async function resetStores() {
  const admin = new PgClient({ connectionString: ADMIN_DB_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000 });
  await redis.connect();
  await redis.flushdb();
  redis.disconnect();
}

let db;
/**
 * What autovacuum would have done by now (it is off on some machines' Postgres): each phase after the
 * first starts without the dead rows and stale planner statistics of the phase before.
 */
async function settleDatabase() {
  const t0 = performance.now();
  await db.query('VACUUM (ANALYZE)');
  L.log(`vacuum analyze: ${Math.round(performance.now() - t0)} ms`);
}

async function statusCounts(eventType) {
  const { rows } = await db.query(
    `SELECT status, count(*)::int AS n FROM deliveries WHERE event_type = $1 GROUP BY status`,
    [eventType],
  );
  const c = { pending: 0, success: 0, failed: 0 };
  for (const r of rows) c[r.status] = r.n;
  return c;
}

/** Deliveries of the type still pending: read through the partial index on pending rows, so a poll costs
 * little once the queue runs low (a full GROUP BY every 100 ms once took a fifth of a core from Postgres). */
async function pendingCount(eventType) {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending' AND event_type = $1`,
    [eventType],
  );
  return rows[0].n;
}

/**
 * Polls `countPending` until it answers 0, `giveUp(pending)` says there is no point waiting on, or maxMs
 * has passed; answers when it stopped.
 */
async function waitNonePending(countPending, maxMs, label, giveUp = async () => false) {
  const start = performance.now();
  let lastLog = performance.now();
  let pending = await countPending();
  while (pending > 0 && performance.now() - start < maxMs && !(await giveUp(pending))) {
    // Long queues are polled less often: the end is what needs a fine clock.
    await L.sleep(pending > 2000 ? 250 : 50);
    pending = await countPending();
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      L.log(`${label}: pending ${pending}`);
    }
  }
  return performance.now();
}

/** Polls until no delivery of the type is pending and `expected` are final, bounded by maxMs. */
async function waitDelivered(eventType, expected, maxMs, label) {
  const at = await waitNonePending(() => pendingCount(eventType), maxMs, `${label} (of ${expected})`);
  const c = await statusCounts(eventType);
  return { counts: c, done: c.success + c.failed >= expected, at };
}

// ---------------------------------------------------------------- API client
let api; // undici Pool
let apiKey;
const payloadPad = 'x'.repeat(200);

async function apiCall(method, urlPath, body) {
  const t0 = performance.now();
  const res = await api.request({
    method,
    path: urlPath,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    headersTimeout: 30000,
    bodyTimeout: 30000,
  });
  const text = await res.body.text();
  return { status: res.statusCode, ms: performance.now() - t0, text };
}

async function createWebhook(name, url, eventType, extra = {}) {
  const r = await apiCall('POST', '/api/webhooks', { name, url, events: [eventType], ...extra });
  if (r.status !== 201) throw new Error(`create webhook ${name}: ${r.status} ${r.text.slice(0, 300)}`);
  return JSON.parse(r.text);
}

function newPublishStats() {
  return { ok: 0, errors: 0, statuses: {}, lat: [], firstAt: null, lastAt: null };
}

async function publishOne(eventType, seq, st) {
  if (st.firstAt === null) st.firstAt = performance.now();
  try {
    const r = await apiCall('POST', '/api/events', { event: eventType, data: { seq, pad: payloadPad } });
    st.lat.push(r.ms);
    if (r.status === 202) st.ok++;
    else {
      st.errors++;
      st.statuses[r.status] = (st.statuses[r.status] || 0) + 1;
    }
  } catch (e) {
    st.errors++;
    st.statuses[e.code || 'error'] = (st.statuses[e.code || 'error'] || 0) + 1;
  }
  st.lastAt = performance.now();
}

/** As fast as possible with `concurrency` requests in flight; bounded by count and maxMs. */
async function publishBurst(eventType, n, concurrency, maxMs) {
  const st = newPublishStats();
  const deadline = performance.now() + maxMs;
  let next = 0;
  const loop = async () => {
    while (next < n && performance.now() < deadline) await publishOne(eventType, next++, st);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, loop));
  return st;
}

/** Open-loop publishing at `rate`/s; at most maxInflight requests at once, stops issuing after maxMs. */
function publishAtRate(eventType, total, rate, maxInflight, maxMs) {
  const st = newPublishStats();
  st.maxBehind = 0;
  const start = performance.now();
  let sent = 0;
  let inflight = 0;
  return new Promise((resolve) => {
    let lastLog = start;
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) / 1000) * rate));
      const expired = now - start > maxMs;
      while (!expired && sent < due && inflight < maxInflight) {
        inflight++;
        publishOne(eventType, sent++, st).finally(() => inflight--);
      }
      st.maxBehind = Math.max(st.maxBehind, due - sent);
      if (now - lastLog > 5000) {
        lastLog = now;
        L.log(`  published ${sent}/${total} (in flight ${inflight}, behind schedule ${due - sent})`);
      }
      if ((sent >= total || expired) && inflight === 0) {
        clearInterval(timer);
        st.sent = sent;
        st.elapsedMs = now - start;
        resolve(st);
      }
    }, 2);
  });
}

function ingestSummary(st) {
  const s = L.summarize(st.lat);
  return {
    ok: st.ok,
    errors: st.errors,
    statuses: st.statuses,
    p50_ms: s && s.p50,
    p99_ms: s && s.p99,
    max_ms: s && s.max,
  };
}

// ---------------------------------------------------------------- phases
const results = { started_at: new Date().toISOString(), options: opt, machine: null, phases: {} };
let recvBase;

async function phaseCeiling() {
  L.log(`ceiling: bare undici POST loop, 64 connections, 1 KB body, ${opt.ceilingSeconds} s`);
  const pool = new HttpPool(recvBase, { connections: 64 });
  const body = JSON.stringify({ event: 'ceiling', data: { pad: 'y'.repeat(1000 - 40) } });
  let count = 0;
  let errors = 0;
  const cpu0 = L.cpuSnapshot({ receiver: children.receiver }, []);
  const start = performance.now();
  const end = start + opt.ceilingSeconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      try {
        const res = await pool.request({
          method: 'POST',
          path: '/ceiling',
          body,
          headers: { 'content-type': 'application/json' },
        });
        await res.body.dump();
        if (res.statusCode === 200) count++;
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: 64 }, loop));
  const secs = (performance.now() - start) / 1000;
  const cpu = L.cpuDelta(cpu0, L.cpuSnapshot({ receiver: children.receiver }, []));
  await pool.close();
  const r = {
    requests: count,
    errors,
    seconds: secs,
    req_per_s: count / secs,
    cpu_s: { receiver: cpu.receiver, bench_client: cpu.bench_client },
  };
  L.log(`ceiling: ${r.req_per_s.toFixed(0)} req/s`);
  results.phases.ceiling = r;
}

function cpuPer1k(delta, deliveries) {
  const o = {};
  for (const [k, v] of Object.entries(delta)) o[k] = deliveries > 0 ? (v * 1000) / deliveries : null;
  return o;
}

async function pgPids() {
  try {
    const { rows } = await db.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 OR datname IS NULL`,
      [DB_NAME],
    );
    return rows.map((r) => r.pid);
  } catch {
    return undefined;
  }
}

async function measured(name, fn) {
  const procs = () => ({ api: children.api, worker: children.worker, receiver: children.receiver });
  const cpu0 = L.cpuSnapshot(procs(), await pgPids());
  const r = await fn();
  const cpu = L.cpuDelta(cpu0, L.cpuSnapshot(procs(), await pgPids()));
  r.cpu_seconds = cpu;
  r.cpu_s_per_1k_deliveries = cpuPer1k(cpu, r.deliveries_done);
  r.worker_vmhwm_bytes = L.vmField(children.worker.pid, 'VmHWM');
  results.phases[name] = r;
}

async function phaseDrain() {
  const N = opt.events;
  const M = opt.webhooks;
  L.log(`drain: ${M} webhooks on ${TYPES.drain}, ${N} events -> ${N * M} deliveries`);
  for (let i = 0; i < M; i++)
    await createWebhook(`drain-${i}`, `${recvBase}/ok/drain`, TYPES.drain, { timeout: 10 });
  // The queue is paused while the events are published, so the drain is timed over a full backlog
  // (ingest speed is the sustained phase's business).
  const { QueueName } = require(path.join(distDir, 'libs/core/src/queue/queue-names.js'));
  const queue = new Queue(QueueName.Deliveries, {
    connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
  });
  try {
    await measured('drain', async () => {
      const expected = N * M;
      await queue.pause();
      const st = await publishBurst(TYPES.drain, N, opt.publishConcurrency, 120000);
      L.log(
        `drain: published ${st.ok} events in ${((st.lastAt - st.firstAt) / 1000).toFixed(1)} s; draining`,
      );
      const drainStart = performance.now();
      await queue.resume();
      const w = await waitDelivered(TYPES.drain, st.ok * M, Math.min(600000, 60000 + expected * 20), 'drain');
      const drainSeconds = (w.at - drainStart) / 1000;
      const recv = await receiverStats('drain');
      return {
        events: N,
        webhooks: M,
        expected_deliveries: expected,
        deliveries_done: w.counts.success,
        failed: w.counts.failed,
        all_delivered: w.done && w.counts.success === expected,
        publish_seconds: (st.lastAt - st.firstAt) / 1000,
        publish_events_per_s: st.ok / ((st.lastAt - st.firstAt) / 1000),
        ingest: ingestSummary(st),
        drain_seconds: drainSeconds,
        drain_deliveries_per_s: w.counts.success / drainSeconds,
        receiver_requests: recv.requests,
        receiver_unique: recv.unique,
        duplicates: recv.requests - recv.unique,
        latency_ms: recv.latency,
      };
    });
  } finally {
    await queue.resume().catch(() => {});
    await queue.close();
  }
}

async function phaseSustained() {
  const total = Math.round(opt.rate * opt.duration);
  L.log(`sustained: ${opt.rate}/s for ${opt.duration} s (${total} events, fan-out 1)`);
  await createWebhook('sustained', `${recvBase}/ok/sus`, TYPES.sustained, { timeout: 10 });
  // Warm-up at the same rate, not measured: opens the connection pools and lets the JIT and Postgres's
  // plan caches settle, so the figures describe the steady state rather than the first second.
  await createWebhook('warmup', `${recvBase}/ok/warmup`, TYPES.warmup, { timeout: 10 });
  const warm = Math.round(opt.rate * opt.warmup);
  L.log(`sustained: warm-up, ${opt.rate}/s for ${opt.warmup} s (${warm} events, not measured)`);
  const warmSt = await publishAtRate(TYPES.warmup, warm, opt.rate, 512, opt.warmup * 1000 + 30000);
  await waitDelivered(TYPES.warmup, warmSt.ok, 60000, 'warm-up');
  await measured('sustained', async () => {
    const st = await publishAtRate(TYPES.sustained, total, opt.rate, 512, opt.duration * 1000 + 30000);
    const atEnd = await statusCounts(TYPES.sustained);
    L.log(`sustained: publishing done (${st.ok} ok, ${st.errors} errors); backlog ${atEnd.pending}`);
    const waitMs = Math.max(30000, opt.duration * 1000);
    const w = await waitDelivered(TYPES.sustained, st.ok, waitMs, 'sustained');
    const recv = await receiverStats('sus');
    return {
      offered_rate: opt.rate,
      duration_s: opt.duration,
      warmup_s: opt.warmup,
      events_sent: st.sent,
      events_accepted: st.ok,
      achieved_publish_rate: st.ok / (st.elapsedMs / 1000),
      max_behind_schedule: st.maxBehind,
      ingest: ingestSummary(st),
      backlog_at_publish_end: atEnd.pending,
      deliveries_done: w.counts.success,
      failed: w.counts.failed,
      all_delivered_within_wait: w.done && w.counts.success === st.ok,
      wait_bound_s: waitMs / 1000,
      drained_after_publish_s: (w.at - st.firstAt - st.elapsedMs) / 1000,
      latency_ms: recv.latency,
      duplicates: recv.requests - recv.unique,
    };
  });
}

async function phaseRetry() {
  const N = opt.retryEvents;
  L.log(`retry: ${N} events to a webhook failing 30% of first attempts (fixed 100 ms retry)`);
  await createWebhook('flaky', `${recvBase}/flaky/retry`, TYPES.retry, {
    timeout: 10,
    retry_policy: { max_attempts: 5, backoff_strategy: 'fixed', initial_delay: 100, max_delay: 100 },
  });
  await measured('retry', async () => {
    const st = await publishBurst(TYPES.retry, N, opt.publishConcurrency, 120000);
    const w = await waitDelivered(TYPES.retry, st.ok, Math.min(600000, 60000 + N * 20), 'retry');
    const secs = (w.at - st.firstAt) / 1000;
    const recv = await receiverStats('retry');
    return {
      events: N,
      deliveries_done: w.counts.success,
      failed: w.counts.failed,
      all_delivered: w.done && w.counts.success === st.ok,
      planned_500s: recv.failedOnPurpose,
      receiver_requests: recv.requests,
      seconds: secs,
      completions_per_s: w.counts.success / secs,
      attempts_per_s: recv.requests / secs,
      ingest: ingestSummary(st),
    };
  });
}

async function phaseIsolation() {
  L.log(
    `isolation: ${opt.slowDeliveries} deliveries to a hanging endpoint (timeout 5 s), ${opt.healthyDeliveries} healthy at ${opt.healthyRate}/s`,
  );
  await createWebhook('slow', `${recvBase}/slow/slow`, TYPES.slow, {
    timeout: 5,
    retry_policy: { max_attempts: 1 },
  });
  await createWebhook('healthy', `${recvBase}/ok/healthy`, TYPES.healthy, { timeout: 10 });
  await measured('isolation', async () => {
    const slowSt = await publishBurst(TYPES.slow, opt.slowDeliveries, opt.publishConcurrency, 60000);
    const st = await publishAtRate(
      TYPES.healthy,
      opt.healthyDeliveries,
      opt.healthyRate,
      256,
      (opt.healthyDeliveries / opt.healthyRate) * 1000 + 30000,
    );
    const w = await waitDelivered(TYPES.healthy, st.ok, 60000, 'isolation');
    const recv = await receiverStats('healthy');
    const slowRecv = await receiverStats('slow');
    const slowCounts = await statusCounts(TYPES.slow);
    return {
      slow_published: slowSt.ok,
      slow_requests_seen_by_receiver: slowRecv.requests,
      slow_status_at_end: slowCounts,
      healthy_published: st.ok,
      deliveries_done: w.counts.success,
      healthy_all_delivered: w.done && w.counts.success === st.ok,
      healthy_seconds_after_publish: (w.at - st.firstAt - st.elapsedMs) / 1000,
      healthy_latency_ms: recv.latency,
      ingest: ingestSummary(st),
    };
  });
}

/**
 * Worker memory with a large backlog: 100 webhooks x (backlog / 100) events are published as fast as
 * the API takes them, so the queue holds up to `backlog` deliveries while the worker drains it; the
 * worker's RSS is sampled every 500 ms. BullMQ fetches only what the worker's concurrency allows, so
 * RSS should stay flat whatever the backlog.
 */
async function phaseBacklog() {
  const W = 100;
  const N = Math.ceil(opt.backlog / W);
  L.log(`backlog: ${W} webhooks on ${TYPES.backlog}, ${N} events -> ${N * W} deliveries`);
  for (let i = 0; i < W; i++)
    await createWebhook(`backlog-${i}`, `${recvBase}/ok/backlog`, TYPES.backlog, { timeout: 10 });
  const pid = children.worker.pid;
  const rss = [];
  const sampler = setInterval(() => rss.push(L.vmField(pid, 'VmRSS') || 0), 500);
  try {
    await measured('backlog', async () => {
      const rssAtStart = L.vmField(pid, 'VmRSS');
      const st = await publishBurst(TYPES.backlog, N, opt.publishConcurrency, 300000);
      const atPublishEnd = await statusCounts(TYPES.backlog);
      L.log(`backlog: published ${st.ok} events; ${atPublishEnd.pending} deliveries pending`);
      const w = await waitDelivered(TYPES.backlog, st.ok * W, 900000, 'backlog');
      return {
        deliveries_expected: st.ok * W,
        deliveries_done: w.counts.success,
        all_delivered: w.done && w.counts.success === st.ok * W,
        pending_at_publish_end: atPublishEnd.pending,
        drain_seconds: (w.at - st.firstAt) / 1000,
        worker_rss_at_start_bytes: rssAtStart,
        worker_rss_max_bytes: Math.max(0, ...rss),
        worker_rss_at_end_bytes: L.vmField(pid, 'VmRSS'),
        ingest: ingestSummary(st),
      };
    });
  } finally {
    clearInterval(sampler);
  }
}

/**
 * The straightforward pipeline of the issue (bench/baseline-worker.js) drains the same number of
 * deliveries as the drain phase against the same receiver, in its own tables and queue: Hookpost's drain
 * divided by this is a figure that travels between machines better than deliveries per second do.
 */
async function phaseBaseline() {
  const N = opt.baselineDeliveries;
  L.log(`baseline: straightforward pipeline, ${N} deliveries, concurrency ${BASELINE_CONCURRENCY}`);
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(BASELINE_QUEUE, { connection });
  let child;
  try {
    await createBaselineTables(N);
    await queue.pause();
    for (let from = 1; from <= N; from += 1000) {
      const jobs = [];
      for (let id = from; id < Math.min(from + 1000, N + 1); id++)
        jobs.push({ name: 'deliver', data: { id }, opts: { removeOnComplete: true, removeOnFail: true } });
      await queue.addBulk(jobs);
    }
    child = await startBaselineWorker();
    // Hookpost's API and worker stay up, idle: their background queries (the reconciler's) are counted
    // here too, and are a small fraction of a phase this size.
    const procs = { baseline_worker: child, receiver: children.receiver };
    const cpu0 = L.cpuSnapshot(procs, await pgPids());
    const start = performance.now();
    await queue.resume();
    const pendingLeft = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM baseline_deliveries WHERE status = 'pending'`)).rows[0]
        .n;
    // The worker died, or a job that threw left its row pending and nothing in the queue.
    const pointless = async (pending) =>
      child.exitCode !== null ||
      child.signalCode !== null ||
      (pending < 100 && (await queue.getWaitingCount()) + (await queue.getActiveCount()) === 0);
    const end = await waitNonePending(pendingLeft, Math.min(600000, 60000 + N * 20), 'baseline', pointless);
    const seconds = (end - start) / 1000;
    const cpu = L.cpuDelta(cpu0, L.cpuSnapshot(procs, await pgPids()));
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE status = 'success')::int AS ok FROM baseline_deliveries`,
    );
    const done = rows[0].ok;
    results.phases.baseline = {
      deliveries: N,
      deliveries_done: done,
      all_delivered: done === N,
      concurrency: BASELINE_CONCURRENCY,
      seconds,
      deliveries_per_s: done / seconds,
      cpu_seconds: cpu,
      cpu_s_per_1k_deliveries: cpuPer1k(cpu, done),
    };
    L.log(`baseline: ${(done / seconds).toFixed(0)} deliveries/s${done === N ? '' : ` (${done} of ${N})`}`);
  } finally {
    if (child) await stopChild(child);
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close().catch(() => {});
    connection.disconnect();
    await db.query(`DROP TABLE IF EXISTS baseline_attempts, baseline_deliveries`).catch(() => {});
  }
}

async function createBaselineTables(n) {
  await db.query(`DROP TABLE IF EXISTS baseline_attempts, baseline_deliveries`);
  await db.query(`CREATE TABLE baseline_deliveries (
    id bigint PRIMARY KEY, payload text NOT NULL, status text NOT NULL DEFAULT 'pending',
    attempts int NOT NULL DEFAULT 0, response_code int)`);
  await db.query(`CREATE INDEX baseline_pending_idx ON baseline_deliveries (id) WHERE status = 'pending'`);
  await db.query(`CREATE TABLE baseline_attempts (
    delivery_id bigint NOT NULL REFERENCES baseline_deliveries (id), attempt int NOT NULL,
    response_code int, response_time int, finished_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (delivery_id, attempt))`);
  await db.query(
    `INSERT INTO baseline_deliveries (id, payload)
     SELECT i, json_build_object('type', 'build.completed', 'timestamp', now(),
       'data', json_build_object('seq', i, 'pad', $2::text))::text
     FROM generate_series(1, $1) AS i`,
    [n, payloadPad],
  );
  await db.query('ANALYZE baseline_deliveries');
}

async function startBaselineWorker() {
  const env = {
    BASELINE_DB_URL: DATABASE_URL,
    BASELINE_REDIS_URL: REDIS_URL,
    BASELINE_QUEUE,
    BASELINE_TARGET: `${recvBase}/ok/baseline`,
    BASELINE_CONCURRENCY: String(BASELINE_CONCURRENCY),
  };
  return (await forkReady('baseline', 'baseline-worker.js', env, 20000)).child;
}

/** SIGTERM, then SIGKILL if it has not gone after `graceMs`; resolves once it has exited. */
async function stopChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------- report
function report() {
  const P = results.phases;
  const rows = [];
  const m = results.machine;
  rows.push(['machine', null]);
  rows.push(['cpu', `${m.cpu_count} x ${m.cpu_model}`]);
  rows.push(['memory', `${(m.total_mem_bytes / 2 ** 30).toFixed(1)} GiB`]);
  rows.push(['node', m.node]);
  rows.push([
    'mode',
    `${smoke ? 'smoke' : 'full'}; WORKER_CONCURRENCY=${opt.workerConcurrency} WORKER_ENDPOINT_CONCURRENCY=${opt.endpointConcurrency}`,
  ]);
  if (P.ceiling) {
    rows.push(['ceiling (bare undici -> receiver)', null]);
    rows.push(['req/s', L.fmt(P.ceiling.req_per_s, 0)]);
  }
  if (P.drain) {
    const d = P.drain;
    rows.push([`drain (${d.events} events x ${d.webhooks} webhooks)`, null]);
    rows.push([
      'deliveries success / expected',
      `${d.deliveries_done} / ${d.expected_deliveries}${d.all_delivered ? '' : ' INCOMPLETE'}`,
    ]);
    rows.push(['publish events/s', L.fmt(d.publish_events_per_s, 0)]);
    rows.push(['ingest p50 / p99 ms', `${L.fmt(d.ingest.p50_ms)} / ${L.fmt(d.ingest.p99_ms)}`]);
    if (d.ingest.errors)
      rows.push(['ingest errors (by status)', `${d.ingest.errors} ${JSON.stringify(d.ingest.statuses)}`]);
    rows.push([
      'drain deliveries/s (queued, then drained)',
      `${L.fmt(d.drain_deliveries_per_s, 0)} (${L.fmt(d.drain_seconds, 1)} s)`,
    ]);
    rows.push(['duplicates at receiver', d.duplicates]);
    if (P.ceiling)
      rows.push(['drain / ceiling ratio', L.fmt(d.drain_deliveries_per_s / P.ceiling.req_per_s, 3)]);
    if (P.baseline)
      rows.push([
        'drain / straightforward pipeline',
        P.baseline.all_delivered
          ? `${L.fmt(d.drain_deliveries_per_s / P.baseline.deliveries_per_s, 2)}x (the issue's target: 2.2x)`
          : '- (the straightforward pipeline did not finish)',
      ]);
  }
  if (P.baseline) {
    const b = P.baseline;
    const per1k = b.cpu_s_per_1k_deliveries;
    rows.push([
      `straightforward pipeline (${b.deliveries} deliveries, one job each, concurrency ${b.concurrency})`,
      null,
    ]);
    rows.push([
      'deliveries/s',
      `${L.fmt(b.deliveries_per_s, 0)} (${L.fmt(b.seconds, 1)} s)${b.all_delivered ? '' : ' INCOMPLETE'}`,
    ]);
    rows.push([
      'CPU-s per 1,000: worker | postgres | redis | receiver',
      ['baseline_worker', 'postgres', 'redis', 'receiver'].map((k) => L.fmt(per1k[k], 3)).join(' | '),
    ]);
  }
  if (P.sustained) {
    const s = P.sustained;
    rows.push([
      `sustained (${s.offered_rate}/s for ${s.duration_s} s after ${s.warmup_s} s warm-up, fan-out 1)`,
      null,
    ]);
    rows.push(['achieved publish rate /s', L.fmt(s.achieved_publish_rate, 0)]);
    rows.push(['ingest p50 / p99 ms', `${L.fmt(s.ingest.p50_ms)} / ${L.fmt(s.ingest.p99_ms)}`]);
    rows.push([
      'ingest errors (by status)',
      s.ingest.errors ? `${s.ingest.errors} ${JSON.stringify(s.ingest.statuses)}` : 0,
    ]);
    rows.push([
      'event->receiver p50 / p99 / max ms',
      s.latency_ms ? `${s.latency_ms.p50} / ${s.latency_ms.p99} / ${s.latency_ms.max}` : '-',
    ]);
    rows.push(['backlog at publish end', s.backlog_at_publish_end]);
    rows.push([
      `all delivered within ${s.wait_bound_s} s`,
      `${s.all_delivered_within_wait ? 'yes' : 'NO'} (${s.deliveries_done} of ${s.events_accepted} accepted)`,
    ]);
  }
  if (P.retry) {
    const r = P.retry;
    rows.push([`retry load (${r.events} events, 30% first-attempt 500)`, null]);
    rows.push([
      'success / planned 500s',
      `${r.deliveries_done} / ${r.planned_500s}${r.all_delivered ? '' : ' INCOMPLETE'}`,
    ]);
    rows.push(['completions/s', L.fmt(r.completions_per_s, 0)]);
    if (r.ingest.errors)
      rows.push(['ingest errors (by status)', `${r.ingest.errors} ${JSON.stringify(r.ingest.statuses)}`]);
    rows.push(['attempts/s', L.fmt(r.attempts_per_s, 0)]);
  }
  if (P.isolation) {
    const i = P.isolation;
    rows.push([`isolation (${i.slow_published} hanging + ${i.healthy_published} healthy)`, null]);
    rows.push([
      'healthy p50 / p99 / max ms',
      i.healthy_latency_ms
        ? `${i.healthy_latency_ms.p50} / ${i.healthy_latency_ms.p99} / ${i.healthy_latency_ms.max}`
        : '-',
    ]);
    rows.push([
      'healthy all delivered',
      `${i.healthy_all_delivered ? 'yes' : 'NO'} (${i.deliveries_done}/${i.healthy_published})`,
    ]);
    rows.push(['hanging requests seen so far', i.slow_requests_seen_by_receiver]);
  }
  if (P.backlog) {
    const b = P.backlog;
    const mib = (x) => `${((x || 0) / 2 ** 20).toFixed(0)}`;
    rows.push([`backlog (${b.deliveries_expected} deliveries on 100 webhooks)`, null]);
    rows.push([
      'pending at publish end / delivered',
      `${b.pending_at_publish_end} / ${b.deliveries_done}${b.all_delivered ? '' : ' INCOMPLETE'}`,
    ]);
    rows.push([
      'worker RSS start / max / end MiB',
      `${mib(b.worker_rss_at_start_bytes)} / ${mib(b.worker_rss_max_bytes)} / ${mib(b.worker_rss_at_end_bytes)}`,
    ]);
    rows.push(['deliveries/s (publish + drain)', L.fmt(b.deliveries_done / b.drain_seconds, 0)]);
  }
  const procs = ['api', 'worker', 'receiver', 'postgres', 'redis', 'bench_client'];
  const cpuPhases = ['drain', 'sustained', 'retry', 'isolation', 'backlog'].filter((p) => P[p]);
  if (cpuPhases.length) {
    rows.push([`CPU-seconds per 1,000 deliveries (${cpuPhases.join(' | ')})`, null]);
    for (const proc of procs) {
      rows.push([proc, cpuPhases.map((p) => L.fmt(P[p].cpu_s_per_1k_deliveries[proc], 3)).join(' | ')]);
    }
    const hwm = Math.max(...cpuPhases.map((p) => P[p].worker_vmhwm_bytes || 0));
    rows.push(['worker peak RSS (VmHWM)', `${(hwm / 2 ** 20).toFixed(0)} MiB`]);
  }
  return L.table(rows);
}

// ---------------------------------------------------------------- dist snapshot
// Others rebuild dist/ (rm -rf dist && tsc) while the bench runs; the API and worker run from a
// private copy so a concurrent build cannot pull files from under them.
let snapshotRoot = null;
let distDir = path.join(ROOT, 'dist');

function newestMtime(dir, depth = 0) {
  let newest = 0;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory() && depth < 12) newest = Math.max(newest, newestMtime(p, depth + 1));
    else if (ent.isFile()) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

async function snapshotDist() {
  const src = path.join(ROOT, 'dist');
  const entries = [
    'apps/api/src/main.js',
    'apps/worker/src/main.js',
    'apps/cli/src/main.js',
    'libs',
    'migrations',
  ];
  const deadline = Date.now() + 90000;
  for (;;) {
    try {
      const complete = entries.every((e) => fs.existsSync(path.join(src, e)));
      if (complete && Date.now() - newestMtime(src) > 3000) {
        snapshotRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'hookpost-bench-'));
        fs.cpSync(src, path.join(snapshotRoot, 'dist'), { recursive: true });
        fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(snapshotRoot, 'node_modules'), 'dir');
        const dir = path.join(snapshotRoot, 'dist');
        if (entries.every((e) => fs.existsSync(path.join(dir, e)))) {
          L.log(`running API and worker from a copy of dist/ in ${dir}`);
          return dir;
        }
        removeSnapshot();
      }
    } catch (e) {
      removeSnapshot();
      L.log(`dist/ not usable yet (${e.code || e.message})`);
    }
    if (Date.now() > deadline)
      throw new Error('dist/ is missing or being rebuilt: run `npm run build` first');
    L.log('waiting for a complete dist/ (missing, or a build is in progress)');
    await L.sleep(2000);
  }
}

function removeSnapshot() {
  if (!snapshotRoot) return;
  try {
    fs.rmSync(snapshotRoot, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
  snapshotRoot = null;
}

// ---------------------------------------------------------------- main
async function main() {
  const hardLimitMs = smoke ? 120000 : 40 * 60000;
  setTimeout(() => {
    L.log(`hard time limit of ${hardLimitMs / 1000} s reached; aborting`);
    killAllSync();
    process.exit(2);
  }, hardLimitMs).unref();

  results.machine = {
    cpu_model: os.cpus()[0] ? os.cpus()[0].model : 'unknown',
    cpu_count: os.cpus().length,
    total_mem_bytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadavg_at_start: os.loadavg(),
  };
  L.log('receiver: starting');
  const { port: recvPort } = await startReceiver();
  recvBase = `http://127.0.0.1:${recvPort}`;

  if (want('ceiling')) await phaseCeiling();
  const needStack = opt.only.some((p) => p !== 'ceiling');
  if (needStack) {
    distDir = await snapshotDist();
    L.log(`resetting database ${DB_NAME} and redis db 5`);
    await resetStores();
    const apiPort = await L.freePort();
    const healthPort = await L.freePort();
    const env = {
      DATABASE_URL,
      REDIS_URL,
      LOG_LEVEL: 'warn',
      ALLOW_PRIVATE_DESTINATIONS: 'true',
      WORKER_CONCURRENCY: String(opt.workerConcurrency),
      WORKER_ENDPOINT_CONCURRENCY: String(opt.endpointConcurrency),
      RECONCILE_INTERVAL_MS: '5000',
      BOOTSTRAP_API_KEY: '',
    };
    const profArgs = opt.cpuProf
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(__dirname, 'results', 'prof')}`]
      : [];
    L.log('api: starting (runs migrations)');
    const apiChild = startNode(
      'api',
      path.join(distDir, 'apps/api/src/main.js'),
      { ...env, PORT: String(apiPort) },
      profArgs,
    );
    await waitHttpOk(`http://127.0.0.1:${apiPort}/health/ready`, 60000, 'api', apiChild);
    L.log('worker: starting');
    const workerChild = startNode(
      'worker',
      path.join(distDir, 'apps/worker/src/main.js'),
      { ...env, PORT: '0', WORKER_HEALTH_PORT: String(healthPort) },
      profArgs,
    );
    await waitHttpOk(`http://127.0.0.1:${healthPort}/health`, 60000, 'worker', workerChild);
    const out = execFileSync(
      process.execPath,
      [path.join(distDir, 'apps/cli/src/main.js'), 'create-account', '--name', 'bench'],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        encoding: 'utf8',
        timeout: 30000,
      },
    );
    apiKey = JSON.parse(out.trim().split('\n').pop()).api_key;
    api = new HttpPool(`http://127.0.0.1:${apiPort}`, { connections: 128 });
    db = new PgClient({
      connectionString: DATABASE_URL,
      connectionTimeoutMillis: 5000,
      statement_timeout: 10000,
    });
    await db.connect();

    const phases = {
      drain: phaseDrain,
      // Right after the drain, on the same database and server state, so the two rates compare.
      baseline: phaseBaseline,
      sustained: phaseSustained,
      retry: phaseRetry,
      isolation: phaseIsolation,
      backlog: phaseBacklog,
    };
    let first = true;
    for (const [name, run] of Object.entries(phases)) {
      if (!want(name)) continue;
      // Not before the first: statistics of empty tables would mislead the planner for the whole phase.
      if (!first) await settleDatabase();
      first = false;
      await run();
    }
  }
  results.finished_at = new Date().toISOString();
  results.machine.loadavg_at_end = os.loadavg();

  const text = report();
  process.stdout.write(`${text}\n`);
  const file = path.join(__dirname, 'results', `${results.started_at.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  L.log(`results written to ${path.relative(ROOT, file)}`);
}

async function cleanup() {
  if (api) await api.close().catch(() => {});
  if (db) await db.end().catch(() => {});
  await stopChildren();
  removeSnapshot();
}

main()
  .then(cleanup)
  .then(() => process.exit(0))
  .catch(async (err) => {
    L.log(`FAILED: ${err && err.stack ? err.stack : err}`);
    await cleanup().catch(() => {});
    process.exit(1);
  });
