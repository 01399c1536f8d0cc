// The recommendations read model (schema `recommendations`): each dealer's ordering of each SKU
// (its cadence), how often two SKUs are ordered together, and how much each SKU is ordered in each
// region lately.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA recommendations`.execute(db);
  await sql`
    CREATE TABLE recommendations.dealer_skus (
      dealer_id text NOT NULL,
      sku text NOT NULL,
      -- orders placed with the SKU
      order_count int NOT NULL,
      first_ordered_at timestamptz NOT NULL,
      last_ordered_at timestamptz NOT NULL,
      PRIMARY KEY (dealer_id, sku)
    )`.execute(db);
  await sql`CREATE INDEX dealer_skus_recent_idx ON recommendations.dealer_skus (dealer_id, last_ordered_at DESC)`.execute(db);
  await sql`
    CREATE TABLE recommendations.pairs (
      sku text NOT NULL,
      other_sku text NOT NULL,
      -- orders holding both
      orders int NOT NULL,
      PRIMARY KEY (sku, other_sku)
    )`.execute(db);
  await sql`CREATE INDEX pairs_strongest_idx ON recommendations.pairs (sku, orders DESC, other_sku)`.execute(db);
  await sql`
    CREATE TABLE recommendations.region_skus (
      region_code text NOT NULL,
      sku text NOT NULL,
      -- units ordered, each weighted 2^(30-day periods since 2025-01-01): recent months count more, exactly
      score numeric NOT NULL,
      PRIMARY KEY (region_code, sku)
    )`.execute(db);
  await sql`CREATE INDEX region_skus_popular_idx ON recommendations.region_skus (region_code, score DESC, sku)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA recommendations CASCADE`.execute(db);
}
