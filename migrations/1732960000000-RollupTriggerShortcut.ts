import { MigrationInterface, QueryRunner } from 'typeorm';
import { triggerFunction } from './1732560000000-StatsRollups';
import { countersInRollups, ROLLUP_SHARDS } from './1732760000000-ShardedRollups';

/**
 * Most updates of a delivery change nothing the rollups count (a claim moves only its lease and attempt
 * count), yet each ran the trigger's five upserts, each joining the transition tables again. The update
 * trigger now checks once and returns when no counted column changed.
 */
export class RollupTriggerShortcut1732960000000 implements MigrationInterface {
  name = 'RollupTriggerShortcut1732960000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(triggerFunction('UPDATE', await countersInRollups(q), ROLLUP_SHARDS, true));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(triggerFunction('UPDATE', await countersInRollups(q), ROLLUP_SHARDS, false));
  }
}
