import { buildEnvelope } from './envelope';

describe('buildEnvelope', () => {
  it('keeps the publisher key order and parses to the documented shape', () => {
    const body = buildEnvelope(
      'build.completed',
      new Date('2024-01-01T12:00:00.123Z'),
      'webhook_1',
      'del_2',
      '{"z":1,"a":{"y":2,"b":3}}',
    );
    expect(body).toBe(
      '{"event":"build.completed","timestamp":"2024-01-01T12:00:00.123Z","webhook_id":"webhook_1","delivery_id":"del_2","data":{"z":1,"a":{"y":2,"b":3}}}',
    );
    expect(Object.keys(JSON.parse(body))).toEqual([
      'event',
      'timestamp',
      'webhook_id',
      'delivery_id',
      'data',
    ]);
  });
});
