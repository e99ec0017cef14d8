import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { THROTTLE_LIMITS } from '@hookpost/core/throttle/throttle';
import { IsIntBetween, IsThrottleKey, OptionalNullable } from './validators';

const { limit, window } = THROTTLE_LIMITS;

/**
 * Alert-storm control. Per event type and key value, the first `limit` events of each `window` are
 * delivered; the rest get no delivery of their own and are folded into one digest delivery (an event
 * of the same type whose `data.digest` holds the counts) when the window ends. Windows are fixed,
 * aligned to multiples of `window` seconds since the epoch (UTC).
 */
export class ThrottleDto {
  @ApiProperty({ minimum: limit.min, maximum: limit.max, description: 'deliveries per window and key' })
  @IsIntBetween(limit.min, limit.max)
  limit: number;

  @ApiProperty({ minimum: window.min, maximum: window.max, description: 'window length, seconds' })
  @IsIntBetween(window.min, window.max, 'a whole number of seconds')
  window: number;

  @ApiPropertyOptional({
    maxLength: THROTTLE_LIMITS.keyLength,
    nullable: true,
    example: 'data.alert_name',
    description:
      'dotted path into the event data; events are counted separately per value found there (missing: one shared bucket)',
  })
  @OptionalNullable()
  @IsThrottleKey()
  key?: string | null;
}
