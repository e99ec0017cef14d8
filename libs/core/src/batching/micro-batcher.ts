export interface MicroBatcherOptions {
  /** Items per batch at most. */
  maxBatch?: number;
  /** How long a batch waits for company before it runs (0: the next `setImmediate`). */
  lingerMs?: number;
  /**
   * Batches running at once at most (2 unless given). Calls made while that many run wait for one to
   * finish and then go together: under load, batches grow with the load instead of the statement count
   * (group commit), and one slow batch does not hold the next back.
   */
  maxInFlight?: number;
}

/**
 * Folds calls made in the same turn of the event loop into one batch call. A delivery worker with two
 * hundred attempts in flight otherwise pays one Postgres round trip, one commit and one plan per call;
 * batched, Postgres does the same work in one statement. Nothing waits on a timer: a batch is flushed
 * on the next `setImmediate`, so a lone call costs no extra latency, unless the batcher is given a
 * linger: then a batch waits up to that long for company (for work off the latency path, where a few
 * milliseconds buy batches several times larger).
 *
 * `run` gets the items in call order and must answer one result per item, in the same order. When a
 * batch of more than one item fails, each item is retried on its own so one bad item (or a deadlock
 * between two batches) fails only its own caller.
 */
export class MicroBatcher<I, O> {
  private pending: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private lingerTimer?: NodeJS.Timeout;
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    options: MicroBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 100;
    this.lingerMs = options.lingerMs ?? 0;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  call(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) this.schedule();
    });
  }

  private schedule(): void {
    this.scheduled = true;
    if (this.lingerMs > 0) this.lingerTimer = setTimeout(() => this.flush(), this.lingerMs);
    else setImmediate(() => this.flush());
  }

  private flush(): void {
    // A batch filled up before its linger ended: that timer has nothing left to do.
    clearTimeout(this.lingerTimer);
    this.scheduled = false;
    // Every slot busy: the calls wait for the batch that finishes first, which flushes them.
    if (this.inFlight >= this.maxInFlight) return;
    const batch = this.pending.splice(0, this.maxBatch);
    if (this.pending.length > 0 && !this.scheduled) this.schedule();
    if (batch.length === 0) return;
    this.inFlight += 1;
    void this.settle(batch).finally(() => {
      this.inFlight -= 1;
      if (this.pending.length > 0) this.flush();
    });
  }

  private async settle(batch: typeof this.pending): Promise<void> {
    try {
      const results = await this.run(batch.map((b) => b.item));
      if (results.length !== batch.length) {
        throw new Error(`batch answered ${results.length} results for ${batch.length} items`);
      }
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
      for (const b of batch) {
        try {
          const [result] = await this.run([b.item]);
          b.resolve(result);
        } catch (e) {
          b.reject(e);
        }
      }
    }
  }
}
