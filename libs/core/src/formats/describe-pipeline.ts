import { compact, field, projectName, type Describer } from './described';
import type { RenderableEvent } from './types';
import {
  capitalize,
  firstText,
  formatDuration,
  isRecord,
  list,
  lookup,
  person,
  shortSha,
  text,
} from './values';

function errorMessage(value: unknown): string | undefined {
  return isRecord(value) ? firstText(value, 'message', 'title', 'type') : text(value);
}

/** `src/main.js:45:12` from the seed's `error.details`. */
function errorLocation(value: unknown): string | undefined {
  const file = firstText(value, 'details.file', 'file', 'location');
  if (file === undefined) return undefined;
  const line = firstText(value, 'details.line', 'line');
  const column = firstText(value, 'details.column', 'column');
  return [file, line, line && column].filter(Boolean).join(':');
}

function commonFields(event: RenderableEvent) {
  const d = event.data;
  return [
    field('Project', projectName(event)),
    field('Environment', firstText(d, 'environment')),
    field('Branch', firstText(d, 'branch', 'ref', 'commit.branch')),
    field('Commit', shortSha(lookup(d, 'commit_sha') ?? lookup(d, 'commit.sha') ?? lookup(d, 'commit.id'))),
  ];
}

function failureFields(event: RenderableEvent) {
  const error = event.data.error;
  return [field('Error', errorMessage(error), true), field('Location', errorLocation(error))];
}

function describeChangedFields(data: Record<string, unknown>): string | undefined {
  if (Array.isArray(data.changed_fields)) return list(data.changed_fields);
  return isRecord(data.changes) ? list(Object.keys(data.changes)) : undefined;
}

export function projectDescriber(verb: 'created' | 'updated' | 'deleted'): Describer {
  return (event) => {
    const d = event.data;
    return {
      headline: `Project ${verb}`,
      subject: firstText(d, 'project_name', 'name', 'project.name') ?? projectName(event),
      description: firstText(d, 'description', 'project.description'),
      fields: compact([
        field('Project ID', firstText(d, 'project_id', 'project.id') ?? event.project_id ?? undefined),
        field(`${capitalize(verb)} by`, person(d[`${verb}_by`] ?? d.user ?? d.author)),
        field('Owner', person(d.owner)),
        field('Visibility', firstText(d, 'visibility')),
        field('Framework', firstText(d, 'framework')),
        field('Changed', verb === 'updated' ? describeChangedFields(d) : undefined),
      ]),
    };
  };
}

export function buildDescriber(phase: 'started' | 'completed' | 'failed'): Describer {
  return (event) => {
    const d = event.data;
    return {
      headline: `Build ${phase}`,
      subject: projectName(event),
      description: firstText(d, 'commit_message', 'commit.message'),
      fields: compact([
        ...commonFields(event),
        field('Author', person(d.author ?? d.triggered_by)),
        field('Trigger', firstText(d, 'trigger')),
        field('Duration', phase === 'started' ? undefined : formatDuration(d.duration)),
        ...(phase === 'failed' ? failureFields(event) : []),
      ]),
    };
  };
}

export function deploymentDescriber(phase: 'started' | 'completed' | 'failed'): Describer {
  return (event) => {
    const d = event.data;
    return {
      headline: `Deployment ${phase}`,
      subject: projectName(event),
      description: firstText(d, 'commit_message', 'commit.message'),
      fields: compact([
        ...commonFields(event),
        field('Deployed by', person(d.deployed_by ?? d.author)),
        field('Strategy', firstText(d, 'deployment_config.strategy', 'strategy')),
        field('Duration', phase === 'started' ? undefined : formatDuration(d.duration)),
        ...(phase === 'failed' ? failureFields(event) : []),
      ]),
    };
  };
}
