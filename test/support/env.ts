import { AppConfig, loadConfig } from '../../libs/core/src/config/app-config';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hookpost_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/3';

/** What every test process runs with: its own database and Redis db, private destinations allowed. */
const TEST_SETTINGS = {
  DATABASE_URL: TEST_DATABASE_URL,
  REDIS_URL: TEST_REDIS_URL,
  ALLOW_PRIVATE_DESTINATIONS: 'true',
  LOG_LEVEL: 'silent',
  RECONCILE_INTERVAL_MS: '500',
};

/** The config of in-process apps. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ ...TEST_SETTINGS, ...overrides });
}

/** The environment of child processes (the compiled worker). */
export function testEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...TEST_SETTINGS, ...overrides };
}
