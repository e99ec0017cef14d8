import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Db } from '@hookpost/core/database/db';
import { compactRollups } from '@hookpost/core/stats/rollup-compaction';
import { PeriodicTask } from './periodic-task';

/** Past days' rollups stop changing soon after midnight; folding them every few minutes is plenty. */
const COMPACT_EVERY_MS = 10 * 60_000;
const FIRST_COMPACTION_MS = 30_000;

/** Keeps the stats rollups small: folds the shards of past days (see compactRollups). */
@Injectable()
export class RollupCompactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RollupCompactor.name);
  private readonly task = new PeriodicTask(this.logger, 'rollup compaction', () => compactRollups(this.db));

  constructor(private readonly db: Db) {}

  onApplicationBootstrap(): void {
    this.task.start(COMPACT_EVERY_MS, FIRST_COMPACTION_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
