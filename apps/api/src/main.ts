import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { loadConfigOrExit } from '@hookpost/core/config/app-config';
import { runMigrations } from '@hookpost/core/database/data-source';
import { createApiApp } from './create-api-app';
import { ensureBootstrapKey } from './bootstrap-key';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  await runMigrations(config.DATABASE_URL);
  const app = await createApiApp(config);
  await ensureBootstrapKey(app, config);
  await listenOnAllInterfaces(app, config.PORT);
}

/** Every interface, as Node does by default (Fastify alone would listen on localhost only): IPv6 and
 * IPv4 where the host has IPv6, IPv4 where it does not. */
async function listenOnAllInterfaces(app: INestApplication, port: number): Promise<void> {
  try {
    await app.listen(port, '::');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw err;
    await app.listen(port, '0.0.0.0');
  }
}

main().catch((err) => {
  process.stderr.write(`hookpost api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
