import type { RenderableEvent } from './types';
import { lookup } from './values';

// A deliberately tiny language: `{{path}}` and `{{path | "fallback"}}`, nothing else. No helpers,
// no conditionals and no evaluation, so a template can never run code or read outside the event.

export type TemplatePart =
  { kind: 'text'; text: string } | { kind: 'value'; path: string[]; fallback?: string };

export type ParseResult = { ok: true; parts: TemplatePart[] } | { ok: false; error: string };

export const TEMPLATE_LIMITS = { title: 256, body: 4000 } as const;

const ROOTS = ['data', 'event', 'event_id', 'timestamp', 'project_id'];
const PATH_CHAR = /[A-Za-z0-9_.-]/;
const SPACE = /\s/;

class TemplateError extends Error {}

/** `"x"`, or `'"'` for a double quote, so the message stays readable. */
function quoted(char: string): string {
  return char === '"' ? `'"'` : `"${char}"`;
}

/** Positions are 0-based offsets into the text, so an editor can put the cursor on them directly. */
function fail(message: string, position: number): never {
  throw new TemplateError(`${message} at position ${position}`);
}

class Scanner {
  constructor(
    readonly text: string,
    public pos: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  get char(): string {
    return this.text[this.pos];
  }

  at(token: string): boolean {
    return this.text.startsWith(token, this.pos);
  }

  skipSpace(): void {
    while (!this.done && SPACE.test(this.char)) this.pos += 1;
  }
}

function checkPath(raw: string, position: number): string[] {
  const segments = raw.split('.');
  if (segments.some((segment) => segment === '')) fail(`invalid path "${raw}"`, position);
  const [root] = segments;
  if (!ROOTS.includes(root)) {
    fail(`unknown variable "${root}" (use data.<field>, event, event_id, timestamp or project_id)`, position);
  }
  if (root !== 'data' && segments.length > 1) fail(`"${root}" has no fields`, position);
  return segments;
}

function readFallback(scan: Scanner): string {
  const quote = scan.char;
  if (quote !== '"' && quote !== "'") {
    if (scan.at('}}')) fail('missing fallback after "|"', scan.pos);
    fail('fallback must be a quoted string such as "unknown"', scan.pos);
  }
  const start = scan.pos;
  scan.pos += 1;
  let value = '';
  for (;;) {
    if (scan.done) fail('unterminated fallback string', start);
    const char = scan.char;
    if (char === quote) {
      scan.pos += 1;
      return value;
    }
    if (char === '\\') {
      const next = scan.text[scan.pos + 1];
      if (next !== quote && next !== '\\') fail(`invalid escape "\\${next ?? ''}" in fallback`, scan.pos);
      value += next;
      scan.pos += 2;
      continue;
    }
    value += char;
    scan.pos += 1;
  }
}

function readExpression(scan: Scanner): TemplatePart {
  const open = scan.pos;
  if (scan.text.indexOf('}}', open + 2) === -1) fail('unclosed "{{"', open);
  scan.pos += 2;
  scan.skipSpace();
  const pathStart = scan.pos;
  while (!scan.done && PATH_CHAR.test(scan.char)) scan.pos += 1;
  const raw = scan.text.slice(pathStart, scan.pos);
  scan.skipSpace();
  if (scan.done) fail('unclosed "{{"', open);
  if (!scan.at('}}') && scan.char !== '|')
    fail(`invalid character ${quoted(scan.char)} in expression`, scan.pos);
  if (raw === '') fail('empty expression', open);
  const path = checkPath(raw, pathStart);
  let fallback: string | undefined;
  if (scan.char === '|') {
    scan.pos += 1;
    scan.skipSpace();
    if (scan.done) fail('unclosed "{{"', open);
    fallback = readFallback(scan);
    scan.skipSpace();
    if (scan.done) fail('unclosed "{{"', open);
    if (!scan.at('}}')) fail(`unexpected ${quoted(scan.char)} after fallback`, scan.pos);
  }
  scan.pos += 2;
  return fallback === undefined ? { kind: 'value', path } : { kind: 'value', path, fallback };
}

export function parseTemplate(text: string): ParseResult {
  const parts: TemplatePart[] = [];
  const scan = new Scanner(text, 0);
  try {
    while (!scan.done) {
      const open = text.indexOf('{{', scan.pos);
      const end = open === -1 ? text.length : open;
      if (end > scan.pos) parts.push({ kind: 'text', text: text.slice(scan.pos, end) });
      scan.pos = end;
      if (open !== -1) parts.push(readExpression(scan));
    }
  } catch (error) {
    if (error instanceof TemplateError) return { ok: false, error: error.message };
    throw error;
  }
  return { ok: true, parts };
}

function display(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.filter((item) => ['string', 'number', 'boolean'].includes(typeof item)).map(String);
    return items.length > 0 ? items.join(', ') : undefined;
  }
  return undefined;
}

function resolve(path: string[], event: RenderableEvent): string | undefined {
  switch (path[0]) {
    case 'event':
      return display(event.type);
    case 'event_id':
      return display(event.id);
    case 'timestamp':
      return display(event.timestamp);
    case 'project_id':
      return display(event.project_id);
    default:
      return display(lookup(event.data, path.slice(1)));
  }
}

/**
 * Literal template text is the author's own markup and passes through untouched; every
 * interpolated value (fallbacks included) goes through `escape`. A template that does not parse
 * (it should have been rejected on save) is shown escaped, as written, rather than dropped.
 */
export function renderTemplate(
  text: string,
  event: RenderableEvent,
  escape: (text: string) => string,
): string {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return escape(text);
  return parsed.parts
    .map((part) =>
      part.kind === 'text' ? part.text : escape(resolve(part.path, event) ?? part.fallback ?? ''),
    )
    .join('');
}

/** Human messages naming the offending field; empty when the template is acceptable (null means none). */
export function validateTemplate(template: unknown): string[] {
  if (template === null || template === undefined) return [];
  if (typeof template !== 'object' || Array.isArray(template)) {
    return ['template must be an object with optional "title" and "body" strings'];
  }
  const errors: string[] = [];
  const record = template as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'title' && key !== 'body') errors.push(`template.${key} is not allowed (use title and body)`);
  }
  for (const key of ['title', 'body'] as const) {
    if (!Object.prototype.hasOwnProperty.call(record, key) || record[key] === undefined) continue;
    const value = record[key];
    if (typeof value !== 'string') {
      errors.push(`template.${key} must be a string`);
      continue;
    }
    if (value.length > TEMPLATE_LIMITS[key]) {
      errors.push(`template.${key} must be at most ${TEMPLATE_LIMITS[key]} characters`);
      continue;
    }
    const parsed = parseTemplate(value);
    if (!parsed.ok) errors.push(`template.${key}: ${parsed.error}`);
  }
  return errors;
}
