import { parseRetryAfter } from './retry-after';
import { backoffDelay, isRetryableStatus, RetryPolicy } from './retry-policy';
import { isSuccessStatus, SendResult, sendResultError } from './send-result';

export type AttemptDecision =
  | { kind: 'success' }
  | { kind: 'retry'; delayMs: number; error: string | null }
  | { kind: 'fail'; error: string | null };

/** What to do after attempt `attemptNumber` (1-based) produced `result`, under the webhook's policy. */
export function decideAttempt(
  policy: RetryPolicy,
  attemptNumber: number,
  result: SendResult,
  now: Date,
): AttemptDecision {
  if (result.kind === 'response' && isSuccessStatus(result.status)) return { kind: 'success' };
  const error = sendResultError(result);
  if (!isRetryable(policy, result) || attemptNumber >= policy.max_attempts) return { kind: 'fail', error };
  return { kind: 'retry', delayMs: retryDelay(policy, attemptNumber, result, now), error };
}

function isRetryable(policy: RetryPolicy, result: SendResult): boolean {
  switch (result.kind) {
    case 'response':
      // Redirects are not followed, and following one by retrying would not help either.
      if (result.status >= 300 && result.status <= 399) return false;
      return isRetryableStatus(policy, result.status);
    case 'timeout':
      return policy.retry_on_timeout;
    case 'network':
      return true;
    case 'forbidden_destination':
      return false;
  }
}

function retryDelay(policy: RetryPolicy, attemptNumber: number, result: SendResult, now: Date): number {
  if (result.kind === 'response' && (result.status === 429 || result.status === 503)) {
    const asked = parseRetryAfter(header(result.headers, 'retry-after'), now);
    if (asked !== undefined) return Math.min(asked, policy.max_delay);
  }
  return backoffDelay(policy, attemptNumber);
}

// The sender lower-cases names, but a hand-built result should not silently lose its Retry-After.
function header(headers: Record<string, string>, name: string): string | undefined {
  if (Object.hasOwn(headers, name)) return headers[name];
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
