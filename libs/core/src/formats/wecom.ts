import { clipBytes, clipChars, utf8Length } from './clip';
import { summarize } from './summary';
import { WECOM_COLORS } from './tone';
import type { Markup, MarkupOverrides, RenderableEvent } from './types';
import { formatTime, oneLine } from './values';

// The group robot rejects markdown content over 4096 bytes of UTF-8.
export const WECOM_LIMITS = { content: 4096, title: 256 } as const;

// WeCom documents no escape syntax for its markdown, so characters it would interpret as tags,
// emphasis, code or links are swapped for their full-width look-alikes.
const LOOK_ALIKES: Record<string, string> = {
  '<': '＜',
  '>': '＞',
  '*': '＊',
  '`': '｀',
  '[': '［',
  ']': '］',
};

function escape(text: string): string {
  return text.replace(/[<>*`[\]]/g, (char) => LOOK_ALIKES[char]).replace(/^([ \t]*)#/gm, '$1＃');
}

/**
 * `max` is in bytes here. A raw `<` can only come from a template author's own tag, so a cut
 * inside one drops the partial tag rather than leaving it to show as text.
 */
function clip(text: string, max: number): string {
  if (utf8Length(text) <= max) return text;
  let cut = clipBytes(text, max).slice(0, -1);
  const open = cut.lastIndexOf('<');
  if (open !== -1 && !cut.includes('>', open)) cut = cut.slice(0, open);
  return `${cut}…`;
}

export const wecomMarkup: Markup = { escape, clip };

export interface WecomMessage {
  msgtype: 'markdown';
  markdown: { content: string };
}

/** Parentheses and spaces would end a markdown link target early. */
function linkTarget(url: string): string {
  return url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20');
}

const MIN_USEFUL_BYTES = 24;

/** Adds lines in order until the budget runs out, shortening the line that does not fit. */
function fill(lines: string[], budget: number): string[] {
  const kept: string[] = [];
  let left = budget;
  for (const line of lines) {
    const cost = utf8Length(line) + 1;
    if (cost <= left) {
      kept.push(line);
      left -= cost;
      continue;
    }
    if (left - 1 >= MIN_USEFUL_BYTES) kept.push(clip(line, left - 1));
    break;
  }
  return kept;
}

export function renderWecom(event: RenderableEvent, overrides: MarkupOverrides = {}): WecomMessage {
  const summary = summarize(event);
  const title = clipChars(oneLine(overrides.title ?? escape(summary.title)), WECOM_LIMITS.title);
  const body =
    overrides.body ?? (summary.description === undefined ? undefined : escape(summary.description));
  const color = WECOM_COLORS[summary.tone];

  const head = `<font color="${color}">**${title}**</font>`;
  const footer = [
    `<font color="comment">${escape(event.type)} · ${escape(event.id)} · ${escape(formatTime(event.timestamp) ?? event.timestamp)}</font>`,
    ...(summary.link ? [`[${escape(summary.link.label)}](${linkTarget(summary.link.url)})`] : []),
  ].join('\n');
  const bodyLines = body !== undefined && body.trim() !== '' ? body.split('\n') : [];
  const fieldLines = summary.fields.map(
    (field) => `> ${escape(field.label)}: ${oneLine(escape(field.value))}`,
  );

  // Head and footer are always kept. Fields come next (they carry severity, branch, error), the
  // body gets what is left. Blank lines stop markdown folding the footer into the quoted fields.
  const budget = WECOM_LIMITS.content - utf8Length(head) - utf8Length(footer) - 2 * utf8Length('\n\n');
  const fields = fill(fieldLines, budget);
  const usedByFields = fields.reduce((sum, line) => sum + utf8Length(line) + 1, 0);
  const bodyKept = fill(bodyLines, budget - usedByFields);

  const sections = [[head, ...bodyKept].join('\n'), fields.join('\n'), footer].filter(
    (section) => section !== '',
  );
  return { msgtype: 'markdown', markdown: { content: clip(sections.join('\n\n'), WECOM_LIMITS.content) } };
}
