import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Redis } from 'ioredis';
import { Db } from '@hookpost/core/database/db';
import { REDIS } from '@hookpost/core/core.module';

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Db,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  live() {
    return { status: 'ok' };
  }

  /** Ready when Postgres and Redis both answer within a second. */
  @Get('ready')
  async ready() {
    const [postgres, redis] = await Promise.all([
      within(1000, this.db.rows('SELECT 1')).then(
        () => 'up',
        () => 'down',
      ),
      within(1000, this.redis.ping()).then(
        () => 'up',
        () => 'down',
      ),
    ]);
    const checks = { postgres, redis };
    const down = Object.entries(checks).filter(([, state]) => state !== 'up');
    if (down.length > 0) {
      throw new ServiceUnavailableException(`not ready: ${down.map(([name]) => name).join(' and ')} down`);
    }
    return { status: 'ok', checks };
  }
}
