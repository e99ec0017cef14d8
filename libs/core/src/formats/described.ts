import type { RenderableEvent, SummaryField } from './types';
import { capitalize, firstText, humanize } from './values';

/** What one event family contributes to a summary; tone, emoji and link are added around it. */
export interface Described {
  headline: string;
  /** What the event is about (a project, a file, an alert name), shown after the headline. */
  subject?: string;
  description?: string;
  fields: SummaryField[];
}

export type Describer = (event: RenderableEvent) => Described;

export function field(label: string, value: string | undefined, long = false): SummaryField | undefined {
  if (value === undefined) return undefined;
  return long ? { label, value, long: true } : { label, value };
}

export function compact(fields: (SummaryField | undefined)[]): SummaryField[] {
  return fields.filter((item): item is SummaryField => item !== undefined);
}

export function projectName(event: RenderableEvent): string | undefined {
  return (
    firstText(event.data, 'project_name', 'project.name') ??
    event.project_id ??
    firstText(event.data, 'project_id')
  );
}

const ACRONYMS: Record<string, string> = { id: 'ID', url: 'URL', ip: 'IP', sha: 'SHA' };

/** `build_id` → `Build ID`: a readable label for a data key nobody described. */
export function labelForKey(key: string): string {
  const words = humanize(key)
    .split(' ')
    .map((word) => ACRONYMS[word.toLowerCase()] ?? word);
  return capitalize(words.join(' '));
}
