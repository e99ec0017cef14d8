import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '@hookpost/core/config/app-config';
import { CoreModule } from '@hookpost/core/core.module';
import { deliveryProviders } from '@hookpost/core/attempts/delivery-providers';
import { loggerOptions } from '@hookpost/core/logging/logger-options';
import { Db } from '@hookpost/core/database/db';
import { OpsAlerter } from '@hookpost/core/ops/ops-alerter';
import { ThrottleWindowsRepository } from '@hookpost/core/throttle/throttle-windows.repository';
import { DeliveryProcessor } from './processors/delivery.processor';
import { Housekeeping } from './reconciler/housekeeping';
import { DigestSweeper } from './reconciler/digest-sweeper';
import { Reconciler } from './reconciler/reconciler';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, { name: 'worker', poolSize: 30 }),
        LoggerModule.forRoot(loggerOptions(config, 'worker')),
      ],
      providers: [
        ...deliveryProviders(config),
        {
          provide: OpsAlerter,
          useFactory: () => new OpsAlerter({ slackWebhookUrl: config.OPS_SLACK_WEBHOOK_URL }),
        },
        DeliveryProcessor,
        Reconciler,
        {
          provide: ThrottleWindowsRepository,
          useFactory: (db: Db) => new ThrottleWindowsRepository(db),
          inject: [Db],
        },
        DigestSweeper,
        Housekeeping,
      ],
    };
  }
}
