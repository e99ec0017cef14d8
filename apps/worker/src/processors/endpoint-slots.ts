/**
 * Counts attempts in flight per webhook in this process. A job for a webhook at its cap waits a moment
 * for a slot (a freed slot is handed straight to the oldest waiter); if none frees up, the caller puts
 * the job back instead of holding a worker slot, so a hanging endpoint delays only itself (promise 4).
 */
export class EndpointSlots {
  private readonly inFlight = new Map<string, number>();
  private readonly waiters = new Map<string, (() => void)[]>();

  constructor(private readonly perEndpoint: number) {}

  tryAcquire(webhookId: string): boolean {
    const n = this.inFlight.get(webhookId) ?? 0;
    if (n >= this.perEndpoint) return false;
    this.inFlight.set(webhookId, n + 1);
    return true;
  }

  /** Resolves true with a slot, or false after waitMs without one. */
  acquire(webhookId: string, waitMs: number): Promise<boolean> {
    if (this.tryAcquire(webhookId)) return Promise.resolve(true);
    const queue = this.waiters.get(webhookId) ?? [];
    // At most as many waiting as running: an endpoint never holds more than twice its cap in worker slots.
    if (queue.length >= this.perEndpoint) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiters.set(webhookId, queue);
      const grant = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        if (queue.length === 0) this.waiters.delete(webhookId);
        resolve(false);
      }, waitMs);
      queue.push(grant);
    });
  }

  release(webhookId: string): void {
    const queue = this.waiters.get(webhookId);
    const next = queue?.shift();
    if (queue && queue.length === 0) this.waiters.delete(webhookId);
    // The slot passes to a waiter as it is: the in-flight count stays the same.
    if (next) return next();
    const n = (this.inFlight.get(webhookId) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(webhookId);
    else this.inFlight.set(webhookId, n);
  }
}
