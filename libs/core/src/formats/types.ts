export type DestinationFormat = 'json' | 'slack' | 'discord' | 'wecom';

export const DESTINATION_FORMATS: DestinationFormat[] = ['json', 'slack', 'discord', 'wecom'];

/** The formats that need a chat renderer; `json` is the signed envelope and is never rendered. */
export type ChatFormat = Exclude<DestinationFormat, 'json'>;

export interface RenderableEvent {
  /** Public event id (`event_...`). */
  id: string;
  type: string;
  /** ISO 8601. */
  timestamp: string;
  project_id: string | null;
  data: Record<string, unknown>;
}

export interface MessageTemplate {
  title?: string;
  body?: string;
}

export type Tone = 'success' | 'warning' | 'failure' | 'info';

export interface SummaryField {
  label: string;
  value: string;
  /** Free text that reads badly in a two-column layout. */
  long?: boolean;
}

export interface SummaryLink {
  url: string;
  label: string;
}

/** Format-neutral plain text; each renderer escapes it for its own markup. */
export interface EventSummary {
  tone: Tone;
  title: string;
  description?: string;
  fields: SummaryField[];
  link?: SummaryLink;
}

/** Text already in a format's markup, as produced by a message template. */
export interface MarkupOverrides {
  title?: string;
  body?: string;
}

export interface Markup {
  escape(text: string): string;
  /** Shortens text already in this markup to `max` without leaving a broken escape or token behind. */
  clip(text: string, max: number): string;
}
