import { Db } from '../database/db';
import { MicroBatcher } from '../batching/micro-batcher';
import type { DeliveryRef } from '../queue/delivery-queue';
import { AttemptRecord, AttemptRow, ClaimedDelivery, DeliveryFilter, DeliveryRow } from './delivery';

const DELIVERY_COLUMNS = `d.id, d.account_id, d.webhook_id, d.event_id, d.event_type, d.status, d.attempts, d.response_code,
  d.response_time, d.response_body, d.delivered_at, d.error, d.next_attempt_at, d.original_delivery_id, d.created_at,
  e.data::text AS data_json, e.created_at AS event_time`;

/** Seconds past the webhook's timeout before a claimed attempt counts as abandoned (its worker died). */
export const LEASE_MARGIN_SECONDS = 10;
const RECORD_LINGER_MS = 5;
/**
 * "Still pending", for statements that find deliveries by id. Written so that the partial indexes on
 * pending deliveries cannot serve it: with statistics that count few pending rows (taken after a
 * backlog drained, or of a fresh install), the planner otherwise read every pending delivery for each
 * batch (a join filter over the whole partial index) and a record statement took 33 ms instead of 2.
 * Equivalent to `status = 'pending'` under the status CHECK constraint.
 */
const STILL_PENDING = `d.status NOT IN ('success', 'failed')`;

/**
 * The SQL of the worker's hot statements by prepared-statement name, exported so a test can check how
 * Postgres plans them.
 */
export const HOT_STATEMENTS = {
  'claim-batch': `WITH wanted AS (
         SELECT * FROM unnest($1::uuid[], $2::int[]) AS w(id, attempt) ORDER BY id
       ), claimed AS (
         UPDATE deliveries d
         SET attempts = d.attempts + 1,
             lease_until = clock_timestamp() + make_interval(secs => w.timeout + ${LEASE_MARGIN_SECONDS})
         FROM wanted, webhooks w
         WHERE d.id = wanted.id AND ${STILL_PENDING} AND d.attempts = wanted.attempt - 1
           AND (d.lease_until IS NULL OR d.lease_until < clock_timestamp()) AND w.id = d.webhook_id
         RETURNING d.id, d.attempts AS attempt, d.event_id, d.webhook_id, d.account_id, d.event_type, w.url, w.secret,
           w.headers, w.timeout, w.retry_policy, w.format, w.template
       ), opened AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, started_at)
         SELECT id, attempt, clock_timestamp() FROM claimed
       )
       SELECT c.*, e.data::text AS data_json, e.created_at AS event_time, e.project_id
       FROM claimed c JOIN events e ON e.id = c.event_id`,
  'record-batch': `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[],
           $8::text[], $9::timestamptz[])
           AS r(delivery_id, attempt, finished_at, response_code, response_time, response_body, error, status,
                next_attempt_at)
         ORDER BY delivery_id
       ), closed AS (
         UPDATE delivery_attempts a
         SET finished_at = r.finished_at, response_code = r.response_code, response_time = r.response_time,
             response_body = r.response_body, error = r.error
         FROM r WHERE a.delivery_id = r.delivery_id AND a.attempt = r.attempt
       )
       UPDATE deliveries d
       SET status = r.status, response_code = r.response_code, response_time = r.response_time,
           response_body = r.response_body, error = r.error, delivered_at = r.finished_at,
           next_attempt_at = r.next_attempt_at, lease_until = NULL
       FROM r WHERE d.id = r.delivery_id AND d.attempts = r.attempt AND ${STILL_PENDING}
       RETURNING d.id, d.attempts`,
  'release-claim': `WITH undone AS (
         UPDATE deliveries d SET attempts = d.attempts - 1, lease_until = NULL
         WHERE d.id = $1 AND d.attempts = $2 AND ${STILL_PENDING} AND d.lease_until IS NOT NULL
         RETURNING d.id
       )
       DELETE FROM delivery_attempts a USING undone
       WHERE a.delivery_id = undone.id AND a.attempt = $2 AND a.finished_at IS NULL`,
} as const;

interface ClaimRequest {
  deliveryId: string;
  attempt: number;
}

export class DeliveriesRepository {
  constructor(private readonly db: Db) {}

  private readonly claims = new MicroBatcher((items: ClaimRequest[]) => this.claimBatch(items));
  /**
   * A record is off the receiver's path (the endpoint's slot is free before it, and a retry is due from
   * the attempt's end, not the record's), so it lingers for company: the record statement's five rollup
   * trigger statements cost per statement more than per row.
   */
  private readonly records = new MicroBatcher((items: AttemptRecord[]) => this.recordBatch(items), {
    lingerMs: RECORD_LINGER_MS,
  });

  /**
   * Takes the lease on attempt `attempt` of a delivery and opens its attempt row, in one statement.
   * Only one caller can win: the row must still be pending, unleased, and have made attempt - 1 tries,
   * so duplicate or stale jobs find nothing (promise 2). Concurrent claims share one statement.
   */
  claim(deliveryId: string, attempt: number): Promise<ClaimedDelivery | null> {
    return this.claims.call({ deliveryId, attempt });
  }

  /**
   * Closes the attempt row and moves the delivery on, in one statement. The delivery changes only if it
   * is still on this attempt and pending: a webhook deleted meanwhile keeps its `webhook deleted` end.
   * Concurrent records share one statement (and one commit); each resolves once its row is durable.
   */
  record(r: AttemptRecord): Promise<boolean> {
    return this.records.call(r);
  }

  private async claimBatch(items: ClaimRequest[]): Promise<(ClaimedDelivery | null)[]> {
    const rows = await this.db.prepared<ClaimedDelivery>('claim-batch', HOT_STATEMENTS['claim-batch'], [
      items.map((i) => i.deliveryId),
      items.map((i) => i.attempt),
    ]);
    const byKey = new Map(rows.map((r) => [`${r.id}.${r.attempt}`, r]));
    // A duplicate request in the same batch matched the one row update: only the first caller owns it.
    return items.map((i) => {
      const key = `${i.deliveryId}.${i.attempt}`;
      const won = byKey.get(key) ?? null;
      byKey.delete(key);
      return won;
    });
  }

  private async recordBatch(items: AttemptRecord[]): Promise<boolean[]> {
    const column = <K extends keyof AttemptRecord>(k: K) => items.map((i) => i[k]);
    const rows = await this.db.prepared<{ id: string; attempts: number }>(
      'record-batch',
      HOT_STATEMENTS['record-batch'],
      [
        column('deliveryId'),
        column('attempt'),
        column('finishedAt'),
        column('responseCode'),
        column('responseTime'),
        column('responseBody'),
        column('error'),
        column('status'),
        column('nextAttemptAt'),
      ],
    );
    const moved = new Set(rows.map((r) => `${r.id}.${r.attempts}`));
    return items.map((i) => moved.has(`${i.deliveryId}.${i.attempt}`));
  }

  /**
   * Gives a claim back before anything was sent (its endpoint had no slot): the attempt count, lease
   * and open attempt row are as before the claim, and the due time is left alone (only unindexed
   * columns change, so the update stays heap-only). Does nothing unless the claim is still held.
   */
  async release(deliveryId: string, attempt: number): Promise<void> {
    await this.db.prepared('release-claim', HOT_STATEMENTS['release-claim'], [deliveryId, attempt]);
  }

  async listForWebhook(
    accountId: string,
    webhookId: string,
    f: DeliveryFilter,
  ): Promise<{ items: DeliveryRow[]; total: number }> {
    const where = ['d.account_id = $1', 'd.webhook_id = $2'];
    const params: unknown[] = [accountId, webhookId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.status) add('d.status = ?', f.status);
    if (f.event_type) add('d.event_type = ?', f.event_type);
    if (f.start_date) add('d.created_at >= ?', f.start_date);
    if (f.end_date) add('d.created_at <= ?', f.end_date);
    const filter = where.join(' AND ');
    const [items, counted] = await Promise.all([
      this.db.rows<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN events e ON e.id = d.event_id
         WHERE ${filter} ORDER BY d.created_at DESC, d.id DESC LIMIT ${f.limit} OFFSET ${f.offset}`,
        params,
      ),
      this.db.rows<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries d WHERE ${filter}`, params),
    ]);
    return { items, total: counted[0].n };
  }

  async find(accountId: string, webhookId: string, deliveryId: string): Promise<DeliveryRow | null> {
    const rows = await this.db.rows<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN events e ON e.id = d.event_id
       WHERE d.account_id = $1 AND d.webhook_id = $2 AND d.id = $3`,
      [accountId, webhookId, deliveryId],
    );
    return rows[0] ?? null;
  }

  async attempts(deliveryId: string): Promise<AttemptRow[]> {
    return this.db.rows<AttemptRow>(
      `SELECT attempt, started_at, finished_at, response_code, response_time, response_body, error
       FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt`,
      [deliveryId],
    );
  }

  async recent(accountId: string, webhookId: string, limit: number): Promise<DeliveryRow[]> {
    return (await this.listForWebhook(accountId, webhookId, { limit, offset: 0 })).items;
  }

  /** A new delivery of an existing delivery's event to the same webhook, due now. */
  async redeliver(
    accountId: string,
    webhookId: string,
    originalId: string,
  ): Promise<{ id: string; webhook_id: string; created_at: Date }> {
    const rows = await this.db.rows(
      `INSERT INTO deliveries (id, account_id, webhook_id, event_id, event_type, next_attempt_at, created_at, original_delivery_id)
       SELECT hookpost_uuid_v7(), account_id, webhook_id, event_id, event_type, now(), now(), id
       FROM deliveries WHERE account_id = $1 AND webhook_id = $2 AND id = $3
       RETURNING id, webhook_id, created_at`,
      [accountId, webhookId, originalId],
    );
    return rows[0];
  }

  /** Redelivers every failed delivery of the webhook created in [since, until]. */
  async recover(accountId: string, webhookId: string, since: Date, until: Date): Promise<DeliveryRef[]> {
    return this.db.rows<DeliveryRef>(
      `INSERT INTO deliveries (id, account_id, webhook_id, event_id, event_type, next_attempt_at, created_at, original_delivery_id)
       SELECT hookpost_uuid_v7(), account_id, webhook_id, event_id, event_type, now(), now(), id
       FROM deliveries
       WHERE account_id = $1 AND webhook_id = $2 AND status = 'failed' AND created_at >= $3 AND created_at <= $4
       ORDER BY created_at
       RETURNING id, webhook_id`,
      [accountId, webhookId, since, until],
    );
  }

  /**
   * Pending deliveries that should have been attempted by now but were not: enqueued jobs lost with
   * Redis, a crash between commit and enqueue, or a lease left by a worker that died mid-attempt.
   */
  async overdue(
    graceMs: number,
    limit: number,
  ): Promise<{ id: string; webhook_id: string; attempts: number; leased: boolean; max_attempts: number }[]> {
    return this.db.rows(
      `SELECT d.id, d.webhook_id, d.attempts, d.lease_until IS NOT NULL AS leased,
         coalesce((w.retry_policy->>'max_attempts')::int, 3) AS max_attempts
       FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
       WHERE d.status = 'pending' AND d.next_attempt_at < clock_timestamp() - make_interval(secs => $1::double precision / 1000)
         AND (d.lease_until IS NULL OR d.lease_until < clock_timestamp())
       ORDER BY d.next_attempt_at
       LIMIT $2`,
      [graceMs, limit],
    );
  }

  /**
   * Ends an attempt whose worker died: its row gets an error, and the delivery either becomes due again
   * or, with no attempts left, fails.
   */
  async closeAbandoned(deliveryId: string, attempt: number, exhausted: boolean): Promise<boolean> {
    const rows = await this.db.rows(
      `WITH closed AS (
         UPDATE delivery_attempts SET finished_at = clock_timestamp(), error = 'attempt interrupted: worker stopped'
         WHERE delivery_id = $1 AND attempt = $2 AND finished_at IS NULL
       )
       UPDATE deliveries d
       SET lease_until = NULL,
           status = CASE WHEN $3 THEN 'failed' ELSE 'pending' END,
           error = 'attempt interrupted: worker stopped',
           next_attempt_at = CASE WHEN $3 THEN NULL ELSE clock_timestamp() END
       WHERE d.id = $1 AND d.attempts = $2 AND ${STILL_PENDING} AND d.lease_until < clock_timestamp()
       RETURNING d.id`,
      [deliveryId, attempt, exhausted],
    );
    return rows.length > 0;
  }
}
