import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  RetryPolicy,
  withPolicyDefaults,
} from './retry-policy';

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return withPolicyDefaults(overrides);
}

describe('DEFAULT_RETRY_POLICY', () => {
  it('matches the contract defaults', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      max_attempts: 3,
      backoff_strategy: 'exponential',
      initial_delay: 1000,
      max_delay: 60000,
      retry_on_timeout: true,
    });
    expect('retry_on_status' in DEFAULT_RETRY_POLICY).toBe(false);
  });

  it('cannot be mutated by accident', () => {
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });
});

describe('withPolicyDefaults', () => {
  it.each([null, undefined, {}])('fills every field for %p', (partial) => {
    const filled = withPolicyDefaults(partial);
    expect(filled).toEqual(DEFAULT_RETRY_POLICY);
    expect('retry_on_status' in filled).toBe(false);
  });

  it('keeps given fields and fills the rest', () => {
    expect(withPolicyDefaults({ max_attempts: 5, backoff_strategy: 'linear' })).toEqual({
      max_attempts: 5,
      backoff_strategy: 'linear',
      initial_delay: 1000,
      max_delay: 60000,
      retry_on_timeout: true,
    });
  });

  it('keeps falsy values that were given', () => {
    const filled = withPolicyDefaults({ retry_on_timeout: false, retry_on_status: [] });
    expect(filled.retry_on_timeout).toBe(false);
    expect(filled.retry_on_status).toEqual([]);
  });

  it('treats JSON nulls as absent', () => {
    const stored = { max_attempts: null, retry_on_status: null } as unknown as Partial<RetryPolicy>;
    const filled = withPolicyDefaults(stored);
    expect(filled.max_attempts).toBe(3);
    expect('retry_on_status' in filled).toBe(false);
  });

  it('copies retry_on_status so the result does not alias the input', () => {
    const statuses = [500];
    const filled = withPolicyDefaults({ retry_on_status: statuses });
    statuses.push(502);
    expect(filled.retry_on_status).toEqual([500]);
  });

  it('drops keys that are not part of a policy', () => {
    const filled = withPolicyDefaults({ jitter: true } as unknown as Partial<RetryPolicy>);
    expect(Object.keys(filled).sort()).toEqual(
      ['backoff_strategy', 'initial_delay', 'max_attempts', 'max_delay', 'retry_on_timeout'].sort(),
    );
  });

  it('returns a fresh object each time', () => {
    const a = withPolicyDefaults(null);
    a.max_attempts = 9;
    expect(withPolicyDefaults(null).max_attempts).toBe(3);
    expect(DEFAULT_RETRY_POLICY.max_attempts).toBe(3);
  });
});

describe('backoffDelay', () => {
  const big = { initial_delay: 1000, max_delay: 86_400_000 };

  it.each([
    [1, 1000],
    [2, 2000],
    [3, 3000],
    [10, 10000],
  ])('linear: after attempt %i waits %i', (n, expected) => {
    expect(backoffDelay(policy({ ...big, backoff_strategy: 'linear' }), n)).toBe(expected);
  });

  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [11, 1_024_000],
  ])('exponential: after attempt %i waits %i', (n, expected) => {
    expect(backoffDelay(policy({ ...big, backoff_strategy: 'exponential' }), n)).toBe(expected);
  });

  it.each([1, 2, 7, 24])('fixed: after attempt %i waits initial_delay', (n) => {
    expect(backoffDelay(policy({ ...big, backoff_strategy: 'fixed', initial_delay: 1500 }), n)).toBe(1500);
  });

  it('caps every strategy at max_delay', () => {
    const cap = { initial_delay: 1000, max_delay: 5000 };
    expect(backoffDelay(policy({ ...cap, backoff_strategy: 'linear' }), 5)).toBe(5000);
    expect(backoffDelay(policy({ ...cap, backoff_strategy: 'linear' }), 6)).toBe(5000);
    expect(backoffDelay(policy({ ...cap, backoff_strategy: 'exponential' }), 3)).toBe(4000);
    expect(backoffDelay(policy({ ...cap, backoff_strategy: 'exponential' }), 4)).toBe(5000);
    expect(backoffDelay(policy({ initial_delay: 5000, max_delay: 5000, backoff_strategy: 'fixed' }), 3)).toBe(
      5000,
    );
  });

  it('uses the default policy: 1 s, 2 s, 4 s ... up to 60 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(DEFAULT_RETRY_POLICY, n));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  it('stays finite and exact at the largest attempt counts', () => {
    const extreme = policy({
      backoff_strategy: 'exponential',
      initial_delay: 3_600_000,
      max_delay: 86_400_000,
    });
    for (let n = 1; n <= 25; n++) {
      const delay = backoffDelay(extreme, n);
      expect(Number.isSafeInteger(delay)).toBe(true);
      expect(delay).toBeLessThanOrEqual(86_400_000);
    }
    const uncapped = policy({
      backoff_strategy: 'exponential',
      initial_delay: 100,
      max_delay: Number.MAX_SAFE_INTEGER,
    });
    expect(backoffDelay(uncapped, 25)).toBe(100 * 2 ** 24);
  });

  it('never overflows even far beyond the contract limit', () => {
    expect(backoffDelay(policy({ backoff_strategy: 'exponential' }), 5000)).toBe(60000);
    expect(backoffDelay(policy({ backoff_strategy: 'linear' }), Number.MAX_SAFE_INTEGER)).toBe(60000);
  });

  it('treats attempt numbers below 1 as the first attempt', () => {
    expect(backoffDelay(policy({ backoff_strategy: 'linear' }), 0)).toBe(1000);
    expect(backoffDelay(policy({ backoff_strategy: 'exponential' }), -3)).toBe(1000);
  });
});

describe('isRetryableStatus', () => {
  it('retries 408, 429 and every 5xx by default', () => {
    const p = policy();
    for (const status of [408, 429, 500, 501, 502, 503, 504, 599])
      expect(isRetryableStatus(p, status)).toBe(true);
  });

  it('does not retry other 4xx by default', () => {
    const p = policy();
    for (const status of [400, 401, 403, 404, 405, 409, 410, 413, 422, 428, 430, 499]) {
      expect(isRetryableStatus(p, status)).toBe(false);
    }
  });

  it('uses exactly the listed statuses when retry_on_status is set', () => {
    const p = policy({ retry_on_status: [404, 503] });
    expect(isRetryableStatus(p, 404)).toBe(true);
    expect(isRetryableStatus(p, 503)).toBe(true);
    expect(isRetryableStatus(p, 500)).toBe(false);
    expect(isRetryableStatus(p, 429)).toBe(false);
    expect(isRetryableStatus(p, 408)).toBe(false);
  });

  it('retries no status at all when the list is empty', () => {
    const p = policy({ retry_on_status: [] });
    for (const status of [408, 429, 500, 503]) expect(isRetryableStatus(p, status)).toBe(false);
  });
});
