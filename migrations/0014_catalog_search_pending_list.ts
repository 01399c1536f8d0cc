// The catalog's GIN indexes (full text, name trigrams) keep a small pending list. New entries
// wait there (unsorted) until VACUUM, an autoanalyze or the list's size limit merges them into
// the index, and every search reads the whole list: at the default 4 MB, after the catalog
// projection has written 50 000 products, that was ~7 ms more on every full-text search, even
// one finding ten products. At 256 kB the writer merges more often, at about the same cost per
// entry, and a search reads at most a quarter of a megabyte. The setting is part of the index
// definition, which a projection rebuild copies.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER INDEX catalog.products_search_idx SET (gin_pending_list_limit = 256)`.execute(db);
  await sql`ALTER INDEX catalog.products_name_trgm_idx SET (gin_pending_list_limit = 256)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER INDEX catalog.products_search_idx RESET (gin_pending_list_limit)`.execute(db);
  await sql`ALTER INDEX catalog.products_name_trgm_idx RESET (gin_pending_list_limit)`.execute(db);
}
