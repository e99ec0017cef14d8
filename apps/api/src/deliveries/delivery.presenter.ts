import { toPublicId } from '@hookpost/core/ids/ids';
import { buildEnvelope } from '@hookpost/core/events/envelope';
import { AttemptRow, DeliveryRow } from '@hookpost/core/deliveries/delivery';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentPayload(row: DeliveryRow): unknown {
  return JSON.parse(
    buildEnvelope(
      row.event_type,
      row.event_time,
      toPublicId('webhook', row.webhook_id),
      toPublicId('del', row.id),
      row.data_json,
    ),
  );
}

/** A delivery as history and detail show it (the seed's fields plus created_at and original_delivery_id). */
export function presentDelivery(row: DeliveryRow) {
  return {
    delivery_id: toPublicId('del', row.id),
    webhook_id: toPublicId('webhook', row.webhook_id),
    event_type: row.event_type,
    event_id: toPublicId('event', row.event_id),
    status: row.status,
    response_code: row.response_code,
    response_time: row.response_time,
    response_body: row.response_body,
    delivered_at: iso(row.delivered_at),
    attempts: row.attempts,
    error: row.error,
    next_retry: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    payload: presentPayload(row),
    created_at: iso(row.created_at),
    original_delivery_id: row.original_delivery_id ? toPublicId('del', row.original_delivery_id) : null,
  };
}

/** The short form in a webhook's recent_deliveries. */
export function presentRecentDelivery(row: DeliveryRow) {
  return {
    delivery_id: toPublicId('del', row.id),
    event_type: row.event_type,
    status: row.status,
    response_code: row.response_code,
    response_time: row.response_time,
    delivered_at: iso(row.delivered_at),
    attempts: row.attempts,
    ...(row.error ? { error: row.error } : {}),
  };
}

export function presentAttempt(a: AttemptRow) {
  return {
    attempt: a.attempt,
    started_at: iso(a.started_at),
    response_code: a.response_code,
    response_time: a.response_time,
    response_body: a.response_body,
    error: a.error,
  };
}
