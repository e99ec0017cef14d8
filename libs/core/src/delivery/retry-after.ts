const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const DAY_LONG = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// The three HTTP-date forms of RFC 9110 section 5.6.7. Date.parse is not used because it accepts
// almost anything ("foo 1" is a date in 2001) and reads asctime as local time.
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
const RFC850_DATE = new RegExp(`^${DAY_LONG}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i');

const DELTA_SECONDS = /^\d+$/;

/**
 * Milliseconds a `Retry-After` header asks us to wait: delta-seconds or an HTTP-date (a date in
 * the past means now, 0). Undefined for anything else, so the caller falls back to its backoff.
 */
export function parseRetryAfter(value: string | undefined | null, now: Date): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (DELTA_SECONDS.test(trimmed)) return Math.min(Number(trimmed) * 1000, Number.MAX_SAFE_INTEGER);
  const at = parseHttpDate(trimmed, now);
  if (at === undefined) return undefined;
  return Math.max(0, at - now.getTime());
}

function parseHttpDate(value: string, now: Date): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(Number(m[3]), m[2], m[1], m[4], m[5], m[6]);
  m = RFC850_DATE.exec(value);
  if (m) return utc(fullYear(Number(m[3]), now), m[2], m[1], m[4], m[5], m[6]);
  m = ASCTIME_DATE.exec(value);
  if (m) return utc(Number(m[6]), m[1], m[2].trim(), m[3], m[4], m[5]);
  return undefined;
}

// RFC 9110: a two-digit year more than 50 years ahead is the most recent past year with those digits.
function fullYear(twoDigits: number, now: Date): number {
  const year = now.getUTCFullYear() - (now.getUTCFullYear() % 100) + twoDigits;
  return year > now.getUTCFullYear() + 50 ? year - 100 : year;
}

function utc(
  year: number,
  month: string,
  day: string,
  hour: string,
  minute: string,
  second: string,
): number | undefined {
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  const [d, h, mi, s] = [Number(day), Number(hour), Number(minute), Number(second)];
  // Date.UTC would roll 31 Feb over into March; such a value is garbage, not a date in March.
  // Seconds go up to 60 because the grammar allows a leap second.
  if (d < 1 || d > daysInMonth(year, monthIndex) || h > 23 || mi > 59 || s > 60) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0..99 as 1900..1999.
  date.setUTCFullYear(year, monthIndex, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

function daysInMonth(year: number, monthIndex: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex + 1, 0);
  return date.getUTCDate();
}
