import { v7 as uuidv7 } from 'uuid';

export type IdPrefix = 'acct' | 'webhook' | 'event' | 'del';

const UUID_HEX = /^[0-9a-f]{32}$/;

/** A new time-sortable uuid (v7), as Postgres stores it. */
export function newUuid(): string {
  return uuidv7();
}

/** `del_0190...`: the public form of a stored uuid, dashes dropped so it stays URL-safe and sortable. */
export function toPublicId(prefix: IdPrefix, uuid: string): string {
  return `${prefix}_${uuid.replace(/-/g, '')}`;
}

/** The stored uuid behind a public id, or null when the id is malformed or has another prefix. */
export function fromPublicId(prefix: IdPrefix, publicId: unknown): string | null {
  if (typeof publicId !== 'string' || !publicId.startsWith(`${prefix}_`)) return null;
  const hex = publicId.slice(prefix.length + 1).toLowerCase();
  if (!UUID_HEX.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
