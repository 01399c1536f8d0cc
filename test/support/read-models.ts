// Read models against a rebuild of themselves: every row of every projection's schema must be the
// same after rebuilding it from position 0 (used after business scenarios and after crashes).
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../../src/db/database.ts';
import { rebuildProjection } from '../../src/projections/rebuild.ts';
import type { TestApp } from './app.ts';

/** Every row of every table of a schema, identity columns left out (a rebuild numbers them afresh, without gaps). */
export async function snapshot(db: Db, schema: string): Promise<Record<string, unknown[]>> {
  const tables = await sql<{ table: string; columns: string[] }>`
    SELECT c.table_name AS table, array_agg(quote_ident(c.column_name) ORDER BY c.ordinal_position) AS columns
      FROM information_schema.columns c
     WHERE c.table_schema = ${schema} AND c.is_identity = 'NO'
     GROUP BY c.table_name ORDER BY c.table_name`.execute(db);
  const result: Record<string, unknown[]> = {};
  for (const { table, columns } of tables.rows) {
    const list = columns.join(', ');
    const rows = await sql.raw(`SELECT ${list} FROM ${JSON.stringify(schema)}.${JSON.stringify(table)} ORDER BY ${list}`).execute(db);
    result[table] = rows.rows;
  }
  return result;
}

/** The schema's tables (whether they are logged, their storage parameters), indexes and constraints, under their names. */
export async function structure(db: Db, schema: string) {
  const tables = await sql<{ name: string; persistence: string; options: string[] | null }>`
    SELECT c.relname AS name, c.relpersistence AS persistence, c.reloptions AS options FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p', 'S') ORDER BY c.relname`.execute(db);
  const indexes = await sql<{ name: string; definition: string }>`
    SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = ${schema} ORDER BY indexname`.execute(db);
  const constraints = await sql<{ table: string; name: string; definition: string }>`
    SELECT t.relname AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = ${schema} ORDER BY t.relname, c.conname`.execute(db);
  return { tables: tables.rows, indexes: indexes.rows, constraints: constraints.rows };
}

/** Waits until every projection has the whole store, then rebuilds each and compares it row by row. */
export async function expectReadModelsToEqualRebuilds(app: TestApp): Promise<void> {
  const { db, store, locks, upcasting, projections } = app.running.infrastructure;
  const head = await store.headPosition();
  expect((await app.request('GET', `/v1/orders?minPosition=${head}`, { token: app.token('ops') })).status).toBe(200);
  for (const projection of projections) {
    const live = await snapshot(db, projection.schema);
    const tables = await structure(db, projection.schema);
    expect(Object.keys(live).length, projection.name).toBeGreaterThan(0);
    await rebuildProjection(projection, { db, store, locks, upcasting });
    const rebuilt = await snapshot(db, projection.schema);
    expect(rebuilt, `projection ${projection.name}`).toEqual(live);
    // The same tables, indexes and constraints, under the same names (and logged again).
    expect(await structure(db, projection.schema), `structure of ${projection.name}`).toEqual(tables);
  }
}
