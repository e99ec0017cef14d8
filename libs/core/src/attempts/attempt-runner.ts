import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { ClaimedDelivery } from '../deliveries/delivery';
import { AttemptDecision, decideAttempt } from '../delivery/attempt-decision';
import { HttpSender } from '../delivery/http-sender';
import { RetryPolicy, withPolicyDefaults } from '../delivery/retry-policy';
import { SendResult } from '../delivery/send-result';
import { prepareRequest } from './request-builder';

const GIVE_BACK_TRIES = 3;

export interface AttemptOutcome {
  delivery: ClaimedDelivery;
  result: SendResult;
  decision: AttemptDecision;
  finishedAt: Date;
  nextAttemptAt: Date | null;
}

/**
 * One attempt of one delivery: claim (lease + attempt row) → prepare → send → record success, retry or
 * failure. Scheduling the retry job is the caller's, after the record is durable.
 */
export class AttemptRunner {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly sender: HttpSender,
  ) {}

  /**
   * Null when the attempt is not ours to make (already made, leased, or the delivery has ended).
   * `beforeSend` runs once the claim is held and may refuse: the claim is then given back (no attempt
   * made, none counted) and the run answers `deferred`. It is where the endpoint's slot is taken, so a
   * slot covers the HTTP exchange only, not the claim's trip to Postgres. `afterSend` runs once the
   * exchange is over, before the result is recorded: the endpoint is free again then.
   */
  async run(
    deliveryId: string,
    attempt: number,
    opts: {
      policyOverride?: Partial<RetryPolicy>;
      beforeSend?: () => Promise<boolean>;
      afterSend?: () => void;
    } = {},
  ): Promise<AttemptOutcome | 'deferred' | null> {
    const delivery = await this.deliveries.claim(deliveryId, attempt);
    if (!delivery) return null;
    if (opts.beforeSend && !(await opts.beforeSend())) {
      await this.giveBack(deliveryId, attempt);
      return 'deferred';
    }
    const request = prepareRequest(delivery, new Date());
    const result = await this.sender.send({
      url: delivery.url,
      headers: request.headers,
      body: request.body,
      timeoutMs: delivery.timeout * 1000,
    });
    opts.afterSend?.();
    const finishedAt = new Date();
    const policy = withPolicyDefaults({ ...delivery.retry_policy, ...(opts.policyOverride ?? {}) });
    const decision = decideAttempt(policy, attempt, result, finishedAt);
    const nextAttemptAt =
      decision.kind === 'retry' ? new Date(finishedAt.getTime() + decision.delayMs) : null;
    const response = result.kind === 'response' ? result : null;
    await this.deliveries.record({
      deliveryId,
      attempt,
      finishedAt,
      responseCode: response ? response.status : null,
      responseTime: result.responseTimeMs,
      // Postgres text cannot hold NUL; a receiver's binary junk must not fail the record.
      responseBody: response ? response.body.replaceAll('\u0000', '') : null,
      error: decision.kind === 'success' ? null : decision.error,
      status: decision.kind === 'success' ? 'success' : decision.kind === 'retry' ? 'pending' : 'failed',
      nextAttemptAt,
    });
    return { delivery, result, decision, finishedAt, nextAttemptAt };
  }

  /**
   * A claim that is not given back would stand until its lease ran out and then be closed as an
   * interrupted attempt, one the receiver never saw: a brief Postgres hiccup is worth a few tries.
   */
  private async giveBack(deliveryId: string, attempt: number): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.deliveries.release(deliveryId, attempt);
      } catch (err) {
        if (tries >= GIVE_BACK_TRIES) throw err;
        await new Promise((r) => setTimeout(r, 100 * tries));
      }
    }
  }
}
