import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lifetime counters per webhook for the list, detail and history `stats` blocks: aggregating a
 * webhook's whole history on every page load costs ~1 s at a million deliveries. A trigger keeps them
 * in the same transaction as every delivery change, so they cannot drift from the raw rows.
 */
export class DeliveryCounters1732460000000 implements MigrationInterface {
  name = 'DeliveryCounters1732460000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_delivery_counters (
        webhook_id uuid PRIMARY KEY REFERENCES webhooks(id) ON DELETE CASCADE,
        total bigint NOT NULL DEFAULT 0,
        successful bigint NOT NULL DEFAULT 0,
        failed bigint NOT NULL DEFAULT 0,
        pending bigint NOT NULL DEFAULT 0,
        last_delivery timestamptz,
        rt_count bigint NOT NULL DEFAULT 0,
        rt_sum bigint NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE FUNCTION hookpost_count_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        d_total int := 0; d_success int := 0; d_failed int := 0; d_pending int := 0;
        d_rt_count int := 0; d_rt_sum bigint := 0;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          d_total := 1;
        ELSIF OLD.status IS NOT DISTINCT FROM NEW.status
          AND OLD.response_code IS NOT DISTINCT FROM NEW.response_code
          AND OLD.response_time IS NOT DISTINCT FROM NEW.response_time
          AND OLD.delivered_at IS NOT DISTINCT FROM NEW.delivered_at THEN
          RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE' THEN
          d_success := d_success - (OLD.status = 'success')::int;
          d_failed := d_failed - (OLD.status = 'failed')::int;
          d_pending := d_pending - (OLD.status = 'pending')::int;
          IF OLD.response_code IS NOT NULL AND OLD.response_time IS NOT NULL THEN
            d_rt_count := d_rt_count - 1; d_rt_sum := d_rt_sum - OLD.response_time;
          END IF;
        END IF;
        d_success := d_success + (NEW.status = 'success')::int;
        d_failed := d_failed + (NEW.status = 'failed')::int;
        d_pending := d_pending + (NEW.status = 'pending')::int;
        IF NEW.response_code IS NOT NULL AND NEW.response_time IS NOT NULL THEN
          d_rt_count := d_rt_count + 1; d_rt_sum := d_rt_sum + NEW.response_time;
        END IF;
        INSERT INTO webhook_delivery_counters AS c
          (webhook_id, total, successful, failed, pending, last_delivery, rt_count, rt_sum)
        VALUES (NEW.webhook_id, d_total, d_success, d_failed, d_pending, NEW.delivered_at, d_rt_count, d_rt_sum)
        ON CONFLICT (webhook_id) DO UPDATE SET
          total = c.total + EXCLUDED.total,
          successful = c.successful + EXCLUDED.successful,
          failed = c.failed + EXCLUDED.failed,
          pending = c.pending + EXCLUDED.pending,
          last_delivery = greatest(c.last_delivery, EXCLUDED.last_delivery),
          rt_count = c.rt_count + EXCLUDED.rt_count,
          rt_sum = c.rt_sum + EXCLUDED.rt_sum;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER deliveries_count AFTER INSERT OR UPDATE ON deliveries
      FOR EACH ROW EXECUTE FUNCTION hookpost_count_delivery()`);
    await q.query(`
      INSERT INTO webhook_delivery_counters (webhook_id, total, successful, failed, pending, last_delivery, rt_count, rt_sum)
      SELECT webhook_id, count(*), count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status = 'failed'),
        count(*) FILTER (WHERE status = 'pending'), max(delivered_at),
        count(*) FILTER (WHERE response_code IS NOT NULL AND response_time IS NOT NULL),
        coalesce(sum(response_time) FILTER (WHERE response_code IS NOT NULL), 0)
      FROM deliveries GROUP BY webhook_id`);
    // A history page filtered by status counts its rows from the index alone.
    await q.query(
      `CREATE INDEX deliveries_webhook_status_created_idx ON deliveries (webhook_id, status, created_at DESC) INCLUDE (account_id)`,
    );
    // Account-wide reports find a window's rows without reading the whole table.
    await q.query(`CREATE INDEX deliveries_account_created_idx ON deliveries (account_id, created_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_account_created_idx`);
    await q.query(`DROP INDEX deliveries_webhook_status_created_idx`);
    await q.query(`DROP TRIGGER deliveries_count ON deliveries`);
    await q.query(`DROP FUNCTION hookpost_count_delivery()`);
    await q.query(`DROP TABLE webhook_delivery_counters`);
  }
}
