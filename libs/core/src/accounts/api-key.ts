import { createHash, randomBytes } from 'node:crypto';

/** A new API key: long and random, so a plain SHA-256 is enough to store it. */
export function generateApiKey(): string {
  return `hp_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The first characters, kept to tell keys apart in listings without revealing them. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 8);
}
