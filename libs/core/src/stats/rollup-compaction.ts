import { Queryable } from '../database/db';

/**
 * Folds the shards of rollup rows for days before `before` (UTC midnight today by default) into one row
 * per key: past days are no longer hot, and reports then read one row per key instead of up to sixteen.
 * Figures never change (see migrations/1732760000000-ShardedRollups.ts).
 */
export async function compactRollups(db: Queryable, before?: Date | 'everything'): Promise<void> {
  if (before === 'everything') {
    await db.rows(`SELECT hookpost_compact_rollups('infinity')`);
    return;
  }
  await db.rows(
    `SELECT hookpost_compact_rollups(coalesce($1::timestamptz, date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'))`,
    [before ?? null],
  );
}
