import { Db } from '../database/db';
import type { DeliveryRef } from '../queue/delivery-queue';
import { digestData, EndedWindow } from './digest-data';

const WINDOW_COLUMNS = `webhook_id, account_id, event_type, key, window_start, window_end, event_limit, events_seen,
  suppressed_event_ids`;

/**
 * How long an ended window outlives its end before it may go: an ingest that read the clock just before
 * a window ended still counts into that window's row when it commits.
 */
const SETTLED_GRACE_SECONDS = 3600;
const PRUNE_BATCH = 5000;
/** Batches per run at most: each rereads the table's start, so a long-neglected table drains over runs. */
const PRUNE_BATCHES = 20;
const SETTLED = `window_end < now() - make_interval(secs => $1)
  AND (digest_event_id IS NOT NULL OR events_seen <= event_limit)`;

export interface WindowId {
  webhook_id: string;
  event_type: string;
  key: string;
  window_start: Date;
}

/** Throttle windows as the worker sees them: ended ones waiting for their digest. */
export class ThrottleWindowsRepository {
  constructor(private readonly db: Db) {}

  /** Ended windows that suppressed something and have no digest yet, oldest first. */
  async dueDigests(limit: number): Promise<WindowId[]> {
    return this.db.rows<WindowId>(
      `SELECT webhook_id, event_type, key, window_start FROM throttle_windows
       WHERE digest_event_id IS NULL AND events_seen > event_limit AND window_end <= now()
       ORDER BY window_end LIMIT $1`,
      [limit],
    );
  }

  /**
   * Claims the window and writes its digest event and delivery in one transaction. The claim is a
   * conditional update, so of two workers racing for one window exactly one makes the digest; the
   * other gets null. A webhook deleted meanwhile gets no digest, but the window is still closed.
   */
  async createDigest(w: WindowId, eventId: string): Promise<DeliveryRef | null> {
    return this.db.tx(async (tx) => {
      const claimed = await tx.rows<EndedWindow>(
        `UPDATE throttle_windows SET digest_event_id = $5
         WHERE webhook_id = $1 AND event_type = $2 AND key = $3 AND window_start = $4
           AND digest_event_id IS NULL AND window_end <= now()
         RETURNING ${WINDOW_COLUMNS}`,
        [w.webhook_id, w.event_type, w.key, w.window_start, eventId],
      );
      const window = claimed[0];
      if (!window) return null;
      const rows = await tx.rows<DeliveryRef>(
        `WITH hook AS (
           SELECT id, project_id FROM webhooks WHERE account_id = $2 AND id = $3 AND deleted_at IS NULL
         ), ev AS (
           INSERT INTO events (id, account_id, type, project_id, data, delivery_count)
           SELECT $1, $2, $4, hook.project_id, $5::json, 1 FROM hook
           RETURNING id, created_at
         )
         INSERT INTO deliveries (id, account_id, webhook_id, event_id, event_type, next_attempt_at, created_at)
         SELECT hookpost_uuid_v7(), $2, $3, ev.id, $4, ev.created_at, ev.created_at FROM ev
         RETURNING id, webhook_id`,
        [
          eventId,
          window.account_id,
          window.webhook_id,
          window.event_type,
          JSON.stringify(digestData(window)),
        ],
      );
      return rows[0] ?? null;
    });
  }

  /**
   * Deletes windows that ended more than an hour ago and owe nothing: their digest is made, or they
   * never suppressed an event. Without this the table keeps a row per webhook, event type, key value
   * and window for ever. Short batches, so no statement holds many row locks; answers how many went.
   */
  async pruneSettled(): Promise<number> {
    let pruned = 0;
    for (let batch = 0; batch < PRUNE_BATCHES; batch++) {
      // The condition is repeated outside: a row changed since the inner read is tested again.
      const rows = await this.db.rows<{ n: number }>(
        `WITH gone AS (
           DELETE FROM throttle_windows
           WHERE ctid = ANY(ARRAY(SELECT ctid FROM throttle_windows WHERE ${SETTLED} LIMIT $2)) AND ${SETTLED}
           RETURNING 1
         )
         SELECT count(*)::int AS n FROM gone`,
        [SETTLED_GRACE_SECONDS, PRUNE_BATCH],
      );
      pruned += rows[0].n;
      if (rows[0].n < PRUNE_BATCH) break;
    }
    return pruned;
  }
}
