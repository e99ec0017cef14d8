import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountId } from '../auth/account-id.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { DeliveryHistoryQuery, RecoverDto, TestWebhookDto } from './deliveries.dto';
import { DeliveriesService } from './deliveries.service';

@ApiTags('deliveries')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/webhooks/:webhookId')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('deliveries')
  history(
    @AccountId() accountId: string,
    @Param('webhookId') webhookId: string,
    @Query() q: DeliveryHistoryQuery,
  ) {
    return this.deliveries.history(accountId, webhookId, q);
  }

  @Get('deliveries/:deliveryId')
  detail(
    @AccountId() accountId: string,
    @Param('webhookId') webhookId: string,
    @Param('deliveryId') deliveryId: string,
  ) {
    return this.deliveries.detail(accountId, webhookId, deliveryId);
  }

  @Post('deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  redeliver(
    @AccountId() accountId: string,
    @Param('webhookId') webhookId: string,
    @Param('deliveryId') deliveryId: string,
  ) {
    return this.deliveries.redeliver(accountId, webhookId, deliveryId);
  }

  @Post('recover')
  @HttpCode(202)
  recover(@AccountId() accountId: string, @Param('webhookId') webhookId: string, @Body() dto: RecoverDto) {
    return this.deliveries.recover(accountId, webhookId, dto);
  }

  @Post('test')
  @HttpCode(200)
  test(@AccountId() accountId: string, @Param('webhookId') webhookId: string, @Body() dto: TestWebhookDto) {
    return this.deliveries.test(accountId, webhookId, dto);
  }
}
