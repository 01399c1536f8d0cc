// Catalog search by SKU prefix, case-insensitive (`q=sku-0012` finds SKU-001200...): a btree on
// lower(sku) with pattern operators, so that `lower(sku) LIKE 'sku-0012%'` is a range scan and
// not a pass over every product. A projection rebuild copies it with the table's other indexes.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX products_sku_prefix_idx ON catalog.products (lower(sku) text_pattern_ops)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX catalog.products_sku_prefix_idx`.execute(db);
}
