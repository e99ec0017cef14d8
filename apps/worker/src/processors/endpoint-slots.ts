/**
 * Counts attempts in flight per webhook in this process. A webhook at its cap does not hold a worker
 * slot waiting: its job is put back for a moment, so a hanging endpoint delays only itself (promise 4).
 */
export class EndpointSlots {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly perEndpoint: number) {}

  tryAcquire(webhookId: string): boolean {
    const n = this.inFlight.get(webhookId) ?? 0;
    if (n >= this.perEndpoint) return false;
    this.inFlight.set(webhookId, n + 1);
    return true;
  }

  release(webhookId: string): void {
    const n = (this.inFlight.get(webhookId) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(webhookId);
    else this.inFlight.set(webhookId, n);
  }
}
