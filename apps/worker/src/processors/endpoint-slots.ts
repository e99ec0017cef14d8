/** An attempt in flight to one endpoint; release it once the attempt has ended. */
export interface Slot {
  release(): void;
}

/** No slot now: put the job back for this long. */
export interface Busy {
  retryInMs: number;
}

/**
 * Attempts that hold their slot longer than this make the endpoint slow. Not lower: on a busy machine a
 * GC pause or a stolen CPU slice stretches every exchange in flight by a few hundred ms, and calling
 * every endpoint slow then sent healthy jobs through the queue for seconds.
 */
export const SLOW_HOLD_MS = 1_000;
const FAST_BUSY_RETRY_MS = 100;
/**
 * A fast endpoint with all its waiting places taken has a backlog; its jobs come back after half a
 * second rather than bouncing through the queue every few milliseconds (that churn alone once cost more
 * Redis and worker CPU than the deliveries, and the backlog grew from it), and not much later either:
 * the wait is latency its deliveries keep.
 */
export const CROWDED_RETRY_MS = 500;
const MAX_SLOW_RETRY_MS = 5_000;
/** How much the newest hold time weighs in an endpoint's running average. */
const HOLD_WEIGHT = 0.2;
const MAX_REMEMBERED_ENDPOINTS = 10_000;

interface Endpoint {
  running: Set<{ since: number }>;
  waiters: ((slot: Slot) => void)[];
  /** Jobs let in by `enter` that have not asked for their slot yet (their claim is on its way). */
  incoming: number;
}

/** A job let in to an endpoint: it asks for its slot once its claim is held, or leaves. */
export interface Entry {
  acquire(waitMs: number): Promise<Slot | Busy>;
  leave(): void;
}

/**
 * Caps attempts in flight per webhook in this process (promise 4). A job over the cap of a fast
 * endpoint waits in-process for a slot (a freed slot goes straight to the oldest waiter): slots turn
 * over in milliseconds, and putting hundreds of jobs back on the queue every 100 ms would cost more
 * Redis and CPU than the deliveries themselves. A job for a slow endpoint (slots held for longer than
 * SLOW_HOLD_MS, on average or right now) goes back to the queue at once, for about as long as that
 * endpoint holds a slot. Waiters of one endpoint are bounded (the worker passes half its concurrency)
 * and look again as they wait, so an endpoint that starts hanging holds at most its cap in worker
 * slots after SLOW_HOLD_MS, and never more than that bound before.
 */
export class EndpointSlots {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly holdMs = new Map<string, number>();

  /**
   * `maxWaiting` bounds the waiters of an endpoint not known to be fast; one known to be fast may have
   * as many waiters as it serves within SLOW_HOLD_MS, up to `maxWaitingFast`. Otherwise a backlog of one
   * fast endpoint, fetched by every free worker slot, was refused at `maxWaiting` and each refused
   * slot fetched the next job of that endpoint at once: the worker spun jobs through the delayed set
   * (a thousand of them there at once at 1,000/s), Redis CPU doubled and the backlog grew.
   */
  constructor(
    private readonly perEndpoint: number,
    private readonly maxWaiting: number,
    private readonly now: () => number = Date.now,
    private readonly maxWaitingFast: number = maxWaiting,
  ) {}

  /**
   * Lets a job in before it claims its delivery, or sends it back at once (its endpoint is at its cap
   * and slow, or every waiting place is taken or spoken for): a job refused here costs no claim. Jobs
   * let in count against the waiting places until they acquire or leave, so a burst fetched together
   * does not claim more deliveries than the endpoint can take, only to give the claims back.
   */
  enter(webhookId: string): Entry | Busy {
    const ep = this.endpoint(webhookId);
    const refused = this.refusal(webhookId, ep, ep.incoming);
    if (refused) {
      this.forgetIfIdle(webhookId, ep);
      return refused;
    }
    ep.incoming++;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      ep.incoming--;
      this.forgetIfIdle(webhookId, ep);
    };
    return {
      acquire: (waitMs) => {
        leave();
        return this.acquire(webhookId, waitMs);
      },
      leave,
    };
  }

  acquire(webhookId: string, waitMs: number): Promise<Slot | Busy> {
    const ep = this.endpoint(webhookId);
    if (ep.running.size < this.perEndpoint) return Promise.resolve(this.take(webhookId, ep));
    const refused = this.refusal(webhookId, ep, 0);
    if (refused) return Promise.resolve(refused);
    const until = this.now() + waitMs;
    return new Promise((resolve) => {
      const grant = (slot: Slot) => {
        clearTimeout(timer);
        resolve(slot);
      };
      const giveUp = (busy: Busy) => {
        const i = ep.waiters.indexOf(grant);
        if (i >= 0) ep.waiters.splice(i, 1);
        resolve(busy);
      };
      // Looks again every SLOW_HOLD_MS: an endpoint that starts hanging while jobs wait sends them back.
      const check = () => {
        const slow = this.slowFor(webhookId, ep);
        if (slow !== null) return giveUp({ retryInMs: slow });
        const left = until - this.now();
        if (left <= 0) return giveUp({ retryInMs: FAST_BUSY_RETRY_MS });
        timer = setTimeout(check, Math.min(left, SLOW_HOLD_MS));
      };
      let timer = setTimeout(check, Math.min(waitMs, SLOW_HOLD_MS));
      ep.waiters.push(grant);
    });
  }

  private endpoint(webhookId: string): Endpoint {
    let ep = this.endpoints.get(webhookId);
    if (!ep) {
      ep = { running: new Set(), waiters: [], incoming: 0 };
      this.endpoints.set(webhookId, ep);
    }
    return ep;
  }

  private forgetIfIdle(webhookId: string, ep: Endpoint): void {
    if (ep.running.size === 0 && ep.waiters.length === 0 && ep.incoming === 0)
      this.endpoints.delete(webhookId);
  }

  /**
   * Why a job is sent back: its endpoint is at its cap and slow, or the cap and every waiting place are
   * taken (counting `spokenFor` jobs on their way); null to go on.
   */
  private refusal(webhookId: string, ep: Endpoint, spokenFor: number): Busy | null {
    if (ep.running.size >= this.perEndpoint) {
      const slowFor = this.slowFor(webhookId, ep);
      if (slowFor !== null) return { retryInMs: slowFor };
    }
    const occupied = ep.running.size + ep.waiters.length + spokenFor;
    return occupied >= this.perEndpoint + this.waitingPlaces(webhookId)
      ? { retryInMs: CROWDED_RETRY_MS }
      : null;
  }

  /** As many waiters as the endpoint serves within SLOW_HOLD_MS at its average hold, within the bounds. */
  private waitingPlaces(webhookId: string): number {
    const hold = this.holdMs.get(webhookId);
    if (hold === undefined) return this.maxWaiting;
    const servedInTime = Math.floor((this.perEndpoint * SLOW_HOLD_MS) / Math.max(hold, 1));
    return Math.min(this.maxWaitingFast, Math.max(this.maxWaiting, servedInTime));
  }

  /** How long to put a job back when its endpoint is slow, or null while it is fast. */
  private slowFor(webhookId: string, ep: Endpoint): number | null {
    const now = this.now();
    let oldest = 0;
    for (const r of ep.running) oldest = Math.max(oldest, now - r.since);
    const hold = Math.max(this.holdMs.get(webhookId) ?? 0, oldest);
    if (hold <= SLOW_HOLD_MS) return null;
    return Math.min(MAX_SLOW_RETRY_MS, hold);
  }

  private take(webhookId: string, ep: Endpoint): Slot {
    const entry = { since: this.now() };
    ep.running.add(entry);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        ep.running.delete(entry);
        this.remember(webhookId, this.now() - entry.since);
        const next = ep.waiters.shift();
        if (next) next(this.take(webhookId, ep));
        else this.forgetIfIdle(webhookId, ep);
      },
    };
  }

  private remember(webhookId: string, heldMs: number): void {
    const before = this.holdMs.get(webhookId);
    if (before === undefined && this.holdMs.size >= MAX_REMEMBERED_ENDPOINTS) this.holdMs.clear();
    this.holdMs.set(webhookId, before === undefined ? heldMs : before + HOLD_WEIGHT * (heldMs - before));
  }
}
