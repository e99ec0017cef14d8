import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateSecret, standardWebhooksKey, standardWebhooksSignature, traeSignature } from './signing';

// The verification snippet a receiver copies from the seed document, kept as written there.
function seedReceiverVerifies(payload: Buffer | string, signature: string, secret: string): boolean {
  const expectedSignature = createHmac('sha256', secret)
    .update(payload as string, 'utf8')
    .digest('hex');
  const receivedSignature = signature.replace('sha256=', '');
  const expected = Buffer.from(expectedSignature, 'hex');
  const received = Buffer.from(receivedSignature, 'hex');
  return expected.length === received.length && timingSafeEqual(expected, received);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function standardHeaders(msgId: string, ts: number, signature: string): Record<string, string> {
  return { 'webhook-id': msgId, 'webhook-timestamp': String(ts), 'webhook-signature': signature };
}

const body = JSON.stringify({
  event: 'build.completed',
  timestamp: '2024-01-01T12:00:00.123Z',
  webhook_id: 'webhook_0190',
  delivery_id: 'del_0190',
  data: { name: 'café ☕', emoji: '🚀' },
});

describe('traeSignature', () => {
  it('is sha256= and 64 hex characters', () => {
    expect(traeSignature('my-secret', body)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('matches a known HMAC-SHA256 vector', () => {
    // RFC 4231 test case 2.
    expect(traeSignature('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it.each(['plain-secret-123', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'sécret-ünïcode-☃'])(
    'verifies with the seed receiver snippet for secret %p',
    (secret) => {
      const signature = traeSignature(secret, body);
      expect(seedReceiverVerifies(body, signature, secret)).toBe(true);
      expect(seedReceiverVerifies(Buffer.from(body, 'utf8'), signature, secret)).toBe(true);
    },
  );

  it('uses the whole whsec_ secret as the key, not its decoded form', () => {
    const secret = generateSecret();
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
    expect(traeSignature(secret, body)).toBe(`sha256=${expected}`);
  });

  it('gives the same signature for a string and its UTF-8 bytes', () => {
    expect(traeSignature('k3y-k3y-k3y', Buffer.from(body, 'utf8'))).toBe(traeSignature('k3y-k3y-k3y', body));
  });

  it('fails verification with another secret or another body', () => {
    const signature = traeSignature('secret-one', body);
    expect(seedReceiverVerifies(body, signature, 'secret-two')).toBe(false);
    expect(seedReceiverVerifies(body + ' ', signature, 'secret-one')).toBe(false);
  });

  it('signs the bytes exactly, even when they are not valid UTF-8', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const expected = createHmac('sha256', Buffer.from('k', 'utf8')).update(bytes).digest('hex');
    expect(traeSignature('k', bytes)).toBe(`sha256=${expected}`);
  });
});

describe('standardWebhooksKey', () => {
  it('decodes the base64 part of a whsec_ secret', () => {
    const raw = Buffer.alloc(32, 7);
    expect(standardWebhooksKey('whsec_' + raw.toString('base64'))).toEqual(raw);
  });

  it('decodes the key of a generated secret to 32 bytes', () => {
    expect(standardWebhooksKey(generateSecret())).toHaveLength(32);
  });

  it.each([
    ['whsec_not base64!', 'a space and a bang'],
    ['whsec_abc', 'a length that is not a multiple of four'],
    ['whsec_ab-_', 'the URL-safe alphabet'],
    ['whsec_a===', 'too much padding'],
    ['whsec_ab=c', 'padding in the middle'],
    ['whsec_', 'nothing after the prefix'],
  ])('uses UTF-8 bytes of the whole secret when the rest is not base64 (%p: %s)', (secret) => {
    expect(standardWebhooksKey(secret)).toEqual(Buffer.from(secret, 'utf8'));
  });

  it('uses UTF-8 bytes of a secret without the prefix', () => {
    expect(standardWebhooksKey('plain-secret')).toEqual(Buffer.from('plain-secret', 'utf8'));
    expect(standardWebhooksKey('sécret☃')).toEqual(Buffer.from('sécret☃', 'utf8'));
    expect(standardWebhooksKey('WHSEC_AAAA')).toEqual(Buffer.from('WHSEC_AAAA', 'utf8'));
  });

  it('accepts padded base64', () => {
    expect(standardWebhooksKey('whsec_YWJjZA==')).toEqual(Buffer.from('abcd'));
    expect(standardWebhooksKey('whsec_YWJjZGU=')).toEqual(Buffer.from('abcde'));
  });
});

describe('standardWebhooksSignature', () => {
  it('is v1, and base64 of a 32-byte MAC', () => {
    const signature = standardWebhooksSignature(Buffer.from('k'), 'event_1', 1700000000, body);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('signs "{id}.{timestamp}.{body}"', () => {
    const key = Buffer.from('key-bytes');
    const expected = createHmac('sha256', key).update(`event_1.1700000000.${body}`).digest('base64');
    expect(standardWebhooksSignature(key, 'event_1', 1700000000, body)).toBe(`v1,${expected}`);
    expect(standardWebhooksSignature(key, 'event_1', 1700000000, Buffer.from(body))).toBe(`v1,${expected}`);
  });

  it('verifies with the standardwebhooks library for a generated whsec_ secret', () => {
    const secret = generateSecret();
    const ts = nowSeconds();
    const signature = standardWebhooksSignature(standardWebhooksKey(secret), 'event_abc', ts, body);
    const verified = new Webhook(secret).verify(body, standardHeaders('event_abc', ts, signature));
    expect(verified).toEqual(JSON.parse(body));
    expect(() =>
      new Webhook(secret).verify(Buffer.from(body), standardHeaders('event_abc', ts, signature)),
    ).not.toThrow();
  });

  it('verifies with the standardwebhooks library in raw format for a plain secret', () => {
    const secret = 'plain-secret-chosen-by-user';
    const ts = nowSeconds();
    const signature = standardWebhooksSignature(standardWebhooksKey(secret), 'event_abc', ts, body);
    expect(() =>
      new Webhook(secret, { format: 'raw' }).verify(body, standardHeaders('event_abc', ts, signature)),
    ).not.toThrow();
  });

  it('verifies with the library in raw format for a whsec_ secret that is not base64', () => {
    const secret = 'whsec_not base64!';
    const ts = nowSeconds();
    const signature = standardWebhooksSignature(standardWebhooksKey(secret), 'event_abc', ts, body);
    expect(() =>
      new Webhook(secret, { format: 'raw' }).verify(body, standardHeaders('event_abc', ts, signature)),
    ).not.toThrow();
  });

  it('verifies a non-ASCII plain secret when the receiver passes its UTF-8 bytes', () => {
    const secret = 'sécret-☃-secret';
    const ts = nowSeconds();
    const signature = standardWebhooksSignature(standardWebhooksKey(secret), 'event_abc', ts, body);
    const receiver = new Webhook(new Uint8Array(Buffer.from(secret, 'utf8')), { format: 'raw' });
    expect(() => receiver.verify(body, standardHeaders('event_abc', ts, signature))).not.toThrow();
  });

  it('fails verification when the id, timestamp or body changes', () => {
    const secret = generateSecret();
    const ts = nowSeconds();
    const signature = standardWebhooksSignature(standardWebhooksKey(secret), 'event_abc', ts, body);
    const wh = new Webhook(secret);
    expect(() => wh.verify(body, standardHeaders('event_abd', ts, signature))).toThrow();
    expect(() => wh.verify(body, standardHeaders('event_abc', ts + 1, signature))).toThrow();
    expect(() => wh.verify(body + ' ', standardHeaders('event_abc', ts, signature))).toThrow();
  });

  it('agrees with the library signing the same message', () => {
    const secret = generateSecret();
    const ts = 1700000000;
    const ours = standardWebhooksSignature(standardWebhooksKey(secret), 'event_x', ts, body);
    expect(ours).toBe(new Webhook(secret).sign('event_x', new Date(ts * 1000), body));
  });
});

describe('generateSecret', () => {
  it('is whsec_ and base64 of 32 bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
  });

  it('is different every time', () => {
    const secrets = new Set(Array.from({ length: 100 }, () => generateSecret()));
    expect(secrets.size).toBe(100);
  });

  it('is accepted by the standardwebhooks library as is', () => {
    expect(() => new Webhook(generateSecret())).not.toThrow();
  });

  it('fits the 8..256 character rule for secrets', () => {
    const { length } = generateSecret();
    expect(length).toBeGreaterThanOrEqual(8);
    expect(length).toBeLessThanOrEqual(256);
  });
});
