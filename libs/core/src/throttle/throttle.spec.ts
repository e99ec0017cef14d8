import { keyLookupJson, keyPathSegments, normalizeThrottle, THROTTLE_LIMITS, windowOf } from './throttle';

describe('windowOf', () => {
  it('aligns fixed windows to multiples of the size since the epoch, in UTC', () => {
    const w = windowOf(new Date('2024-01-01T12:07:31.250Z'), 600);
    expect(w.start.toISOString()).toBe('2024-01-01T12:00:00.000Z');
    expect(w.end.toISOString()).toBe('2024-01-01T12:10:00.000Z');
  });

  it('puts a boundary instant in the window it starts, never the one it ends', () => {
    const w = windowOf(new Date('2024-01-01T12:10:00.000Z'), 600);
    expect(w.start.toISOString()).toBe('2024-01-01T12:10:00.000Z');
    const before = windowOf(new Date('2024-01-01T12:09:59.999Z'), 600);
    expect(before.end.toISOString()).toBe('2024-01-01T12:10:00.000Z');
  });

  it('does not follow local midnight or the hour for sizes that do not divide them', () => {
    // 7 s windows do not divide a minute: only the epoch decides where they start.
    const at = new Date(1_700_000_003_000);
    const w = windowOf(at, 7);
    expect((w.start.getTime() / 1000) % 7).toBe(0);
    expect(w.start.getTime()).toBeLessThanOrEqual(at.getTime());
    expect(w.end.getTime() - w.start.getTime()).toBe(7000);
  });

  it('covers a whole day at the largest size', () => {
    const w = windowOf(new Date('2024-03-05T23:59:59Z'), THROTTLE_LIMITS.window.max);
    expect(w.start.toISOString()).toBe('2024-03-05T00:00:00.000Z');
    expect(w.end.toISOString()).toBe('2024-03-06T00:00:00.000Z');
  });
});

describe('keyPathSegments', () => {
  it('answers the segments below data', () => {
    expect(keyPathSegments('data.alert_name')).toEqual(['alert_name']);
    expect(keyPathSegments('data.labels.alertname')).toEqual(['labels', 'alertname']);
    expect(keyPathSegments('data.items.0.id')).toEqual(['items', '0', 'id']);
    expect(keyPathSegments('data.k8s-pod')).toEqual(['k8s-pod']);
  });

  it.each([
    ['alert_name', 'must be a dotted path into the event data'],
    ['data', 'must be a dotted path into the event data'],
    ['event.type', 'must be a dotted path into the event data'],
    ['data.', 'segment ""'],
    ['data..x', 'segment ""'],
    ['data.a b', 'segment "a b"'],
    ["data.a'b", 'segment'],
    ['data.a.b.c.d.e.f.g.h.i.j.k', 'at most 10 segments'],
    [`data.${'a'.repeat(200)}`, 'at most 200 characters'],
  ])('refuses %j', (path, problem) => {
    const answer = keyPathSegments(path);
    expect(typeof answer).toBe('string');
    expect(answer).toContain(problem);
  });
});

describe('normalizeThrottle', () => {
  it('keeps the key only when one is given', () => {
    expect(normalizeThrottle({ limit: 3, window: 60 })).toEqual({ limit: 3, window: 60 });
    expect(normalizeThrottle({ limit: 3, window: 60, key: null })).toEqual({ limit: 3, window: 60 });
    expect(normalizeThrottle({ limit: 3, window: 60, key: 'data.x' })).toEqual({
      limit: 3,
      window: 60,
      key: 'data.x',
    });
  });
});

describe('keyLookupJson', () => {
  it('sends nothing extra for ordinary data', () => {
    expect(keyLookupJson('{"alert_name":"x","n":1}')).toBeNull();
  });

  it('drops NULs from values and names, which Postgres cannot read as text', () => {
    const json = JSON.stringify({ alert_name: 'Disk\u0000Full', ['a\u0000b']: ['x\u0000'], n: 1 });
    expect(JSON.parse(keyLookupJson(json)!)).toEqual({ alert_name: 'DiskFull', ab: ['x'], n: 1 });
  });
});
