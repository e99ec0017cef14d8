import { Logger } from '@nestjs/common';

/**
 * Runs a sweep on a fixed cadence, never two at once (a slow sweep skips the ticks it overlaps), and
 * logs a failed sweep instead of crashing: the next tick tries again. `stop` waits for the sweep in
 * flight, so shutdown never cuts one in half.
 */
export class PeriodicTask {
  private timers: NodeJS.Timeout[] = [];
  private running?: Promise<void>;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly sweep: () => Promise<unknown>,
  ) {}

  start(everyMs: number, firstAfterMs = everyMs): void {
    const tick = () => {
      if (this.running) return;
      this.running = this.sweep()
        .then(() => undefined)
        .catch((err) => this.logger.warn({ err: String(err) }, `${this.what} failed`))
        .finally(() => (this.running = undefined));
    };
    if (firstAfterMs !== everyMs) this.timers.push(setTimeout(tick, firstAfterMs));
    this.timers.push(setInterval(tick, everyMs));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await this.running;
  }
}
