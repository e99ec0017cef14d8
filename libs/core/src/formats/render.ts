import { digestOf } from './digest';
import { discordMarkup, renderDiscord } from './discord';
import { renderSlack, slackMarkup } from './slack';
import { renderTemplate } from './template';
import type { ChatFormat, Markup, MarkupOverrides, MessageTemplate, RenderableEvent } from './types';
import { renderWecom, wecomMarkup } from './wecom';

interface ChatRenderer {
  markup: Markup;
  render(event: RenderableEvent, overrides: MarkupOverrides): object;
}

const RENDERERS: Record<ChatFormat, ChatRenderer> = {
  slack: { markup: slackMarkup, render: renderSlack },
  discord: { markup: discordMarkup, render: renderDiscord },
  wecom: { markup: wecomMarkup, render: renderWecom },
};

export function isChatFormat(format: unknown): format is ChatFormat {
  return typeof format === 'string' && Object.prototype.hasOwnProperty.call(RENDERERS, format);
}

/**
 * The template is rendered with the target's own escaping. A title that renders blank falls back
 * to the default one (every platform needs a title); a body that renders blank means no body.
 */
function overridesFor(
  markup: Markup,
  event: RenderableEvent,
  template?: MessageTemplate | null,
): MarkupOverrides {
  const overrides: MarkupOverrides = {};
  if (typeof template?.title === 'string') {
    const title = renderTemplate(template.title, event, markup.escape);
    if (title.trim() !== '') overrides.title = title;
  }
  if (typeof template?.body === 'string')
    overrides.body = renderTemplate(template.body, event, markup.escape);
  return overrides;
}

/** The JSON body to POST to a Slack, Discord or WeCom incoming webhook for this event. */
export function renderMessage(
  format: ChatFormat,
  event: RenderableEvent,
  template?: MessageTemplate | null,
): Record<string, unknown> {
  if (!isChatFormat(format)) throw new TypeError(`no chat renderer for format "${String(format)}"`);
  const renderer = RENDERERS[format];
  // A template is written for single events ({{data.alert_name}}); a digest has none of those fields.
  const own = digestOf(event.type, event.data) ? null : template;
  return { ...renderer.render(event, overridesFor(renderer.markup, event, own)) };
}
