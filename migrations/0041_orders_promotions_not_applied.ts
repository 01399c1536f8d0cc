// The promotions an order did not get (a cap reached, a region's budget spent), shown with it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE orders.orders ADD COLUMN promotions_not_applied jsonb NOT NULL DEFAULT '[]'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE orders.orders DROP COLUMN promotions_not_applied`.execute(db);
}
