import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '@hookpost/core/config/app-config';
import { generateSecret } from '@hookpost/core/delivery/signing';
import { literalForbiddenHost } from '@hookpost/core/delivery/ssrf';
import { RetryPolicy, withPolicyDefaults } from '@hookpost/core/delivery/retry-policy';
import { DeliveriesRepository } from '@hookpost/core/deliveries/deliveries.repository';
import { fromPublicId, newUuid } from '@hookpost/core/ids/ids';
import { EMPTY_SUMMARY, WebhookSummaryRepository } from '@hookpost/core/stats/webhook-summary.repository';
import { normalizeThrottle } from '@hookpost/core/throttle/throttle';
import { Webhook, WebhookPatch } from '@hookpost/core/webhooks/webhook';
import { WebhooksRepository } from '@hookpost/core/webhooks/webhooks.repository';
import { presentRecentDelivery } from '../deliveries/delivery.presenter';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { ListWebhooksQuery } from './dto/list-webhooks.query';
import { RetryPolicyDto } from './dto/retry-policy.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { presentDetailStats, presentListStats, presentWebhook } from './webhook.presenter';

export const webhookNotFound = () => new NotFoundException('webhook not found');

/** The stored policy: defaults filled in, retry_on_status kept only when it was set (API.md). */
function storedPolicy(current: Partial<RetryPolicy>, given: RetryPolicyDto | undefined): RetryPolicy {
  const merged = withPolicyDefaults({
    ...current,
    ...Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined)),
  });
  if (merged.max_delay < merged.initial_delay) {
    throw new BadRequestException([
      `retry_policy.max_delay (${merged.max_delay}) must be greater than or equal to retry_policy.initial_delay (${merged.initial_delay})`,
    ]);
  }
  if (merged.retry_on_status)
    merged.retry_on_status = [...new Set(merged.retry_on_status)].sort((a, b) => a - b);
  else delete merged.retry_on_status;
  return merged;
}

@Injectable()
export class WebhooksService {
  constructor(
    private readonly config: AppConfig,
    private readonly webhooks: WebhooksRepository,
    private readonly summaries: WebhookSummaryRepository,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  /** Loads a webhook of this account by its public id; any other id is simply not found. */
  async load(accountId: string, publicId: string): Promise<Webhook> {
    const id = fromPublicId('webhook', publicId);
    const webhook = id ? await this.webhooks.find(accountId, id) : null;
    if (!webhook) throw webhookNotFound();
    return webhook;
  }

  private checkDestination(url: string | undefined): void {
    if (url === undefined || this.config.ALLOW_PRIVATE_DESTINATIONS) return;
    if (literalForbiddenHost(url)) {
      throw new BadRequestException([
        'url points to a loopback, private, link-local or otherwise reserved address, which is not allowed',
      ]);
    }
  }

  async create(accountId: string, dto: CreateWebhookDto) {
    this.checkDestination(dto.url);
    const created = await this.webhooks.insert({
      id: newUuid(),
      account_id: accountId,
      url: dto.url,
      events: [...new Set(dto.events)],
      name: dto.name,
      description: dto.description ?? null,
      secret: dto.secret ?? generateSecret(),
      active: dto.active ?? true,
      project_id: dto.project_id ?? null,
      headers: dto.headers ?? {},
      timeout: dto.timeout ?? 30,
      retry_policy: storedPolicy({}, dto.retry_policy),
      format: dto.format ?? 'json',
      template: dto.template ?? null,
      throttle: dto.throttle ? normalizeThrottle(dto.throttle) : null,
      created_by: accountId,
    });
    return {
      ...presentWebhook(created, { secret: true, headers: true }),
      stats: presentListStats(EMPTY_SUMMARY),
    };
  }

  async list(accountId: string, q: ListWebhooksQuery) {
    const { items, total } = await this.webhooks.list(accountId, q);
    const stats = await this.summaries.forWebhooks(
      accountId,
      items.map((w) => w.id),
    );
    return {
      webhooks: items.map((w) => ({
        ...presentWebhook(w, { secret: false, headers: false }),
        stats: presentListStats(stats.get(w.id) ?? EMPTY_SUMMARY),
      })),
      total,
      pagination: { limit: q.limit, offset: q.offset, has_more: q.offset + items.length < total },
    };
  }

  async get(accountId: string, publicId: string) {
    const webhook = await this.load(accountId, publicId);
    const [summary, recent] = await Promise.all([
      this.summaries.forWebhook(accountId, webhook.id),
      this.deliveries.recent(accountId, webhook.id, 10),
    ]);
    return {
      ...presentWebhook(webhook, { secret: true, headers: true }),
      stats: presentDetailStats(summary),
      recent_deliveries: recent.map(presentRecentDelivery),
    };
  }

  async update(accountId: string, publicId: string, dto: UpdateWebhookDto) {
    const current = await this.load(accountId, publicId);
    this.checkDestination(dto.url);
    const patch: WebhookPatch = {
      url: dto.url,
      events: dto.events ? [...new Set(dto.events)] : undefined,
      name: dto.name,
      description: dto.description,
      secret: dto.secret,
      active: dto.active,
      project_id: dto.project_id,
      headers: dto.headers,
      timeout: dto.timeout,
      retry_policy: dto.retry_policy ? storedPolicy(current.retry_policy, dto.retry_policy) : undefined,
      format: dto.format,
      template: dto.template,
      throttle: dto.throttle ? normalizeThrottle(dto.throttle) : dto.throttle,
    };
    const updated = await this.webhooks.update(accountId, current.id, patch);
    if (!updated) throw webhookNotFound();
    return presentWebhook(updated, { secret: false, headers: true });
  }

  async remove(accountId: string, publicId: string) {
    const webhook = await this.load(accountId, publicId);
    const deleted = await this.webhooks.softDelete(accountId, webhook.id);
    if (!deleted) throw webhookNotFound();
    return {
      message: 'Webhook deleted successfully',
      webhook_id: publicId,
      deleted_at: deleted.deleted_at.toISOString(),
    };
  }
}
