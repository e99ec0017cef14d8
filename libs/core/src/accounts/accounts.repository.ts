import { Db } from '../database/db';
import { newUuid, toPublicId } from '../ids/ids';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key';

export interface CreatedAccount {
  account_id: string;
  api_key: string;
}

export class AccountsRepository {
  constructor(private readonly db: Db) {}

  /** Creates an account and its first key; the plain key is returned once and never stored. */
  async createWithKey(name: string, apiKey: string = generateApiKey()): Promise<CreatedAccount> {
    const accountId = newUuid();
    await this.db.tx(async (tx) => {
      await tx.rows('INSERT INTO accounts (id, name) VALUES ($1, $2)', [accountId, name]);
      await tx.rows('INSERT INTO api_keys (id, account_id, key_hash, key_prefix) VALUES ($1, $2, $3, $4)', [
        newUuid(),
        accountId,
        hashApiKey(apiKey),
        apiKeyPrefix(apiKey),
      ]);
    });
    return { account_id: toPublicId('acct', accountId), api_key: apiKey };
  }

  /** Adds a key to an existing account and revokes the others when asked (rotation). */
  async rotateKey(accountId: string, revokeOthers: boolean): Promise<string> {
    const apiKey = generateApiKey();
    await this.db.tx(async (tx) => {
      if (revokeOthers) {
        await tx.rows('UPDATE api_keys SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL', [
          accountId,
        ]);
      }
      await tx.rows('INSERT INTO api_keys (id, account_id, key_hash, key_prefix) VALUES ($1, $2, $3, $4)', [
        newUuid(),
        accountId,
        hashApiKey(apiKey),
        apiKeyPrefix(apiKey),
      ]);
    });
    return apiKey;
  }

  async accountIdForKey(apiKey: string): Promise<string | null> {
    const rows = await this.db.rows(
      'SELECT account_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hashApiKey(apiKey)],
    );
    return rows[0]?.account_id ?? null;
  }

  async exists(accountId: string): Promise<boolean> {
    const rows = await this.db.rows('SELECT 1 FROM accounts WHERE id = $1', [accountId]);
    return rows.length > 0;
  }

  async count(): Promise<number> {
    const rows = await this.db.rows('SELECT count(*)::int AS n FROM accounts');
    return rows[0].n;
  }

  /**
   * Makes sure an account answers to the given key: the key from BOOTSTRAP_API_KEY, so a deployment
   * can know its key in advance. Idempotent across restarts.
   */
  async ensureKey(name: string, apiKey: string): Promise<boolean> {
    if (await this.accountIdForKey(apiKey)) return false;
    await this.createWithKey(name, apiKey);
    return true;
  }
}
