import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import { AttemptRunner } from '@hookpost/core/attempts/attempt-runner';
import { AppConfig } from '@hookpost/core/config/app-config';
import { CoreModule, REDIS } from '@hookpost/core/core.module';
import { DeliveriesRepository } from '@hookpost/core/deliveries/deliveries.repository';
import { HttpSender } from '@hookpost/core/delivery/http-sender';
import { loggerOptions } from '@hookpost/core/logging/logger-options';
import { DeliveryQueue } from '@hookpost/core/queue/delivery-queue';
import { OpsAlerter } from '@hookpost/core/ops/ops-alerter';
import { DeliveryProcessor } from './processors/delivery.processor';
import { Reconciler } from './reconciler/reconciler';

class WorkerResources implements OnApplicationShutdown {
  constructor(
    @Inject(DeliveryQueue) private readonly queue: DeliveryQueue,
    @Inject(HttpSender) private readonly sender: HttpSender,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.sender.close();
  }
}

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
        { provide: DeliveryQueue, useFactory: (redis: Redis) => new DeliveryQueue(redis), inject: [REDIS] },
        {
          provide: HttpSender,
          useFactory: () => new HttpSender({ allowPrivateDestinations: config.ALLOW_PRIVATE_DESTINATIONS }),
        },
        {
          provide: AttemptRunner,
          useFactory: (d: DeliveriesRepository, s: HttpSender) => new AttemptRunner(d, s),
          inject: [DeliveriesRepository, HttpSender],
        },
        {
          provide: OpsAlerter,
          useFactory: () => new OpsAlerter({ slackWebhookUrl: config.OPS_SLACK_WEBHOOK_URL }),
        },
        DeliveryProcessor,
        Reconciler,
        WorkerResources,
      ],
    };
  }
}
