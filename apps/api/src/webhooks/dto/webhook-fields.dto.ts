import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DESTINATION_FORMATS } from '@hookpost/core/formats';
import { RetryPolicyDto } from './retry-policy.dto';
import { ThrottleDto } from './throttle.dto';
import {
  IsEventList,
  IsHeaderMap,
  IsTemplate,
  IsWebhookUrl,
  OptionalNotNull,
  OptionalNullable,
  RequiredUnlessPartial,
} from './validators';

/** The fields a webhook update may carry; creation requires url, events and name on top. */
export class WebhookFieldsDto {
  /** An update is partial; creation overrides this to require url, events and name. */
  static readonly partial: boolean = true;

  @ApiPropertyOptional({ maxLength: 2048, example: 'https://api.example.com/webhooks/trae' })
  @RequiredUnlessPartial()
  @IsWebhookUrl()
  url?: string;

  @ApiPropertyOptional({ type: [String], example: ['build.completed', 'deployment.*'] })
  @RequiredUnlessPartial()
  @IsEventList()
  events?: string[];

  @ApiPropertyOptional({ minLength: 1, maxLength: 255 })
  @RequiredUnlessPartial()
  @IsString()
  @Length(1, 255)
  name?: string;

  @ApiPropertyOptional({ maxLength: 1000, nullable: true })
  @OptionalNullable()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ minLength: 8, maxLength: 256, description: 'generated (whsec_...) when omitted' })
  @OptionalNotNull()
  @IsString()
  @Length(8, 256)
  secret?: string;

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ minLength: 1, maxLength: 128, nullable: true })
  @OptionalNullable()
  @IsString()
  @Length(1, 128)
  project_id?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @OptionalNotNull()
  @IsHeaderMap()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ minimum: 1, maximum: 120, default: 30, description: 'seconds' })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(120)
  timeout?: number;

  @ApiPropertyOptional({ type: RetryPolicyDto })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retry_policy?: RetryPolicyDto;

  @ApiPropertyOptional({
    enum: DESTINATION_FORMATS,
    default: 'json',
    description: 'json (signed envelope) or a chat message',
  })
  @OptionalNotNull()
  @IsIn(DESTINATION_FORMATS)
  format?: (typeof DESTINATION_FORMATS)[number];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description: 'chat formats: {title?, body?} with {{data.path | "fallback"}} variables',
  })
  @OptionalNullable()
  @IsTemplate()
  template?: { title?: string; body?: string } | null;

  @ApiPropertyOptional({
    type: ThrottleDto,
    nullable: true,
    description: 'alert-storm control: {limit, window, key?}; replaced as a whole on update, null removes it',
  })
  @OptionalNullable()
  @IsObject()
  @ValidateNested()
  @Type(() => ThrottleDto)
  throttle?: ThrottleDto | null;
}
