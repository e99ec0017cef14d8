import { toPublicId } from '@hookpost/core/ids/ids';
import { Webhook } from '@hookpost/core/webhooks/webhook';
import { successRate, WebhookSummary } from '@hookpost/core/stats/webhook-summary.repository';

interface Visibility {
  secret: boolean;
  headers: boolean;
}

export function presentWebhook(w: Webhook, show: Visibility) {
  return {
    webhook_id: toPublicId('webhook', w.id),
    url: w.url,
    events: w.events,
    name: w.name,
    description: w.description,
    ...(show.secret ? { secret: w.secret } : {}),
    active: w.active,
    project_id: w.project_id,
    ...(show.headers ? { headers: w.headers } : {}),
    timeout: w.timeout,
    retry_policy: w.retry_policy,
    format: w.format,
    ...(w.template ? { template: w.template } : {}),
    ...(w.throttle ? { throttle: w.throttle } : {}),
    created_at: w.created_at.toISOString(),
    updated_at: w.updated_at.toISOString(),
    created_by: toPublicId('acct', w.created_by),
  };
}

export function presentListStats(s: WebhookSummary) {
  return {
    total_deliveries: s.total_deliveries,
    successful_deliveries: s.successful_deliveries,
    failed_deliveries: s.failed_deliveries,
    last_delivery: s.last_delivery ? s.last_delivery.toISOString() : null,
    success_rate: successRate(s.successful_deliveries, s.failed_deliveries),
  };
}

export function presentDetailStats(s: WebhookSummary) {
  return { ...presentListStats(s), average_response_time: s.average_response_time };
}
