import { splitWindow } from './rollup-window';

describe('splitWindow', () => {
  it('takes the whole UTC days inside the window from rollups, the partial edges from raw rows', () => {
    const s = splitWindow(new Date('2024-01-01T10:17:23Z'), new Date('2024-01-04T15:42:10Z'));
    expect(s.days).toEqual({ from: new Date('2024-01-02T00:00:00Z'), to: new Date('2024-01-04T00:00:00Z') });
  });

  it('keeps an aligned start day whole and the day holding an aligned end raw (end is inclusive)', () => {
    const s = splitWindow(new Date('2024-01-01T00:00:00Z'), new Date('2024-01-03T00:00:00Z'));
    expect(s.days).toEqual({ from: new Date('2024-01-01T00:00:00Z'), to: new Date('2024-01-03T00:00:00Z') });
  });

  it('reads everything raw when no whole day fits', () => {
    expect(splitWindow(new Date('2024-01-01T10:00:00Z'), new Date('2024-01-02T09:00:00Z')).days).toBeNull();
    expect(
      splitWindow(new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T23:59:59.999Z')).days,
    ).toBeNull();
  });
});
