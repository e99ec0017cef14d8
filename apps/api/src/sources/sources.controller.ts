import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  HttpCode,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AlertEvent, MalformedPayloadError } from '@hookpost/core/sources/alert-event';
import { alertmanagerEvents } from '@hookpost/core/sources/alertmanager';
import { sentryEvents } from '@hookpost/core/sources/sentry';
import { AccountId } from '../auth/account-id.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { EventsService } from '../events/events.service';

function parsed(make: () => AlertEvent[]): AlertEvent[] {
  try {
    return make();
  } catch (e) {
    if (e instanceof MalformedPayloadError) throw new BadRequestException([e.message]);
    throw e;
  }
}

function projectOf(projectId: unknown): string | null {
  if (projectId === undefined) return null;
  if (typeof projectId !== 'string' || projectId.length < 1 || projectId.length > 128) {
    throw new BadRequestException(['project_id must be 1 to 128 characters']);
  }
  return projectId;
}

/** Alert sources: each alert becomes a catalog event and fans out like any published event. */
@ApiTags('sources')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/sources')
export class SourcesController {
  constructor(private readonly events: EventsService) {}

  private async publishAll(accountId: string, alerts: AlertEvent[], projectId: string | null) {
    const events = [];
    for (const alert of alerts)
      events.push(await this.events.ingest(accountId, alert.type, projectId, alert.data, null));
    return { events };
  }

  @Post('alertmanager')
  @HttpCode(202)
  @ApiQuery({ name: 'project_id', required: false })
  alertmanager(
    @AccountId() accountId: string,
    @Body() body: unknown,
    @Query('project_id') projectId?: string,
  ) {
    const project = projectOf(projectId);
    return this.publishAll(
      accountId,
      parsed(() => alertmanagerEvents(body)),
      project,
    );
  }

  @Post('sentry')
  @HttpCode(202)
  @ApiQuery({ name: 'project_id', required: false })
  sentry(
    @AccountId() accountId: string,
    @Body() body: unknown,
    @Headers('sentry-hook-resource') resource?: string,
    @Query('project_id') projectId?: string,
  ) {
    const project = projectOf(projectId);
    return this.publishAll(
      accountId,
      parsed(() => sentryEvents(body, resource)),
      project,
    );
  }
}
