import { Db } from '../database/db';
import { StatsPeriod } from './stats-window';

export interface StatsScope {
  accountId: string;
  webhookId?: string;
  projectId?: string;
  eventType?: string;
  start: Date;
  end: Date;
}

export interface Totals {
  total: number;
  successful: number;
  failed: number;
  pending: number;
  avg_ms: number | null;
  median_ms: number | null;
  p95_ms: number | null;
}

export interface BucketRow {
  bucket: Date;
  total: number;
  successful: number;
  failed: number;
  avg_ms: number | null;
}

export type TypeRow = BucketRow & { event_type: string };
export type WebhookRow = BucketRow & { webhook_id: string; name: string };

/** Everything a report needs; served from raw rows here or from rollups (RollupStatsRepository). */
export interface StatsFigures {
  totals: Totals;
  buckets: BucketRow[];
  byEventType: TypeRow[];
  /** Only when asked for (the account-wide report). */
  byWebhook: WebhookRow[];
}

export interface StatsSource {
  figures(s: StatsScope, period: StatsPeriod, withWebhooks: boolean): Promise<StatsFigures>;
}

const COUNTS = `count(*)::int AS total,
  count(*) FILTER (WHERE d.status = 'success')::int AS successful,
  count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
  count(*) FILTER (WHERE d.status = 'pending')::int AS pending,
  round(avg(d.response_time) FILTER (WHERE d.response_code IS NOT NULL))::int AS avg_ms`;

/**
 * Delivery figures by created_at over raw rows (test pings included); response times are those of the
 * last attempt of deliveries that got an HTTP response.
 */
export class StatsRepository implements StatsSource {
  constructor(private readonly db: Db) {}

  async figures(s: StatsScope, period: StatsPeriod, withWebhooks: boolean): Promise<StatsFigures> {
    const [totals, buckets, byEventType, byWebhook] = await Promise.all([
      this.totals(s),
      this.buckets(s, period),
      this.byEventType(s),
      withWebhooks ? this.byWebhook(s) : [],
    ]);
    return { totals, buckets, byEventType, byWebhook };
  }

  private where(s: StatsScope): { sql: string; params: unknown[] } {
    const clauses = ['d.account_id = $1', 'd.created_at >= $2', 'd.created_at <= $3'];
    const params: unknown[] = [s.accountId, s.start, s.end];
    if (s.webhookId) {
      params.push(s.webhookId);
      clauses.push(`d.webhook_id = $${params.length}`);
    }
    if (s.eventType) {
      params.push(s.eventType);
      clauses.push(`d.event_type = $${params.length}`);
    }
    if (s.projectId) {
      params.push(s.projectId);
      clauses.push(
        `d.webhook_id IN (SELECT id FROM webhooks WHERE account_id = $1 AND project_id = $${params.length})`,
      );
    }
    return { sql: clauses.join(' AND '), params };
  }

  async totals(s: StatsScope): Promise<Totals> {
    const w = this.where(s);
    const rows = await this.db.rows<Totals>(
      `SELECT ${COUNTS},
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d.response_time) FILTER (WHERE d.response_code IS NOT NULL))::int AS median_ms,
         round(percentile_cont(0.95) WITHIN GROUP (ORDER BY d.response_time) FILTER (WHERE d.response_code IS NOT NULL))::int AS p95_ms
       FROM deliveries d WHERE ${w.sql}`,
      w.params,
    );
    return rows[0];
  }

  async buckets(s: StatsScope, period: StatsPeriod): Promise<BucketRow[]> {
    const w = this.where(s);
    return this.db.rows<BucketRow>(
      `SELECT date_trunc('${period}', d.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket, ${COUNTS}
       FROM deliveries d WHERE ${w.sql} GROUP BY 1`,
      w.params,
    );
  }

  async byEventType(s: StatsScope): Promise<TypeRow[]> {
    const w = this.where(s);
    return this.db.rows(
      `SELECT d.event_type, ${COUNTS} FROM deliveries d WHERE ${w.sql} GROUP BY d.event_type ORDER BY total DESC, d.event_type`,
      w.params,
    );
  }

  async byWebhook(s: StatsScope): Promise<WebhookRow[]> {
    const w = this.where(s);
    return this.db.rows(
      `SELECT d.webhook_id, wh.name, ${COUNTS} FROM deliveries d JOIN webhooks wh ON wh.id = d.webhook_id
       WHERE ${w.sql} AND wh.deleted_at IS NULL GROUP BY d.webhook_id, wh.name ORDER BY d.webhook_id`,
      w.params,
    );
  }
}
