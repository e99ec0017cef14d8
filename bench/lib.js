'use strict';
// Helpers shared by the benchmarks: options, percentiles, /proc accounting, the built product.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
// The built product to run: HOOKPOST_DIST lets a benchmark use a private build while dist/ is shared.
const DIST = path.resolve(process.env.HOOKPOST_DIST || path.join(ROOT, 'dist'));
const DEFAULT_DB_URL = 'postgres://postgres@127.0.0.1:5432/hookpost_bench_stats';
const SMOKE_DB_URL = 'postgres://postgres@127.0.0.1:5432/hookpost_bench_stats_smoke';

/** `--name value` / `--name=value` / `--flag` parsing; unknown options are rejected. */
function parseArgs(argv, spec) {
  const out = {};
  for (const [k, v] of Object.entries(spec)) out[k] = v.default;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    let [name, value] = a.slice(2).split(/=(.*)/s);
    const def = spec[name];
    if (!def)
      throw new Error(
        `unknown option --${name}; known: ${Object.keys(spec)
          .map((k) => '--' + k)
          .join(' ')}`,
      );
    if (def.type === 'bool') {
      out[name] = value === undefined ? true : value !== 'false';
      continue;
    }
    if (value === undefined) value = argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (def.type === 'int') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < (def.min ?? 0))
        throw new Error(`--${name} must be an integer >= ${def.min ?? 0}`);
      out[name] = n;
    } else out[name] = value;
  }
  return out;
}

/** --database-url, then BENCH_DATABASE_URL, then DATABASE_URL, then the bench default. */
function resolveDbUrl(opt, fallback = DEFAULT_DB_URL) {
  return opt || process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || fallback;
}

function dbName(url) {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Runs the product CLI (from dist) against the given database; returns stdout. */
function cli(dbUrl, args) {
  return execFileSync(process.execPath, [path.join(DIST, 'apps/cli/src/main.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const CLK_TCK = 100; // Linux USER_HZ; getconf CLK_TCK is 100 on every mainstream kernel build.

function log(...parts) {
  const t = new Date().toISOString().slice(11, 23);
  process.stderr.write(`[bench ${t}] ${parts.join(' ')}\n`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function summarize(values) {
  if (!values.length) return null;
  const s = Float64Array.from(values).sort();
  return {
    n: s.length,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: s[s.length - 1],
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** utime+stime of one pid in seconds (with `reaped`, that of its exited children instead), or 0 when it is gone. */
function pidCpuSeconds(pid, reaped = false) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is state (field 3); utime is field 14, stime 15, cutime 16, cstime 17.
    const at = reaped ? 13 : 11;
    return (Number(fields[at]) + Number(fields[at + 1])) / CLK_TCK;
  } catch {
    return 0;
  }
}

function pidsByName(name) {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8', timeout: 2000 })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function oldestPid(name) {
  try {
    return (
      Number(execFileSync('pgrep', ['-o', '-x', name], { encoding: 'utf8', timeout: 2000 }).trim()) || null
    );
  } catch {
    return null;
  }
}

function vmField(pid, field) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * CPU seconds per process: own children by pid; postgres as the backends of the given pids (the
 * bench database's backends plus the server's auxiliary processes; the server is shared with other
 * users, so summing every `postgres` process would count their work too); redis-server by name.
 * Per-pid values are kept so that processes that exit or appear between two snapshots do not
 * distort the delta. Backends that exit between the snapshots (the pools recycle connections) are
 * counted from the postmaster's reaped-children time, less what they had used before the first.
 */
function cpuSnapshot(children, pgPids) {
  const snap = { _pids: {} };
  for (const [name, child] of Object.entries(children))
    snap[name] = child && child.pid ? pidCpuSeconds(child.pid) : 0;
  const perPid = (name, pids) => {
    snap._pids[name] = {};
    for (const pid of pids) snap._pids[name][pid] = pidCpuSeconds(pid);
  };
  perPid('postgres', pgPids || pidsByName('postgres'));
  const postmaster = oldestPid('postgres');
  snap._reaped = { postgres: postmaster ? pidCpuSeconds(postmaster, true) : 0 };
  perPid('redis', pidsByName('redis-server'));
  const own = process.cpuUsage();
  snap.bench_client = (own.user + own.system) / 1e6;
  return snap;
}

function cpuDelta(before, after) {
  const d = {};
  for (const k of Object.keys(after))
    if (k !== '_pids' && k !== '_reaped') d[k] = Math.max(0, after[k] - (before[k] || 0));
  for (const [name, pids] of Object.entries(after._pids)) {
    const prev = before._pids[name] || {};
    let sum = 0;
    for (const [pid, v] of Object.entries(pids)) sum += Math.max(0, v - (prev[pid] || 0));
    const reaped = (after._reaped?.[name] ?? 0) - (before._reaped?.[name] ?? 0);
    let usedBefore = 0;
    for (const [pid, v] of Object.entries(prev)) if (!(pid in pids)) usedBefore += v;
    d[name] = sum + Math.max(0, reaped - usedBefore);
  }
  return d;
}

const fmt = (v, digits = 1) =>
  v === null || v === undefined || Number.isNaN(v)
    ? '-'
    : typeof v === 'number'
      ? v.toFixed(digits)
      : String(v);

function table(rows) {
  const body = rows.filter((r) => r[1] !== null);
  let w0 = Math.max(...body.map((r) => r[0].length));
  const w1 = Math.max(...body.map((r) => String(r[1]).length));
  for (const r of rows) if (r[1] === null) w0 = Math.max(w0, r[0].length - w1 - 3);
  const line = `+${'-'.repeat(w0 + 2)}+${'-'.repeat(w1 + 2)}+`;
  const out = [];
  for (const r of rows) {
    if (r[1] === null) out.push(line, `| ${r[0].padEnd(w0 + w1 + 3)} |`, line);
    else out.push(`| ${r[0].padEnd(w0)} | ${String(r[1]).padStart(w1)} |`);
  }
  out.push(line);
  return out.join('\n');
}

module.exports = {
  ROOT,
  DIST,
  DEFAULT_DB_URL,
  SMOKE_DB_URL,
  resolveDbUrl,
  dbName,
  cli,
  log,
  sleep,
  percentile,
  summarize,
  freePort,
  cpuSnapshot,
  cpuDelta,
  vmField,
  parseArgs,
  fmt,
  table,
  pidsByName,
};
