import { AlertEvent, isObject, MalformedPayloadError, str } from './alert-event';

const num = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 1;

function tagsOf(v: unknown): Record<string, string> {
  // Sentry sends tags as [[key, value], ...] or [{key, value}, ...].
  if (!Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const t of v) {
    if (Array.isArray(t) && typeof t[0] === 'string' && typeof t[1] === 'string') out[t[0]] = t[1];
    else if (isObject(t) && typeof t.key === 'string' && typeof t.value === 'string') out[t.key] = t.value;
  }
  return out;
}

function fromIssue(issue: Record<string, unknown>, type: AlertEvent['type'], status: string): AlertEvent {
  const project = isObject(issue.project) ? issue.project : {};
  const metadata = isObject(issue.metadata) ? issue.metadata : {};
  const location = str(metadata.filename) ?? str(issue.culprit);
  return {
    type,
    data: {
      alert_name: str(issue.title) ?? 'Sentry issue',
      severity: str(issue.level) ?? 'error',
      status,
      source: 'sentry',
      environment: null,
      service: str(project.slug) ?? str(project.name),
      summary: str(issue.title),
      description: str(metadata.value) ?? str(issue.culprit),
      location,
      count: num(issue.count),
      link: str(issue.web_url) ?? str(issue.permalink),
      started_at: str(issue.firstSeen),
      ended_at: status === 'resolved' ? (str(issue.lastSeen) ?? null) : null,
      labels: {},
      fingerprint: str(issue.id) ?? str(issue.shortId),
    },
  };
}

function fromErrorEvent(
  event: Record<string, unknown>,
  extra: { link?: string | null; service?: string | null },
): AlertEvent {
  const tags = tagsOf(event.tags);
  return {
    type: 'error.created',
    data: {
      alert_name: str(event.title) ?? str(event.message) ?? 'Sentry error',
      severity: str(event.level) ?? 'error',
      status: 'firing',
      source: 'sentry',
      environment: str(event.environment) ?? tags.environment ?? null,
      service: extra.service ?? str(event.project) ?? null,
      summary: str(event.title) ?? str(event.message),
      description: str(event.message),
      location: str(event.culprit) ?? str(event.location),
      count: 1,
      link: str(event.web_url) ?? extra.link ?? null,
      started_at: str(event.datetime) ?? null,
      ended_at: null,
      labels: tags,
      fingerprint: str(event.event_id),
    },
  };
}

/**
 * Sentry's webhook payloads to catalog events: integration-platform resources (`issue` created or
 * resolved, `error` created, `event_alert` triggered, named by the Sentry-Hook-Resource header or the
 * body's shape) and the legacy webhooks plugin's issue alert.
 */
export function sentryEvents(payload: unknown, resource: string | undefined): AlertEvent[] {
  if (!isObject(payload)) throw new MalformedPayloadError('body must be a Sentry webhook payload object');
  const action = str(payload.action);
  const data = isObject(payload.data) ? payload.data : null;
  if (data && isObject(data.issue)) {
    if (resource && resource !== 'issue')
      throw new MalformedPayloadError(`resource "${resource}" does not carry an issue`);
    if (action === 'created') return [fromIssue(data.issue, 'issue.created', 'firing')];
    if (action === 'resolved') return [fromIssue(data.issue, 'issue.resolved', 'resolved')];
    throw new MalformedPayloadError(
      `issue action "${action ?? ''}" is not supported; expected created or resolved`,
    );
  }
  if (data && isObject(data.error)) return [fromErrorEvent(data.error, {})];
  if (data && isObject(data.event)) return [fromErrorEvent(data.event, {})];
  if (str(payload.project_name) !== null || str(payload.culprit) !== null) {
    const event = isObject(payload.event) ? payload.event : {};
    return [
      fromErrorEvent(
        {
          ...event,
          title: event.title ?? payload.message,
          level: event.level ?? payload.level,
          culprit: payload.culprit,
        },
        { link: str(payload.url), service: str(payload.project_slug) ?? str(payload.project_name) },
      ),
    ];
  }
  throw new MalformedPayloadError('not a Sentry issue, error or alert payload');
}
