import { MigrationInterface, QueryRunner } from 'typeorm';
import { COUNT_ROLLUPS, OPS, triggerFunction } from './1732560000000-StatsRollups';

/** Rows a key's figures may be spread over while they are hot. */
export const ROLLUP_SHARDS = 16;

const FIGURES = ['total', 'successful', 'failed', 'pending', 'rt_count', 'rt_sum'];

/** Every table the delivery triggers add to, with its key columns. */
const SHARDED_TABLES: { table: string; keys: string[]; figures: string[] }[] = [
  { table: 'webhook_delivery_counters', keys: ['webhook_id'], figures: FIGURES },
  ...COUNT_ROLLUPS.map(({ table, keys }) => ({
    table,
    keys: ['account_id', 'day', ...keys],
    figures: FIGURES,
  })),
  { table: 'delivery_response_times_daily', keys: ['account_id', 'day', 'response_time'], figures: ['n'] },
];

/**
 * Measured with `npm run bench`: every ingest and every recorded attempt of one webhook added to the same
 * counters and rollup rows (the webhook's lifetime counters, today's rows of its account, webhook and
 * event type) and held their locks until commit, so one webhook's deliveries committed one at a time
 * (~420 events/s at fan-out 1, whatever the CPU). Each key now spreads over ROLLUP_SHARDS rows; readers
 * sum them. `hookpost_compact_rollups(before)` folds the shards of days before `before` back into shard 0
 * (the worker runs it for past days; those rows are no longer hot), so reports read few rows.
 */
export class ShardedRollups1732760000000 implements MigrationInterface {
  name = 'ShardedRollups1732760000000';

  public async up(q: QueryRunner): Promise<void> {
    for (const { table, keys } of SHARDED_TABLES) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN shard smallint NOT NULL DEFAULT 0`);
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
      await q.query(`ALTER TABLE ${table} ADD PRIMARY KEY (${keys.join(', ')}, shard)`);
    }
    await q.query(`
      CREATE VIEW webhook_delivery_totals AS
      SELECT webhook_id, ${FIGURES.map((f) => `sum(${f})::bigint AS ${f}`).join(', ')},
        max(last_delivery) AS last_delivery
      FROM webhook_delivery_counters GROUP BY webhook_id`);
    const counters = await countersInRollups(q);
    for (const op of OPS) await q.query(triggerFunction(op, counters, ROLLUP_SHARDS));
    await q.query(compactFunction());
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`SELECT hookpost_compact_rollups('infinity')`);
    await q.query(`DROP FUNCTION hookpost_compact_rollups(timestamptz)`);
    const counters = await countersInRollups(q);
    for (const op of OPS) await q.query(triggerFunction(op, counters, 1));
    await q.query(`DROP VIEW webhook_delivery_totals`);
    for (const { table, keys } of SHARDED_TABLES) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN shard`);
      await q.query(`ALTER TABLE ${table} ADD PRIMARY KEY (${keys.join(', ')})`);
    }
  }
}

/**
 * Whether the rollup triggers keep the counters too: 1732560000000 took them over from the row-level
 * trigger of 1732460000000 unless another migration had converted it first.
 */
export async function countersInRollups(q: QueryRunner): Promise<boolean> {
  return (await q.query(`SELECT 1 FROM pg_proc WHERE proname = 'hookpost_count_delivery'`)).length === 0;
}

/**
 * Folds shards 1.. into shard 0 for rows that are no longer hot: daily rows of days before `before`,
 * and (with `before` = 'infinity') everything, counters included. Each table is one statement, so the
 * figures a reader sums never change.
 */
function compactFunction(): string {
  const statements = SHARDED_TABLES.map(({ table, keys, figures }) => {
    const isCounters = table === 'webhook_delivery_counters';
    const when = isCounters ? `before = 'infinity'` : `day < before`;
    const extra = isCounters ? ', last_delivery' : '';
    const extraAgg = isCounters ? ', max(last_delivery)' : '';
    const extraSet = isCounters ? ', last_delivery = greatest(t.last_delivery, EXCLUDED.last_delivery)' : '';
    return `WITH moved AS (DELETE FROM ${table} WHERE shard <> 0 AND ${when} RETURNING *)
      INSERT INTO ${table} AS t (${keys.join(', ')}, shard, ${figures.join(', ')}${extra})
      SELECT ${keys.join(', ')}, 0, ${figures.map((f) => `sum(${f})`).join(', ')}${extraAgg}
      FROM moved GROUP BY ${keys.join(', ')} ORDER BY ${keys.join(', ')}
      ON CONFLICT (${keys.join(', ')}, shard) DO UPDATE SET
        ${figures.map((f) => `${f} = t.${f} + EXCLUDED.${f}`).join(', ')}${extraSet}`;
  });
  return `
    CREATE FUNCTION hookpost_compact_rollups(before timestamptz) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      ${statements.join(';\n')};
    END $$`;
}
