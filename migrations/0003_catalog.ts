// The catalog read model: products with search vectors, tier and contract prices.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
  await sql`CREATE SCHEMA catalog`.execute(db);
  await sql`
    CREATE TABLE catalog.products (
      sku text PRIMARY KEY,
      name text NOT NULL,
      brand text NOT NULL,
      category text NOT NULL,
      gtin text UNIQUE,
      unit text NOT NULL,
      case_size int,
      shelf_life_days int,
      base_price_minor bigint NOT NULL,
      currency text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      version int NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(brand, '') || ' ' || coalesce(category, '')), 'B') ||
        setweight(to_tsvector('simple', sku), 'A')
      ) STORED
    )`.execute(db);
  await sql`CREATE INDEX products_search_idx ON catalog.products USING gin (search)`.execute(db);
  await sql`CREATE INDEX products_name_trgm_idx ON catalog.products USING gin (lower(name) gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX products_category_idx ON catalog.products (category, sku)`.execute(db);
  await sql`CREATE INDEX products_brand_idx ON catalog.products (brand, sku)`.execute(db);
  await sql`
    CREATE TABLE catalog.tier_prices (
      sku text NOT NULL,
      tier text NOT NULL,
      price_minor bigint NOT NULL,
      PRIMARY KEY (sku, tier)
    )`.execute(db);
  await sql`
    CREATE TABLE catalog.dealer_prices (
      sku text NOT NULL,
      dealer_id text NOT NULL,
      price_minor bigint NOT NULL,
      PRIMARY KEY (sku, dealer_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA catalog CASCADE`.execute(db);
}
