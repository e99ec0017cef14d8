import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Db } from '@hookpost/core/database/db';
import { compactRollups } from '@hookpost/core/stats/rollup-compaction';
import { ThrottleWindowsRepository } from '@hookpost/core/throttle/throttle-windows.repository';
import { PeriodicTask } from './periodic-task';

/**
 * Past days' rollups stop changing soon after midnight and settled throttle windows only pile up;
 * dealing with both every few minutes is plenty.
 */
const HOUSEKEEPING_EVERY_MS = 10 * 60_000;
const FIRST_HOUSEKEEPING_MS = 30_000;

/**
 * Keeps the tables that would otherwise only grow small: folds the shards of past days' rollups (see
 * compactRollups) and deletes settled throttle windows.
 */
@Injectable()
export class Housekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Housekeeping.name);
  private readonly task = new PeriodicTask(this.logger, 'housekeeping', () => this.run());

  constructor(
    private readonly db: Db,
    private readonly windows: ThrottleWindowsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(HOUSEKEEPING_EVERY_MS, FIRST_HOUSEKEEPING_MS);
  }

  /** Each chore on its own: one that fails (and is logged) does not keep the other from running. */
  async run(): Promise<void> {
    await this.chore('rollup compaction', () => compactRollups(this.db));
    await this.chore('throttle window pruning', async () => {
      const pruned = await this.windows.pruneSettled();
      if (pruned > 0) this.logger.log({ count: pruned }, 'pruned settled throttle windows');
    });
  }

  private async chore(what: string, work: () => Promise<void>): Promise<void> {
    await work().catch((err) => this.logger.warn({ err: String(err) }, `${what} failed`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
