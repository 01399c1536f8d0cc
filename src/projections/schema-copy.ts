// The DDL of a projection's rebuild: a fresh, empty copy of the projection's schema to fill (its
// tables unlogged, the indexes only readers need deferred), made ready to serve once filled, then
// swapped in for the live schema, with the views elsewhere that depend on it recreated.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Projection } from './projection.ts';

type DependentView = {
  name: string;
  definition: string;
  grants: { grantee: string; privilege: string }[];
  comment: string | null;
  columnComments: { column: string; comment: string }[];
};

/**
 * Views elsewhere (the analytics schema) that would vanish with the old schema, also views on
 * those views, dependencies first; recreated after the swap with their grants and comments.
 */
async function dependentViews(db: Db, schema: string): Promise<DependentView[]> {
  const { rows } = await sql<{ name: string; definition: string; comment: string | null; oid: number }>`
    WITH RECURSIVE dependent(oid, depth) AS (
      SELECT r.ev_class, 1
        FROM pg_depend d
        JOIN pg_rewrite r ON r.oid = d.objid
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_namespace tn ON tn.oid = t.relnamespace
       WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND tn.nspname = ${schema}
      UNION
      SELECT r.ev_class, dependent.depth + 1
        FROM dependent
        JOIN pg_depend d ON d.refobjid = dependent.oid AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_rewrite'::regclass
        JOIN pg_rewrite r ON r.oid = d.objid
       WHERE r.ev_class <> dependent.oid AND dependent.depth < 32
    )
    SELECT v.oid, format('%I.%I', vn.nspname, v.relname) AS name, pg_get_viewdef(v.oid) AS definition,
           obj_description(v.oid, 'pg_class') AS comment
      FROM (SELECT oid, max(depth) AS depth FROM dependent GROUP BY oid) dep
      JOIN pg_class v ON v.oid = dep.oid
      JOIN pg_namespace vn ON vn.oid = v.relnamespace
     WHERE vn.nspname <> ${schema} AND v.relkind IN ('v', 'm')
     ORDER BY dep.depth, v.oid`.execute(db);
  const views: DependentView[] = [];
  for (const row of rows) {
    const grants = await sql<{ grantee: string; privilege: string }>`
      SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee,
             a.privilege_type AS privilege
        FROM pg_class c, aclexplode(c.relacl) a
       WHERE c.oid = ${row.oid} AND a.grantee <> c.relowner`.execute(db);
    const columnComments = await sql<{ column: string; comment: string }>`
      SELECT quote_ident(a.attname) AS column, d.description AS comment
        FROM pg_description d
        JOIN pg_attribute a ON a.attrelid = d.objoid AND a.attnum = d.objsubid
       WHERE d.objoid = ${row.oid} AND d.classoid = 'pg_class'::regclass AND d.objsubid > 0
       ORDER BY a.attnum`.execute(db);
    views.push({
      name: row.name,
      definition: row.definition,
      grants: grants.rows,
      comment: row.comment,
      columnComments: columnComments.rows,
    });
  }
  return views;
}

async function recreateViews(db: Db, views: DependentView[]): Promise<void> {
  for (const view of views) {
    await sql.raw(`CREATE OR REPLACE VIEW ${view.name} AS ${view.definition}`).execute(db);
    for (const grant of view.grants) await sql.raw(`GRANT ${grant.privilege} ON ${view.name} TO ${grant.grantee}`).execute(db);
    if (view.comment !== null) await sql`COMMENT ON VIEW ${sql.raw(view.name)} IS ${sql.lit(view.comment)}`.execute(db);
    for (const { column, comment } of view.columnComments) {
      await sql`COMMENT ON COLUMN ${sql.raw(`${view.name}.${column}`)} IS ${sql.lit(comment)}`.execute(db);
    }
  }
}

const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

type IndexDefinition = { name: string; table: string; definition: string };
export type FreshCopy = { tables: string[]; deferred: IndexDefinition[] };

/**
 * A fresh, empty copy of every table of `schema` (columns, defaults, constraints, indexes, all
 * under their own names, storage parameters). The indexes the projection defers (`rebuildDeferredIndexes`) are left
 * out and returned, to be created once the copy is filled.
 */
export async function createFreshSchema(db: Db, projection: Projection, fresh: string): Promise<FreshCopy> {
  const { schema } = projection;
  await sql`DROP SCHEMA IF EXISTS ${sql.id(fresh)} CASCADE`.execute(db);
  await sql`CREATE SCHEMA ${sql.id(fresh)}`.execute(db);
  const { rows: tables } = await sql<{ table: string; options: string[] | null }>`
    SELECT c.relname AS table, c.reloptions AS options FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p') ORDER BY c.relname`.execute(db);
  // Unlogged while it fills: a crashed rebuild starts again from scratch anyway.
  for (const { table, options } of tables) {
    await sql`CREATE UNLOGGED TABLE ${sql.id(fresh, table)} (LIKE ${sql.id(schema, table)} INCLUDING ALL EXCLUDING INDEXES)`.execute(db);
    // Storage parameters (fillfactor, autovacuum settings), which LIKE leaves behind.
    if (options && options.length > 0) {
      const settings = options.map((option) => {
        const at = option.indexOf('=');
        return sql`${sql.raw(option.slice(0, at))} = ${sql.lit(option.slice(at + 1))}`;
      });
      await sql`ALTER TABLE ${sql.id(fresh, table)} SET (${sql.join(settings)})`.execute(db);
    }
  }
  // Primary keys, unique and exclusion constraints (the indexes behind them come along).
  const { rows: constraints } = await sql<{ table: string; name: string; definition: string }>`
    SELECT t.relname AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = ${schema} AND c.contype IN ('p', 'u', 'x') AND t.relkind IN ('r', 'p')
     ORDER BY t.relname, c.contype, c.conname`.execute(db);
  for (const constraint of constraints) {
    await sql`ALTER TABLE ${sql.id(fresh, constraint.table)} ADD CONSTRAINT ${sql.id(constraint.name)} ${sql.raw(constraint.definition)}`.execute(
      db,
    );
  }
  // Every other index, under its own name, on the fresh table.
  const { rows: indexes } = await sql<{ table: string; name: string; unique: boolean; definition: string; prefix: string }>`
    SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, pg_get_indexdef(i.oid) AS definition,
           format(' ON %s.%s USING ', quote_ident(n.nspname), quote_ident(t.relname)) AS prefix
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = ${schema} AND t.relkind IN ('r', 'p')
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid AND c.conrelid = t.oid)
     ORDER BY t.relname, i.relname`.execute(db);
  const deferrable = projection.rebuildDeferredIndexes;
  const deferred: IndexDefinition[] = [];
  for (const index of indexes) {
    const at = index.definition.indexOf(index.prefix);
    if (at < 0) throw new Error(`Unexpected definition of index ${schema}.${index.name}: ${index.definition}`);
    const definition = `${index.definition.slice(0, at)} ON ${quoted(fresh)}.${quoted(index.table)} USING ${index.definition.slice(at + index.prefix.length)}`;
    const defer = !index.unique && (deferrable === 'secondary' || (deferrable?.includes(index.name) ?? false));
    if (defer) deferred.push({ name: index.name, table: index.table, definition });
    else await sql.raw(definition).execute(db);
  }
  return { tables: tables.map(({ table }) => table), deferred };
}

/** Runs `work` on every item, `concurrency` at a time (each on a connection of its own). */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Statements run side by side: a copy's SET LOGGED, CREATE INDEX, ANALYZE; copies created or finished. */
export const FINISH_CONCURRENCY = 2;

/**
 * Makes the filled copy ready to serve: its tables logged from now on (written to the WAL whole,
 * once), the deferred indexes built, statistics for the planner before the first query.
 */
export async function finishFreshSchema(db: Db, fresh: string, { tables, deferred }: FreshCopy): Promise<void> {
  await inParallel(tables, FINISH_CONCURRENCY, async (table) => {
    await sql`ALTER TABLE ${sql.id(fresh, table)} SET LOGGED`.execute(db);
  });
  await inParallel(deferred, FINISH_CONCURRENCY, async (index) => {
    await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL maintenance_work_mem = '256MB'`.execute(trx);
      await sql.raw(index.definition).execute(trx);
    });
  });
  await inParallel(tables, FINISH_CONCURRENCY, async (table) => {
    await sql`ANALYZE ${sql.id(fresh, table)}`.execute(db);
  });
}

/**
 * In the caller's transaction: `fresh` takes the place of `schema` (the old one is dropped), and
 * the views elsewhere that depended on the old schema are recreated on the new one.
 */
export async function swapSchemas(trx: Db, schema: string, fresh: string): Promise<void> {
  const views = await dependentViews(trx, schema);
  const old = `${schema}__old`;
  await sql`DROP SCHEMA IF EXISTS ${sql.id(old)} CASCADE`.execute(trx);
  await sql`ALTER SCHEMA ${sql.id(schema)} RENAME TO ${sql.id(old)}`.execute(trx);
  await sql`ALTER SCHEMA ${sql.id(fresh)} RENAME TO ${sql.id(schema)}`.execute(trx);
  await sql`DROP SCHEMA ${sql.id(old)} CASCADE`.execute(trx);
  await recreateViews(trx, views);
}
