import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '@hookpost/core/config/app-config';
import { CoreModule } from '@hookpost/core/core.module';
import { deliveryProviders } from '@hookpost/core/attempts/delivery-providers';
import { loggerOptions } from '@hookpost/core/logging/logger-options';
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
        ...deliveryProviders(config),
      ],
    };
  }
}
