import { INestApplicationContext } from '@nestjs/common';
import { eventually } from '../support/eventually';
import { client, startApi, startWorker, TestApi, TestDb } from '../support/platform';
import { Receiver } from '../support/receiver';

const alertmanagerPayload = {
  version: '4',
  status: 'firing',
  receiver: 'hookpost',
  groupLabels: { alertname: 'RedisConnectionFailed' },
  commonLabels: { alertname: 'RedisConnectionFailed', severity: 'critical', env: 'prod' },
  externalURL: 'http://alertmanager:9093',
  alerts: [
    {
      status: 'firing',
      labels: { instance: 'redis-1:6379', job: 'redis' },
      annotations: { summary: 'Redis down' },
      startsAt: '2025-10-31T12:35:00Z',
      generatorURL: 'http://prometheus/graph',
    },
    {
      status: 'firing',
      labels: { instance: 'redis-2:6379', job: 'redis' },
      annotations: { summary: 'Redis down' },
    },
  ],
};

describe('chat destinations and alert sources', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let db: TestDb;
  let http: ReturnType<typeof client>;
  const receiver = new Receiver();

  beforeAll(async () => {
    db = await TestDb.open();
    api = await startApi();
    worker = await startWorker();
    await receiver.start();
    http = client(api.baseUrl, (await db.createAccount()).apiKey);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await receiver.stop();
    await db.close();
  });

  it('carries a grouped Alertmanager notification to a Slack-format webhook, one message per alert', async () => {
    const hook = await http.post('/api/webhooks', {
      url: `${receiver.url}/slack`,
      events: ['alert.*'],
      name: 'ops channel',
      format: 'slack',
    });
    expect(hook.status).toBe(201);
    expect(hook.body.format).toBe('slack');
    const res = await http.post('/api/sources/alertmanager', alertmanagerPayload);
    expect(res.status).toBe(202);
    expect(res.body.events).toHaveLength(2);
    expect(res.body.events[0]).toMatchObject({ event: 'alert.firing', deliveries: 1 });
    await eventually(() => receiver.requests.filter((r) => r.path === '/slack').length === 2, {
      what: 'two slack posts',
    });
    const posts = receiver.requests.filter((r) => r.path === '/slack');
    for (const post of posts) {
      expect(post.headers['content-type']).toBe('application/json');
      expect(post.headers['x-trae-signature-256']).toBeUndefined();
      const message = JSON.parse(post.body);
      expect(message.text).toContain('RedisConnectionFailed');
      expect(message.attachments[0].color).toBe('#e01e5a');
      expect(Array.isArray(message.attachments[0].blocks)).toBe(true);
    }
    expect(posts.map((p) => p.body).join()).toContain('redis-2:6379');
  });

  it('renders a template and refuses one that does not parse', async () => {
    const bad = await http.post('/api/webhooks', {
      url: `${receiver.url}/x`,
      events: ['*'],
      name: 'bad',
      format: 'discord',
      template: { title: 'Deploy {{data.project_name' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toContain('template');
    const hook = await http.post('/api/webhooks', {
      url: `${receiver.url}/discord`,
      events: ['deployment.completed'],
      name: 'discord',
      format: 'discord',
      template: { title: 'Deployed {{data.project_name}} to {{data.environment | "somewhere"}}' },
    });
    expect(hook.status).toBe(201);
    await http.post('/api/events', { event: 'deployment.completed', data: { project_name: 'My <App>' } });
    const post = await eventually(() => receiver.requests.find((r) => r.path === '/discord'), {
      what: 'discord post',
    });
    const message = JSON.parse(post.body);
    expect(message.embeds[0].title).toContain('Deployed My');
    expect(message.embeds[0].title).toContain('to somewhere');
  });

  it('maps Sentry payloads and answers 400 to malformed ones without creating anything', async () => {
    const issue = {
      id: '42',
      title: 'TypeError',
      culprit: 'app.js',
      level: 'error',
      web_url: 'https://sentry.io/i/42',
      project: { slug: 'web' },
    };
    const res = await http.post(
      '/api/sources/sentry',
      { action: 'created', data: { issue } },
      { 'sentry-hook-resource': 'issue' },
    );
    expect(res.status).toBe(202);
    expect(res.body.events[0].event).toBe('issue.created');
    const before = await db.db.rows('SELECT count(*)::int AS n FROM events');
    const malformed = await http.post('/api/sources/alertmanager', {
      alerts: [{ status: 'firing', labels: {} }],
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message[0]).toContain('alertname');
    expect((await http.post('/api/sources/sentry', { nothing: true })).status).toBe(400);
    const after = await db.db.rows('SELECT count(*)::int AS n FROM events');
    expect(after[0].n).toBe(before[0].n);
  });
});
