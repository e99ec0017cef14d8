import {
  BadRequestException,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { AttemptRunner } from '@hookpost/core/attempts/attempt-runner';
import { DeliveriesRepository } from '@hookpost/core/deliveries/deliveries.repository';
import { isEventType, TEST_PING } from '@hookpost/core/event-types/catalog';
import { EventsRepository } from '@hookpost/core/events/events.repository';
import { fromPublicId, newUuid, toPublicId } from '@hookpost/core/ids/ids';
import { DeliveryQueue, DeliveryRef } from '@hookpost/core/queue/delivery-queue';
import { successRate, WebhookSummaryRepository } from '@hookpost/core/stats/webhook-summary.repository';
import { WebhooksService } from '../webhooks/webhooks.service';
import { DeliveryHistoryQuery, RecoverDto, TestWebhookDto } from './deliveries.dto';
import { presentAttempt, presentDelivery } from './delivery.presenter';

const DEFAULT_TEST_PAYLOAD = { message: 'This is a test webhook delivery' };

function parseRange(start?: string, end?: string): { start?: Date; end?: Date } {
  const range = { start: start ? new Date(start) : undefined, end: end ? new Date(end) : undefined };
  if (range.start && range.end && range.start > range.end) {
    throw new BadRequestException(['start_date must not be after end_date']);
  }
  return range;
}

@Injectable()
export class DeliveriesService {
  private readonly logger = new Logger(DeliveriesService.name);

  constructor(
    private readonly webhooks: WebhooksService,
    private readonly deliveries: DeliveriesRepository,
    private readonly events: EventsRepository,
    private readonly summaries: WebhookSummaryRepository,
    private readonly queue: DeliveryQueue,
    private readonly runner: AttemptRunner,
  ) {}

  private async loadDelivery(accountId: string, webhookId: string, publicId: string) {
    const id = fromPublicId('del', publicId);
    const row = id ? await this.deliveries.find(accountId, webhookId, id) : null;
    if (!row) throw new NotFoundException('delivery not found');
    return row;
  }

  async history(accountId: string, webhookPublicId: string, q: DeliveryHistoryQuery) {
    const webhook = await this.webhooks.load(accountId, webhookPublicId);
    const range = parseRange(q.start_date, q.end_date);
    const [{ items, total }, s] = await Promise.all([
      this.deliveries.listForWebhook(accountId, webhook.id, {
        status: q.status,
        event_type: q.event_type,
        start_date: range.start,
        end_date: range.end,
        limit: q.limit,
        offset: q.offset,
      }),
      this.summaries.forWebhook(accountId, webhook.id),
    ]);
    return {
      deliveries: items.map(presentDelivery),
      total,
      pagination: { limit: q.limit, offset: q.offset, has_more: q.offset + items.length < total },
      stats: {
        total_deliveries: s.total_deliveries,
        successful_deliveries: s.successful_deliveries,
        failed_deliveries: s.failed_deliveries,
        pending_deliveries: s.pending_deliveries,
        success_rate: successRate(s.successful_deliveries, s.failed_deliveries),
      },
    };
  }

  async detail(accountId: string, webhookPublicId: string, deliveryPublicId: string) {
    const webhook = await this.webhooks.load(accountId, webhookPublicId);
    const row = await this.loadDelivery(accountId, webhook.id, deliveryPublicId);
    const attempts = await this.deliveries.attempts(row.id);
    return { ...presentDelivery(row), attempt_history: attempts.map(presentAttempt) };
  }

  async redeliver(accountId: string, webhookPublicId: string, deliveryPublicId: string) {
    const webhook = await this.webhooks.load(accountId, webhookPublicId);
    const original = await this.loadDelivery(accountId, webhook.id, deliveryPublicId);
    const created = await this.deliveries.redeliver(accountId, webhook.id, original.id);
    await this.enqueue([created]);
    return {
      delivery_id: toPublicId('del', created.id),
      original_delivery_id: toPublicId('del', original.id),
      event_type: original.event_type,
      status: 'pending',
      scheduled_at: created.created_at.toISOString(),
      webhook_url: webhook.url,
    };
  }

  async recover(accountId: string, webhookPublicId: string, dto: RecoverDto) {
    const webhook = await this.webhooks.load(accountId, webhookPublicId);
    const since = new Date(dto.since);
    const until = dto.until ? new Date(dto.until) : new Date();
    if (since > until) throw new BadRequestException(['since must not be after until']);
    const recovered = await this.deliveries.recover(accountId, webhook.id, since, until);
    await this.enqueue(recovered);
    return { recovered: recovered.length };
  }

  /** One attempt now, synchronously, even to an inactive webhook, never retried; recorded like any other. */
  async test(accountId: string, webhookPublicId: string, dto: TestWebhookDto) {
    const webhook = await this.webhooks.load(accountId, webhookPublicId);
    const eventType = dto.event_type ?? TEST_PING;
    if (!isEventType(eventType)) {
      throw new UnprocessableEntityException(`unknown event type "${eventType}"; see GET /api/event-types`);
    }
    const deliveryId = newUuid();
    await this.events.insertTest(
      accountId,
      newUuid(),
      deliveryId,
      webhook.id,
      eventType,
      JSON.stringify(dto.payload ?? DEFAULT_TEST_PAYLOAD),
    );
    const outcome = await this.runner.run(deliveryId, 1, { policyOverride: { max_attempts: 1 } });
    if (!outcome || outcome === 'deferred') throw new Error('test delivery could not be claimed');
    const response = outcome.result.kind === 'response' ? outcome.result : null;
    const success = outcome.decision.kind === 'success';
    return {
      delivery_id: toPublicId('del', deliveryId),
      event_type: eventType,
      status: success ? 'success' : 'failed',
      response_code: response ? response.status : null,
      response_time: outcome.result.responseTimeMs,
      response_body: response ? response.body : null,
      delivered_at: outcome.finishedAt.toISOString(),
      attempts: 1,
      webhook_url: webhook.url,
      ...(outcome.decision.kind !== 'success' ? { error: outcome.decision.error } : {}),
    };
  }

  private async enqueue(refs: DeliveryRef[]): Promise<void> {
    await this.queue
      .enqueueFirstAttempts(refs)
      .catch((err) =>
        this.logger.warn({ err: String(err), count: refs.length }, 'enqueue failed; reconciler will retry'),
      );
  }
}
