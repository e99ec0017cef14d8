import {
  BadRequestException,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { isEventType, TEST_PING } from '@hookpost/core/event-types/catalog';
import { EventsRepository } from '@hookpost/core/events/events.repository';
import { fromPublicId, newUuid, toPublicId } from '@hookpost/core/ids/ids';
import { DeliveryQueue } from '@hookpost/core/queue/delivery-queue';
import { PublishEventDto } from './publish-event.dto';

export function checkPublishableType(type: string): void {
  if (type === TEST_PING) {
    throw new UnprocessableEntityException('test.ping cannot be published; use POST /api/webhooks/{id}/test');
  }
  if (!isEventType(type)) {
    throw new UnprocessableEntityException(`unknown event type "${type}"; see GET /api/event-types`);
  }
}

@Injectable()
export class EventsService {
  private readonly logger = new Logger(EventsService.name);

  constructor(
    private readonly events: EventsRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  async publish(accountId: string, dto: PublishEventDto, idempotencyKey: string | undefined) {
    if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 255)) {
      throw new BadRequestException(['Idempotency-Key header must be 1 to 255 characters']);
    }
    checkPublishableType(dto.event);
    return this.ingest(accountId, dto.event, dto.project_id ?? null, dto.data, idempotencyKey ?? null);
  }

  /** Stores an event with its deliveries, enqueues them, and answers API.md's 202 body. */
  async ingest(
    accountId: string,
    type: string,
    projectId: string | null,
    data: object,
    idempotencyKey: string | null,
  ) {
    const result = await this.events.ingest(accountId, newUuid(), {
      type,
      projectId,
      dataJson: JSON.stringify(data),
      idempotencyKey,
    });
    if (!result.replayed) {
      // Committed already, so the answer does not wait for Redis: the jobs are hints, and any enqueue that
      // fails or never happens (Redis away, the process dies now) is done by the reconciler (promise 1).
      void this.queue
        .enqueueFirstAttempts(result.deliveries)
        .catch((err) =>
          this.logger.warn(
            { err: String(err), count: result.deliveries.length },
            'enqueue failed; reconciler will retry',
          ),
        );
    }
    const e = result.event;
    return {
      event_id: toPublicId('event', e.id),
      event: e.type,
      project_id: e.project_id,
      timestamp: e.created_at.toISOString(),
      deliveries: e.delivery_count,
    };
  }

  async get(accountId: string, publicId: string) {
    const id = fromPublicId('event', publicId);
    const event = id ? await this.events.find(accountId, id) : null;
    if (!event) throw new NotFoundException('event not found');
    const deliveries = await this.events.deliveriesOf(accountId, event.id);
    return {
      event_id: toPublicId('event', event.id),
      event: event.type,
      project_id: event.project_id,
      timestamp: event.created_at.toISOString(),
      data: event.data,
      deliveries: deliveries.map((d) => ({
        delivery_id: toPublicId('del', d.id),
        webhook_id: toPublicId('webhook', d.webhook_id),
        status: d.status,
        attempts: d.attempts,
      })),
    };
  }
}
