// A dealer's minimum remaining shelf life, in days, shown with the dealer (0: none).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE dealers.dealers ADD COLUMN min_remaining_days int NOT NULL DEFAULT 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE dealers.dealers DROP COLUMN min_remaining_days`.execute(db);
}
