export type BackoffStrategy = 'linear' | 'exponential' | 'fixed';

export interface RetryPolicy {
  max_attempts: number;
  backoff_strategy: BackoffStrategy;
  initial_delay: number;
  max_delay: number;
  retry_on_status?: number[];
  retry_on_timeout: boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  max_attempts: 3,
  backoff_strategy: 'exponential',
  initial_delay: 1000,
  max_delay: 60000,
  retry_on_timeout: true,
}) as RetryPolicy;

/**
 * The full policy from a stored or submitted partial one. `retry_on_status` stays absent unless it
 * was given, because responses show it only when set and its absence selects the default set.
 */
export function withPolicyDefaults(partial: Partial<RetryPolicy> | null | undefined): RetryPolicy {
  const given = partial ?? {};
  const policy: RetryPolicy = {
    max_attempts: given.max_attempts ?? DEFAULT_RETRY_POLICY.max_attempts,
    backoff_strategy: given.backoff_strategy ?? DEFAULT_RETRY_POLICY.backoff_strategy,
    initial_delay: given.initial_delay ?? DEFAULT_RETRY_POLICY.initial_delay,
    max_delay: given.max_delay ?? DEFAULT_RETRY_POLICY.max_delay,
    retry_on_timeout: given.retry_on_timeout ?? DEFAULT_RETRY_POLICY.retry_on_timeout,
  };
  if (given.retry_on_status != null) policy.retry_on_status = [...given.retry_on_status];
  return policy;
}

/** Delay in ms before attempt n+1 after attempt n (n >= 1) failed, capped at `max_delay`. */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  const n = Math.max(1, Math.floor(failedAttempt));
  let delay: number;
  switch (policy.backoff_strategy) {
    case 'linear':
      delay = policy.initial_delay * n;
      break;
    case 'exponential':
      // 2 ** (n - 1) grows to Infinity only past n = 1024, and Math.min tames that too.
      delay = policy.initial_delay * 2 ** (n - 1);
      break;
    case 'fixed':
      delay = policy.initial_delay;
      break;
  }
  return Math.min(delay, policy.max_delay);
}

/** Without `retry_on_status`: 408, 429 and every status >= 500. With it: exactly the listed ones. */
export function isRetryableStatus(policy: RetryPolicy, status: number): boolean {
  if (policy.retry_on_status) return policy.retry_on_status.includes(status);
  return status === 408 || status === 429 || status >= 500;
}
