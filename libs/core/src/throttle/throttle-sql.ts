/**
 * The ingest statement's throttle step, as a CTE over its `hooks`: one row per (event, matching
 * webhook) with event_id, account_id, event_type, data_json (the data as JSON text), key_json (the
 * data to read keys from when data_json cannot be read as text, see `keyLookupJson`) and the
 * webhook's id and throttle; $8 is how many suppressed ids a window keeps. Only hooks with a
 * throttle touch `throttle_windows`, so the others cost nothing here.
 *
 * Windows are fixed and aligned to the epoch (`windowOf` in throttle.ts); the key is the data at
 * the path below `data.` as text, '' when missing or null. The upsert locks the window row, so
 * concurrent ingests count exactly (two events of one batch in one window fail the batch, which
 * the batcher then retries event by event). A window whose digest is already made (an ingest that
 * began before the window ended and committed after the sweeper) lets the event through rather than
 * counting it where no digest will ever report it.
 */
export const THROTTLE_CTE = `throttled AS (
  INSERT INTO throttle_windows AS t
    (webhook_id, account_id, event_type, key, window_start, window_end, event_limit, last_event_id)
  SELECT h.id, h.account_id, h.event_type,
    left(coalesce(coalesce(h.key_json::json, h.data_json::json) #>> string_to_array(substr(h.throttle->>'key', length('data.') + 1), '.'), ''), 256),
    w.start, w.start + w.size, (h.throttle->>'limit')::int, h.event_id
  FROM hooks h
  CROSS JOIN LATERAL (SELECT make_interval(secs => (h.throttle->>'window')::int) AS size) s
  CROSS JOIN LATERAL (
    SELECT date_bin(s.size, now(), timestamptz '1970-01-01 00:00:00+00') AS start, s.size
  ) w
  WHERE h.throttle IS NOT NULL
  ON CONFLICT (webhook_id, event_type, key, window_start) DO UPDATE SET
    events_seen = t.events_seen + (t.digest_event_id IS NULL)::int,
    last_event_id = EXCLUDED.last_event_id,
    suppressed_event_ids = CASE
      WHEN t.digest_event_id IS NULL AND t.events_seen >= t.event_limit
        AND cardinality(t.suppressed_event_ids) < $8::int
      THEN t.suppressed_event_ids || EXCLUDED.last_event_id
      ELSE t.suppressed_event_ids END
  RETURNING webhook_id, last_event_id AS event_id, (events_seen > event_limit AND digest_event_id IS NULL) AS suppressed
)`;
