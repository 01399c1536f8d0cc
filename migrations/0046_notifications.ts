// Notifications: the inbox read model (schema `notifications`: items, the dealer of every order,
// what each reader has read, the webhook subscriptions), and the subscriptions' signing secrets
// (schema `notify`, write side: kept out of the event streams and of any read model).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA notifications`.execute(db);
  await sql`
    CREATE TABLE notifications.items (
      -- the position of the event the notification came from: the inbox's order and cursor
      position numeric(20, 0) PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      type text NOT NULL,
      -- the dealer whose order it is about (null: stock)
      dealer_id text,
      order_id text,
      -- in staff's inboxes too
      for_staff boolean NOT NULL,
      facts jsonb NOT NULL,
      occurred_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX items_dealer_idx ON notifications.items (dealer_id, position) WHERE dealer_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX items_staff_idx ON notifications.items (position) WHERE for_staff`.execute(db);
  await sql`CREATE TABLE notifications.order_dealers (order_id text PRIMARY KEY, dealer_id text NOT NULL)`.execute(db);
  await sql`
    CREATE TABLE notifications.reads (
      reader text NOT NULL,
      notification_id uuid NOT NULL,
      read_at timestamptz NOT NULL,
      PRIMARY KEY (reader, notification_id)
    )`.execute(db);
  await sql`
    CREATE TABLE notifications.subscriptions (
      id text PRIMARY KEY,
      -- null: staff's
      dealer_id text,
      url text NOT NULL,
      events text[] NOT NULL,
      secret_hint text NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      -- deliveries start after the event that created it
      created_position numeric(20, 0) NOT NULL,
      deleted_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX subscriptions_owner_idx ON notifications.subscriptions (dealer_id, created_at)`.execute(db);

  await sql`CREATE SCHEMA notify`.execute(db);
  await sql`
    CREATE TABLE notify.subscription_secrets (
      subscription_id text PRIMARY KEY,
      -- the HMAC key deliveries are signed with: needed as is, so never logged or answered
      secret text NOT NULL,
      created_at timestamptz NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA notify CASCADE`.execute(db);
  await sql`DROP SCHEMA notifications CASCADE`.execute(db);
}
