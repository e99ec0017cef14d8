const NOUNS: Record<string, [string, string]> = {
  'alert.firing': ['alert', 'alerts'],
  'alert.resolved': ['resolved alert', 'resolved alerts'],
  'error.created': ['error', 'errors'],
  'issue.created': ['issue', 'issues'],
  'issue.resolved': ['resolved issue', 'resolved issues'],
};

function nounFor(eventType: string, count: number): string {
  const known = Object.prototype.hasOwnProperty.call(NOUNS, eventType) ? NOUNS[eventType] : undefined;
  if (known) return count === 1 ? known[0] : known[1];
  return `${eventType} ${count === 1 ? 'event' : 'events'}`;
}

/** `10 min`, `1 h 30 min`, `45 s`. */
export function formatWindow(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total} s`;
  if (total < 3600) {
    const rest = total % 60;
    return rest === 0 ? `${total / 60} min` : `${Math.floor(total / 60)} min ${rest} s`;
  }
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/**
 * The line sent instead of the events a digest swallowed, e.g.
 * `12 more alerts of RedisConnectionFailed in the last 10 min`. Plain text: the caller escapes it.
 */
export function renderDigestText(
  count: number,
  eventType: string,
  key: string,
  windowSeconds: number,
): string {
  const n = Number.isFinite(count) ? Math.max(0, Math.floor(count)) : 0;
  const of = key.trim() === '' ? '' : ` of ${key.trim()}`;
  return `${n} more ${nounFor(eventType, n)}${of} in the last ${formatWindow(windowSeconds)}`;
}

/**
 * `data.digest` of a digest event: what a throttle window held back. Made by the worker when the
 * window ends (libs/core/src/throttle/digest-data.ts); README documents the shape.
 */
export interface ThrottleDigest {
  suppressed: number;
  delivered: number;
  limit: number;
  /** The key value the window counted, null when the webhook's throttle has no key (or it was missing). */
  key: string | null;
  event_type: string;
  window_seconds: number;
  window_start: string;
  window_end: string;
  /** Public ids of the first suppressed events, at most 20. */
  event_ids: string[];
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The digest an event carries, when its data has the digest shape for its own type. */
export function digestOf(type: string, data: Record<string, unknown>): ThrottleDigest | undefined {
  const d = data.digest;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return undefined;
  const digest = d as Record<string, unknown>;
  const ok =
    isCount(digest.suppressed) &&
    isCount(digest.window_seconds) &&
    digest.event_type === type &&
    typeof digest.window_start === 'string' &&
    typeof digest.window_end === 'string' &&
    (digest.key === null || typeof digest.key === 'string');
  return ok ? (digest as unknown as ThrottleDigest) : undefined;
}
