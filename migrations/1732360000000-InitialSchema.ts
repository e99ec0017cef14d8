import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1732360000000 implements MigrationInterface {
  name = 'InitialSchema1732360000000';

  public async up(q: QueryRunner): Promise<void> {
    // UUIDv7 (RFC 9562) from a v4: the first 48 bits become the unix time in ms and the version
    // nibble 0100 becomes 0111, so ids made inside SQL sort by creation like the ones made in Node.
    await q.query(`
      CREATE FUNCTION hookpost_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
        SELECT encode(
          set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
              placing substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
              FROM 1 FOR 6),
            52, 1), 53, 1),
          'hex')::uuid
      $$`);
    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        key_hash bytea NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_account_idx ON api_keys (account_id)`);

    await q.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        url text NOT NULL,
        events text[] NOT NULL,
        name text NOT NULL,
        description text,
        secret text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        project_id text,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        timeout integer NOT NULL DEFAULT 30,
        retry_policy jsonb NOT NULL DEFAULT '{}'::jsonb,
        format text NOT NULL DEFAULT 'json',
        template jsonb,
        throttle jsonb,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX webhooks_account_created_idx ON webhooks (account_id, created_at) WHERE deleted_at IS NULL`,
    );

    // data is json, not jsonb: the receiver gets the publisher's key order byte for byte.
    await q.query(`
      CREATE TABLE events (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        type text NOT NULL,
        project_id text,
        data json NOT NULL,
        idempotency_key text,
        delivery_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX events_idempotency_idx ON events (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        event_type text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'success', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        response_code integer,
        response_time integer,
        response_body text,
        delivered_at timestamptz,
        error text,
        next_attempt_at timestamptz,
        lease_until timestamptz,
        original_delivery_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // History pages and per-webhook stats scan by webhook and time.
    await q.query(`CREATE INDEX deliveries_webhook_created_idx ON deliveries (webhook_id, created_at DESC)`);
    // The reconciler and DELETE look only at pending rows: a small partial index.
    await q.query(
      `CREATE INDEX deliveries_pending_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX deliveries_pending_webhook_idx ON deliveries (webhook_id) WHERE status = 'pending'`,
    );
    await q.query(`CREATE INDEX deliveries_event_idx ON deliveries (event_id)`);

    await q.query(`
      CREATE TABLE delivery_attempts (
        delivery_id uuid NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        response_code integer,
        response_time integer,
        response_body text,
        error text,
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery_attempts`);
    await q.query(`DROP TABLE deliveries`);
    await q.query(`DROP TABLE events`);
    await q.query(`DROP TABLE webhooks`);
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE accounts`);
    await q.query(`DROP FUNCTION hookpost_uuid_v7()`);
  }
}
