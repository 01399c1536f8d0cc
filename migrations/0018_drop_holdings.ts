// The holdings read model goes: it listed what each order held on stock, credit and promotion
// streams so that a sweeper could release what a crashed placement or cancellation left behind.
// Placements, approvals, cancellations and shipments are now each one atomic multi-stream append,
// so nothing can be left half-held, and neither the sweeper nor its read model is needed.
import { sql, type Kysely } from 'kysely';
import { up as createHoldings } from './0009_holdings.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA holdings CASCADE`.execute(db);
  await sql`DELETE FROM projection_checkpoints WHERE name IN ('holdings', 'holdings:rebuild')`.execute(db);
}

/** The tables come back empty; a rebuild of the old holdings projection would refill them. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await createHoldings(db);
}
