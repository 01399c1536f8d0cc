// A promotion's regional budgets (its terms), shown with the promotion.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE promotions.promotions ADD COLUMN budgets jsonb NOT NULL DEFAULT '{}'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE promotions.promotions DROP COLUMN budgets`.execute(db);
}
