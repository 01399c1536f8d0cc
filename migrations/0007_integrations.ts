// Integration adapters: a checkpoint per adapter, dead letters, and the inbox of partner webhooks.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA integration`.execute(db);
  await sql`
    CREATE TABLE integration.checkpoints (
      adapter text PRIMARY KEY,
      -- every event up to here was delivered or dead-lettered
      position numeric(20, 0) NOT NULL,
      last_error text,
      last_error_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // One row per adapter and event: a later failure of the same event (a replay) updates it.
  await sql`
    CREATE TABLE integration.dead_letters (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      adapter text NOT NULL,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      stream_id text NOT NULL,
      revision bigint NOT NULL,
      position numeric(20, 0) NOT NULL,
      event jsonb NOT NULL,
      attempts int NOT NULL,
      last_error text NOT NULL,
      -- open | retry_requested | retrying | delivered
      status text NOT NULL DEFAULT 'open',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      UNIQUE (adapter, event_id)
    )`.execute(db);
  await sql`CREATE INDEX dead_letters_status_idx ON integration.dead_letters (adapter, status, id)`.execute(db);

  await sql`
    CREATE TABLE integration.webhook_inbox (
      source text NOT NULL,
      message_id text NOT NULL,
      type text NOT NULL,
      payload jsonb NOT NULL,
      -- received | processed
      status text NOT NULL DEFAULT 'received',
      -- while received: the request working on it holds it until then
      locked_until timestamptz NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz,
      PRIMARY KEY (source, message_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA integration CASCADE`.execute(db);
}
