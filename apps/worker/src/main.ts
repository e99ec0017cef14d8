import 'reflect-metadata';
import { loadConfigOrExit } from '@hookpost/core/config/app-config';
import { runMigrations } from '@hookpost/core/database/data-source';
import { createWorkerApp } from './create-worker-app';
import { startHealthServer } from './health-server';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  await runMigrations(config.DATABASE_URL);
  await createWorkerApp(config);
  const health = config.WORKER_HEALTH_PORT > 0 ? startHealthServer(config.WORKER_HEALTH_PORT) : null;
  process.once('SIGTERM', () => health?.close());
}

main().catch((err) => {
  process.stderr.write(
    `hookpost worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
