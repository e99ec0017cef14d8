/** A catalog event made from an alert source's payload, ready to publish. */
export interface AlertEvent {
  type: 'alert.firing' | 'alert.resolved' | 'error.created' | 'issue.created' | 'issue.resolved';
  data: {
    alert_name: string;
    severity: string;
    status: string;
    source: 'alertmanager' | 'sentry';
    environment: string | null;
    service: string | null;
    summary: string | null;
    description: string | null;
    location: string | null;
    count: number;
    link: string | null;
    started_at: string | null;
    ended_at: string | null;
    labels: Record<string, string>;
    fingerprint: string | null;
  };
}

/** Thrown for a payload that is not what the source sends; the message names the problem (a 400). */
export class MalformedPayloadError extends Error {}

export const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
