import { MalformedPayloadError } from './alert-event';
import { alertmanagerEvents } from './alertmanager';
import { sentryEvents } from './sentry';

const grouped = {
  version: '4',
  status: 'firing',
  receiver: 'hookpost',
  groupLabels: { alertname: 'RedisConnectionFailed' },
  commonLabels: { alertname: 'RedisConnectionFailed', severity: 'critical', env: 'prod' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: [
    {
      status: 'firing',
      labels: { instance: 'redis-1:6379', job: 'redis' },
      annotations: { summary: 'Redis down', description: 'cannot connect' },
      startsAt: '2025-10-31T12:35:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus/graph?g0.expr=up',
      fingerprint: 'abc',
    },
    {
      status: 'resolved',
      labels: { instance: 'redis-2:6379', job: 'redis' },
      annotations: { summary: 'Redis back' },
      startsAt: '2025-10-31T12:00:00Z',
      endsAt: '2025-10-31T12:30:00Z',
      fingerprint: 'def',
    },
  ],
};

describe('alertmanagerEvents', () => {
  it('makes one event per alert of a grouped notification', () => {
    const events = alertmanagerEvents(grouped);
    expect(events.map((e) => e.type)).toEqual(['alert.firing', 'alert.resolved']);
    expect(events[0].data).toMatchObject({
      alert_name: 'RedisConnectionFailed',
      severity: 'critical',
      source: 'alertmanager',
      environment: 'prod',
      service: 'redis',
      location: 'redis-1:6379',
      summary: 'Redis down',
      link: 'http://prometheus/graph?g0.expr=up',
      ended_at: null,
    });
    expect(events[1].data.ended_at).toBe('2025-10-31T12:30:00Z');
    expect(events[1].data.link).toBe('http://alertmanager:9093');
  });

  it.each([
    [null, 'payload object'],
    [{ version: '3', alerts: [] }, 'version'],
    [{ alerts: [] }, 'non-empty'],
    [{ alerts: [{ status: 'weird', labels: { alertname: 'x' } }] }, 'status'],
    [{ alerts: [{ status: 'firing', labels: {} }] }, 'alertname'],
  ])('refuses a malformed payload (%#)', (payload, problem) => {
    expect(() => alertmanagerEvents(payload)).toThrow(MalformedPayloadError);
    expect(() => alertmanagerEvents(payload)).toThrow(problem);
  });
});

describe('sentryEvents', () => {
  it('maps issue created and resolved', () => {
    const issue = {
      id: '42',
      title: 'TypeError: x is undefined',
      culprit: 'app.js in render',
      level: 'error',
      count: '7',
      web_url: 'https://sentry.io/i/42',
      project: { slug: 'web' },
    };
    const created = sentryEvents({ action: 'created', data: { issue } }, 'issue');
    expect(created[0].type).toBe('issue.created');
    expect(created[0].data).toMatchObject({
      alert_name: 'TypeError: x is undefined',
      service: 'web',
      count: 7,
      link: 'https://sentry.io/i/42',
    });
    expect(sentryEvents({ action: 'resolved', data: { issue } }, undefined)[0].type).toBe('issue.resolved');
  });

  it('maps error events and the legacy plugin payload to error.created', () => {
    const error = sentryEvents(
      {
        action: 'created',
        data: {
          error: { event_id: 'e1', title: 'Boom', level: 'fatal', environment: 'prod', culprit: 'x.py' },
        },
      },
      'error',
    );
    expect(error[0]).toMatchObject({
      type: 'error.created',
      data: { severity: 'fatal', environment: 'prod', location: 'x.py' },
    });
    const legacy = sentryEvents(
      {
        project_name: 'api',
        message: 'DB timeout',
        culprit: 'db.query',
        level: 'error',
        url: 'https://sentry.io/x',
      },
      undefined,
    );
    expect(legacy[0].data).toMatchObject({
      alert_name: 'DB timeout',
      service: 'api',
      link: 'https://sentry.io/x',
    });
  });

  it('refuses what Sentry does not send', () => {
    expect(() => sentryEvents({ hello: 'world' }, undefined)).toThrow(MalformedPayloadError);
    expect(() => sentryEvents({ action: 'ignored', data: { issue: {} } }, 'issue')).toThrow('not supported');
  });
});
