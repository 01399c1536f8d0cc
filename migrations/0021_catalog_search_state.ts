// Where the catalog's searchable products stand: the position of the last event that registered
// or changed a product. The API remembers ranked search results per query and checks them
// against it (src/projections/catalog/search/ranked-cache.ts); price changes leave it alone.
// A rebuild of the same events ends at the same position, so what was remembered stays right.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE catalog.search_state (id int PRIMARY KEY CHECK (id = 1), position text NOT NULL)`.execute(db);
  await sql`
    INSERT INTO catalog.search_state (id, position)
    SELECT 1, c.position FROM projection_checkpoints c WHERE c.name = 'catalog' AND EXISTS (SELECT 1 FROM catalog.products)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE catalog.search_state`.execute(db);
}
