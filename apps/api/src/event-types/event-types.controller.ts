import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { EVENT_TYPES } from '@hookpost/core/event-types/catalog';
import { ApiKeyGuard } from '../auth/api-key.guard';

@ApiTags('event-types')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/event-types')
export class EventTypesController {
  @Get()
  list() {
    return { event_types: EVENT_TYPES.map(({ name, description }) => ({ name, description })) };
  }
}
