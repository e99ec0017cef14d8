import { renderDigestText, type ThrottleDigest } from '../formats/digest';
import { toPublicId } from '../ids/ids';

/** An ended throttle window as the sweeper reads it. */
export interface EndedWindow {
  webhook_id: string;
  account_id: string;
  event_type: string;
  /** `''` when the webhook's throttle has no key or the event lacked it. */
  key: string;
  window_start: Date;
  window_end: Date;
  event_limit: number;
  events_seen: number;
  /** Stored uuids of the first suppressed events, oldest first. */
  suppressed_event_ids: string[];
}

export interface DigestData extends Record<string, unknown> {
  digest: ThrottleDigest;
  summary: string;
}

/**
 * The `data` of a digest event: counts, window and the first suppressed event ids, with a one-line
 * summary a person can read in any format (`12 more alerts of X in the last 10 min`).
 */
export function digestData(w: EndedWindow): DigestData {
  const delivered = Math.min(w.events_seen, w.event_limit);
  const suppressed = w.events_seen - delivered;
  const windowSeconds = Math.round((w.window_end.getTime() - w.window_start.getTime()) / 1000);
  return {
    digest: {
      suppressed,
      delivered,
      limit: w.event_limit,
      key: w.key === '' ? null : w.key,
      event_type: w.event_type,
      window_seconds: windowSeconds,
      window_start: w.window_start.toISOString(),
      window_end: w.window_end.toISOString(),
      event_ids: w.suppressed_event_ids.map((id) => toPublicId('event', id)),
    },
    summary: renderDigestText(suppressed, w.event_type, w.key, windowSeconds),
  };
}
