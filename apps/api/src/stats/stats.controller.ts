import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountId } from '../auth/account-id.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { AccountStatsQuery, StatsQuery } from './stats.dto';
import { StatsService } from './stats.service';

@ApiTags('stats')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('webhooks/:webhookId/stats')
  forWebhook(@AccountId() accountId: string, @Param('webhookId') webhookId: string, @Query() q: StatsQuery) {
    return this.stats.forWebhook(accountId, webhookId, q);
  }

  @Get('stats')
  forAccount(@AccountId() accountId: string, @Query() q: AccountStatsQuery) {
    return this.stats.forAccount(accountId, q);
  }
}
