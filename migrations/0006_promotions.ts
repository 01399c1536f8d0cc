// The promotions read model: promotion terms with their eligibility lists for filtering, and the
// redemption counts of capped promotions (in all and per dealer).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA promotions`.execute(db);
  await sql`
    CREATE TABLE promotions.promotions (
      id text PRIMARY KEY,
      title text NOT NULL,
      kind text NOT NULL,
      rule jsonb NOT NULL,
      priority int NOT NULL,
      stackable boolean NOT NULL,
      tiers text[] NOT NULL,
      territories text[] NOT NULL,
      dealer_ids text[] NOT NULL,
      skus text[] NOT NULL,
      brands text[] NOT NULL,
      categories text[] NOT NULL,
      -- The SKUs the rule itself names (a bundle's items); empty for the other kinds.
      rule_skus text[] NOT NULL,
      cap_per_dealer int,
      cap_total int,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      ended_at timestamptz,
      active_until timestamptz GENERATED ALWAYS AS (least(ends_at, ended_at)) STORED,
      redemptions int NOT NULL DEFAULT 0,
      version int NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX promotions_active_idx ON promotions.promotions (active_until, starts_at)`.execute(db);
  await sql`
    CREATE TABLE promotions.dealer_redemptions (
      promotion_id text NOT NULL,
      dealer_id text NOT NULL,
      redemptions int NOT NULL,
      PRIMARY KEY (promotion_id, dealer_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA promotions CASCADE`.execute(db);
}
