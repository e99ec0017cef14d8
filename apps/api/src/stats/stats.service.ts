import { BadRequestException, Injectable } from '@nestjs/common';
import { toPublicId } from '@hookpost/core/ids/ids';
import { RollupStatsRepository } from '@hookpost/core/stats/rollup-stats.repository';
import { StatsFigures, StatsRepository, StatsScope } from '@hookpost/core/stats/stats.repository';
import {
  BUCKET_KEY,
  bucketLabel,
  bucketStarts,
  defaultStart,
  MAX_BUCKETS,
  StatsPeriod,
} from '@hookpost/core/stats/stats-window';
import { successRate } from '@hookpost/core/stats/webhook-summary.repository';
import { WebhooksService } from '../webhooks/webhooks.service';
import { AccountStatsQuery, StatsQuery } from './stats.dto';

interface Counted {
  total: number;
  successful: number;
  failed: number;
  avg_ms: number | null;
}

const figures = (c: Counted) => ({
  total_deliveries: c.total,
  successful_deliveries: c.successful,
  failed_deliveries: c.failed,
  success_rate: successRate(c.successful, c.failed),
});

function window(q: StatsQuery): { period: StatsPeriod; start: Date; end: Date } {
  const end = q.end_date ? new Date(q.end_date) : new Date();
  const start = q.start_date ? new Date(q.start_date) : defaultStart(q.period, end);
  if (start > end) throw new BadRequestException(['start_date must not be after end_date']);
  if (bucketStarts(q.period, start, end).length > MAX_BUCKETS[q.period]) {
    throw new BadRequestException([
      `the range holds more than ${MAX_BUCKETS[q.period]} ${q.period} buckets; narrow start_date/end_date or use a longer period`,
    ]);
  }
  return { period: q.period, start, end };
}

@Injectable()
export class StatsService {
  constructor(
    private readonly raw: StatsRepository,
    private readonly rollups: RollupStatsRepository,
    private readonly webhooks: WebhooksService,
  ) {}

  private report(f: StatsFigures, scope: StatsScope, period: StatsPeriod) {
    const { totals, buckets, byEventType: byType } = f;
    const found = new Map(buckets.map((b) => [b.bucket.getTime(), b]));
    const empty: Counted = { total: 0, successful: 0, failed: 0, avg_ms: null };
    return {
      period,
      start_date: scope.start.toISOString(),
      end_date: scope.end.toISOString(),
      overall_stats: {
        ...figures(totals),
        pending_deliveries: totals.pending,
        average_response_time: totals.avg_ms ?? 0,
        median_response_time: totals.median_ms ?? 0,
        p95_response_time: totals.p95_ms ?? 0,
      },
      [BUCKET_KEY[period]]: bucketStarts(period, scope.start, scope.end).map((b) => {
        const row = found.get(b.getTime()) ?? empty;
        return { date: bucketLabel(period, b), ...figures(row), average_response_time: row.avg_ms ?? 0 };
      }),
      event_type_stats: byType.map((t) => ({ event_type: t.event_type, ...figures(t) })),
    };
  }

  async forWebhook(accountId: string, webhookPublicId: string, q: StatsQuery) {
    const webhook = await this.webhooks.load(accountId, webhookPublicId);
    const { period, start, end } = window(q);
    const scope: StatsScope = { accountId, webhookId: webhook.id, start, end };
    // One webhook's rows are few (7 days of the busiest bench webhook: ~2,300 rows, ~10 ms p95): raw rows.
    const f = await this.raw.figures(scope, period, false);
    return { webhook_id: webhookPublicId, ...this.report(f, scope, period) };
  }

  async forAccount(accountId: string, q: AccountStatsQuery) {
    const { period, start, end } = window(q);
    const scope: StatsScope = { accountId, start, end, projectId: q.project_id, eventType: q.event_type };
    // A whole account's deliveries: daily rollups plus raw edge days (exact, see RollupStatsRepository).
    const f = await this.rollups.figures(scope, period, true);
    const webhookStats = f.byWebhook
      .map((w) => ({
        webhook_id: toPublicId('webhook', w.webhook_id),
        name: w.name,
        ...figures(w),
        average_response_time: w.avg_ms ?? 0,
      }))
      // Worst endpoints first: lowest success rate, then most failures.
      .sort((a, b) => a.success_rate - b.success_rate || b.failed_deliveries - a.failed_deliveries);
    return { ...this.report(f, scope, period), webhook_stats: webhookStats };
  }
}
