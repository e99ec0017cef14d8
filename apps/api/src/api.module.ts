import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { Redis } from 'ioredis';
import { AttemptRunner } from '@hookpost/core/attempts/attempt-runner';
import { AppConfig } from '@hookpost/core/config/app-config';
import { CoreModule, REDIS } from '@hookpost/core/core.module';
import { DeliveriesRepository } from '@hookpost/core/deliveries/deliveries.repository';
import { HttpSender } from '@hookpost/core/delivery/http-sender';
import { loggerOptions } from '@hookpost/core/logging/logger-options';
import { DeliveryQueue } from '@hookpost/core/queue/delivery-queue';
import { ApiKeyGuard } from './auth/api-key.guard';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveriesService } from './deliveries/deliveries.service';
import { EventTypesController } from './event-types/event-types.controller';
import { EventsController } from './events/events.controller';
import { EventsService } from './events/events.service';
import { HealthController } from './health/health.controller';
import { SourcesController } from './sources/sources.controller';
import { StatsController } from './stats/stats.controller';
import { StatsService } from './stats/stats.service';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

class ApiResources implements OnApplicationShutdown {
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
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config, { name: 'api', poolSize: 20 }),
        LoggerModule.forRoot(loggerOptions(config, 'api')),
      ],
      controllers: [
        HealthController,
        WebhooksController,
        EventTypesController,
        EventsController,
        DeliveriesController,
        StatsController,
        SourcesController,
      ],
      providers: [
        ApiKeyGuard,
        WebhooksService,
        EventsService,
        DeliveriesService,
        StatsService,
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
        ApiResources,
      ],
    };
  }
}
