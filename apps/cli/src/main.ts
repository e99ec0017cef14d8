import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { AccountsRepository } from '@hookpost/core/accounts/accounts.repository';
import { ConfigError, loadConfig } from '@hookpost/core/config/app-config';
import { createDataSource, runMigrations } from '@hookpost/core/database/data-source';
import { Db } from '@hookpost/core/database/db';
import { fromPublicId } from '@hookpost/core/ids/ids';

const USAGE = `usage: hookpost <command>
  migrate                              apply pending migrations
  create-account --name NAME           create an account; prints {"account_id","api_key"}
  rotate-key --account ACCT [--revoke] add a key to an account (optionally revoking the others)`;

async function withAccounts<T>(url: string, work: (a: AccountsRepository) => Promise<T>): Promise<T> {
  await runMigrations(url);
  const ds = await createDataSource({ url, poolSize: 2, applicationName: 'hookpost-cli' }).initialize();
  try {
    return await work(new AccountsRepository(Db.fromDataSource(ds)));
  } finally {
    await ds.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, account: { type: 'string' }, revoke: { type: 'boolean' } },
    strict: true,
  });
  switch (command) {
    case 'migrate': {
      const applied = await runMigrations(config.DATABASE_URL);
      process.stdout.write(`${JSON.stringify({ applied })}\n`);
      return 0;
    }
    case 'create-account': {
      const name = values.name?.trim();
      if (!name || name.length > 255) {
        process.stderr.write('create-account needs --name NAME (1..255 characters)\n');
        return 2;
      }
      const created = await withAccounts(config.DATABASE_URL, (a) => a.createWithKey(name));
      process.stdout.write(`${JSON.stringify(created)}\n`);
      return 0;
    }
    case 'rotate-key': {
      const accountId = fromPublicId('acct', values.account);
      if (!accountId) {
        process.stderr.write('rotate-key needs --account acct_...\n');
        return 2;
      }
      const key = await withAccounts(config.DATABASE_URL, async (a) =>
        (await a.exists(accountId)) ? a.rotateKey(accountId, values.revoke ?? false) : null,
      );
      if (!key) {
        process.stderr.write('account not found\n');
        return 1;
      }
      process.stdout.write(`${JSON.stringify({ account_id: values.account, api_key: key })}\n`);
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : `error: ${err instanceof Error ? err.message : err}`}\n`,
    );
    process.exit(1);
  },
);
