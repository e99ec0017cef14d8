import { clipChars } from './clip';
import { summarize } from './summary';
import { DISCORD_COLORS } from './tone';
import type { Markup, MarkupOverrides, RenderableEvent } from './types';
import { oneLine } from './values';

// Limits from Discord's embed object reference.
export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
} as const;

const INLINE_SPECIALS = /[\\*_~`|<[\]]/g;
// Headings, quotes and lists only mean something at the start of a line.
const LINE_SPECIALS = /^([ \t]*)([>#-]|\d+\.)/gm;

/** Backslash-escapes Discord markdown; `<` too, so data cannot form mentions or custom emoji. */
function escape(text: string): string {
  return text
    .replace(INLINE_SPECIALS, (char) => `\\${char}`)
    .replace(LINE_SPECIALS, (_match, indent: string, marker: string) =>
      marker.endsWith('.') ? `${indent}${marker.slice(0, -1)}\\.` : `${indent}\\${marker}`,
    );
}

/** Never leaves a dangling backslash, which would escape the ellipsis instead of the character it was for. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  let cut = clipChars(text, max).slice(0, -1);
  const trailing = /\\+$/.exec(cut)?.[0].length ?? 0;
  if (trailing % 2 === 1) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export const discordMarkup: Markup = { escape, clip };

export interface DiscordField {
  name: string;
  value: string;
  inline: boolean;
}

export interface DiscordEmbed {
  title: string;
  description?: string;
  url?: string;
  color: number;
  fields: DiscordField[];
  footer: { text: string };
  timestamp?: string;
}

export interface DiscordMessage {
  embeds: [DiscordEmbed];
}

function embedLength(embed: DiscordEmbed): number {
  const fields = embed.fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  return embed.title.length + (embed.description?.length ?? 0) + embed.footer.text.length + fields;
}

/** Discord rejects the whole message past 6000 characters: shorten the description, then drop the last fields. */
function fitTotal(embed: DiscordEmbed): void {
  let excess = embedLength(embed) - DISCORD_LIMITS.total;
  if (excess > 0 && embed.description !== undefined) {
    const keep = embed.description.length - excess;
    if (keep >= 32) embed.description = clip(embed.description, keep);
    else delete embed.description;
    excess = embedLength(embed) - DISCORD_LIMITS.total;
  }
  while (excess > 0 && embed.fields.length > 0) {
    embed.fields.pop();
    excess = embedLength(embed) - DISCORD_LIMITS.total;
  }
}

export function renderDiscord(event: RenderableEvent, overrides: MarkupOverrides = {}): DiscordMessage {
  const summary = summarize(event);
  const body =
    overrides.body ?? (summary.description === undefined ? undefined : escape(summary.description));
  const embed: DiscordEmbed = {
    title: clip(oneLine(overrides.title ?? escape(summary.title)), DISCORD_LIMITS.title),
    color: DISCORD_COLORS[summary.tone],
    fields: summary.fields.slice(0, DISCORD_LIMITS.fields).map((field) => ({
      name: clipChars(field.label, DISCORD_LIMITS.fieldName),
      value: clip(escape(field.value), DISCORD_LIMITS.fieldValue),
      inline: !field.long,
    })),
    // Footers are not markdown, so the raw type and id are shown as they are.
    footer: { text: clipChars(`${event.type} · ${event.id}`, DISCORD_LIMITS.footer) },
  };
  if (body !== undefined && body.trim() !== '') embed.description = clip(body, DISCORD_LIMITS.description);
  if (summary.link) embed.url = summary.link.url;
  const ms = Date.parse(event.timestamp);
  if (!Number.isNaN(ms)) embed.timestamp = new Date(ms).toISOString();
  fitTotal(embed);
  return { embeds: [ordered(embed)] };
}

/** A stable key order makes the JSON easy to read in delivery logs. */
function ordered(embed: DiscordEmbed): DiscordEmbed {
  const { title, description, url, color, fields, footer, timestamp } = embed;
  return {
    title,
    ...(description === undefined ? {} : { description }),
    ...(url === undefined ? {} : { url }),
    color,
    fields,
    footer,
    ...(timestamp === undefined ? {} : { timestamp }),
  };
}
