import { INestApplication } from '@nestjs/common';
import { AccountsRepository } from '@hookpost/core/accounts/accounts.repository';
import { AppConfig } from '@hookpost/core/config/app-config';

/**
 * BOOTSTRAP_API_KEY makes sure an account answers to that key. Without it, the very first start (no
 * account at all) creates one and prints its key once on stdout: the only time it is ever shown.
 */
export async function ensureBootstrapKey(app: INestApplication, config: AppConfig): Promise<void> {
  const accounts = app.get(AccountsRepository);
  if (config.BOOTSTRAP_API_KEY) {
    await accounts.ensureKey('default', config.BOOTSTRAP_API_KEY);
    return;
  }
  if ((await accounts.count()) > 0) return;
  const created = await accounts.createWithKey('default');
  process.stdout.write(`${JSON.stringify({ first_start: true, ...created })}\n`);
}
