import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily rollups for the account-wide stats report, which took ~1 s over a million raw deliveries.
 *
 * - delivery_stats_daily[_by_webhook|_by_type]: counts and response-time sums per (account, UTC day)
 *   and webhook and/or event type (see COUNT_ROLLUPS), so project, webhook and event-type filters are
 *   still answered from a rollup. An hourly (webhook, event type) table would hold ~0.65 rows per
 *   delivery at bench density (no gain), so partial days at a window's edges are read from raw rows.
 * - delivery_response_times_daily: how many deliveries per (account, UTC day) had each last-attempt
 *   response time; percentile_cont is recomputed exactly from cumulative counts (~1,300 rows a day).
 *
 * Statement-level triggers with transition tables keep them, and the per-webhook lifetime counters of
 * 1732460000000 (formerly a row-level trigger), in the same transaction as every delivery change: a
 * statement that records many deliveries aggregates them per key and upserts each key once, in key order
 * (so two concurrent statements lock rows in the same order and cannot deadlock each other).
 */

// Columns whose change moves a delivery between rollup keys or figures; other updates (leases,
// next attempt, attempts, error) cost one join of the transition tables and nothing else.
const TRACKED = [
  'account_id',
  'webhook_id',
  'event_type',
  'created_at',
  'status',
  'response_code',
  'response_time',
  'delivered_at',
];

const DELTA_COLS = TRACKED.join(', ');

/**
 * Count rollups, each per (account, UTC day) plus its own keys. The full (webhook, event type) cube serves
 * filtered reports; at ~2,000 rows a day it is too slow to group for the unfiltered report, which reads
 * the two narrow ones (~100 and ~20 rows a day at bench density).
 */
export const COUNT_ROLLUPS = [
  { table: 'delivery_stats_daily', keys: ['webhook_id', 'event_type'] },
  { table: 'delivery_stats_daily_by_webhook', keys: ['webhook_id'] },
  { table: 'delivery_stats_daily_by_type', keys: ['event_type'] },
];
const KEY_TYPES: Record<string, string> = { webhook_id: 'uuid', event_type: 'text' };
export const UTC_DAY = `(date_trunc('day', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
// A delivery counts towards response-time figures when its last attempt got an HTTP response.
const HAS_RT = `(response_code IS NOT NULL AND response_time IS NOT NULL)`;

/** The signed rows a statement adds (+1) and removes (-1), as a CTE body. */
function deltaSql(op: 'INSERT' | 'UPDATE' | 'DELETE'): string {
  if (op === 'INSERT') return `SELECT 1 AS sign, ${DELTA_COLS} FROM new_rows`;
  if (op === 'DELETE') return `SELECT -1 AS sign, ${DELTA_COLS} FROM old_rows`;
  const o = TRACKED.map((c) => `o.${c}`).join(', ');
  const n = TRACKED.map((c) => `n.${c}`).join(', ');
  return `SELECT v.* FROM old_rows o JOIN new_rows n ON n.id = o.id
    CROSS JOIN LATERAL (VALUES (-1, ${o}), (1, ${n})) AS v(sign, ${DELTA_COLS})
    WHERE (${o}) IS DISTINCT FROM (${n})`;
}

const SIGNED_FIGURES = `sum(sign) AS total,
  sum(CASE WHEN status = 'success' THEN sign ELSE 0 END) AS successful,
  sum(CASE WHEN status = 'failed' THEN sign ELSE 0 END) AS failed,
  sum(CASE WHEN status = 'pending' THEN sign ELSE 0 END) AS pending,
  sum(CASE WHEN ${HAS_RT} THEN sign ELSE 0 END) AS rt_count,
  sum(CASE WHEN ${HAS_RT} THEN sign * response_time::bigint ELSE 0 END) AS rt_sum`;

const ADD_FIGURES = (t: string) =>
  ['total', 'successful', 'failed', 'pending', 'rt_count', 'rt_sum']
    .map((c) => `${c} = ${t}.${c} + EXCLUDED.${c}`)
    .join(', ');

const SUBTRACT_FIGURES = (t: string) =>
  ['total', 'successful', 'failed', 'pending', 'rt_count', 'rt_sum']
    .map((c) => `${c} = ${t}.${c} + d.${c}`)
    .join(', ');

/**
 * One trigger function per event: Postgres only exposes the transition tables a trigger declares. Inserts
 * and updates upsert; deletes only update existing rows, because an account delete cascades to the
 * rollups (and to webhooks, hence the counters) before this statement trigger runs, and re-inserting a
 * negative row there would violate the foreign keys.
 *
 * With `shards` > 1 (1732760000000) every key has up to that many rows: an upsert lands on a random one,
 * so concurrent statements rarely queue on one hot row (today's row of a busy webhook), and a delete
 * takes its figures off the key's lowest shard. Readers sum the shards.
 */
export function triggerFunction(
  op: 'INSERT' | 'UPDATE' | 'DELETE',
  withCounters: boolean,
  shards = 1,
  skipUnchanged = false,
): string {
  const delta = `WITH delta AS (${deltaSql(op)})`;
  const sharded = shards > 1;
  const shardCol = sharded ? ', shard' : '';
  const shardPick = sharded ? `, floor(random() * ${shards})::smallint` : '';
  const lowestShard = (table: string, alias: string, keys: string[]) =>
    sharded
      ? ` AND ${alias}.shard = (SELECT min(x.shard) FROM ${table} x WHERE ${keys.map((k) => `x.${k} = d.${k}`).join(' AND ')})`
      : '';
  const counters =
    op === 'DELETE'
      ? `${delta}, d AS (SELECT webhook_id, ${SIGNED_FIGURES} FROM delta GROUP BY webhook_id)
         UPDATE webhook_delivery_counters c SET ${SUBTRACT_FIGURES('c')},
           last_delivery = (SELECT max(x.delivered_at) FROM deliveries x WHERE x.webhook_id = c.webhook_id)
         FROM d WHERE c.webhook_id = d.webhook_id${lowestShard('webhook_delivery_counters', 'c', ['webhook_id'])}`
      : `${delta}
         INSERT INTO webhook_delivery_counters AS c
           (webhook_id${shardCol}, total, successful, failed, pending, rt_count, rt_sum, last_delivery)
         SELECT webhook_id${shardPick}, ${SIGNED_FIGURES}, max(delivered_at) FILTER (WHERE sign > 0)
         FROM delta GROUP BY webhook_id ORDER BY webhook_id
         ON CONFLICT (webhook_id${shardCol}) DO UPDATE SET ${ADD_FIGURES('c')},
           last_delivery = greatest(c.last_delivery, EXCLUDED.last_delivery)`;
  const daily = COUNT_ROLLUPS.map(({ table, keys }) => {
    const cols = ['account_id', 'day', ...keys];
    const group = cols.map((_, i) => i + 1).join(', ');
    if (op === 'DELETE') {
      return `${delta}, d AS (SELECT account_id, ${UTC_DAY} AS day, ${keys.join(', ')}, ${SIGNED_FIGURES}
           FROM delta GROUP BY ${group})
         UPDATE ${table} s SET ${SUBTRACT_FIGURES('s')}
         FROM d WHERE (${cols.map((c) => `s.${c}`).join(', ')}) = (${cols.map((c) => `d.${c}`).join(', ')})${lowestShard(table, 's', cols)}`;
    }
    return `${delta}
         INSERT INTO ${table} AS s (${cols.join(', ')}${shardCol}, total, successful, failed, pending, rt_count, rt_sum)
         SELECT ${cols.join(', ')}${shardPick}, total, successful, failed, pending, rt_count, rt_sum FROM (
           SELECT account_id, ${UTC_DAY} AS day, ${keys.join(', ')}, ${SIGNED_FIGURES}
           FROM delta GROUP BY ${group}) g
         -- an update that only moved delivered_at changes nothing here
         WHERE (total, successful, failed, pending, rt_count, rt_sum) <> (0, 0, 0, 0, 0, 0)
         ORDER BY ${group}
         ON CONFLICT (${cols.join(', ')}${shardCol}) DO UPDATE SET ${ADD_FIGURES('s')}`;
  });
  const timeCols = ['account_id', 'day', 'response_time'];
  const times =
    op === 'DELETE'
      ? `${delta}, d AS (SELECT account_id, ${UTC_DAY} AS day, response_time, sum(sign) AS n
           FROM delta WHERE ${HAS_RT} GROUP BY 1, 2, 3)
         UPDATE delivery_response_times_daily r SET n = r.n + d.n
         FROM d WHERE (r.account_id, r.day, r.response_time) = (d.account_id, d.day, d.response_time)${lowestShard('delivery_response_times_daily', 'r', timeCols)}`
      : `${delta}
         INSERT INTO delivery_response_times_daily AS r (account_id, day, response_time${shardCol}, n)
         SELECT account_id, ${UTC_DAY}, response_time${shardPick}, sum(sign)
         FROM delta WHERE ${HAS_RT} GROUP BY 1, 2, 3 HAVING sum(sign) <> 0 ORDER BY 1, 2, 3
         ON CONFLICT (account_id, day, response_time${shardCol}) DO UPDATE SET n = r.n + EXCLUDED.n`;
  // Always the same table order (counters, daily, response times) for the same deadlock reason as ORDER BY.
  return `
    CREATE OR REPLACE FUNCTION hookpost_rollup_deliveries_${op.toLowerCase()}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${skipUnchanged && op === 'UPDATE' ? `IF NOT EXISTS (${deltaSql(op)}) THEN RETURN NULL; END IF;` : ''}
      ${withCounters ? `${counters};` : ''}
      ${daily.join(';\n')};
      ${times};
      RETURN NULL;
    END $$`;
}

function createTrigger(op: 'INSERT' | 'UPDATE' | 'DELETE'): string {
  const refs =
    op === 'INSERT'
      ? 'NEW TABLE AS new_rows'
      : op === 'DELETE'
        ? 'OLD TABLE AS old_rows'
        : 'OLD TABLE AS old_rows NEW TABLE AS new_rows';
  return `CREATE TRIGGER deliveries_rollup_${op.toLowerCase()} AFTER ${op} ON deliveries
    REFERENCING ${refs} FOR EACH STATEMENT EXECUTE FUNCTION hookpost_rollup_deliveries_${op.toLowerCase()}()`;
}

export const OPS = ['INSERT', 'UPDATE', 'DELETE'] as const;

export class StatsRollups1732560000000 implements MigrationInterface {
  name = 'StatsRollups1732560000000';

  public async up(q: QueryRunner): Promise<void> {
    // The row-level counters trigger is replaced by the statement-level functions below (same counters,
    // one upsert per webhook per statement). Should another migration have converted it already, its
    // counters are left to it rather than counted twice.
    const rowLevel =
      (
        await q.query(
          `SELECT 1 FROM pg_trigger WHERE tgname = 'deliveries_count' AND tgrelid = 'deliveries'::regclass`,
        )
      ).length > 0;
    if (rowLevel) {
      await q.query(`DROP TRIGGER deliveries_count ON deliveries`);
      await q.query(`DROP FUNCTION hookpost_count_delivery()`);
    }

    for (const { table, keys } of COUNT_ROLLUPS) {
      await q.query(`
        CREATE TABLE ${table} (
          account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
          day timestamptz NOT NULL,
          ${keys.map((k) => `${k} ${KEY_TYPES[k]} NOT NULL,`).join('\n')}
          total bigint NOT NULL,
          successful bigint NOT NULL,
          failed bigint NOT NULL,
          pending bigint NOT NULL,
          rt_count bigint NOT NULL,
          rt_sum bigint NOT NULL,
          PRIMARY KEY (account_id, day, ${keys.join(', ')})
        )`);
    }
    await q.query(`
      CREATE TABLE delivery_response_times_daily (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        day timestamptz NOT NULL,
        response_time integer NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (account_id, day, response_time)
      )`);

    for (const op of OPS) await q.query(triggerFunction(op, rowLevel));
    for (const op of OPS) await q.query(createTrigger(op));

    // Backfill from the existing rows (the migration runs in one transaction with the trigger swap, so
    // nothing is counted twice or missed); counters are rebuilt too, so they start exact.
    await q.query(`LOCK TABLE deliveries IN SHARE MODE`);
    for (const { table, keys } of COUNT_ROLLUPS) {
      const group = [1, 2, ...keys.map((_, i) => i + 3)].join(', ');
      await q.query(`
        INSERT INTO ${table} (account_id, day, ${keys.join(', ')}, total, successful, failed, pending, rt_count, rt_sum)
        SELECT account_id, ${UTC_DAY}, ${keys.join(', ')}, count(*),
          count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status = 'failed'),
          count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE ${HAS_RT}),
          coalesce(sum(response_time::bigint) FILTER (WHERE ${HAS_RT}), 0)
        FROM deliveries GROUP BY ${group}`);
    }
    await q.query(`
      INSERT INTO delivery_response_times_daily (account_id, day, response_time, n)
      SELECT account_id, ${UTC_DAY}, response_time, count(*)
      FROM deliveries WHERE ${HAS_RT} GROUP BY 1, 2, 3`);
    if (!rowLevel) return;
    await q.query(`DELETE FROM webhook_delivery_counters`);
    await q.query(`
      INSERT INTO webhook_delivery_counters (webhook_id, total, successful, failed, pending, last_delivery, rt_count, rt_sum)
      SELECT webhook_id, count(*), count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status = 'failed'),
        count(*) FILTER (WHERE status = 'pending'), max(delivered_at), count(*) FILTER (WHERE ${HAS_RT}),
        coalesce(sum(response_time::bigint) FILTER (WHERE ${HAS_RT}), 0)
      FROM deliveries GROUP BY webhook_id`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const op of OPS) {
      await q.query(`DROP TRIGGER deliveries_rollup_${op.toLowerCase()} ON deliveries`);
      await q.query(`DROP FUNCTION hookpost_rollup_deliveries_${op.toLowerCase()}()`);
    }
    await q.query(`DROP TABLE delivery_response_times_daily`);
    for (const { table } of COUNT_ROLLUPS) await q.query(`DROP TABLE ${table}`);
    // Back to the row-level counters trigger of 1732460000000 (same figures, one upsert per row), unless
    // another migration owns the counters' triggers.
    const owned = await q.query(
      `SELECT 1 FROM pg_trigger WHERE tgname LIKE 'deliveries_count%' AND tgrelid = 'deliveries'::regclass`,
    );
    if (owned.length > 0) return;
    await q.query(`
      CREATE FUNCTION hookpost_count_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO webhook_delivery_counters AS c
          (webhook_id, total, successful, failed, pending, last_delivery, rt_count, rt_sum)
        VALUES (NEW.webhook_id, (TG_OP = 'INSERT')::int,
          (NEW.status = 'success')::int - (TG_OP = 'UPDATE' AND OLD.status = 'success')::int,
          (NEW.status = 'failed')::int - (TG_OP = 'UPDATE' AND OLD.status = 'failed')::int,
          (NEW.status = 'pending')::int - (TG_OP = 'UPDATE' AND OLD.status = 'pending')::int,
          NEW.delivered_at,
          (NEW.response_code IS NOT NULL AND NEW.response_time IS NOT NULL)::int
            - (TG_OP = 'UPDATE' AND OLD.response_code IS NOT NULL AND OLD.response_time IS NOT NULL)::int,
          CASE WHEN NEW.response_code IS NOT NULL THEN coalesce(NEW.response_time, 0) ELSE 0 END
            - CASE WHEN TG_OP = 'UPDATE' AND OLD.response_code IS NOT NULL THEN coalesce(OLD.response_time, 0) ELSE 0 END)
        ON CONFLICT (webhook_id) DO UPDATE SET
          total = c.total + EXCLUDED.total, successful = c.successful + EXCLUDED.successful,
          failed = c.failed + EXCLUDED.failed, pending = c.pending + EXCLUDED.pending,
          last_delivery = greatest(c.last_delivery, EXCLUDED.last_delivery),
          rt_count = c.rt_count + EXCLUDED.rt_count, rt_sum = c.rt_sum + EXCLUDED.rt_sum;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER deliveries_count AFTER INSERT OR UPDATE ON deliveries
      FOR EACH ROW EXECUTE FUNCTION hookpost_count_delivery()`);
  }
}
