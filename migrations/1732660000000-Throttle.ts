import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert-storm control: one row per (webhook, event type, key value, window) that saw at least one
 * event of a throttled webhook. The ingest statement counts into it; the worker's digest sweeper
 * turns ended windows with suppressed events into one digest delivery, marking the row as it does.
 */
export class Throttle1732660000000 implements MigrationInterface {
  name = 'Throttle1732660000000';

  public async up(q: QueryRunner): Promise<void> {
    // event_limit and window_end are fixed when the window opens, so a PUT mid-window changes the
    // next window only and the counts of this one stay consistent.
    await q.query(`
      CREATE TABLE throttle_windows (
        webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        event_type text NOT NULL,
        key text NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        event_limit integer NOT NULL CHECK (event_limit >= 1),
        events_seen integer NOT NULL DEFAULT 1,
        suppressed_event_ids uuid[] NOT NULL DEFAULT '{}',
        digest_event_id uuid UNIQUE,
        PRIMARY KEY (webhook_id, event_type, key, window_start)
      )`);
    // The sweeper's question: ended windows that suppressed something and have no digest yet.
    await q.query(`
      CREATE INDEX throttle_windows_digest_due_idx ON throttle_windows (window_end)
      WHERE digest_event_id IS NULL AND events_seen > event_limit`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE throttle_windows`);
  }
}
