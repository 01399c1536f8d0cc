// The catalog's GIN indexes (full text, name trigrams) keep a small pending list. New entries
// wait there (unsorted) until VACUUM, an autoanalyze or the list's size limit merges them into
// the index, and every search reads the whole list: at the default 4 MB, after the catalog
// projection has written 50 000 products, that was ~7 ms more on every full-text search, even
// one finding ten products. At 256 kB the writer merges more often, at about the same cost per
// entry, and a search reads at most a quarter of a megabyte. The setting is part of the index
// definition, which a projection rebuild copies.
//
// Every GIN index of catalog.products, found by its access method rather than by name: a rebuild
// made by code older than this migration recreated the indexes under generated names.
import { sql, type Kysely } from 'kysely';

async function setOnGinIndexes(
  db: Kysely<unknown>,
  setting: 'SET (gin_pending_list_limit = 256)' | 'RESET (gin_pending_list_limit)',
): Promise<void> {
  const indexes = await sql<{ name: string }>`
    SELECT i.relname AS name
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_am am ON am.oid = i.relam
     WHERE x.indrelid = 'catalog.products'::regclass AND am.amname = 'gin'`.execute(db);
  for (const { name } of indexes.rows) await sql`ALTER INDEX ${sql.id('catalog', name)} ${sql.raw(setting)}`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await setOnGinIndexes(db, 'SET (gin_pending_list_limit = 256)');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await setOnGinIndexes(db, 'RESET (gin_pending_list_limit)');
}
