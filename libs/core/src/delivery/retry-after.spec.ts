import { parseRetryAfter } from './retry-after';

const now = new Date('2024-03-10T12:00:00.000Z');

describe('parseRetryAfter', () => {
  describe('delta-seconds', () => {
    it.each([
      ['0', 0],
      ['1', 1000],
      ['120', 120_000],
      ['007', 7000],
      ['86400', 86_400_000],
    ])('%p waits %i ms', (value, expected) => {
      expect(parseRetryAfter(value, now)).toBe(expected);
    });

    it('tolerates surrounding whitespace', () => {
      expect(parseRetryAfter('  30\t', now)).toBe(30_000);
    });

    it('caps absurd values at a safe integer instead of Infinity', () => {
      expect(parseRetryAfter('9'.repeat(400), now)).toBe(Number.MAX_SAFE_INTEGER);
    });
  });

  describe('HTTP-date', () => {
    it('reads IMF-fixdate', () => {
      expect(parseRetryAfter('Sun, 10 Mar 2024 12:00:30 GMT', now)).toBe(30_000);
      expect(parseRetryAfter('Mon, 11 Mar 2024 12:00:00 GMT', now)).toBe(86_400_000);
    });

    it('reads RFC 850 dates', () => {
      expect(parseRetryAfter('Sunday, 10-Mar-24 12:01:00 GMT', now)).toBe(60_000);
    });

    it('reads asctime dates as UTC, with a space-padded day', () => {
      expect(parseRetryAfter('Sun Mar 10 12:00:05 2024', now)).toBe(5000);
      const early = new Date('2024-03-01T00:00:00Z');
      expect(parseRetryAfter('Fri Mar  1 00:00:10 2024', early)).toBe(10_000);
    });

    it('ignores case in day and month names', () => {
      expect(parseRetryAfter('sun, 10 MAR 2024 12:00:30 gmt', now)).toBe(30_000);
    });

    it('does not insist on the weekday being right', () => {
      expect(parseRetryAfter('Wed, 10 Mar 2024 12:00:30 GMT', now)).toBe(30_000);
    });

    it('answers 0 for a date in the past', () => {
      expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
      expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(0);
      expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', now)).toBe(0);
      expect(parseRetryAfter('Sun, 10 Mar 2024 11:59:59 GMT', now)).toBe(0);
    });

    it('answers 0 for exactly now', () => {
      expect(parseRetryAfter('Sun, 10 Mar 2024 12:00:00 GMT', now)).toBe(0);
    });

    it('reads a two-digit RFC 850 year within the next 50 years as this century', () => {
      expect(parseRetryAfter('Monday, 10-Mar-70 12:00:00 GMT', now)).toBe(
        Date.UTC(2070, 2, 10, 12) - now.getTime(),
      );
    });

    it('reads a two-digit RFC 850 year more than 50 years ahead as the last century', () => {
      expect(parseRetryAfter('Monday, 10-Mar-75 12:00:00 GMT', now)).toBe(0);
      const in2099 = new Date('2099-01-01T00:00:00Z');
      expect(parseRetryAfter('Thursday, 01-Jan-00 00:00:10 GMT', in2099)).toBe(0);
    });

    it('accepts a leap second', () => {
      expect(parseRetryAfter('Sun, 10 Mar 2024 12:00:60 GMT', now)).toBe(60_000);
    });

    it('handles 29 February in leap years only', () => {
      const jan = new Date('2024-01-01T00:00:00Z');
      expect(parseRetryAfter('Thu, 29 Feb 2024 00:00:00 GMT', jan)).toBe(
        Date.UTC(2024, 1, 29) - jan.getTime(),
      );
      expect(parseRetryAfter('Sun, 29 Feb 2025 00:00:00 GMT', jan)).toBeUndefined();
    });
  });

  describe('garbage', () => {
    it.each([
      undefined,
      null,
      '',
      '   ',
      '-1',
      '+5',
      '1.5',
      '1e3',
      '0x10',
      '10 seconds',
      'soon',
      'foo 1',
      '2024-03-10T12:00:30Z',
      'Sun, 10 Mar 2024 12:00:30',
      'Sun, 10 Mar 2024 12:00:30 UTC',
      'Sun, 10 Mar 2024 12:00:30 +0000',
      'Sun, 1 Mar 2024 12:00:30 GMT',
      'Sun, 10 Mar 24 12:00:30 GMT',
      'Sun, 10 Foo 2024 12:00:30 GMT',
      'Sun, 31 Feb 2024 12:00:30 GMT',
      'Sun, 00 Mar 2024 12:00:30 GMT',
      'Sun, 10 Mar 2024 24:00:00 GMT',
      'Sun, 10 Mar 2024 12:60:00 GMT',
      'Sun, 10 Mar 2024 12:00:61 GMT',
      'Sun, 10-Mar-24 12:00:30 GMT',
      'Sunday, 10 Mar 2024 12:00:30 GMT',
      'Sun Mar 10 12:00:05 2024 GMT',
    ])('%p is not understood', (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    });
  });
});
