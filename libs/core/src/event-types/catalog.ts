export interface EventTypeInfo {
  name: string;
  description: string;
}

/** The 19 types of the Trae seed, the test ping, and the alert types the alert sources publish. */
export const EVENT_TYPES: readonly EventTypeInfo[] = [
  { name: 'project.created', description: 'Project created' },
  { name: 'project.updated', description: 'Project updated' },
  { name: 'project.deleted', description: 'Project deleted' },
  { name: 'build.started', description: 'Build started' },
  { name: 'build.completed', description: 'Build completed' },
  { name: 'build.failed', description: 'Build failed' },
  { name: 'deployment.started', description: 'Deployment started' },
  { name: 'deployment.completed', description: 'Deployment completed' },
  { name: 'deployment.failed', description: 'Deployment failed' },
  { name: 'collaboration.invited', description: 'Collaborator invited' },
  { name: 'collaboration.joined', description: 'Collaborator joined' },
  { name: 'collaboration.left', description: 'Collaborator left' },
  { name: 'file.created', description: 'File created' },
  { name: 'file.updated', description: 'File updated' },
  { name: 'file.deleted', description: 'File deleted' },
  { name: 'user.registered', description: 'User registered' },
  { name: 'user.login', description: 'User logged in' },
  { name: 'user.logout', description: 'User logged out' },
  { name: 'security.alert', description: 'Security alert' },
  { name: 'test.ping', description: 'Test delivery sent from the test endpoint' },
  { name: 'alert.firing', description: 'Alert firing (from Alertmanager)' },
  { name: 'alert.resolved', description: 'Alert resolved (from Alertmanager)' },
  { name: 'error.created', description: 'Error event reported (from Sentry)' },
  { name: 'issue.created', description: 'Issue created (from Sentry)' },
  { name: 'issue.resolved', description: 'Issue resolved (from Sentry)' },
];

export const TEST_PING = 'test.ping';

const NAMES = new Set(EVENT_TYPES.map((t) => t.name));
const FAMILIES = new Set(EVENT_TYPES.map((t) => t.name.split('.')[0]));

export function isEventType(name: string): boolean {
  return NAMES.has(name);
}

/** A name a webhook may subscribe to: a catalog type, a family wildcard such as `build.*`, or `*`. */
export function isSubscribable(name: string): boolean {
  if (name === '*' || NAMES.has(name)) return true;
  return name.endsWith('.*') && FAMILIES.has(name.slice(0, -2));
}

export function subscribableNames(): string[] {
  return ['*', ...[...FAMILIES].map((f) => `${f}.*`), ...NAMES];
}

/** The subscription names that match an event type: used to select webhooks with one array overlap. */
export function subscriptionKeysFor(eventType: string): string[] {
  return [eventType, `${eventType.split('.')[0]}.*`, '*'];
}
