import { Db } from '../database/db';
import { Webhook, WebhookInsert, WebhookListQuery, WebhookPatch } from './webhook';

const COLUMNS = `id, account_id, url, events, name, description, secret, active, project_id, headers, timeout,
  retry_policy, format, template, throttle, created_by, created_at, updated_at, deleted_at`;

const JSON_COLUMNS = new Set(['headers', 'retry_policy', 'template', 'throttle']);

/** Webhooks of one account: every method takes the account id first, and soft-deleted rows are invisible. */
export class WebhooksRepository {
  constructor(private readonly db: Db) {}

  async insert(w: WebhookInsert): Promise<Webhook> {
    const rows = await this.db.rows(
      `INSERT INTO webhooks (id, account_id, url, events, name, description, secret, active, project_id, headers,
         timeout, retry_policy, format, template, throttle, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       RETURNING ${COLUMNS}`,
      [
        w.id,
        w.account_id,
        w.url,
        w.events,
        w.name,
        w.description,
        w.secret,
        w.active,
        w.project_id,
        JSON.stringify(w.headers),
        w.timeout,
        JSON.stringify(w.retry_policy),
        w.format,
        w.template === null ? null : JSON.stringify(w.template),
        w.throttle === null ? null : JSON.stringify(w.throttle),
        w.created_by,
      ],
    );
    return rows[0];
  }

  async find(accountId: string, id: string): Promise<Webhook | null> {
    const rows = await this.db.rows(
      `SELECT ${COLUMNS} FROM webhooks WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [accountId, id],
    );
    return rows[0] ?? null;
  }

  async list(accountId: string, q: WebhookListQuery): Promise<{ items: Webhook[]; total: number }> {
    const where = ['account_id = $1', 'deleted_at IS NULL'];
    const params: unknown[] = [accountId];
    if (q.project_id !== undefined) {
      params.push(q.project_id);
      where.push(`project_id = $${params.length}`);
    }
    if (q.active !== undefined) {
      params.push(q.active);
      where.push(`active = $${params.length}`);
    }
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    // id breaks ties so pages never overlap when many rows share a sort value.
    const sql = `SELECT ${COLUMNS}, count(*) OVER () AS full_count FROM webhooks WHERE ${where.join(' AND ')}
      ORDER BY ${q.sort} ${order}, id ${order} LIMIT ${q.limit} OFFSET ${q.offset}`;
    const rows = await this.db.rows(sql, params);
    let total = rows.length > 0 ? Number(rows[0].full_count) : 0;
    if (rows.length === 0 && q.offset > 0) {
      const counted = await this.db.rows(
        `SELECT count(*)::int AS n FROM webhooks WHERE ${where.join(' AND ')}`,
        params,
      );
      total = counted[0].n;
    }
    for (const r of rows) delete r.full_count;
    return { items: rows, total };
  }

  async update(accountId: string, id: string, patch: WebhookPatch): Promise<Webhook | null> {
    const sets: string[] = [];
    const params: unknown[] = [accountId, id];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      params.push(JSON_COLUMNS.has(key) && value !== null ? JSON.stringify(value) : value);
      sets.push(`${key} = $${params.length}`);
    }
    // clock_timestamp() so updated_at moves even within one transaction, and always past created_at.
    sets.push("updated_at = greatest(clock_timestamp(), updated_at + interval '1 millisecond')");
    const rows = await this.db.rows(
      `UPDATE webhooks SET ${sets.join(', ')} WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
      params,
    );
    return rows[0] ?? null;
  }

  /** Soft-deletes the webhook and cancels its pending deliveries in one transaction. */
  async softDelete(accountId: string, id: string): Promise<{ deleted_at: Date; cancelled: string[] } | null> {
    return this.db.tx(async (tx) => {
      const rows = await tx.rows(
        `UPDATE webhooks SET deleted_at = now(), active = false
         WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING deleted_at`,
        [accountId, id],
      );
      const deleted = rows[0];
      if (!deleted) return null;
      const cancelled = await tx.rows<{ id: string }>(
        `UPDATE deliveries SET status = 'failed', error = 'webhook deleted', next_attempt_at = NULL, lease_until = NULL
         WHERE webhook_id = $1 AND status = 'pending' RETURNING id`,
        [id],
      );
      return { deleted_at: deleted.deleted_at, cancelled: cancelled.map((r) => r.id) };
    });
  }
}
