import 'reflect-metadata';
import { loadConfigOrExit } from '@hookpost/core/config/app-config';
import { runMigrations } from '@hookpost/core/database/data-source';
import { createApiApp } from './create-api-app';
import { ensureBootstrapKey } from './bootstrap-key';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  await runMigrations(config.DATABASE_URL);
  const app = await createApiApp(config);
  await ensureBootstrapKey(app, config);
  await app.listen(config.PORT);
}

main().catch((err) => {
  process.stderr.write(`hookpost api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
