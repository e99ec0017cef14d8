import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingest stores many events in one statement; the throttle upsert answers which event it counted by
 * the window row's last event (an INSERT's RETURNING sees only the row, not the source it came from).
 */
export class ThrottleLastEvent1732860000000 implements MigrationInterface {
  name = 'ThrottleLastEvent1732860000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE throttle_windows ADD COLUMN last_event_id uuid`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE throttle_windows DROP COLUMN last_event_id`);
  }
}
