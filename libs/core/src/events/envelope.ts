/**
 * The body a receiver gets, as the exact bytes that are signed. `data` is spliced in as the stored JSON
 * text, so the publisher's key order survives and nothing is serialised twice.
 */
export function buildEnvelope(
  eventType: string,
  eventTime: Date,
  webhookPublicId: string,
  deliveryPublicId: string,
  dataJson: string,
): string {
  return (
    `{"event":${JSON.stringify(eventType)},"timestamp":${JSON.stringify(eventTime.toISOString())},` +
    `"webhook_id":${JSON.stringify(webhookPublicId)},"delivery_id":${JSON.stringify(deliveryPublicId)},` +
    `"data":${dataJson}}`
  );
}
