import { buildEnvelope } from '../events/envelope';
import { standardWebhooksKey, standardWebhooksSignature, traeSignature } from '../delivery/signing';
import { toPublicId } from '../ids/ids';
import { ClaimedDelivery } from '../deliveries/delivery';
import { isChatFormat, renderMessage } from '../formats';

export const USER_AGENT = 'Trae-Webhooks/1.0';

export interface PreparedRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * The request of one attempt: the body is serialised once and those same bytes are signed, with the
 * Trae signature and the Standard Webhooks trio. Custom headers go first so ours cannot be shadowed.
 */
export function prepareRequest(d: ClaimedDelivery, attemptTime: Date): PreparedRequest {
  const deliveryId = toPublicId('del', d.id);
  const webhookId = toPublicId('webhook', d.webhook_id);
  const eventId = toPublicId('event', d.event_id);
  const unix = Math.floor(attemptTime.getTime() / 1000);
  const common = {
    ...d.headers,
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'x-trae-event': d.event_type,
    'x-trae-delivery': deliveryId,
    'x-trae-webhook-id': webhookId,
    'x-trae-timestamp': String(unix),
  };
  if (isChatFormat(d.format)) {
    // A chat service reads its own message shape and checks no signature; the ids still travel for tracing.
    const message = renderMessage(
      d.format,
      {
        id: eventId,
        type: d.event_type,
        timestamp: d.event_time.toISOString(),
        project_id: d.project_id,
        data: JSON.parse(d.data_json),
      },
      d.template,
    );
    return { body: JSON.stringify(message), headers: common };
  }
  const body = buildEnvelope(d.event_type, d.event_time, webhookId, deliveryId, d.data_json);
  const headers: Record<string, string> = {
    ...common,
    'x-trae-signature-256': traeSignature(d.secret, body),
    'webhook-id': eventId,
    'webhook-timestamp': String(unix),
    'webhook-signature': standardWebhooksSignature(standardWebhooksKey(d.secret), eventId, unix, body),
  };
  return { body, headers };
}
