import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import {
  IsDefined,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../webhooks/dto/list-webhooks.query';

export class DeliveryHistoryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['pending', 'success', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'success', 'failed'])
  status?: 'pending' | 'success' | 'failed';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  event_type?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, on created_at' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'start_date must be an ISO 8601 date' })
  start_date?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, on created_at' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'end_date must be an ISO 8601 date' })
  end_date?: string;
}

export class RecoverDto {
  @ApiProperty({ description: 'ISO 8601' })
  @IsDefined({ message: 'since is required' })
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date' })
  since: string;

  @ApiPropertyOptional({ description: 'ISO 8601, default now' })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date' })
  until?: string;
}

export class TestWebhookDto {
  @ApiPropertyOptional({ default: 'test.ping' })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsString()
  @MaxLength(128)
  event_type?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsObject({ message: 'payload must be a JSON object' })
  payload?: Record<string, unknown>;
}
