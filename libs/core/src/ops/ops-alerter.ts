import { request } from 'undici';

export interface OpsAlert {
  /** Throttle key: one message per key per window. */
  key: string;
  title: string;
  /** Minimal context: ids, event type, status code. Never secrets or payloads. */
  fields: Record<string, string | number | null>;
}

export interface OpsAlerterOptions {
  slackWebhookUrl?: string;
  timeoutMs?: number;
  windowMs?: number;
  now?: () => number;
}

/** Consecutive failed attempts to one webhook before Hookpost says that endpoint keeps failing. */
export const FAILING_ENDPOINT_THRESHOLD = 5;

/**
 * Hookpost's own alerts to an operator Slack channel: best effort, fire and forget with a short timeout,
 * throttled per key, so a storm of failures or a dead Slack never slows a request or a delivery.
 */
export class OpsAlerter {
  private readonly lastSent = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly timeoutMs: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: OpsAlerterOptions) {
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.windowMs = opts.windowMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  get enabled(): boolean {
    return Boolean(this.opts.slackWebhookUrl);
  }

  /** Returns at once; true when a message was sent off (not throttled, enabled). */
  notify(alert: OpsAlert): boolean {
    if (!this.opts.slackWebhookUrl) return false;
    const now = this.now();
    const last = this.lastSent.get(alert.key);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.lastSent.set(alert.key, now);
    const lines = Object.entries(alert.fields)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `*${k}*: ${String(v)}`);
    const body = JSON.stringify({ text: `:rotating_light: ${alert.title}\n${lines.join('\n')}` });
    void request(this.opts.slackWebhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    })
      .then((res) => res.body.dump())
      .catch(() => undefined);
    return true;
  }

  /** Called after every finished attempt: alerts on exhaustion and on a run of failures to one endpoint. */
  attemptFinished(a: {
    webhookId: string;
    deliveryId: string;
    eventType: string;
    ok: boolean;
    exhausted: boolean;
    statusCode: number | null;
  }): void {
    if (!this.enabled) return;
    if (a.ok) {
      this.failures.delete(a.webhookId);
      return;
    }
    const run = (this.failures.get(a.webhookId) ?? 0) + 1;
    this.failures.set(a.webhookId, run);
    const fields = {
      webhook: a.webhookId,
      delivery: a.deliveryId,
      event_type: a.eventType,
      status_code: a.statusCode,
    };
    if (a.exhausted)
      this.notify({
        key: `exhausted:${a.webhookId}`,
        title: 'Delivery failed after its last attempt',
        fields,
      });
    if (run >= FAILING_ENDPOINT_THRESHOLD) {
      this.notify({
        key: `failing:${a.webhookId}`,
        title: `Endpoint keeps failing (${run} failed attempts in a row)`,
        fields,
      });
    }
  }
}
