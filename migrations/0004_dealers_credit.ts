// The dealers read model (lookups and lists) and the credit read model: accounts, the charges
// that payments settle oldest first (for overdue amounts), and the statement with running balance.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA dealers`.execute(db);
  await sql`
    CREATE TABLE dealers.dealers (
      id text PRIMARY KEY,
      name text NOT NULL,
      tier text NOT NULL,
      territories text[] NOT NULL,
      payment_terms_days int NOT NULL,
      prepay boolean NOT NULL,
      status text NOT NULL,
      suspension_reason text,
      version int NOT NULL,
      registered_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX dealers_tier_idx ON dealers.dealers (tier, id)`.execute(db);
  await sql`CREATE INDEX dealers_status_idx ON dealers.dealers (status, id)`.execute(db);
  await sql`CREATE INDEX dealers_territories_idx ON dealers.dealers USING gin (territories)`.execute(db);

  await sql`CREATE SCHEMA credit`.execute(db);
  await sql`
    CREATE TABLE credit.accounts (
      dealer_id text PRIMARY KEY,
      limit_minor bigint NOT NULL,
      reserved_minor bigint NOT NULL,
      -- Charges minus payments and credit notes; below zero it is a credit balance.
      balance_minor bigint NOT NULL,
      version int NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE credit.charges (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dealer_id text NOT NULL,
      order_id text NOT NULL,
      shipment_id text NOT NULL,
      amount_minor bigint NOT NULL,
      -- How much of it payments and credit notes have settled (oldest charge first).
      settled_minor bigint NOT NULL,
      due_date date NOT NULL,
      charged_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX charges_open_idx ON credit.charges (dealer_id, id) WHERE settled_minor < amount_minor`.execute(db);
  await sql`
    CREATE TABLE credit.ledger (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dealer_id text NOT NULL,
      position text NOT NULL,
      at timestamptz NOT NULL,
      kind text NOT NULL,
      amount_minor bigint NOT NULL,
      balance_after_minor bigint NOT NULL,
      reserved_after_minor bigint NOT NULL,
      limit_after_minor bigint NOT NULL,
      order_id text,
      shipment_id text,
      due_date date,
      payment_id text,
      reference text,
      credit_note_id text,
      reason text
    )`.execute(db);
  await sql`CREATE INDEX ledger_dealer_idx ON credit.ledger (dealer_id, id)`.execute(db);
  await sql`CREATE INDEX ledger_dealer_at_idx ON credit.ledger (dealer_id, at, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA credit CASCADE`.execute(db);
  await sql`DROP SCHEMA dealers CASCADE`.execute(db);
}
