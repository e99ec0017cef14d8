import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `X-Trae-Signature-256`: what the seed's receiver snippet computes, keyed with the secret's UTF-8 bytes. */
export function traeSignature(secret: string, body: Buffer | string): string {
  return 'sha256=' + createHmac('sha256', Buffer.from(secret, 'utf8')).update(toBytes(body)).digest('hex');
}

/**
 * The Standard Webhooks key. Generated secrets (`whsec_` + base64) are used decoded, as its libraries
 * do; any other secret is used as its UTF-8 bytes, which receivers pass to them in raw format.
 */
export function standardWebhooksKey(secret: string): Buffer {
  if (secret.startsWith(SECRET_PREFIX)) {
    const rest = secret.slice(SECRET_PREFIX.length);
    if (rest.length > 0 && BASE64.test(rest)) return Buffer.from(rest, 'base64');
  }
  return Buffer.from(secret, 'utf8');
}

/** `webhook-signature`: `v1,` + base64 HMAC-SHA256 over `{msgId}.{timestamp}.{body}`. */
export function standardWebhooksSignature(
  key: Buffer,
  msgId: string,
  timestampSeconds: number,
  body: Buffer | string,
): string {
  const mac = createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.`, 'utf8').update(toBytes(body));
  return 'v1,' + mac.digest('base64');
}

/** A new webhook secret, in the form Standard Webhooks libraries accept as is. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

// Sign the exact bytes that go on the wire: a Buffer as is, a string as UTF-8.
function toBytes(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
