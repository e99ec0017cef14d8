import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

export interface Queryable {
  rows<T = any>(text: string, params?: unknown[]): Promise<T[]>;
}

class ClientQueryable implements Queryable {
  constructor(private readonly client: PoolClient) {}
  async rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query(text, params)).rows as T[];
  }
}

/**
 * Hand-written SQL over the DataSource's own pg pool: one pool per process, TypeORM keeps the
 * migrations, and every query returns plain rows (TypeORM's query() shapes UPDATE results differently).
 */
export class Db implements Queryable {
  constructor(private readonly pool: Pool) {}

  static fromDataSource(ds: DataSource): Db {
    return new Db((ds.driver as unknown as { master: Pool }).master);
  }

  async rows<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(text, params)).rows as T[];
  }

  /**
   * A hot statement run as a named prepared statement: each connection parses it once and Postgres may
   * keep its plan, instead of parsing and planning it on every call. For fixed SQL text only (the name
   * stands for the text on every connection).
   */
  async prepared<T = any>(name: string, text: string, params: unknown[]): Promise<T[]> {
    return (await this.pool.query({ name, text, values: params })).rows as T[];
  }

  async tx<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(new ClientQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
}
