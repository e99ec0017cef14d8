import { Db } from '../database/db';
import { exactPercentilesSql } from './exact-percentiles';
import { splitWindow } from './rollup-window';
import { StatsPeriod } from './stats-window';
import {
  BucketRow,
  StatsFigures,
  StatsRepository,
  StatsScope,
  StatsSource,
  Totals,
  TypeRow,
  WebhookRow,
} from './stats.repository';

const HAS_RT = `(d.response_code IS NOT NULL AND d.response_time IS NOT NULL)`;

/** A GROUPING SETS row: kinds 0+1 figures, and t_* (kinds 0+2) for the event-type breakdown. */
type Grouped = BucketRow & {
  g: number;
  webhook_id: string | null;
  event_type: string | null;
  pending: number;
  t_total: number;
  t_successful: number;
  t_failed: number;
  t_avg_ms: number | null;
};

interface Query {
  sql: string;
  params: unknown[];
}

/**
 * The same figures as StatsRepository (raw rows), read from the daily rollups of migration
 * 1732560000000 for the whole UTC days of the window plus raw rows for its partial edge days. Every
 * figure is exact: counts and response-time sums add up, and percentiles are recomputed from
 * per-value counts. Hour buckets cannot come from daily rollups (callers use raw rows for them).
 */
export class RollupStatsRepository implements StatsSource {
  constructor(
    private readonly db: Db,
    private readonly raw: StatsRepository,
  ) {}

  /** Filter clauses shared by rollup rows and raw rows (both have account_id, webhook_id, event_type). */
  private filters(s: StatsScope, alias: string, params: unknown[]): string {
    const clauses: string[] = [];
    if (s.webhookId) {
      params.push(s.webhookId);
      clauses.push(`${alias}.webhook_id = $${params.length}`);
    }
    if (s.eventType) {
      params.push(s.eventType);
      clauses.push(`${alias}.event_type = $${params.length}`);
    }
    if (s.projectId) {
      params.push(s.projectId);
      clauses.push(
        `${alias}.webhook_id IN (SELECT id FROM webhooks WHERE account_id = $1 AND project_id = $${params.length})`,
      );
    }
    return clauses.map((c) => ` AND ${c}`).join('');
  }

  /** $1 account, then the window: whole days [$4, $5) from rollups, raw rows for the rest of [$2, $3]. */
  private window(s: StatsScope): { params: unknown[]; raw: string; days: string | null } {
    const split = splitWindow(s.start, s.end);
    const params: unknown[] = [s.accountId, s.start, s.end];
    if (!split.days) {
      return { params, raw: `d.created_at >= $2 AND d.created_at <= $3`, days: null };
    }
    params.push(split.days.from, split.days.to);
    return {
      params,
      raw: `((d.created_at >= $2 AND d.created_at < $4) OR (d.created_at >= $5 AND d.created_at <= $3))`,
      days: `r.day >= $4 AND r.day < $5`,
    };
  }

  /**
   * One row per rollup row or raw delivery in scope: (kind, t, webhook_id, event_type, figures). Kind 0
   * rows carry both keys (raw rows, the cube); unfiltered reports read the narrow rollups instead: kind 1
   * (per webhook, event_type NULL) and kind 2 (per event type, webhook_id NULL), each covering every
   * delivery once, so totals and buckets sum kinds 0+1 and the event-type breakdown kinds 0+2.
   */
  private source(s: StatsScope): Query {
    const w = this.window(s);
    const params = w.params;
    const rawFilters = this.filters(s, 'd', params);
    const raw = `SELECT 0 AS kind, d.created_at AS t, d.webhook_id, d.event_type, 1 AS total,
        (d.status = 'success')::int AS successful, (d.status = 'failed')::int AS failed,
        (d.status = 'pending')::int AS pending, ${HAS_RT}::int AS rt_count,
        CASE WHEN ${HAS_RT} THEN d.response_time ELSE 0 END AS rt_sum
      FROM deliveries d WHERE d.account_id = $1 AND ${w.raw}${rawFilters}`;
    if (!w.days) return { sql: raw, params };
    const figures = `r.total, r.successful, r.failed, r.pending, r.rt_count, r.rt_sum`;
    if (!s.webhookId && !s.eventType && !s.projectId) {
      return {
        sql: `SELECT 1 AS kind, r.day AS t, r.webhook_id, NULL::text AS event_type, ${figures}
            FROM delivery_stats_daily_by_webhook r WHERE r.account_id = $1 AND ${w.days}
          UNION ALL SELECT 2, r.day, NULL::uuid, r.event_type, ${figures}
            FROM delivery_stats_daily_by_type r WHERE r.account_id = $1 AND ${w.days}
          UNION ALL ${raw}`,
        params,
      };
    }
    // The filter parameters are appended once more for the rollup side; cheap and keeps numbering simple.
    const rollupFilters = this.filters(s, 'r', params);
    return {
      sql: `SELECT 0 AS kind, r.day AS t, r.webhook_id, r.event_type, ${figures}
        FROM delivery_stats_daily r WHERE r.account_id = $1 AND ${w.days}${rollupFilters}
        UNION ALL ${raw}`,
      params,
    };
  }

  /** Exact median and p95 from per-value counts; filtered scopes read raw rows (no rollup keyed by them). */
  private async percentiles(s: StatsScope): Promise<{ median_ms: number | null; p95_ms: number | null }> {
    if (s.webhookId || s.eventType || s.projectId) {
      const t = await this.raw.totals(s);
      return { median_ms: t.median_ms, p95_ms: t.p95_ms };
    }
    const w = this.window(s);
    const rawValues = `SELECT d.response_time AS v, 1 AS n FROM deliveries d
      WHERE d.account_id = $1 AND ${w.raw} AND ${HAS_RT}`;
    const values = w.days
      ? `SELECT r.response_time AS v, r.n FROM delivery_response_times_daily r WHERE r.account_id = $1 AND ${w.days}
         UNION ALL ${rawValues}`
      : rawValues;
    const rows = await this.db.rows<{ p: number; ms: number }>(
      exactPercentilesSql(values, [0.5, 0.95]),
      w.params,
    );
    const at = (p: number) => rows.find((r) => r.p === p)?.ms ?? null;
    return { median_ms: at(0.5), p95_ms: at(0.95) };
  }

  async figures(s: StatsScope, period: StatsPeriod, withWebhooks: boolean): Promise<StatsFigures> {
    if (period === 'hour') return this.raw.figures(s, period, withWebhooks);
    const src = this.source(s);
    // One pass over the rows in scope for every grouping the report shows.
    const grouped = this.db.rows<Grouped>(
      `WITH src AS (${src.sql})
       SELECT grouping(b, webhook_id, event_type) AS g, b AS bucket, webhook_id, event_type,
         coalesce(sum(total) FILTER (WHERE kind <> 2), 0)::int AS total,
         coalesce(sum(successful) FILTER (WHERE kind <> 2), 0)::int AS successful,
         coalesce(sum(failed) FILTER (WHERE kind <> 2), 0)::int AS failed,
         coalesce(sum(pending) FILTER (WHERE kind <> 2), 0)::int AS pending,
         round(sum(rt_sum) FILTER (WHERE kind <> 2)::numeric / nullif(sum(rt_count) FILTER (WHERE kind <> 2), 0))::int AS avg_ms,
         coalesce(sum(total) FILTER (WHERE kind <> 1), 0)::int AS t_total,
         coalesce(sum(successful) FILTER (WHERE kind <> 1), 0)::int AS t_successful,
         coalesce(sum(failed) FILTER (WHERE kind <> 1), 0)::int AS t_failed,
         round(sum(rt_sum) FILTER (WHERE kind <> 1)::numeric / nullif(sum(rt_count) FILTER (WHERE kind <> 1), 0))::int AS t_avg_ms
       FROM (SELECT date_trunc('${period}', t AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS b, * FROM src) x
       GROUP BY GROUPING SETS ((), (b), (webhook_id), (event_type))`,
      src.params,
    );
    const [rows, pct] = await Promise.all([grouped, this.percentiles(s)]);
    // grouping() bits: b = 4, webhook_id = 2, event_type = 1 (a set bit means "not grouped by").
    const total = rows.find((r) => r.g === 7);
    const totals: Totals = {
      total: total?.total ?? 0,
      successful: total?.successful ?? 0,
      failed: total?.failed ?? 0,
      pending: total?.pending ?? 0,
      avg_ms: total?.avg_ms ?? null,
      ...pct,
    };
    const buckets = rows.filter((r) => r.g === 3);
    // A group of only zero rows (every delivery of it moved or deleted) does not exist in raw rows.
    const byEventType: TypeRow[] = rows
      .filter((r) => r.g === 6 && r.event_type !== null && r.t_total > 0)
      .map((r) => ({
        bucket: r.bucket,
        event_type: r.event_type as string,
        total: r.t_total,
        successful: r.t_successful,
        failed: r.t_failed,
        avg_ms: r.t_avg_ms,
      }))
      .sort(
        (a, b) =>
          b.total - a.total || (a.event_type < b.event_type ? -1 : a.event_type > b.event_type ? 1 : 0),
      );
    const byWebhook = withWebhooks
      ? await this.named(
          s.accountId,
          rows.filter((r) => r.g === 5 && r.webhook_id !== null && r.total > 0),
        )
      : [];
    return { totals, buckets, byEventType, byWebhook };
  }

  /** Names for the per-webhook rows; deleted webhooks are left out, as in the raw report. */
  private async named(
    accountId: string,
    rows: (BucketRow & { webhook_id: string | null })[],
  ): Promise<WebhookRow[]> {
    if (rows.length === 0) return [];
    const names = await this.db.rows<{ id: string; name: string }>(
      `SELECT id, name FROM webhooks WHERE account_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
      [accountId, rows.map((r) => r.webhook_id)],
    );
    const byId = new Map(names.map((n) => [n.id, n.name]));
    return rows
      .filter((r) => byId.has(r.webhook_id as string))
      .map((r) => ({
        ...r,
        webhook_id: r.webhook_id as string,
        name: byId.get(r.webhook_id as string) as string,
      }))
      .sort((a, b) => (a.webhook_id < b.webhook_id ? -1 : a.webhook_id > b.webhook_id ? 1 : 0));
  }
}
