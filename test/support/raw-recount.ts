import type { Queryable } from '../../libs/core/src/database/db';

/**
 * Webhooks whose lifetime counters (summed over their shards) differ from a recount of the raw
 * deliveries: the product keeps the counters with triggers, a test recomputes them independently.
 */
export function counterMismatches(db: Queryable): Promise<unknown[]> {
  return db.rows(
    `WITH raw AS (
       SELECT webhook_id, count(*) AS total, count(*) FILTER (WHERE status = 'success') AS successful,
         count(*) FILTER (WHERE status = 'failed') AS failed, count(*) FILTER (WHERE status = 'pending') AS pending,
         max(delivered_at) AS last_delivery,
         count(*) FILTER (WHERE response_code IS NOT NULL AND response_time IS NOT NULL) AS rt_count,
         coalesce(sum(response_time) FILTER (WHERE response_code IS NOT NULL), 0) AS rt_sum
       FROM deliveries GROUP BY webhook_id)
     SELECT raw.webhook_id, c.webhook_id AS counted_webhook_id
     FROM raw FULL JOIN webhook_delivery_totals c ON c.webhook_id = raw.webhook_id
     WHERE (raw.total, raw.successful, raw.failed, raw.pending, raw.rt_count, raw.rt_sum)
       IS DISTINCT FROM (c.total, c.successful, c.failed, c.pending, c.rt_count, c.rt_sum)
       OR raw.last_delivery IS DISTINCT FROM c.last_delivery`,
  );
}
