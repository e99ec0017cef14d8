'use strict';
// Loads a realistic delivery history straight into Postgres for the stats benchmark.
//   npm run bench:seed -- [--deliveries 1000000] [--webhooks 100] [--days 30] [--fanout 2]
//                         [--chunk 50000] [--database-url URL] [--force]
// Database: --database-url, else BENCH_DATABASE_URL, else DATABASE_URL, else .../hookpost_bench_stats.
// The database is migrated (product CLI), emptied (TRUNCATE) and refilled, so its name must contain
// "bench" unless --force. All rows are produced server-side by INSERT ... SELECT FROM generate_series.
const fs = require('fs');
const path = require('path');
const { Client } = require('pg');
const { ROOT, DIST, parseArgs, resolveDbUrl, dbName, cli, log } = require('./lib');

// The 20 types of API.md's catalog (the Trae seed's 19 and test.ping), read from the built product so the
// two cannot drift; the alert-source types that follow them are left out of the seeded history.
const EVENT_TYPES = require(path.join(DIST, 'libs/core/src/event-types/catalog.js'))
  .EVENT_TYPES.slice(0, 20)
  .map((t) => t.name);

const SPEC = {
  deliveries: { type: 'int', default: 1_000_000, min: 1 },
  webhooks: { type: 'int', default: 100, min: 1 },
  days: { type: 'int', default: 30, min: 1 },
  fanout: { type: 'int', default: 2, min: 1 },
  chunk: { type: 'int', default: 50_000, min: 1000 },
  pending: { type: 'int', default: -1, min: -1 },
  'database-url': { type: 'string', default: '' },
  'account-file': { type: 'string', default: path.join(ROOT, 'bench/results/stats-account.json') },
  force: { type: 'bool', default: false },
};

// A UUIDv7-shaped id whose first 48 bits are ts in ms (so ids sort like created_at, as in the product)
// and whose other bits come from md5(salt): deterministic, so deliveries can name their event by index.
const TEMP_FUNCTIONS = `
  CREATE OR REPLACE FUNCTION pg_temp.bench_uuid(ts timestamptz, salt text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(set_bit(set_bit(set_bit(set_bit(set_bit(set_bit(
      overlay(decode(md5(salt), 'hex')
        placing substring(int8send(floor(extract(epoch FROM ts) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
      52, 1), 53, 1), 54, 1), 55, 0), 71, 1), 70, 0), 'hex')::uuid
  $$;
  -- uniform [0,1) from a salt: deterministic per row, unlike random()
  CREATE OR REPLACE FUNCTION pg_temp.bench_u(salt text) RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
    SELECT ('x' || substr(md5(salt), 1, 8))::bit(32)::bigint / 4294967296.0
  $$;`;

async function main() {
  const opt = parseArgs(process.argv.slice(2), SPEC);
  const dbUrl = resolveDbUrl(opt['database-url']);
  const name = dbName(dbUrl);
  if (!/bench/i.test(name) && !opt.force) {
    throw new Error(
      `refusing to TRUNCATE database "${name}": its name lacks "bench" (pass --force to insist)`,
    );
  }
  const N = opt.deliveries;
  const F = Math.min(opt.fanout, opt.webhooks);
  const E = Math.ceil(N / F);
  const pending =
    opt.pending >= 0 ? Math.min(opt.pending, N) : Math.min(N, Math.max(5, Math.round(N / 20000)));
  const t0 = Date.now();
  log(
    `database ${name}: ${N} deliveries (${E} events x fan-out ${F}), ${opt.webhooks} webhooks, ${opt.days} days`,
  );

  log('migrating (product CLI)');
  cli(dbUrl, ['migrate']);

  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  try {
    await db.query('SET synchronous_commit = off');
    log('emptying accounts (cascade)');
    await db.query('TRUNCATE accounts, api_keys, webhooks, events, deliveries, delivery_attempts CASCADE');

    log('creating the account (product CLI)');
    const account = JSON.parse(
      cli(dbUrl, ['create-account', '--name', 'bench-stats']).trim().split('\n').pop(),
    );
    const accountUuid = (await db.query(`SELECT id FROM accounts ORDER BY created_at DESC LIMIT 1`)).rows[0]
      .id;

    await db.query(TEMP_FUNCTIONS);
    const now = new Date();
    const start = new Date(now.getTime() - opt.days * 86_400_000);

    // Webhooks: created before the history starts, a few projects, mostly '*' subscriptions.
    const wh = await db.query(
      `INSERT INTO webhooks (id, account_id, url, events, name, description, secret, active, project_id,
         retry_policy, created_by, created_at, updated_at)
       SELECT pg_temp.bench_uuid($2::timestamptz - interval '1 day' + w * interval '1 second', 'wh' || w), $1,
         'https://hooks.example.com/bench/' || w,
         CASE WHEN w % 4 = 0 THEN ARRAY['build.*', 'deployment.*'] ELSE ARRAY['*'] END,
         'bench webhook ' || w, 'benchmark endpoint ' || w, 'whsec_bench' || md5('s' || w), w % 25 <> 0,
         'proj_' || (w % 5), '{"max_attempts": 3}'::jsonb, $1,
         $2::timestamptz - interval '1 day' + w * interval '1 second', $2::timestamptz - interval '1 day'
       FROM generate_series(0, $3 - 1) w
       RETURNING id`,
      [accountUuid, start, opt.webhooks],
    );
    // Order by the generated index, not by RETURNING order.
    const webhookIds = (
      await db.query(`SELECT id FROM webhooks WHERE account_id = $1 ORDER BY created_at`, [accountUuid])
    ).rows.map((r) => r.id);
    log(`${wh.rowCount} webhooks`);

    // One chunk = events [e0, e1) and their deliveries [e0*F, min(e1*F, N)) and attempts, one transaction.
    // Event e happens at start + (e + jitter) * span / E: rows arrive in time order like a real table.
    const spanMs = now.getTime() - start.getTime() - 60_000; // the newest event ~1 minute ago
    const chunkEvents = Math.max(1, Math.floor(opt.chunk / F));
    let done = 0;
    for (let e0 = 0; e0 < E; e0 += chunkEvents) {
      const e1 = Math.min(E, e0 + chunkEvents);
      await db.query('BEGIN');
      await db.query(
        `INSERT INTO events (id, account_id, type, project_id, data, delivery_count, created_at)
         SELECT pg_temp.bench_uuid(ts, 'ev' || e), $1, t.types[1 + floor(20 * u * u)::int % 20], 'proj_' || (e % 5),
           json_build_object('object', 'bench', 'seq', e, 'user', 'user_' || (e % 997), 'note', md5('n' || e)),
           $6, ts
         FROM generate_series($2::bigint, $3::bigint - 1) e,
           LATERAL (SELECT $4::timestamptz + make_interval(secs => (e + pg_temp.bench_u('j' || e)) * $5::double precision / 1000 / $7) AS ts,
                           pg_temp.bench_u('t' || e) AS u) x,
           (SELECT $8::text[] AS types) t`,
        [accountUuid, e0, e1, start, spanMs, F, E, EVENT_TYPES],
      );
      // Deliveries: the event's type/time, webhook spread by event and fan-out slot, ~5% failed (3 attempts,
      // 500/503), the rest success (1 attempt, log-normal 50..2000 ms around ~150 ms), newest few pending.
      const r = await db.query(
        `WITH src AS (
           SELECT d, d / $2 AS e, d % $2 AS k FROM generate_series($3::bigint * $2, least($4::bigint * $2, $5::bigint) - 1) d
         ), ev AS (
           SELECT src.*, ev.created_at AS ets, ev.type, ev.id AS event_id,
             ($6::uuid[])[1 + ((src.e * 7 + src.k * 37 + (src.e / 1000) * 13) % $7)] AS webhook_id,
             random() AS r, random() AS r1, random() AS r2
           FROM src JOIN events ev ON ev.id = pg_temp.bench_uuid(
             $8::timestamptz + make_interval(secs => (src.e + pg_temp.bench_u('j' || src.e)) * $9::double precision / 1000 / $10), 'ev' || src.e)
         ), rows AS (
           SELECT ev.*, ets + make_interval(secs => (k * 3 + 1) / 1000.0) AS created_at,
             CASE WHEN d >= $5 - $11 THEN 'pending' WHEN r < 0.05 THEN 'failed' ELSE 'success' END AS status,
             least(2000, greatest(50, round(exp(ln(150) + 0.9 * sqrt(-2 * ln(1 - r1)) * cos(2 * pi() * r2)))))::int AS rt
           FROM ev
         ), ins AS (
           INSERT INTO deliveries (id, account_id, webhook_id, event_id, event_type, status, attempts, response_code,
             response_time, response_body, delivered_at, error, next_attempt_at, created_at)
           SELECT pg_temp.bench_uuid(created_at, 'd' || d), $1, webhook_id, event_id, type, status,
             CASE status WHEN 'pending' THEN 0 WHEN 'failed' THEN 3 ELSE 1 END,
             CASE status WHEN 'pending' THEN NULL WHEN 'failed' THEN CASE WHEN r < 0.03 THEN 500 ELSE 503 END ELSE 200 END,
             CASE status WHEN 'pending' THEN NULL ELSE rt END,
             CASE status WHEN 'pending' THEN NULL WHEN 'failed' THEN 'upstream error' ELSE '{"ok":true}' END,
             CASE status WHEN 'pending' THEN NULL WHEN 'failed' THEN created_at + interval '6 minutes' + rt * interval '1 millisecond'
               ELSE created_at + rt * interval '1 millisecond' END,
             CASE WHEN status = 'failed' THEN 'HTTP ' || CASE WHEN r < 0.03 THEN 500 ELSE 503 END END,
             CASE WHEN status = 'pending' THEN created_at END,
             created_at
           FROM rows
           RETURNING id, status, response_code, response_time, created_at
         )
         INSERT INTO delivery_attempts (delivery_id, attempt, started_at, finished_at, response_code, response_time, response_body, error)
         SELECT ins.id, a.n,
           ins.created_at + a.off,
           ins.created_at + a.off + ins.response_time * interval '1 millisecond',
           ins.response_code, ins.response_time,
           CASE WHEN ins.status = 'failed' THEN 'upstream error' ELSE '{"ok":true}' END,
           CASE WHEN ins.status = 'failed' THEN 'HTTP ' || ins.response_code END
         FROM ins
         CROSS JOIN LATERAL (VALUES (1, interval '0'), (2, interval '1 minute'), (3, interval '6 minutes')) a(n, off)
         WHERE ins.status = 'failed' OR (ins.status = 'success' AND a.n = 1)`,
        [accountUuid, F, e0, e1, N, webhookIds, webhookIds.length, start, spanMs, E, pending],
      );
      await db.query('COMMIT');
      done = Math.min(N, e1 * F);
      const el = (Date.now() - t0) / 1000;
      log(
        `${done}/${N} deliveries (${r.rowCount} attempts in chunk), ${el.toFixed(1)} s, ${Math.round(done / el)}/s`,
      );
    }

    // Each chunk's trigger spread its figures over random shards; fold them as the worker does for past days.
    log('folding rollup shards');
    await db.query(`SELECT hookpost_compact_rollups('infinity')`);
    log('VACUUM (ANALYZE)');
    // VACUUM as well: sets the visibility map like autovacuum does on a steady-state table (index-only scans).
    await db.query(
      'VACUUM (ANALYZE) accounts, api_keys, webhooks, events, deliveries, delivery_attempts, webhook_delivery_counters, delivery_stats_daily, delivery_stats_daily_by_webhook, delivery_stats_daily_by_type, delivery_response_times_daily',
    );
    const counts = (
      await db.query(
        `SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM deliveries)::int AS deliveries,
           (SELECT count(*) FROM delivery_attempts)::int AS attempts,
           (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int n FROM deliveries GROUP BY status) s) AS by_status,
           pg_size_pretty(pg_total_relation_size('deliveries')) AS deliveries_size`,
      )
    ).rows[0];
    const file = opt['account-file'];
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const saved = {
      ...account,
      database_url: dbUrl,
      seeded_at: now.toISOString(),
      params: { deliveries: N, webhooks: opt.webhooks, days: opt.days, fanout: F, pending },
      counts,
    };
    fs.writeFileSync(file, JSON.stringify(saved, null, 2) + '\n');
    log(`counts ${JSON.stringify(counts)}`);
    log(`account saved to ${path.relative(process.cwd(), file)}`);
    log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await db.end();
  }
}

main().catch((err) => {
  process.stderr.write(`bench:seed failed: ${err.stack || err}\n`);
  process.exit(1);
});
