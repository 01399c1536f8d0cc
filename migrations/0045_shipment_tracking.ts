// Shipments on their way: the carrier's last location, its ETA and the exceptions it reported.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders.shipments
      ADD COLUMN location text,
      ADD COLUMN eta timestamptz,
      ADD COLUMN exceptions jsonb NOT NULL DEFAULT '[]'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE orders.shipments DROP COLUMN location, DROP COLUMN eta, DROP COLUMN exceptions`.execute(db);
}
