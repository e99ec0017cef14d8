import { Inject, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../core.module';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { HttpSender } from '../delivery/http-sender';
import { DeliveryQueue } from '../queue/delivery-queue';
import { AttemptRunner } from './attempt-runner';

class DeliveryResources implements OnApplicationShutdown {
  constructor(
    @Inject(DeliveryQueue) private readonly queue: DeliveryQueue,
    @Inject(HttpSender) private readonly sender: HttpSender,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.sender.close();
  }
}

/** The queue producer, the HTTP sender and the attempt runner: what the API (test pings) and the worker share. */
export function deliveryProviders(config: AppConfig): Provider[] {
  return [
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
    DeliveryResources,
  ];
}
