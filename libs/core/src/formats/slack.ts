import { clipChars } from './clip';
import { summarize } from './summary';
import { SLACK_COLORS } from './tone';
import type { Markup, MarkupOverrides, RenderableEvent, SummaryField } from './types';
import { formatTime, oneLine } from './values';

// Limits from Slack's Block Kit reference.
export const SLACK_LIMITS = {
  title: 256,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  buttonText: 75,
} as const;

/**
 * Slack defines escapes for `&`, `<` and `>` only. There is no escape for `*`, `_` or `~`
 * (a backslash would be shown as is), so those are left alone.
 */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Never cuts an entity (`&am…`) or a `<url|label>` token in half: either would show as raw text. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  let cut = clipChars(text, max).slice(0, -1);
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.includes(';', amp)) cut = cut.slice(0, amp);
  const open = cut.lastIndexOf('<');
  if (open !== -1 && !cut.includes('>', open)) cut = cut.slice(0, open);
  return `${cut}…`;
}

export const slackMarkup: Markup = { escape, clip };

type TextObject = { type: 'mrkdwn' | 'plain_text'; text: string; emoji?: boolean };
type Block = Record<string, unknown> & { type: string };

export interface SlackMessage {
  text: string;
  attachments: [{ color: string; blocks: Block[] }];
}

function mrkdwn(text: string, max: number = SLACK_LIMITS.sectionText): TextObject {
  return { type: 'mrkdwn', text: clip(text, max) };
}

/** Slack shows `<!date>` in each reader's own time zone; the text after `|` is for old clients. */
function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escape(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${escape(formatTime(iso) ?? iso)}>`;
}

function fieldText(field: SummaryField): TextObject {
  return mrkdwn(`*${escape(field.label)}*\n${escape(field.value)}`, SLACK_LIMITS.fieldText);
}

export function renderSlack(event: RenderableEvent, overrides: MarkupOverrides = {}): SlackMessage {
  const summary = summarize(event);
  const title = clip(oneLine(overrides.title ?? escape(summary.title)), SLACK_LIMITS.title);
  const body =
    overrides.body ?? (summary.description === undefined ? undefined : escape(summary.description));

  const blocks: Block[] = [{ type: 'section', text: mrkdwn(`*${title}*`) }];
  if (body !== undefined && body.trim() !== '') blocks.push({ type: 'section', text: mrkdwn(body) });
  if (summary.fields.length > 0) {
    blocks.push({ type: 'section', fields: summary.fields.slice(0, SLACK_LIMITS.fields).map(fieldText) });
  }
  blocks.push({
    type: 'context',
    elements: [mrkdwn(escape(event.type)), mrkdwn(escape(event.id)), mrkdwn(slackDate(event.timestamp))],
  });
  if (summary.link) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: {
            type: 'plain_text',
            text: clipChars(summary.link.label, SLACK_LIMITS.buttonText),
            emoji: true,
          },
          url: summary.link.url,
        },
      ],
    });
  }
  return { text: title, attachments: [{ color: SLACK_COLORS[summary.tone], blocks }] };
}
