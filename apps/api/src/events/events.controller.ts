import { Body, Controller, Get, Headers, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { AccountId } from '../auth/account-id.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { EventsService } from './events.service';
import { PublishEventDto } from './publish-event.dto';

@ApiTags('events')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1..255 chars; replays the first answer for 24 h',
  })
  publish(
    @AccountId() accountId: string,
    @Body() dto: PublishEventDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.events.publish(accountId, dto, idempotencyKey);
  }

  @Get(':eventId')
  get(@AccountId() accountId: string, @Param('eventId') eventId: string) {
    return this.events.get(accountId, eventId);
  }
}
