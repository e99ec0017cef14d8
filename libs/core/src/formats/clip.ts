const ELLIPSIS = '…';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** At most `max` UTF-16 units (what the chat APIs count), ending in `…` when shortened, never splitting a pair. */
export function clipChars(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  let end = max - 1;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** At most `maxBytes` of UTF-8, cut on a code point boundary and ending in `…` when shortened. */
export function clipBytes(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  const budget = maxBytes - utf8Length(ELLIPSIS);
  if (budget < 0) return '';
  let used = 0;
  let out = '';
  for (const char of text) {
    const size = utf8Length(char);
    if (used + size > budget) break;
    used += size;
    out += char;
  }
  return out + ELLIPSIS;
}
