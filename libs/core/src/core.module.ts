import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AccountsRepository } from './accounts/accounts.repository';
import { AppConfig } from './config/app-config';
import { createDataSource } from './database/data-source';
import { Db } from './database/db';
import { createRedis } from './queue/redis';
import { WebhooksRepository } from './webhooks/webhooks.repository';
import { WebhookSummaryRepository } from './stats/webhook-summary.repository';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { EventsRepository } from './events/events.repository';
import { StatsRepository } from './stats/stats.repository';
import { RollupStatsRepository } from './stats/rollup-stats.repository';

export const REDIS = Symbol('REDIS');

@Injectable()
class ConnectionsCloser implements OnApplicationShutdown {
  constructor(
    private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

const repository = <T>(cls: new (db: Db) => T) => ({
  provide: cls,
  useFactory: (db: Db) => new cls(db),
  inject: [Db],
});

/** Config, the Postgres pool, Redis and the repositories: what both apps stand on. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, opts: { poolSize?: number; name: string }): DynamicModule {
    const providers = [
      { provide: AppConfig, useValue: config },
      {
        provide: DataSource,
        useFactory: async () =>
          createDataSource({
            url: config.DATABASE_URL,
            poolSize: opts.poolSize,
            applicationName: opts.name,
          }).initialize(),
      },
      { provide: Db, useFactory: (ds: DataSource) => Db.fromDataSource(ds), inject: [DataSource] },
      { provide: REDIS, useFactory: () => createRedis(config.REDIS_URL, opts.name) },
      repository(AccountsRepository),
      repository(WebhooksRepository),
      repository(WebhookSummaryRepository),
      repository(DeliveriesRepository),
      repository(EventsRepository),
      repository(StatsRepository),
      {
        provide: RollupStatsRepository,
        useFactory: (db: Db, raw: StatsRepository) => new RollupStatsRepository(db, raw),
        inject: [Db, StatsRepository],
      },
      ConnectionsCloser,
    ];
    return {
      module: CoreModule,
      providers,
      exports: providers.filter((p) => p !== ConnectionsCloser).map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}
