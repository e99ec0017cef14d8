import { Db } from '../database/db';
import { MicroBatcher } from '../batching/micro-batcher';
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

interface PendingIngest {
  accountId: string;
  eventId: string;
  input: IngestInput;
}

interface StoredEvent {
  created_at: Date;
  deliveries: DeliveryRef[];
}

export class EventsRepository {
  constructor(private readonly db: Db) {}

  private readonly ingests = new MicroBatcher((items: PendingIngest[]) => this.ingestBatch(items));

  /**
   * Stores the event and one pending delivery per matching active webhook in one statement (so one
   * transaction), and answers the first result again for a repeated idempotency key. A throttled
   * webhook over its limit gets no delivery (the window counts the event for its digest), so
   * `delivery_count` counts real deliveries only. Concurrent ingests share one statement and commit.
   */
  async ingest(accountId: string, eventId: string, input: IngestInput): Promise<IngestResult> {
    if (input.idempotencyKey !== null) {
      const earlier = await this.findFreshByKey(accountId, input.idempotencyKey);
      if (earlier) return { event: earlier, deliveries: [], replayed: true };
    }
    try {
      const stored = await this.ingests.call({ accountId, eventId, input });
      return {
        event: {
          id: eventId,
          type: input.type,
          project_id: input.projectId,
          created_at: stored.created_at,
          delivery_count: stored.deliveries.length,
        },
        deliveries: stored.deliveries,
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

  /**
   * Many events, each with its deliveries, in one statement. A batch that fails as a whole (a repeated
   * idempotency key, two events counted in one throttle window) is retried event by event by the
   * batcher, so each caller sees only its own error.
   */
  private async ingestBatch(items: PendingIngest[]): Promise<StoredEvent[]> {
    const column = <T>(pick: (i: PendingIngest) => T) => items.map(pick);
    const rows = await this.db.prepared<{ id: string; created_at: Date; deliveries: DeliveryRef[] | null }>(
      'ingest-batch',
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
           AS i(event_id, account_id, event_type, project_id, data_json, idempotency_key, key_json)
       ), hooks AS (
         SELECT i.event_id, i.account_id, i.event_type, i.data_json, i.key_json, w.id, w.throttle
         FROM input i JOIN webhooks w ON w.account_id = i.account_id AND w.deleted_at IS NULL AND w.active
           AND w.events && ARRAY[i.event_type, split_part(i.event_type, '.', 1) || '.*', '*']
           AND (w.project_id IS NULL OR w.project_id = i.project_id)
       ), ${THROTTLE_CTE}, sending AS (
         SELECT h.event_id, h.id FROM hooks h
         WHERE NOT EXISTS (SELECT 1 FROM throttled t WHERE t.event_id = h.event_id AND t.webhook_id = h.id AND t.suppressed)
       ), ev AS (
         INSERT INTO events (id, account_id, type, project_id, data, idempotency_key, delivery_count)
         SELECT i.event_id, i.account_id, i.event_type, i.project_id, i.data_json::json, i.idempotency_key,
           (SELECT count(*) FROM sending s WHERE s.event_id = i.event_id)
         FROM input i
         RETURNING id, account_id, type, created_at
       ), dels AS (
         INSERT INTO deliveries (id, account_id, webhook_id, event_id, event_type, next_attempt_at, created_at)
         SELECT hookpost_uuid_v7(), ev.account_id, s.id, ev.id, ev.type, ev.created_at, ev.created_at
         FROM sending s JOIN ev ON ev.id = s.event_id
         ORDER BY s.id
         RETURNING id, webhook_id, event_id
       )
       SELECT ev.id, ev.created_at,
         (SELECT json_agg(json_build_object('id', d.id, 'webhook_id', d.webhook_id)) FROM dels d WHERE d.event_id = ev.id)
           AS deliveries
       FROM ev`,
      [
        column((i) => i.eventId),
        column((i) => i.accountId),
        column((i) => i.input.type),
        column((i) => i.input.projectId),
        column((i) => i.input.dataJson),
        column((i) => i.input.idempotencyKey),
        column((i) => keyLookupJson(i.input.dataJson)),
        DIGEST_EVENT_IDS,
      ],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return items.map((i) => {
      const row = byId.get(i.eventId);
      if (!row) throw new Error('an ingested event is missing from its batch result');
      return { created_at: row.created_at, deliveries: row.deliveries ?? [] };
    });
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
