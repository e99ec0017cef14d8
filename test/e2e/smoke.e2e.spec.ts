import { client, startApi, startWorker, TestApi, TestDb } from '../support/platform';
import { Receiver } from '../support/receiver';
import { eventually } from '../support/eventually';
import { INestApplicationContext } from '@nestjs/common';

describe('smoke: publish → worker → receiver', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let db: TestDb;
  const receiver = new Receiver();

  beforeAll(async () => {
    db = await TestDb.open();
    api = await startApi();
    worker = await startWorker();
    await receiver.start();
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await receiver.stop();
    await db.close();
  });

  it('delivers a published event and records it as success', async () => {
    const { apiKey } = await db.createAccount();
    const http = client(api.baseUrl, apiKey);
    const created = await http.post('/api/webhooks', {
      url: `${receiver.url}/hook`,
      events: ['*'],
      name: 'smoke',
    });
    expect(created.status).toBe(201);
    const published = await http.post('/api/events', { event: 'user.login', data: { user: 'u1' } });
    expect(published.status).toBe(202);
    expect(published.body.deliveries).toBe(1);
    await eventually(() => receiver.requests.length === 1, { what: 'one request' });
    const history = await eventually(async () => {
      const h = await http.get(`/api/webhooks/${created.body.webhook_id}/deliveries`);
      return h.body.deliveries[0]?.status === 'success' ? h : undefined;
    });
    expect(history.body.stats.successful_deliveries).toBe(1);
  });
});
