// recommendations.dealer_skus loses its index on (dealer_id, last_ordered_at): the recommendations
// query reads all of a dealer's SKUs by the primary key and orders them in memory, so the index
// served no read, while every order changed its key (last_ordered_at) in each of the order's rows,
// making every update a new index entry in both indexes (never a HOT update). With it gone, and room
// left on each page for the next version of a row, an order's counts change in place.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX recommendations.dealer_skus_recent_idx`.execute(db);
  await sql`ALTER TABLE recommendations.dealer_skus SET (fillfactor = 85)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE recommendations.dealer_skus RESET (fillfactor)`.execute(db);
  await sql`CREATE INDEX dealer_skus_recent_idx ON recommendations.dealer_skus (dealer_id, last_ordered_at DESC)`.execute(db);
}
