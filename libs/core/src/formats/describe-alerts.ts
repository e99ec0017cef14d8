import { compact, field, type Describer } from './described';
import { capitalize, firstText, formatTime, humanize, isRecord, text } from './values';

const HEADLINES: Record<string, string> = {
  'alert.firing': 'Alert firing',
  'alert.resolved': 'Alert resolved',
  'error.created': 'New error',
  'issue.created': 'New issue',
  'issue.resolved': 'Issue resolved',
};

export const ALERT_TYPES = Object.keys(HEADLINES);

const SOURCE_NAMES: Record<string, string> = {
  alertmanager: 'Alertmanager',
  sentry: 'Sentry',
  prometheus: 'Prometheus',
};

// These labels already have their own field; repeating them under Labels is noise.
const SHOWN_LABELS = new Set(['alertname', 'severity', 'service', 'environment', 'env', 'instance']);
const MAX_LABELS = 10;

function describeLabels(labels: unknown): string | undefined {
  if (!isRecord(labels)) return undefined;
  const pairs = Object.entries(labels)
    .filter(([key]) => !SHOWN_LABELS.has(key))
    .map(([key, value]) => [key, text(value)] as const)
    .filter(([, value]) => value !== undefined)
    .slice(0, MAX_LABELS)
    .map(([key, value]) => `${key}=${value}`);
  return pairs.length > 0 ? pairs.join(', ') : undefined;
}

/** The summary line first, then the longer description, skipping whatever the title already says. */
function describeText(subject: string | undefined, ...parts: (string | undefined)[]): string | undefined {
  const lines = parts.filter((part): part is string => part !== undefined && part !== subject);
  return lines.length > 0 ? [...new Set(lines)].join('\n') : undefined;
}

/** Alertmanager and Sentry alerts arrive normalised to one shape, so one describer serves all five types. */
export const describeAlert: Describer = (event) => {
  const d = event.data;
  const subject = firstText(d, 'alert_name', 'title', 'summary');
  const source = firstText(d, 'source');
  const status = firstText(d, 'status');
  const resolved = event.type.endsWith('.resolved');
  return {
    headline: HEADLINES[event.type] ?? 'Alert',
    subject,
    description: describeText(subject, firstText(d, 'summary'), firstText(d, 'description')),
    fields: compact([
      field('Severity', firstText(d, 'severity', 'level')?.toUpperCase()),
      field('Status', status ? capitalize(humanize(status)) : undefined),
      field('Source', source ? (SOURCE_NAMES[source.toLowerCase()] ?? capitalize(source)) : undefined),
      field('Environment', firstText(d, 'environment')),
      field('Service', firstText(d, 'service')),
      field('Location', firstText(d, 'location')),
      field('Count', firstText(d, 'count')),
      field('Users affected', firstText(d, 'users_affected', 'user_count')),
      field(event.type.startsWith('alert.') ? 'Started' : 'First seen', formatTime(d.started_at)),
      field('Ended', resolved ? formatTime(d.ended_at) : undefined),
      field('Labels', describeLabels(d.labels), true),
    ]),
  };
};
