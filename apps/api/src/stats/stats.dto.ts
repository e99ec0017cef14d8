import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import type { StatsPeriod } from '@hookpost/core/stats/stats-window';

export class StatsQuery {
  @ApiPropertyOptional({ enum: ['hour', 'day', 'week', 'month'], default: 'day' })
  @IsOptional()
  @IsIn(['hour', 'day', 'week', 'month'])
  period: StatsPeriod = 'day';

  @ApiPropertyOptional({ description: 'ISO 8601; default depends on period' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'start_date must be an ISO 8601 date' })
  start_date?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'end_date must be an ISO 8601 date' })
  end_date?: string;
}

export class AccountStatsQuery extends StatsQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  project_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  event_type?: string;
}
