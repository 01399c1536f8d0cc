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

/** Waits until every projection has the whole store, then rebuilds each and compares it row by row. */
export async function expectReadModelsToEqualRebuilds(app: TestApp): Promise<void> {
  const { db, store, locks, upcasting, projections } = app.running.infrastructure;
  const head = await store.headPosition();
  expect((await app.request('GET', `/v1/orders?minPosition=${head}`, { token: app.token('ops') })).status).toBe(200);
  for (const projection of projections) {
    const live = await snapshot(db, projection.schema);
    expect(Object.keys(live).length, projection.name).toBeGreaterThan(0);
    await rebuildProjection(projection, { db, store, locks, upcasting });
    const rebuilt = await snapshot(db, projection.schema);
    expect(rebuilt, `projection ${projection.name}`).toEqual(live);
  }
}
