'use strict';
// Shared helpers for bench/seed.js and bench/stats.js (plain CommonJS, no build step).
const { execFileSync } = require('child_process');
const path = require('path');
const { URL } = require('url');

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

function log(msg) {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

module.exports = { ROOT, DIST, DEFAULT_DB_URL, SMOKE_DB_URL, parseArgs, resolveDbUrl, dbName, cli, log };
