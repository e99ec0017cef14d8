/** The one place queue names live: the API enqueues, the worker consumes. */
export enum QueueName {
  Deliveries = 'hookpost-deliveries',
}

/**
 * Jobs carry ids only; the worker reloads everything from Postgres. The webhook id lets the worker send
 * a job back without claiming it when its endpoint is at its cap and would refuse it anyway.
 */
export interface DeliveryJob {
  deliveryId: string;
  webhookId: string;
  attempt: number;
}

/**
 * One job id per attempt of a delivery: enqueueing the same attempt twice (the API, a retry, the
 * reconciler) is a no-op in BullMQ, and a job for an attempt already made finds nothing to claim.
 */
export function deliveryJobId(deliveryId: string, attempt: number): string {
  return `${deliveryId}.${attempt}`;
}
