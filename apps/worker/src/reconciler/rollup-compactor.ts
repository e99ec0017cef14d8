import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Db } from '@hookpost/core/database/db';
import { compactRollups } from '@hookpost/core/stats/rollup-compaction';

/** Past days' rollups stop changing soon after midnight; folding them every few minutes is plenty. */
const COMPACT_EVERY_MS = 10 * 60_000;
const FIRST_COMPACTION_MS = 30_000;

/** Keeps the stats rollups small: folds the shards of past days (see compactRollups). */
@Injectable()
export class RollupCompactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RollupCompactor.name);
  private timers: NodeJS.Timeout[] = [];
  private running?: Promise<void>;

  constructor(private readonly db: Db) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      if (this.running) return;
      this.running = compactRollups(this.db)
        .catch((err) => this.logger.warn({ err: String(err) }, 'rollup compaction failed'))
        .finally(() => (this.running = undefined));
    };
    this.timers.push(
      setTimeout(tick, FIRST_COMPACTION_MS).unref(),
      setInterval(tick, COMPACT_EVERY_MS).unref(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await this.running;
  }
}
