// The orders read model: order documents for dealers and the review queue, status timelines,
// and per-dealer history for the risk rules.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA orders`.execute(db);
  await sql`
    CREATE TABLE orders.orders (
      id text PRIMARY KEY,
      dealer_id text NOT NULL,
      status text NOT NULL,
      -- the review's decision; the status moves on (cancelled, shipped...) while this stays
      decision text NOT NULL,
      channel text NOT NULL,
      region_code text NOT NULL,
      delivery_address text,
      note text,
      subtotal_minor bigint NOT NULL,
      discount_minor bigint NOT NULL,
      total_minor bigint NOT NULL,
      currency text NOT NULL,
      prepay boolean NOT NULL,
      reorder_of text,
      lines jsonb NOT NULL,
      gifts jsonb NOT NULL,
      reasons jsonb NOT NULL,
      risk jsonb NOT NULL,
      reservations jsonb NOT NULL,
      placed_at timestamptz NOT NULL,
      decided_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      version int NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX orders_dealer_idx ON orders.orders (dealer_id, placed_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX orders_status_idx ON orders.orders (status, placed_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX orders_placed_idx ON orders.orders (placed_at DESC, id DESC)`.execute(db);
  await sql`
    CREATE TABLE orders.timeline (
      order_id text NOT NULL,
      revision int NOT NULL,
      position numeric(20, 0) NOT NULL,
      event_type text NOT NULL,
      status text NOT NULL,
      at timestamptz NOT NULL,
      actor text NOT NULL,
      role text NOT NULL,
      detail jsonb NOT NULL,
      PRIMARY KEY (order_id, revision)
    )`.execute(db);
  await sql`
    CREATE TABLE orders.dealer_history (
      dealer_id text PRIMARY KEY,
      order_count int NOT NULL,
      total_sum_minor bigint NOT NULL,
      regions text[] NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE orders.dealer_sku_history (
      dealer_id text NOT NULL,
      sku text NOT NULL,
      order_count int NOT NULL,
      qty_sum bigint NOT NULL,
      PRIMARY KEY (dealer_id, sku)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA orders CASCADE`.execute(db);
}
