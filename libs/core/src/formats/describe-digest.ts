import { compact, field, type Described } from './described';
import { formatWindow, renderDigestText, type ThrottleDigest } from './digest';
import type { RenderableEvent } from './types';
import { formatTime } from './values';

const MAX_LISTED_IDS = 5;

/** A throttle digest reads as one line about the storm, whatever the type's usual rendering is. */
export function describeDigest(event: RenderableEvent, digest: ThrottleDigest): Described {
  const seconds = digest.window_seconds;
  const ids = Array.isArray(digest.event_ids) ? digest.event_ids.filter((id) => typeof id === 'string') : [];
  const listed = ids.slice(0, MAX_LISTED_IDS).join(', ');
  const more = ids.length > MAX_LISTED_IDS || digest.suppressed > ids.length ? ', …' : '';
  return {
    headline: renderDigestText(digest.suppressed, event.type, digest.key ?? '', seconds),
    description:
      typeof digest.limit === 'number'
        ? `Held back by this webhook's throttle: at most ${digest.limit} per ${formatWindow(seconds)}.`
        : undefined,
    fields: compact([
      field('Event type', event.type),
      field('Key', digest.key ?? undefined),
      field('Suppressed', String(digest.suppressed)),
      field('Delivered', typeof digest.delivered === 'number' ? String(digest.delivered) : undefined),
      field('Window start', formatTime(digest.window_start)),
      field('Window end', formatTime(digest.window_end)),
      field('Suppressed events', listed === '' ? undefined : `${listed}${more}`, true),
    ]),
  };
}
