import { digestOf } from '../formats/digest';
import { digestData, EndedWindow } from './digest-data';

const window = (over: Partial<EndedWindow> = {}): EndedWindow => ({
  webhook_id: '0190a000-0000-7000-8000-000000000001',
  account_id: '0190a000-0000-7000-8000-000000000002',
  event_type: 'alert.firing',
  key: 'RedisConnectionFailed',
  window_start: new Date('2024-01-01T12:00:00Z'),
  window_end: new Date('2024-01-01T12:10:00Z'),
  event_limit: 3,
  events_seen: 15,
  suppressed_event_ids: ['0190a000-0000-7000-8000-0000000000aa'],
  ...over,
});

describe('digestData', () => {
  it('reports what the window held back, with public ids and a readable summary', () => {
    expect(digestData(window())).toEqual({
      digest: {
        suppressed: 12,
        delivered: 3,
        limit: 3,
        key: 'RedisConnectionFailed',
        event_type: 'alert.firing',
        window_seconds: 600,
        window_start: '2024-01-01T12:00:00.000Z',
        window_end: '2024-01-01T12:10:00.000Z',
        event_ids: ['event_0190a0000000700080000000000000aa'],
      },
      summary: '12 more alerts of RedisConnectionFailed in the last 10 min',
    });
  });

  it('says null for the key when the window had none', () => {
    const data = digestData(window({ key: '', event_type: 'build.failed', events_seen: 4, event_limit: 1 }));
    expect(data.digest.key).toBeNull();
    expect(data.summary).toBe('3 more build.failed events in the last 10 min');
  });

  it('is recognised as a digest by the renderers, for its own type only', () => {
    const data = digestData(window());
    expect(digestOf('alert.firing', data)).toEqual(data.digest);
    expect(digestOf('alert.resolved', data)).toBeUndefined();
    expect(digestOf('alert.firing', { digest: { suppressed: 'many' } })).toBeUndefined();
    expect(digestOf('alert.firing', { alert_name: 'x' })).toBeUndefined();
  });
});
