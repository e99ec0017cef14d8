import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountId } from '../auth/account-id.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { ListWebhooksQuery } from './dto/list-webhooks.query';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(201)
  create(@AccountId() accountId: string, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(accountId, dto);
  }

  @Get()
  list(@AccountId() accountId: string, @Query() query: ListWebhooksQuery) {
    return this.webhooks.list(accountId, query);
  }

  @Get(':webhookId')
  get(@AccountId() accountId: string, @Param('webhookId') webhookId: string) {
    return this.webhooks.get(accountId, webhookId);
  }

  @Put(':webhookId')
  update(
    @AccountId() accountId: string,
    @Param('webhookId') webhookId: string,
    @Body() dto: UpdateWebhookDto,
  ) {
    return this.webhooks.update(accountId, webhookId, dto);
  }

  @Delete(':webhookId')
  remove(@AccountId() accountId: string, @Param('webhookId') webhookId: string) {
    return this.webhooks.remove(accountId, webhookId);
  }
}
