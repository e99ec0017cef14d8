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
