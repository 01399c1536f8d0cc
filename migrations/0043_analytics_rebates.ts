// Volume rebates for analysts: the programs' terms and each dealer's basis and settlement (facts
// the analytics projection keeps), and the `analytics.rebates` view: program × dealer with the tier
// the basis reaches and the rebate it earns.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE analytics_facts.rebate_programs (
      program_id text PRIMARY KEY,
      title text NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      tiers jsonb NOT NULL,
      settled_at timestamptz
    )`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.rebate_dealers (
      program_id text NOT NULL,
      dealer_id text NOT NULL,
      basis_minor bigint NOT NULL DEFAULT 0,
      settled_minor bigint,
      PRIMARY KEY (program_id, dealer_id)
    )`.execute(db);
  await sql`
    CREATE VIEW analytics.rebates AS
    SELECT p.program_id, p.title, p.starts_at, p.ends_at, d.dealer_id, dl.name AS dealer_name, dl.tier AS dealer_tier,
           greatest(d.basis_minor, 0) AS basis_minor,
           coalesce(t.percent, 0)::float8 AS tier_percent,
           floor(greatest(d.basis_minor, 0) * coalesce(t.percent, 0) / 100)::bigint AS accrued_minor,
           coalesce(d.settled_minor, 0) AS settled_minor,
           p.settled_at
      FROM analytics_facts.rebate_dealers d
      JOIN analytics_facts.rebate_programs p ON p.program_id = d.program_id
      LEFT JOIN analytics_facts.dealers dl ON dl.dealer_id = d.dealer_id
      LEFT JOIN LATERAL (
        SELECT (e.tier->>'percent')::numeric AS percent
          FROM jsonb_array_elements(p.tiers) AS e(tier)
         WHERE (e.tier->>'fromMinor')::bigint <= greatest(d.basis_minor, 0)
         ORDER BY (e.tier->>'fromMinor')::bigint DESC
         LIMIT 1
      ) t ON true`.execute(db);
  await sql`COMMENT ON VIEW analytics.rebates IS ${sql.lit('Volume rebates, one row per program and dealer with a basis: the net value of eligible lines shipped in the period less their returns, the tier it reaches, the rebate it earns, and what settling credited.')}`.execute(
    db,
  );
  const columns: Record<string, string> = {
    program_id: 'The rebate program.',
    title: 'Its title.',
    starts_at: 'Its period starts (inclusive).',
    ends_at: 'Its period ends (exclusive).',
    dealer_id: 'The dealer.',
    dealer_name: "The dealer's name.",
    dealer_tier: "The dealer's tier.",
    basis_minor: 'Net value of eligible lines shipped in the period, less their returns, minor units.',
    tier_percent: 'The percent of the highest tier the basis reaches (0: below the first).',
    accrued_minor: 'The rebate the basis earns: tier_percent of the whole basis, rounded down.',
    settled_minor: 'What settling credited (0 until settled).',
    settled_at: 'When the program was settled; null until then.',
  };
  for (const [column, comment] of Object.entries(columns))
    await sql`COMMENT ON COLUMN ${sql.raw(`analytics.rebates.${column}`)} IS ${sql.lit(comment)}`.execute(db);
  // The analysts' role reads every analytics view (0011 granted existing ones and set default privileges).
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP VIEW analytics.rebates`.execute(db);
  await sql`DROP TABLE analytics_facts.rebate_dealers`.execute(db);
  await sql`DROP TABLE analytics_facts.rebate_programs`.execute(db);
}
