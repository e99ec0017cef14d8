import { Db } from '../database/db';
import { subscriptionKeysFor } from '../event-types/catalog';
import type { DeliveryRef } from '../queue/delivery-queue';
import { DIGEST_EVENT_IDS, keyLookupJson } from '../throttle/throttle';
import { THROTTLE_CTE } from '../throttle/throttle-sql';

export interface EventRecord {
  id: string;
  type: string;
  project_id: string | null;
  created_at: Date;
  delivery_count: number;
}

export interface IngestInput {
  type: string;
  projectId: string | null;
  /** The publisher's `data`, as JSON text: stored and sent without re-serialising. */
  dataJson: string;
  idempotencyKey: string | null;
}

export interface IngestResult {
  event: EventRecord;
  deliveries: DeliveryRef[];
  replayed: boolean;
}

const UNIQUE_VIOLATION = '23505';

export class EventsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores the event and one pending delivery per matching active webhook in one statement (so one
   * transaction), and answers the first result again for a repeated idempotency key. A throttled
   * webhook over its limit gets no delivery (the window counts the event for its digest), so
   * `delivery_count` counts real deliveries only.
   */
  async ingest(accountId: string, eventId: string, input: IngestInput): Promise<IngestResult> {
    if (input.idempotencyKey !== null) {
      const earlier = await this.findFreshByKey(accountId, input.idempotencyKey);
      if (earlier) return { event: earlier, deliveries: [], replayed: true };
    }
    try {
      const rows = await this.db.rows<{ created_at: Date; deliveries: DeliveryRef[] | null }>(
        `WITH hooks AS (
           SELECT id, throttle FROM webhooks
           WHERE account_id = $2 AND deleted_at IS NULL AND active AND events && $6::text[]
             AND (project_id IS NULL OR project_id = $4)
         ), ${THROTTLE_CTE}, sending AS (
           SELECT id FROM hooks WHERE id NOT IN (SELECT webhook_id FROM throttled WHERE suppressed)
         ), ev AS (
           INSERT INTO events (id, account_id, type, project_id, data, idempotency_key, delivery_count)
           VALUES ($1, $2, $3, $4, $5::json, $7, (SELECT count(*) FROM sending))
           RETURNING id, created_at
         ), dels AS (
           INSERT INTO deliveries (id, account_id, webhook_id, event_id, event_type, next_attempt_at, created_at)
           SELECT hookpost_uuid_v7(), $2, sending.id, ev.id, $3, ev.created_at, ev.created_at FROM sending, ev
           RETURNING id, webhook_id
         )
         SELECT (SELECT created_at FROM ev) AS created_at,
           (SELECT json_agg(json_build_object('id', id, 'webhook_id', webhook_id)) FROM dels) AS deliveries`,
        [
          eventId,
          accountId,
          input.type,
          input.projectId,
          input.dataJson,
          subscriptionKeysFor(input.type),
          input.idempotencyKey,
          DIGEST_EVENT_IDS,
          keyLookupJson(input.dataJson),
        ],
      );
      const deliveries = rows[0].deliveries ?? [];
      return {
        event: {
          id: eventId,
          type: input.type,
          project_id: input.projectId,
          created_at: rows[0].created_at,
          delivery_count: deliveries.length,
        },
        deliveries,
        replayed: false,
      };
    } catch (e) {
      // Two requests raced with one key: the loser answers what the winner stored.
      if ((e as { code?: string }).code === UNIQUE_VIOLATION && input.idempotencyKey !== null) {
        const winner = await this.findFreshByKey(accountId, input.idempotencyKey);
        if (winner) return { event: winner, deliveries: [], replayed: true };
      }
      throw e;
    }
  }

  /** A key is remembered for 24 hours; an older holder gives it up so the key can be used again. */
  private async findFreshByKey(accountId: string, key: string): Promise<EventRecord | null> {
    await this.db.rows(
      `UPDATE events SET idempotency_key = NULL
       WHERE account_id = $1 AND idempotency_key = $2 AND created_at < now() - interval '24 hours'`,
      [accountId, key],
    );
    const rows = await this.db.rows<EventRecord>(
      `SELECT id, type, project_id, created_at, delivery_count FROM events
       WHERE account_id = $1 AND idempotency_key = $2`,
      [accountId, key],
    );
    return rows[0] ?? null;
  }

  async find(accountId: string, eventId: string): Promise<(EventRecord & { data: unknown }) | null> {
    const rows = await this.db.rows(
      `SELECT id, type, project_id, created_at, delivery_count, data FROM events WHERE account_id = $1 AND id = $2`,
      [accountId, eventId],
    );
    return rows[0] ?? null;
  }

  async deliveriesOf(
    accountId: string,
    eventId: string,
  ): Promise<{ id: string; webhook_id: string; status: string; attempts: number }[]> {
    return this.db.rows(
      `SELECT id, webhook_id, status, attempts FROM deliveries
       WHERE account_id = $1 AND event_id = $2 ORDER BY created_at, id`,
      [accountId, eventId],
    );
  }

  /** A single event with a single delivery, for the synchronous test endpoint. */
  async insertTest(
    accountId: string,
    eventId: string,
    deliveryId: string,
    webhookId: string,
    type: string,
    dataJson: string,
  ): Promise<Date> {
    const rows = await this.db.rows<{ created_at: Date }>(
      `WITH ev AS (
         INSERT INTO events (id, account_id, type, project_id, data, delivery_count)
         VALUES ($1, $2, $5, NULL, $6::json, 1) RETURNING id, created_at
       )
       INSERT INTO deliveries (id, account_id, webhook_id, event_id, event_type, next_attempt_at, created_at)
       SELECT $3, $2, $4, ev.id, $5, NULL, ev.created_at FROM ev RETURNING created_at`,
      [eventId, accountId, deliveryId, webhookId, type, dataJson],
    );
    return rows[0].created_at;
  }
}
