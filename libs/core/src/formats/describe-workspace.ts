import { compact, field, projectName, type Describer } from './described';
import {
  capitalize,
  firstText,
  formatBytes,
  formatDuration,
  formatTime,
  humanize,
  isRecord,
  list,
  lookup,
  person,
  personWithEmail,
  shortSha,
} from './values';

export function collaborationDescriber(action: 'invited' | 'joined' | 'left'): Describer {
  return (event) => {
    const d = event.data;
    const member = d.invitee ?? d.user ?? d.collaborator ?? d.member;
    return {
      headline: `Collaborator ${action}`,
      subject: projectName(event),
      description: firstText(d, 'message'),
      fields: compact([
        field('Project', projectName(event)),
        field(action === 'invited' ? 'Invitee' : 'Member', personWithEmail(member)),
        field('Role', firstText(d, 'role')),
        field('Invited by', person(d.inviter ?? d.invited_by)),
        field('Removed by', person(d.removed_by)),
        field('Permissions', list(d.permissions)),
        field('Reason', firstText(d, 'reason'), true),
        field('Expires', formatTime(d.expires_at)),
      ]),
    };
  };
}

/** `+15 -8 ~3` lines. */
function describeChanges(changes: unknown): string | undefined {
  if (!isRecord(changes)) return undefined;
  const parts = [
    ['+', changes.lines_added],
    ['-', changes.lines_removed],
    ['~', changes.lines_modified],
  ]
    .filter(([, count]) => typeof count === 'number' && Number.isFinite(count))
    .map(([sign, count]) => `${sign as string}${count as number}`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

export function fileDescriber(verb: 'created' | 'updated' | 'deleted'): Describer {
  return (event) => {
    const d = event.data;
    return {
      headline: `File ${verb}`,
      subject: firstText(d, 'file_path', 'path', 'file_name', 'name'),
      description: firstText(d, 'commit_message'),
      fields: compact([
        field('Project', projectName(event)),
        field(`${capitalize(verb)} by`, person(d[`${verb}_by`] ?? d.author ?? d.user)),
        field('Type', firstText(d, 'file_type')),
        field('Size', formatBytes(d.size)),
        field('Changes', describeChanges(d.changes)),
        field('Branch', firstText(d, 'branch')),
        field('Commit', shortSha(d.commit_sha)),
      ]),
    };
  };
}

export function userDescriber(action: 'registered' | 'login' | 'logout'): Describer {
  const headline = { registered: 'User registered', login: 'User logged in', logout: 'User logged out' }[
    action
  ];
  return (event) => {
    const d = event.data;
    const user = isRecord(d.user) ? d.user : d;
    const handle = firstText(user, 'username', 'login', 'name', 'email', 'user_id', 'id');
    const name = firstText(user, 'name');
    return {
      headline,
      subject: handle,
      fields: compact([
        field('Name', name === handle ? undefined : name),
        field('Email', firstText(user, 'email') === handle ? undefined : firstText(user, 'email')),
        field('Method', firstText(d, 'method', 'login_method', 'auth_method', 'provider')),
        field('Plan', firstText(d, 'plan')),
        field('IP address', firstText(d, 'ip_address', 'ip', 'details.ip_address')),
        field('Location', firstText(d, 'location', 'details.location')),
        field('Session', formatDuration(d.session_duration)),
        field('Reason', firstText(d, 'reason')),
        field('Device', firstText(d, 'user_agent', 'details.user_agent'), true),
      ]),
    };
  };
}

export const describeSecurityAlert: Describer = (event) => {
  const d = event.data;
  const type = firstText(d, 'alert_type');
  const severity = firstText(d, 'severity');
  return {
    headline: 'Security alert',
    subject: firstText(d, 'title') ?? (type ? capitalize(humanize(type)) : undefined),
    description: firstText(d, 'description'),
    fields: compact([
      field('Severity', severity?.toUpperCase()),
      field('Type', type ? humanize(type) : undefined),
      field('User', person(lookup(d, 'user.username') ?? d.user)),
      field('IP address', firstText(d, 'details.ip_address', 'ip_address')),
      field('Location', firstText(d, 'details.location', 'location')),
      field('Failed attempts', firstText(d, 'details.failed_attempts')),
      field('Time window', firstText(d, 'details.time_window')),
      field('Project', firstText(d, 'project_name') ?? event.project_id ?? undefined),
      field('Actions taken', list(d.actions_taken, true), true),
      field('Recommended', list(d.recommended_actions, true), true),
    ]),
  };
};
