import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { InitialSchema1732360000000 } from '../../../../migrations/1732360000000-InitialSchema';
import { DeliveryCounters1732460000000 } from '../../../../migrations/1732460000000-DeliveryCounters';
import { StatsRollups1732560000000 } from '../../../../migrations/1732560000000-StatsRollups';
import { Throttle1732660000000 } from '../../../../migrations/1732660000000-Throttle';
import { ShardedRollups1732760000000 } from '../../../../migrations/1732760000000-ShardedRollups';
import { ThrottleLastEvent1732860000000 } from '../../../../migrations/1732860000000-ThrottleLastEvent';
import { RollupTriggerShortcut1732960000000 } from '../../../../migrations/1732960000000-RollupTriggerShortcut';
import { HotDeliveryUpdates1733060000000 } from '../../../../migrations/1733060000000-HotDeliveryUpdates';

export const MIGRATIONS = [
  InitialSchema1732360000000,
  DeliveryCounters1732460000000,
  StatsRollups1732560000000,
  Throttle1732660000000,
  ShardedRollups1732760000000,
  ThrottleLastEvent1732860000000,
  RollupTriggerShortcut1732960000000,
  HotDeliveryUpdates1733060000000,
];

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

const PLAN_LIFETIME_SECONDS = 10;

/** The one DataSource shape used by the API, the worker, the CLI and the tests. Schema changes only by migrations. */
export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    entities: [],
    logging: false,
    extra: {
      max: opts.poolSize ?? 20,
      application_name: opts.applicationName ?? 'hookpost',
      // Connections are replaced every few seconds so that the plans Postgres caches for prepared
      // statements (`Db.prepared`) follow the tables' growth: a plan made while a table had a few pages
      // (a fresh install, before any ANALYZE) reads it whole for each claim and record, and would stay
      // cached for the connection's life (with 300 s, 0.94 instead of 0.59 Postgres CPU-ms a delivery).
      // Planning every call instead cost more than parsing.
      maxLifetimeSeconds: PLAN_LIFETIME_SECONDS,
    },
  });
}

/** Creates the database named in the URL when it does not exist yet, so a fresh machine needs no manual createdb. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    }
  } catch (e) {
    // A concurrent start may have created it between our check and CREATE.
    if ((e as { code?: string }).code !== '42P04') throw e;
  } finally {
    await client.end();
  }
}

const MIGRATION_LOCK = 7_312_001;

/**
 * Runs pending migrations; returns the names applied. An advisory lock makes the API, the worker and
 * the CLI safe to start together: one applies, the others wait and find nothing left to do.
 */
export async function runMigrations(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const lock = new Client({ connectionString: url, application_name: 'hookpost-migrate-lock' });
  await lock.connect();
  const ds = createDataSource({ url, poolSize: 2, applicationName: 'hookpost-migrate' });
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await ds.initialize();
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await lock.end();
  }
}
