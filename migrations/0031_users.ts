// The users read model (schema `users`): the lists of users for admins, ops and dealer owners.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA users`.execute(db);
  await sql`
    CREATE TABLE users.users (
      id text PRIMARY KEY,
      username text NOT NULL,
      display_name text NOT NULL,
      role text NOT NULL,
      dealer_id text,
      dealer_role text,
      status text NOT NULL,
      per_order_limit_minor bigint,
      per_month_limit_minor bigint,
      version int NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX users_dealer_idx ON users.users (dealer_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA users CASCADE`.execute(db);
}
