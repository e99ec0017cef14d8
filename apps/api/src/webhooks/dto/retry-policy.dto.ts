import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';
import { OptionalNotNull } from './validators';

export class RetryPolicyDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 25,
    default: 3,
    description: 'total attempts including the first',
  })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(25)
  max_attempts?: number;

  @ApiPropertyOptional({ enum: ['linear', 'exponential', 'fixed'], default: 'exponential' })
  @OptionalNotNull()
  @IsIn(['linear', 'exponential', 'fixed'])
  backoff_strategy?: 'linear' | 'exponential' | 'fixed';

  @ApiPropertyOptional({ minimum: 100, maximum: 3_600_000, default: 1000, description: 'ms' })
  @OptionalNotNull()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  initial_delay?: number;

  @ApiPropertyOptional({ maximum: 86_400_000, default: 60000, description: 'ms, at least initial_delay' })
  @OptionalNotNull()
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  max_delay?: number;

  @ApiPropertyOptional({
    type: [Number],
    description: 'statuses 400..599 that are retried; replaces 408, 429, 5xx',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  @IsInt({ each: true })
  @Min(400, { each: true })
  @Max(599, { each: true })
  retry_on_status?: number[];

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull()
  @IsBoolean()
  retry_on_timeout?: boolean;
}
