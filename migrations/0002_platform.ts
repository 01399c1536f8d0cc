// Platform tables: projection checkpoints and status, stored Idempotency-Key responses.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE projection_checkpoints (
      name text PRIMARY KEY,
      position numeric(20, 0) NOT NULL DEFAULT 0,
      -- running | failed | stopped
      status text NOT NULL DEFAULT 'running',
      error text,
      failed_position numeric(20, 0),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE idempotency_keys (
      scope text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code int,
      response jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      locked_until timestamptz NOT NULL,
      PRIMARY KEY (scope, key)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE idempotency_keys`.execute(db);
  await sql`DROP TABLE projection_checkpoints`.execute(db);
}
