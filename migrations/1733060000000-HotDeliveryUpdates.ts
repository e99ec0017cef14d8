import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A claim changes only a delivery's lease and attempt count, and closing an attempt only its result:
 * no indexed column. With room left on each page Postgres makes these heap-only (HOT) updates, which
 * skip the seven index insertions a full update of a delivery costs. Pages written from now on keep
 * that room; existing pages are left as they are.
 */
export class HotDeliveryUpdates1733060000000 implements MigrationInterface {
  name = 'HotDeliveryUpdates1733060000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries SET (fillfactor = 70)`);
    await q.query(`ALTER TABLE delivery_attempts SET (fillfactor = 80)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries RESET (fillfactor)`);
    await q.query(`ALTER TABLE delivery_attempts RESET (fillfactor)`);
  }
}
