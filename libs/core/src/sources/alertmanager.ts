import { AlertEvent, isObject, MalformedPayloadError, str } from './alert-event';

const ZERO_TIME = '0001-01-01T00:00:00Z';

function stringLabels(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * Alertmanager's webhook payload (version 4) to one event per alert: a grouped notification of
 * twelve alerts becomes twelve events, so each can be routed, throttled and resolved on its own.
 */
export function alertmanagerEvents(payload: unknown): AlertEvent[] {
  if (!isObject(payload))
    throw new MalformedPayloadError('body must be an Alertmanager webhook payload object');
  if (payload.version !== undefined && payload.version !== '4') {
    throw new MalformedPayloadError(
      `unsupported Alertmanager payload version "${String(payload.version)}"; expected "4"`,
    );
  }
  const alerts = payload.alerts;
  if (!Array.isArray(alerts) || alerts.length === 0)
    throw new MalformedPayloadError('alerts must be a non-empty array');
  const common = stringLabels(payload.commonLabels);
  return alerts.map((alert, i) => {
    if (!isObject(alert)) throw new MalformedPayloadError(`alerts[${i}] must be an object`);
    const status = alert.status;
    if (status !== 'firing' && status !== 'resolved') {
      throw new MalformedPayloadError(`alerts[${i}].status must be "firing" or "resolved"`);
    }
    const labels = { ...common, ...stringLabels(alert.labels) };
    const annotations = stringLabels(alert.annotations);
    const name = labels.alertname;
    if (!name) throw new MalformedPayloadError(`alerts[${i}].labels.alertname is required`);
    const endsAt = str(alert.endsAt);
    return {
      type: status === 'firing' ? 'alert.firing' : 'alert.resolved',
      data: {
        alert_name: name,
        severity: labels.severity ?? 'warning',
        status,
        source: 'alertmanager',
        environment: labels.environment ?? labels.env ?? null,
        service: labels.service ?? labels.job ?? null,
        summary: annotations.summary ?? null,
        description: annotations.description ?? null,
        location: labels.instance ?? null,
        count: 1,
        link: str(alert.generatorURL) ?? str(payload.externalURL),
        started_at: str(alert.startsAt),
        ended_at: endsAt && endsAt !== ZERO_TIME ? endsAt : null,
        labels,
        fingerprint: str(alert.fingerprint),
      },
    };
  });
}
