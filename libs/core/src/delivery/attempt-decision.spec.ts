import { decideAttempt } from './attempt-decision';
import { RetryPolicy, withPolicyDefaults } from './retry-policy';
import { SendResult } from './send-result';

const now = new Date('2024-03-10T12:00:00.000Z');

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return withPolicyDefaults({ max_attempts: 5, ...overrides });
}

function response(status: number, headers: Record<string, string> = {}): SendResult {
  return { kind: 'response', status, headers, body: 'x', responseTimeMs: 40 };
}

const timeout: SendResult = { kind: 'timeout', responseTimeMs: 30000, message: 'timeout after 30s' };
const refused: SendResult = {
  kind: 'network',
  code: 'ECONNREFUSED',
  message: 'connection refused (ECONNREFUSED)',
  responseTimeMs: 2,
};
const forbidden: SendResult = {
  kind: 'forbidden_destination',
  message: 'destination not allowed',
  responseTimeMs: 1,
};

describe('decideAttempt', () => {
  describe('success', () => {
    it.each([200, 201, 202, 204, 299])('any 2xx (%i) is a success', (status) => {
      expect(decideAttempt(policy(), 1, response(status), now)).toEqual({ kind: 'success' });
    });

    it('is a success even on the last allowed attempt', () => {
      expect(decideAttempt(policy({ max_attempts: 2 }), 2, response(200), now)).toEqual({ kind: 'success' });
    });

    it('is a success even when retry_on_status lists the 2xx status', () => {
      expect(decideAttempt(policy({ retry_on_status: [200] }), 1, response(200), now)).toEqual({
        kind: 'success',
      });
    });
  });

  describe('redirects', () => {
    it.each([
      [301, 'HTTP 301: Moved Permanently'],
      [302, 'HTTP 302: Found'],
      [307, 'HTTP 307: Temporary Redirect'],
      [308, 'HTTP 308: Permanent Redirect'],
      [304, 'HTTP 304: Not Modified'],
    ])('%i fails without a retry', (status, error) => {
      expect(decideAttempt(policy(), 1, response(status), now)).toEqual({ kind: 'fail', error });
    });
  });

  describe('error responses', () => {
    it.each([
      [500, 'HTTP 500: Internal Server Error'],
      [502, 'HTTP 502: Bad Gateway'],
      [504, 'HTTP 504: Gateway Timeout'],
      [408, 'HTTP 408: Request Timeout'],
      [429, 'HTTP 429: Too Many Requests'],
    ])('retries %i under the default set', (status, error) => {
      expect(decideAttempt(policy(), 1, response(status), now)).toEqual({
        kind: 'retry',
        delayMs: 1000,
        error,
      });
    });

    it('says just HTTP 599 for a status without a known text', () => {
      expect(decideAttempt(policy(), 1, response(599), now)).toEqual({
        kind: 'retry',
        delayMs: 1000,
        error: 'HTTP 599',
      });
    });

    it.each([
      [400, 'HTTP 400: Bad Request'],
      [401, 'HTTP 401: Unauthorized'],
      [404, 'HTTP 404: Not Found'],
      [410, 'HTTP 410: Gone'],
      [422, 'HTTP 422: Unprocessable Entity'],
    ])('fails %i at once under the default set', (status, error) => {
      expect(decideAttempt(policy(), 1, response(status), now)).toEqual({ kind: 'fail', error });
    });

    it('follows retry_on_status exactly when it is set', () => {
      const p = policy({ retry_on_status: [404] });
      expect(decideAttempt(p, 1, response(404), now)).toEqual({
        kind: 'retry',
        delayMs: 1000,
        error: 'HTTP 404: Not Found',
      });
      expect(decideAttempt(p, 1, response(500), now)).toEqual({
        kind: 'fail',
        error: 'HTTP 500: Internal Server Error',
      });
    });

    it('does not retry a 3xx even when retry_on_status lists it', () => {
      expect(decideAttempt(policy({ retry_on_status: [302] }), 1, response(302), now)).toEqual({
        kind: 'fail',
        error: 'HTTP 302: Found',
      });
    });

    it('treats an informational status as a failure that the default set does not retry', () => {
      expect(decideAttempt(policy(), 1, response(101), now)).toEqual({
        kind: 'fail',
        error: 'HTTP 101: Switching Protocols',
      });
    });
  });

  describe('attempt budget', () => {
    it('retries while attempts remain and fails on the last one', () => {
      const p = policy({ max_attempts: 3 });
      expect(decideAttempt(p, 1, response(500), now).kind).toBe('retry');
      expect(decideAttempt(p, 2, response(500), now).kind).toBe('retry');
      expect(decideAttempt(p, 3, response(500), now)).toEqual({
        kind: 'fail',
        error: 'HTTP 500: Internal Server Error',
      });
    });

    it('never retries with max_attempts 1', () => {
      const p = policy({ max_attempts: 1 });
      expect(decideAttempt(p, 1, response(503), now).kind).toBe('fail');
      expect(decideAttempt(p, 1, refused, now).kind).toBe('fail');
      expect(decideAttempt(p, 1, timeout, now).kind).toBe('fail');
    });

    it('fails rather than overshooting when the count is already past the budget', () => {
      expect(decideAttempt(policy({ max_attempts: 3 }), 7, refused, now).kind).toBe('fail');
    });
  });

  describe('delay', () => {
    it('follows the backoff for the failed attempt number', () => {
      const p = policy({
        max_attempts: 10,
        backoff_strategy: 'exponential',
        initial_delay: 1000,
        max_delay: 60000,
      });
      const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => {
        const d = decideAttempt(p, n, response(500), now);
        return d.kind === 'retry' ? d.delayMs : null;
      });
      expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000]);
    });

    it('uses linear and fixed backoff too', () => {
      const linear = policy({ backoff_strategy: 'linear', initial_delay: 500 });
      expect(decideAttempt(linear, 3, refused, now)).toMatchObject({ kind: 'retry', delayMs: 1500 });
      const fixed = policy({ backoff_strategy: 'fixed', initial_delay: 700 });
      expect(decideAttempt(fixed, 4, refused, now)).toMatchObject({ kind: 'retry', delayMs: 700 });
    });

    it.each([429, 503])('a %i with Retry-After seconds waits that long instead', (status) => {
      const d = decideAttempt(policy(), 1, response(status, { 'retry-after': '7' }), now);
      expect(d).toMatchObject({ kind: 'retry', delayMs: 7000 });
    });

    it('a Retry-After may be shorter than the backoff', () => {
      const d = decideAttempt(policy(), 4, response(429, { 'retry-after': '0' }), now);
      expect(d).toMatchObject({ kind: 'retry', delayMs: 0 });
    });

    it('reads a Retry-After HTTP-date relative to now', () => {
      const d = decideAttempt(
        policy(),
        1,
        response(503, { 'retry-after': 'Sun, 10 Mar 2024 12:00:20 GMT' }),
        now,
      );
      expect(d).toMatchObject({ kind: 'retry', delayMs: 20000 });
    });

    it('caps Retry-After at max_delay', () => {
      const d = decideAttempt(policy({ max_delay: 10000 }), 1, response(429, { 'retry-after': '3600' }), now);
      expect(d).toMatchObject({ kind: 'retry', delayMs: 10000 });
    });

    it('falls back to the backoff when Retry-After is garbage', () => {
      const d = decideAttempt(policy(), 2, response(429, { 'retry-after': 'later please' }), now);
      expect(d).toMatchObject({ kind: 'retry', delayMs: 2000 });
    });

    it('falls back to the backoff when Retry-After is missing', () => {
      const d = decideAttempt(policy(), 3, response(503), now);
      expect(d).toMatchObject({ kind: 'retry', delayMs: 4000 });
    });

    it.each([500, 502, 408])('ignores Retry-After on a %i', (status) => {
      const d = decideAttempt(policy(), 1, response(status, { 'retry-after': '30' }), now);
      expect(d).toMatchObject({ kind: 'retry', delayMs: 1000 });
    });

    it('finds a Retry-After header whatever its case', () => {
      const d = decideAttempt(policy(), 1, response(429, { 'Retry-After': '9' }), now);
      expect(d).toMatchObject({ kind: 'retry', delayMs: 9000 });
    });

    it('does not let Retry-After revive a status the policy does not retry', () => {
      const d = decideAttempt(
        policy({ retry_on_status: [500] }),
        1,
        response(429, { 'retry-after': '1' }),
        now,
      );
      expect(d).toEqual({ kind: 'fail', error: 'HTTP 429: Too Many Requests' });
    });

    it('does not let Retry-After extend the attempt budget', () => {
      const d = decideAttempt(policy({ max_attempts: 2 }), 2, response(503, { 'retry-after': '1' }), now);
      expect(d).toEqual({ kind: 'fail', error: 'HTTP 503: Service Unavailable' });
    });
  });

  describe('timeouts', () => {
    it('retries a timeout when retry_on_timeout is true, with its message', () => {
      expect(decideAttempt(policy(), 1, timeout, now)).toEqual({
        kind: 'retry',
        delayMs: 1000,
        error: 'timeout after 30s',
      });
    });

    it('fails a timeout when retry_on_timeout is false', () => {
      expect(decideAttempt(policy({ retry_on_timeout: false }), 1, timeout, now)).toEqual({
        kind: 'fail',
        error: 'timeout after 30s',
      });
    });
  });

  describe('network errors', () => {
    it('always retries, with the message', () => {
      expect(decideAttempt(policy(), 1, refused, now)).toEqual({
        kind: 'retry',
        delayMs: 1000,
        error: 'connection refused (ECONNREFUSED)',
      });
    });

    it('retries even when retry_on_status is empty and retry_on_timeout is false', () => {
      const p = policy({ retry_on_status: [], retry_on_timeout: false });
      expect(decideAttempt(p, 1, refused, now).kind).toBe('retry');
    });
  });

  describe('forbidden destinations', () => {
    it('fail at once with destination not allowed', () => {
      expect(decideAttempt(policy(), 1, forbidden, now)).toEqual({
        kind: 'fail',
        error: 'destination not allowed',
      });
    });
  });
});
