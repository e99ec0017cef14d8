// Readers for loosely shaped event data: producers send whatever they like, so every reader
// tolerates missing, mistyped or hostile values and answers undefined rather than throwing.

const BLOCKED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const INDEX = /^(0|[1-9]\d*)$/;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own properties only, so a path can never reach `Object.prototype` or a constructor. */
export function lookup(root: unknown, path: string | readonly string[]): unknown {
  const segments = typeof path === 'string' ? path.split('.') : path;
  let current: unknown = root;
  for (const key of segments) {
    if (BLOCKED_KEYS.has(key)) return undefined;
    if (Array.isArray(current)) {
      if (!INDEX.test(key)) return undefined;
      current = current[Number(key)];
    } else if (isRecord(current) && Object.prototype.hasOwnProperty.call(current, key)) {
      current = current[key];
    } else {
      return undefined;
    }
  }
  return current;
}

/** A scalar as display text; blank strings count as absent. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return undefined;
}

export function firstText(root: unknown, ...paths: string[]): string | undefined {
  for (const path of paths) {
    const found = text(lookup(root, path));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A person given as a string or as `{name, username, email}`. */
export function person(value: unknown): string | undefined {
  if (!isRecord(value)) return text(value);
  return firstText(value, 'name', 'display_name', 'username', 'login', 'email', 'user_id', 'id');
}

/** `Bob Smith (bob@example.com)`: used where the address is how the person will be recognised. */
export function personWithEmail(value: unknown): string | undefined {
  if (!isRecord(value)) return text(value);
  const name = firstText(value, 'name', 'display_name', 'username', 'login');
  const email = text(value.email);
  if (name && email) return `${name} (${email})`;
  return name ?? email ?? person(value);
}

export function shortSha(value: unknown): string | undefined {
  const sha = text(value);
  return sha === undefined ? undefined : sha.slice(0, 7);
}

/** Seconds as `1h 2m`, `1m 30s` or `45s`. */
export function formatDuration(value: unknown): string | undefined {
  const raw = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) return text(value);
  const total = Math.round(raw);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes > 0) return seconds > 0 ? `${minutes}m ${seconds}s` : `${minutes}m`;
  return `${seconds}s`;
}

const SIZE_UNITS = ['KB', 'MB', 'GB', 'TB'];

export function formatBytes(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return text(value);
  if (value < 1024) return `${value} B`;
  let size = value / 1024;
  let unit = 0;
  while (size >= 1024 && unit < SIZE_UNITS.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size.toFixed(1)} ${SIZE_UNITS[unit]}`;
}

/** `2024-01-01 12:00:00 UTC`: chat readers are spread over time zones, so say which one. */
export function formatTime(value: unknown): string | undefined {
  const raw = text(value);
  if (raw === undefined || typeof value !== 'string') return raw;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) return raw;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `account_locked` → `account locked`. */
export function humanize(value: string): string {
  return value.replace(/[_-]+/g, ' ').trim();
}

export function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/** A list of scalars joined for display, or a single scalar. */
export function list(value: unknown, readable = false): string | undefined {
  if (!Array.isArray(value)) return text(value);
  const items = value.map(text).filter((item): item is string => item !== undefined);
  if (items.length === 0) return undefined;
  return (readable ? items.map(humanize) : items).join(', ');
}

export function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
