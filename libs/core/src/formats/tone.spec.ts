import { DISCORD_COLORS, SLACK_COLORS, toneOf, WECOM_COLORS } from './tone';
import type { RenderableEvent } from './types';

function event(type: string, data: Record<string, unknown> = {}): RenderableEvent {
  return { id: 'event_1', type, timestamp: '2024-01-01T12:00:00.000Z', project_id: null, data };
}

describe('toneOf', () => {
  it.each([
    ['build.failed', 'failure'],
    ['deployment.failed', 'failure'],
    ['build.completed', 'success'],
    ['deployment.completed', 'success'],
    ['collaboration.joined', 'success'],
    ['alert.resolved', 'success'],
    ['issue.resolved', 'success'],
    ['error.created', 'failure'],
    ['issue.created', 'failure'],
    ['build.started', 'info'],
    ['project.deleted', 'info'],
    ['user.login', 'info'],
    ['test.ping', 'info'],
    ['something.unknown', 'info'],
  ])('%s is %s', (type, tone) => {
    expect(toneOf(event(type))).toBe(tone);
  });

  it.each([
    ['critical', 'failure'],
    ['error', 'failure'],
    ['warning', 'warning'],
    ['info', 'info'],
    [undefined, 'warning'],
  ])('an alert.firing of severity %s is %s', (severity, tone) => {
    expect(toneOf(event('alert.firing', { severity }))).toBe(tone);
  });

  it.each([
    ['critical', 'failure'],
    ['HIGH', 'failure'],
    ['medium', 'warning'],
    ['low', 'info'],
    [undefined, 'warning'],
  ])('a security.alert of severity %s is %s', (severity, tone) => {
    expect(toneOf(event('security.alert', { severity }))).toBe(tone);
  });

  it('downgrades Sentry warnings but never upgrades an error', () => {
    expect(toneOf(event('error.created', { severity: 'warning' }))).toBe('warning');
    expect(toneOf(event('issue.created', { level: 'fatal' }))).toBe('failure');
  });
});

describe('colours', () => {
  it('uses the Slack brand hues and the same ones as Discord integers', () => {
    expect(SLACK_COLORS).toEqual({
      success: '#2eb67d',
      warning: '#ecb22e',
      failure: '#e01e5a',
      info: '#95a5a6',
    });
    for (const tone of ['success', 'warning', 'failure', 'info'] as const) {
      expect(DISCORD_COLORS[tone]).toBe(parseInt(SLACK_COLORS[tone].slice(1), 16));
      expect(Number.isInteger(DISCORD_COLORS[tone])).toBe(true);
    }
  });

  it('maps onto the three WeCom font colours', () => {
    expect(WECOM_COLORS).toEqual({
      success: 'info',
      warning: 'warning',
      failure: 'warning',
      info: 'comment',
    });
  });
});
