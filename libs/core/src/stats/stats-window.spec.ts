import { bucketLabel, bucketStart, bucketStarts, defaultStart } from './stats-window';

describe('stats buckets', () => {
  it('aligns to UTC bucket starts, weeks on Monday', () => {
    const d = new Date('2024-01-03T13:45:10.500Z'); // a Wednesday
    expect(bucketStart('hour', d).toISOString()).toBe('2024-01-03T13:00:00.000Z');
    expect(bucketStart('day', d).toISOString()).toBe('2024-01-03T00:00:00.000Z');
    expect(bucketStart('week', d).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(bucketStart('week', new Date('2024-01-07T23:59:59Z')).toISOString()).toBe(
      '2024-01-01T00:00:00.000Z',
    );
    expect(bucketStart('month', d).toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });

  it('labels buckets as API.md shows them', () => {
    const b = new Date('2024-01-01T13:00:00Z');
    expect(bucketLabel('hour', b)).toBe('2024-01-01T13:00:00Z');
    expect(bucketLabel('day', b)).toBe('2024-01-01');
    expect(bucketLabel('month', b)).toBe('2024-01');
  });

  it('lists every bucket from the one holding start to the one holding end', () => {
    const starts = bucketStarts('day', new Date('2024-01-01T12:00:00Z'), new Date('2024-01-07T23:59:59Z'));
    expect(starts.map((s) => bucketLabel('day', s))).toEqual([
      '2024-01-01',
      '2024-01-02',
      '2024-01-03',
      '2024-01-04',
      '2024-01-05',
      '2024-01-06',
      '2024-01-07',
    ]);
    expect(
      bucketStarts('month', new Date('2023-12-15Z'), new Date('2024-02-01Z')).map((s) =>
        bucketLabel('month', s),
      ),
    ).toEqual(['2023-12', '2024-01', '2024-02']);
  });

  it('defaults the start by period', () => {
    const end = new Date('2024-03-31T10:00:00Z');
    expect(defaultStart('hour', end).toISOString()).toBe('2024-03-30T10:00:00.000Z');
    expect(defaultStart('day', end).toISOString()).toBe('2024-03-24T10:00:00.000Z');
    expect(defaultStart('month', end).toISOString()).toBe('2023-03-31T10:00:00.000Z');
  });
});
