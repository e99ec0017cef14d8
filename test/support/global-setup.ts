import { Client } from 'pg';
import IORedis from 'ioredis';
import { runMigrations } from '../../libs/core/src/database/data-source';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './env';

/** A fresh test database built by the real migrations, and an empty test Redis db. */
export default async function globalSetup(): Promise<void> {
  const name = new URL(TEST_DATABASE_URL).pathname.slice(1);
  const admin = new URL(TEST_DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
  await runMigrations(TEST_DATABASE_URL);
  const redis = new IORedis(TEST_REDIS_URL);
  await redis.flushdb();
  redis.disconnect();
}
