import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { AccountsRepository } from '@hookpost/core/accounts/accounts.repository';
import { createDataSource } from '@hookpost/core/database/data-source';
import { Db } from '@hookpost/core/database/db';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app';
import { TEST_DATABASE_URL, testConfig } from './env';

export interface TestApi {
  app: INestApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** The real API on a random port, with the real migrations' schema. */
export async function startApi(overrides: Record<string, string> = {}): Promise<TestApi> {
  const app = await createApiApp(testConfig(overrides), { quiet: true });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A worker in this process (processor + reconciler) on the same Postgres and Redis. */
export async function startWorker(overrides: Record<string, string> = {}): Promise<INestApplicationContext> {
  return createWorkerApp(testConfig(overrides));
}

/** Direct database access for arranging and asserting; never used to stand in for the API under test. */
export class TestDb {
  private constructor(
    readonly ds: DataSource,
    readonly db: Db,
  ) {}

  static async open(): Promise<TestDb> {
    const ds = await createDataSource({
      url: TEST_DATABASE_URL,
      poolSize: 4,
      applicationName: 'hookpost-test',
    }).initialize();
    return new TestDb(ds, Db.fromDataSource(ds));
  }

  async createAccount(name = 'test'): Promise<{ accountId: string; publicId: string; apiKey: string }> {
    const created = await new AccountsRepository(this.db).createWithKey(name);
    const accountId = (await new AccountsRepository(this.db).accountIdForKey(created.api_key))!;
    return { accountId, publicId: created.account_id, apiKey: created.api_key };
  }

  async close(): Promise<void> {
    await this.ds.destroy();
  }
}

/** A tiny JSON client for the API under test. */
export function client(baseUrl: string, apiKey?: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text, headers: res.headers };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, body, headers),
    put: (path: string, body?: unknown, headers?: Record<string, string>) => call('PUT', path, body, headers),
    delete: (path: string, headers?: Record<string, string>) => call('DELETE', path, undefined, headers),
  };
}
