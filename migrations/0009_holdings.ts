// What each order holds on other streams (stock, credit, capped promotions): the sweeper's view
// for releasing holdings that no order claims after a crash.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA holdings`.execute(db);
  await sql`
    CREATE TABLE holdings.open (
      stream_id text NOT NULL,
      order_id text NOT NULL,
      kind text NOT NULL,
      -- what a release needs: the stock stream's SKU and warehouse, the credit stream's dealer,
      -- the promotion's id
      sku text,
      warehouse_id text,
      dealer_id text,
      promotion_id text,
      amount bigint NOT NULL,
      since timestamptz NOT NULL,
      PRIMARY KEY (stream_id, order_id)
    )`.execute(db);
  await sql`CREATE INDEX open_since_idx ON holdings.open (since)`.execute(db);
  await sql`CREATE INDEX open_order_idx ON holdings.open (order_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA holdings CASCADE`.execute(db);
}
