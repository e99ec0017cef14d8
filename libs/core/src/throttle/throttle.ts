/**
 * A webhook's alert-storm control: at most `limit` deliveries per fixed `window` (seconds) for each
 * event type and value of `key` (a dotted path into the event, `data.alert_name`); the rest are
 * counted and folded into one digest delivery when the window ends.
 */
export interface Throttle {
  limit: number;
  window: number;
  key?: string;
}

export const THROTTLE_LIMITS = {
  limit: { min: 1, max: 1000 },
  window: { min: 10, max: 86_400 },
  keyLength: 200,
  keyDepth: 10,
} as const;

/** Up to this many suppressed event ids travel in a digest, so a storm cannot make the digest huge. */
export const DIGEST_EVENT_IDS = 20;

// Names Alertmanager labels, Sentry fields and most JSON keys use; anything else (quotes, spaces)
// would need an escaping syntax nobody wants to write in a config field.
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** The path below `data` as segments, or a problem; `data.labels.alertname` → `['labels', 'alertname']`. */
export function keyPathSegments(path: string): string[] | string {
  if (path.length > THROTTLE_LIMITS.keyLength)
    return `must be at most ${THROTTLE_LIMITS.keyLength} characters`;
  const [root, ...rest] = path.split('.');
  if (root !== 'data' || rest.length === 0)
    return 'must be a dotted path into the event data, like data.alert_name';
  if (rest.length > THROTTLE_LIMITS.keyDepth)
    return `must have at most ${THROTTLE_LIMITS.keyDepth} segments below data`;
  const bad = rest.find((segment) => !SEGMENT.test(segment));
  if (bad !== undefined) return `segment "${bad.slice(0, 64)}" may only contain letters, digits, _ and -`;
  return rest;
}

/** The stored form: only the known fields, no key when none was given. */
export function normalizeThrottle(t: { limit: number; window: number; key?: string | null }): Throttle {
  return t.key ? { limit: t.limit, window: t.window, key: t.key } : { limit: t.limit, window: t.window };
}

/**
 * The fixed window holding `at`: windows are aligned to multiples of `seconds` since the Unix epoch
 * (UTC), so every process and the database agree on them without sharing state. Mirrors the
 * `date_bin(..., 'epoch')` in the ingest statement.
 */
export function windowOf(at: Date, seconds: number): { start: Date; end: Date } {
  const size = seconds * 1000;
  const start = Math.floor(at.getTime() / size) * size;
  return { start: new Date(start), end: new Date(start + size) };
}

const NUL_ESCAPE = /\\u0000/;

/**
 * The data for the ingest statement's key lookup when the stored text will not do: Postgres refuses
 * to read any JSON holding `\u0000` as text, so such data is looked up in a copy without NULs. Null
 * (nothing extra sent) for everything else.
 */
export function keyLookupJson(dataJson: string): string | null {
  if (!NUL_ESCAPE.test(dataJson)) return null;
  const strip = (v: string) => v.replace(/\0/g, '');
  return JSON.stringify(JSON.parse(dataJson), function (this: unknown, _key, value: unknown) {
    if (typeof value === 'string') return strip(value);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [strip(k), v]));
    return value;
  });
}
