import { sampleEvent, SAMPLE_EVENT_TYPES } from './samples';
import { DESCRIBED_TYPES, linkOf, renderDigestText, safeUrl, summarize } from './summary';
import type { EventSummary, RenderableEvent } from './types';

const CATALOG = [
  'project.created',
  'project.updated',
  'project.deleted',
  'build.started',
  'build.completed',
  'build.failed',
  'deployment.started',
  'deployment.completed',
  'deployment.failed',
  'collaboration.invited',
  'collaboration.joined',
  'collaboration.left',
  'file.created',
  'file.updated',
  'file.deleted',
  'user.registered',
  'user.login',
  'user.logout',
  'security.alert',
];
const ALERTS = ['alert.firing', 'alert.resolved', 'error.created', 'issue.created', 'issue.resolved'];
const ALL = [...CATALOG, 'test.ping', ...ALERTS];

function event(
  type: string,
  data: Record<string, unknown>,
  projectId: string | null = null,
): RenderableEvent {
  return { id: 'event_1', type, timestamp: '2024-01-01T12:00:00.000Z', project_id: projectId, data };
}

function fields(summary: EventSummary): Record<string, string> {
  return Object.fromEntries(summary.fields.map((f) => [f.label, f.value]));
}

describe('summarize: coverage', () => {
  it('has a hand-written rendering and a sample for every catalog, ping and alert type', () => {
    expect(ALL).toHaveLength(25);
    for (const type of ALL) {
      expect(DESCRIBED_TYPES).toContain(type);
      expect(SAMPLE_EVENT_TYPES).toContain(type);
    }
  });

  it.each(ALL)('%s renders a titled summary with non-empty fields', (type) => {
    const summary = summarize(sampleEvent(type));
    expect(summary.title).toMatch(/^(✅|❌|⚠️|ℹ️) \S/);
    expect(summary.title).not.toMatch(/undefined|null|\[object/);
    for (const f of summary.fields) {
      expect(f.label).not.toBe('');
      expect(f.value.trim()).not.toBe('');
    }
    if (type !== 'test.ping') expect(summary.fields.length).toBeGreaterThan(0);
  });

  it.each([
    ['project.created', 'ℹ️ Project created · My Project'],
    ['build.started', 'ℹ️ Build started · My Project'],
    ['build.completed', '✅ Build completed · My Project'],
    ['build.failed', '❌ Build failed · My Project'],
    ['deployment.completed', '✅ Deployment completed · My Project'],
    ['deployment.failed', '❌ Deployment failed · My Project'],
    ['collaboration.invited', 'ℹ️ Collaborator invited · My Project'],
    ['collaboration.joined', '✅ Collaborator joined · My Project'],
    ['file.updated', 'ℹ️ File updated · src/components/Button.jsx'],
    ['user.login', 'ℹ️ User logged in · alice_dev'],
    ['security.alert', '❌ Security alert · Suspicious login attempt detected'],
    ['test.ping', 'ℹ️ Test ping'],
    ['alert.firing', '❌ Alert firing · RedisConnectionFailed'],
    ['alert.resolved', '✅ Alert resolved · RedisConnectionFailed'],
    ['error.created', '❌ New error · ValueError in calculate_score'],
    ['issue.created', '❌ New issue · TimeoutError in fetch_profile'],
    ['issue.resolved', '✅ Issue resolved · TimeoutError in fetch_profile'],
  ])('%s is titled "%s"', (type, title) => {
    expect(summarize(sampleEvent(type)).title).toBe(title);
  });
});

describe('summarize: families', () => {
  it('project: who did it and what changed', () => {
    expect(fields(summarize(sampleEvent('project.updated')))).toEqual({
      'Project ID': 'proj_123',
      'Updated by': 'Alice Johnson',
      Changed: 'name, visibility',
    });
  });

  it('build: branch, 7-char commit, author, duration, error and its location', () => {
    const summary = summarize(sampleEvent('build.failed'));
    expect(fields(summary)).toEqual({
      Project: 'My Project',
      Environment: 'production',
      Branch: 'feature/new-ui',
      Commit: 'def456g',
      Author: 'Bob Smith',
      Duration: '1m 30s',
      Error: 'Compilation failed: Unexpected token in main.js:45',
      Location: 'src/main.js:45:12',
    });
    expect(summary.fields.find((f) => f.label === 'Error')?.long).toBe(true);
    expect(summary.description).toBe('Add new feature');
    expect(summary.link).toEqual({
      url: 'https://app.trae.ai/projects/proj_123/builds/build_124/logs',
      label: 'View logs',
    });
  });

  it('build.completed prefers the logs over the preview', () => {
    expect(summarize(sampleEvent('build.completed')).link?.label).toBe('View logs');
  });

  it('deployment: environment, deployer and the deployed URL', () => {
    const summary = summarize(sampleEvent('deployment.completed'));
    expect(fields(summary)).toMatchObject({
      Environment: 'production',
      'Deployed by': 'Alice Johnson',
      Duration: '2m',
    });
    expect(summary.link?.url).toBe('https://my-project.trae.app');
  });

  it('collaboration: invitee, role, permissions and expiry', () => {
    const summary = summarize(sampleEvent('collaboration.invited'));
    expect(fields(summary)).toMatchObject({
      Invitee: 'Bob Smith (bob@example.com)',
      Role: 'developer',
      'Invited by': 'Alice Johnson',
      Permissions: 'read, write, build',
      Expires: '2024-01-08 12:00:00 UTC',
    });
    expect(summary.description).toBe('Welcome to the team! Looking forward to working with you.');
    expect(summary.link?.label).toBe('View invitation');
  });

  it('file: size, line changes and diff link', () => {
    const summary = summarize(sampleEvent('file.updated'));
    expect(fields(summary)).toMatchObject({ Size: '2.0 KB', Changes: '+15 -8 ~3', Commit: 'abc123d' });
    expect(summary.link?.label).toBe('View diff');
  });

  it('user: handle as subject, address and device as fields', () => {
    const summary = summarize(sampleEvent('user.login'));
    expect(fields(summary)).toMatchObject({
      'IP address': '203.0.113.7',
      Location: 'Berlin, DE',
      Method: 'password',
    });
    expect(fields(summarize(sampleEvent('user.logout')))).toMatchObject({ Session: '1h 30m' });
  });

  it('security: severity, source address and the actions, made readable', () => {
    const summary = summarize(sampleEvent('security.alert'));
    expect(fields(summary)).toMatchObject({
      Severity: 'HIGH',
      Type: 'suspicious login',
      User: 'alice_dev',
      'IP address': '203.0.113.1',
      'Failed attempts': '5',
      'Actions taken': 'account locked, notification sent',
    });
    expect(summary.description).toBe('Multiple failed login attempts from unusual location');
  });

  it('test.ping: the message as description', () => {
    const summary = summarize(sampleEvent('test.ping'));
    expect(summary.description).toBe('This is a test webhook delivery');
    expect(summary.fields).toEqual([]);
    expect(summary.link).toBeUndefined();
  });

  it('alert: severity, source, service, location, count, labels minus the ones already shown', () => {
    const summary = summarize(sampleEvent('alert.firing'));
    expect(fields(summary)).toEqual({
      Severity: 'CRITICAL',
      Status: 'Firing',
      Source: 'Alertmanager',
      Environment: 'production',
      Service: 'redis-exporter',
      Location: 'redis:6379',
      Count: '1',
      Started: '2025-10-31 12:35:00 UTC',
      Labels: 'job=redis-exporter',
    });
    expect(summary.description).toBe(
      'Redis connection failed\nRedis is unreachable; the system is running degraded',
    );
    expect(summary.link?.label).toBe('View details');
    expect(fields(summarize(sampleEvent('alert.resolved')))).toMatchObject({
      Ended: '2025-10-31 12:41:00 UTC',
    });
  });

  it('error / issue: Sentry source, affected users, first seen', () => {
    expect(fields(summarize(sampleEvent('error.created')))).toMatchObject({
      Source: 'Sentry',
      'Users affected': '15',
      'First seen': '2025-10-31 12:30:45 UTC',
    });
  });

  it('renders a sparse payload without inventing values', () => {
    const summary = summarize(event('build.failed', {}, 'proj_9'));
    expect(summary.title).toBe('❌ Build failed · proj_9');
    expect(summary.fields).toEqual([{ label: 'Project', value: 'proj_9' }]);
    expect(summarize(event('alert.firing', {})).title).toBe('⚠️ Alert firing');
  });

  it('renders an unknown type generically from its scalars', () => {
    const summary = summarize(
      event('order.paid', { name: 'Order 42', order_id: 'ord_42', amount: 12.5, nested: { a: 1 } }),
    );
    expect(summary.title).toBe('ℹ️ Order paid · Order 42');
    expect(fields(summary)).toEqual({ 'Order ID': 'ord_42', Amount: '12.5' });
  });

  it('ignores prototype-shaped keys in data', () => {
    const data = JSON.parse(
      '{"__proto__": {"project_name": "evil"}, "constructor": {"name": "x"}}',
    ) as Record<string, unknown>;
    const summary = summarize(event('build.completed', data));
    expect(summary.title).toBe('✅ Build completed');
    expect(JSON.stringify(summary)).not.toContain('evil');
  });
});

describe('links', () => {
  it('takes the first usable URL in the documented order', () => {
    expect(linkOf(event('x', { link: 'https://b.example', url: 'https://a.example' }))?.url).toBe(
      'https://a.example',
    );
    expect(linkOf(event('x', { url: 'not a url', web_url: 'https://c.example' }))).toEqual({
      url: 'https://c.example',
      label: 'Open',
    });
  });

  it('only accepts absolute http(s) URLs', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('data:text/html,hi')).toBeUndefined();
    expect(safeUrl('/relative')).toBeUndefined();
    expect(safeUrl(`https://a.example/${'x'.repeat(3000)}`)).toBeUndefined();
    expect(safeUrl('https://a.example/ok')).toBe('https://a.example/ok');
    expect(linkOf(event('x', { url: 'javascript:alert(1)' }))).toBeUndefined();
  });
});

describe('renderDigestText', () => {
  it('counts what a digest swallowed', () => {
    expect(renderDigestText(12, 'alert.firing', 'RedisConnectionFailed', 600)).toBe(
      '12 more alerts of RedisConnectionFailed in the last 10 min',
    );
    expect(renderDigestText(1, 'error.created', 'ValueError', 90)).toBe(
      '1 more error of ValueError in the last 1 min 30 s',
    );
    expect(renderDigestText(3, 'build.failed', 'My Project', 7200)).toBe(
      '3 more build.failed events of My Project in the last 2 h',
    );
    expect(renderDigestText(2, 'issue.created', '', 45)).toBe('2 more issues in the last 45 s');
    expect(renderDigestText(-4, 'alert.firing', 'X', 3900)).toBe('0 more alerts of X in the last 1 h 5 min');
  });
});
