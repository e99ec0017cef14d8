/** The one place queue names live: the API enqueues, the worker consumes. */
export enum QueueName {
  Deliveries = 'hookpost-deliveries',
}

/** One attempt of one delivery, as the enqueuing side names it. */
export interface AttemptRef {
  deliveryId: string;
  webhookId: string;
  attempt: number;
}

/**
 * Jobs carry ids only; the worker reloads everything from Postgres. A job holds one attempt of one or
 * more deliveries to one webhook: first attempts enqueued in the same turn (concurrent ingests,
 * replays, digests) share a job per webhook, so the queue's cost is paid per batch, not per delivery;
 * retries and the reconciler's jobs hold one delivery. The webhook id lets the worker send a delivery
 * back without claiming it when its endpoint is at its cap and would refuse it anyway.
 */
export interface DeliveryJob {
  deliveryIds: string[];
  webhookId: string;
  attempt: number;
}

/** Jobs enqueued before deliveries were grouped held one `deliveryId`; a queue may still hold some. */
export function deliveryIdsOf(job: DeliveryJob | { deliveryId: string }): string[] {
  return 'deliveryIds' in job ? job.deliveryIds : [job.deliveryId];
}

/**
 * One job id per attempt of a delivery: enqueueing the same attempt twice (a retry, the reconciler) is
 * a no-op in BullMQ, and a job for an attempt already made finds nothing to claim. A group is named by
 * its first delivery, its attempt and its size, which is no such guard: a delivery may also be in a job
 * of its own (the reconciler's, during a long backlog) or in a second group (an enqueue retried request
 * by request); the claim lets only one of them make the attempt.
 */
export function deliveryJobId(deliveryIds: string[], attempt: number): string {
  return deliveryIds.length === 1
    ? `${deliveryIds[0]}.${attempt}`
    : `${deliveryIds[0]}.${attempt}.${deliveryIds.length}`;
}
