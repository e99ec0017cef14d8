import IORedis, { Redis } from 'ioredis';

/** BullMQ needs maxRetriesPerRequest null on connections that block (workers). */
export function createRedis(url: string, purpose: string): Redis {
  return new IORedis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: `hookpost-${purpose}`,
  });
}
