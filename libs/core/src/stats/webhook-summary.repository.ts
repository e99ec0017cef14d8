import { Db } from '../database/db';

export interface WebhookSummary {
  total_deliveries: number;
  successful_deliveries: number;
  failed_deliveries: number;
  pending_deliveries: number;
  last_delivery: Date | null;
  average_response_time: number;
}

export const EMPTY_SUMMARY: WebhookSummary = {
  total_deliveries: 0,
  successful_deliveries: 0,
  failed_deliveries: 0,
  pending_deliveries: 0,
  last_delivery: null,
  average_response_time: 0,
};

/** success / (success + failed) * 100, two decimals, 0 when nothing has finished (API.md). */
export function successRate(successful: number, failed: number): number {
  const finished = successful + failed;
  return finished === 0 ? 0 : Math.round((successful / finished) * 10000) / 100;
}

/** Whole-lifetime counters per webhook (kept by triggers, summed over their shards), for the list, the detail and the history's stats blocks. */
export class WebhookSummaryRepository {
  constructor(private readonly db: Db) {}

  async forWebhooks(accountId: string, webhookIds: string[]): Promise<Map<string, WebhookSummary>> {
    const result = new Map<string, WebhookSummary>();
    if (webhookIds.length === 0) return result;
    const rows = await this.db.rows(
      `SELECT c.webhook_id,
         c.total::int AS total_deliveries,
         c.successful::int AS successful_deliveries,
         c.failed::int AS failed_deliveries,
         c.pending::int AS pending_deliveries,
         c.last_delivery,
         CASE WHEN c.rt_count = 0 THEN 0 ELSE round(c.rt_sum::numeric / c.rt_count)::int END AS average_response_time
       FROM webhook_delivery_totals c JOIN webhooks w ON w.id = c.webhook_id
       WHERE w.account_id = $1 AND c.webhook_id = ANY($2::uuid[])`,
      [accountId, webhookIds],
    );
    for (const r of rows) result.set(r.webhook_id, r);
    return result;
  }

  async forWebhook(accountId: string, webhookId: string): Promise<WebhookSummary> {
    return (await this.forWebhooks(accountId, [webhookId])).get(webhookId) ?? EMPTY_SUMMARY;
  }
}
