import { ALERT_TYPES, describeAlert } from './describe-alerts';
import { compact, field, labelForKey, type Described, type Describer } from './described';
import { describeDigest } from './describe-digest';
import { digestOf } from './digest';
import { buildDescriber, deploymentDescriber, projectDescriber } from './describe-pipeline';
import {
  collaborationDescriber,
  describeSecurityAlert,
  fileDescriber,
  userDescriber,
} from './describe-workspace';
import { TONE_EMOJI, toneOf } from './tone';
import type { EventSummary, RenderableEvent, SummaryLink } from './types';
import { capitalize, firstText, humanize, oneLine, text } from './values';

export { renderDigestText } from './digest';

const DESCRIBERS: Record<string, Describer> = {
  'project.created': projectDescriber('created'),
  'project.updated': projectDescriber('updated'),
  'project.deleted': projectDescriber('deleted'),
  'build.started': buildDescriber('started'),
  'build.completed': buildDescriber('completed'),
  'build.failed': buildDescriber('failed'),
  'deployment.started': deploymentDescriber('started'),
  'deployment.completed': deploymentDescriber('completed'),
  'deployment.failed': deploymentDescriber('failed'),
  'collaboration.invited': collaborationDescriber('invited'),
  'collaboration.joined': collaborationDescriber('joined'),
  'collaboration.left': collaborationDescriber('left'),
  'file.created': fileDescriber('created'),
  'file.updated': fileDescriber('updated'),
  'file.deleted': fileDescriber('deleted'),
  'user.registered': userDescriber('registered'),
  'user.login': userDescriber('login'),
  'user.logout': userDescriber('logout'),
  'security.alert': describeSecurityAlert,
  'test.ping': describeTestPing,
  ...Object.fromEntries(ALERT_TYPES.map((type) => [type, describeAlert])),
};

/** The types with a hand-written rendering; anything else still renders, generically. */
export const DESCRIBED_TYPES: readonly string[] = Object.keys(DESCRIBERS);

// First match wins: a build's logs matter more than its preview, a deployment's own URL most.
const LINK_KEYS: readonly [string, string][] = [
  ['url', 'Open'],
  ['logs_url', 'View logs'],
  ['deploy_preview_url', 'Open preview'],
  ['invitation_url', 'View invitation'],
  ['diff_url', 'View diff'],
  ['link', 'View details'],
  ['web_url', 'Open'],
  ['html_url', 'Open'],
  ['dashboard_url', 'Open dashboard'],
];

const MAX_URL_LENGTH = 2048;
const MAX_GENERIC_FIELDS = 10;
const TEXT_KEYS = new Set(['message', 'description', 'summary']);

/** Only absolute http(s) links: a `javascript:` URL in event data must never become a button. */
export function safeUrl(value: unknown): string | undefined {
  const raw = text(value);
  if (raw === undefined || raw.length > MAX_URL_LENGTH || /\s/.test(raw)) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? raw : undefined;
  } catch {
    return undefined;
  }
}

export function linkOf(event: RenderableEvent): SummaryLink | undefined {
  for (const [key, label] of LINK_KEYS) {
    const url = safeUrl(Object.prototype.hasOwnProperty.call(event.data, key) ? event.data[key] : undefined);
    if (url) return { url, label };
  }
  return undefined;
}

/** Top-level scalars as fields, for payloads nobody described. */
function genericFields(data: Record<string, unknown>, skip: ReadonlySet<string>) {
  const linkKeys = new Set(LINK_KEYS.map(([key]) => key));
  return compact(
    Object.keys(data)
      .filter((key) => !skip.has(key) && !linkKeys.has(key))
      .map((key) => field(labelForKey(key), text(data[key])))
      .slice(0, MAX_GENERIC_FIELDS),
  );
}

function describeTestPing(event: RenderableEvent): Described {
  return {
    headline: 'Test ping',
    description: firstText(event.data, 'message'),
    fields: genericFields(event.data, TEXT_KEYS),
  };
}

function describeUnknown(event: RenderableEvent): Described {
  const subject = firstText(event.data, 'project_name', 'name', 'title');
  return {
    headline: capitalize(humanize(event.type.replace(/\./g, ' '))) || 'Event',
    subject,
    description: firstText(event.data, 'message', 'description', 'summary'),
    fields: genericFields(event.data, new Set([...TEXT_KEYS, 'project_name', 'name', 'title'])),
  };
}

export function summarize(event: RenderableEvent): EventSummary {
  const own = Object.prototype.hasOwnProperty.call(DESCRIBERS, event.type);
  // A digest stands in for many events of its type, so it gets its own wording before the type's.
  const digest = digestOf(event.type, event.data);
  const described = digest
    ? describeDigest(event, digest)
    : (own ? DESCRIBERS[event.type] : describeUnknown)(event);
  const tone = toneOf(event);
  const subject = described.subject === undefined ? '' : ` · ${oneLine(described.subject)}`;
  const summary: EventSummary = {
    tone,
    title: `${TONE_EMOJI[tone]} ${described.headline}${subject}`,
    fields: described.fields,
  };
  if (described.description !== undefined) summary.description = described.description;
  const link = linkOf(event);
  if (link) summary.link = link;
  return summary;
}
