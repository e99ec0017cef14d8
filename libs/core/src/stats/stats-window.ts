export type StatsPeriod = 'hour' | 'day' | 'week' | 'month';

export const BUCKET_KEY: Record<StatsPeriod, string> = {
  hour: 'hourly_stats',
  day: 'daily_stats',
  week: 'weekly_stats',
  month: 'monthly_stats',
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** API.md defaults: end now; start 24 h, 7 days, 12 weeks or 12 months before the end. */
export function defaultStart(period: StatsPeriod, end: Date): Date {
  switch (period) {
    case 'hour':
      return new Date(end.getTime() - DAY);
    case 'day':
      return new Date(end.getTime() - 7 * DAY);
    case 'week':
      return new Date(end.getTime() - 12 * 7 * DAY);
    case 'month': {
      const d = new Date(end);
      d.setUTCMonth(d.getUTCMonth() - 12);
      return d;
    }
  }
}

/** The most buckets a report may have: a year of hours, ten years of days/weeks/months. */
export const MAX_BUCKETS: Record<StatsPeriod, number> = { hour: 366 * 24, day: 3660, week: 522, month: 120 };

/** Start of the UTC bucket holding `d` (weeks start on Monday). */
export function bucketStart(period: StatsPeriod, d: Date): Date {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()));
  if (period === 'hour') return t;
  t.setUTCHours(0);
  if (period === 'day') return t;
  if (period === 'week') {
    const sinceMonday = (t.getUTCDay() + 6) % 7;
    return new Date(t.getTime() - sinceMonday * DAY);
  }
  t.setUTCDate(1);
  return t;
}

export function nextBucket(period: StatsPeriod, d: Date): Date {
  switch (period) {
    case 'hour':
      return new Date(d.getTime() + HOUR);
    case 'day':
      return new Date(d.getTime() + DAY);
    case 'week':
      return new Date(d.getTime() + 7 * DAY);
    case 'month':
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  }
}

/** Every bucket start from the one holding `start` through the one holding `end`. */
export function bucketStarts(period: StatsPeriod, start: Date, end: Date): Date[] {
  const out: Date[] = [];
  for (let b = bucketStart(period, start); b <= end; b = nextBucket(period, b)) out.push(b);
  return out;
}

/** The bucket label of API.md: `2024-01-01T13:00:00Z`, `2024-01-01`, or `2024-01`. */
export function bucketLabel(period: StatsPeriod, b: Date): string {
  const iso = b.toISOString();
  if (period === 'hour') return `${iso.slice(0, 19)}Z`;
  if (period === 'month') return iso.slice(0, 7);
  return iso.slice(0, 10);
}
