import { Queryable } from '../database/db';

/**
 * Folds the shards of rollup rows into one row per key: by default for days before today (UTC), which
 * are no longer hot, so reports read one row per key instead of up to sixteen; 'everything' folds today
 * and the lifetime counters too (an offline load, a test). Figures never change (see
 * migrations/1732760000000-ShardedRollups.ts).
 */
export async function compactRollups(
  db: Queryable,
  scope: 'past days' | 'everything' = 'past days',
): Promise<void> {
  await db.rows(
    scope === 'everything'
      ? `SELECT hookpost_compact_rollups('infinity')`
      : `SELECT hookpost_compact_rollups(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`,
  );
}
