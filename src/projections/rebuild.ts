// Rebuilds a projection from position 0 into a fresh copy of its schema, then swaps it in
// while the live projection and the API keep running.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AdvisoryLocks } from '../db/advisory-lock.ts';
import { START_POSITION, comparePositions, type EventStore } from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import type { Projection } from './projection.ts';
import { applyPage, ensureCheckpoint } from './runner.ts';
import { SchemaRedirectPlugin } from './schema-redirect.ts';

export type RebuildProgress = { position: string; head: string; events: number };

export type RebuildOptions = {
  db: Db;
  store: EventStore;
  locks: AdvisoryLocks;
  upcasting: Upcasting;
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  signal?: AbortSignal;
};

export const rebuildCheckpointName = (name: string) => `${name}:rebuild`;
const rebuildLockName = (name: string) => `rebuild:${name}`;

export class RebuildInProgressError extends Error {
  override name = 'RebuildInProgressError';
}

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
    views.push({ name: row.name, definition: row.definition, grants: grants.rows, comment: row.comment, columnComments: columnComments.rows });
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

/** A fresh, empty copy of every table of `schema` (columns, defaults, constraints, indexes). */
async function createFreshSchema(db: Db, schema: string, fresh: string): Promise<void> {
  await sql`DROP SCHEMA IF EXISTS ${sql.id(fresh)} CASCADE`.execute(db);
  await sql`CREATE SCHEMA ${sql.id(fresh)}`.execute(db);
  const { rows } = await sql<{ table: string }>`
    SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p') ORDER BY c.relname`.execute(db);
  for (const { table } of rows) {
    await sql`CREATE TABLE ${sql.id(fresh, table)} (LIKE ${sql.id(schema, table)} INCLUDING ALL)`.execute(db);
  }
}

/**
 * Rebuilds `projection` from the start of the store. Only one rebuild of a projection runs at a
 * time (advisory lock); a second call gets RebuildInProgressError.
 */
export async function rebuildProjection(projection: Projection, options: RebuildOptions): Promise<RebuildProgress> {
  const { db, store, locks, upcasting } = options;
  const batchSize = options.batchSize ?? 2_000;
  if (!(await locks.tryLock(rebuildLockName(projection.name)))) {
    throw new RebuildInProgressError(`A rebuild of ${projection.name} is already running`);
  }
  try {
    const fresh = `${projection.schema}__rebuild`;
    const freshDb = db.withPlugin(new SchemaRedirectPlugin(projection.schema, fresh));
    const checkpointName = rebuildCheckpointName(projection.name);
    await createFreshSchema(db, projection.schema, fresh);
    await db.deleteFrom('projection_checkpoints').where('name', '=', checkpointName).execute();
    await ensureCheckpoint(db, checkpointName);

    let checkpoint = START_POSITION;
    let events = 0;
    const head = await store.headPosition();
    const report = () => options.onProgress?.({ position: checkpoint, head, events });
    // Catch up outside of any lock: the live projection keeps serving meanwhile.
    for (;;) {
      if (options.signal?.aborted) throw new Error('Rebuild aborted');
      const page = await store.readAll({ after: checkpoint, maxCount: batchSize, filter: projection.filter });
      if (comparePositions(page.checkpoint, checkpoint) <= 0) break;
      const expected = checkpoint;
      await freshDb.transaction().execute((trx) => applyPage(trx, projection, checkpointName, expected, page, upcasting));
      checkpoint = page.checkpoint;
      events += page.events.length;
      report();
      if (page.events.length < batchSize) break;
    }

    // The swap: hold the live checkpoint row so the live runner pauses, apply what arrived
    // since, exchange the schemas, hand the live checkpoint the rebuilt position.
    await db.transaction().execute(async (trx) => {
      await ensureCheckpoint(trx, projection.name);
      await trx.selectFrom('projection_checkpoints').select('name').where('name', '=', projection.name).forUpdate().execute();
      const trxFresh = trx.withPlugin(new SchemaRedirectPlugin(projection.schema, fresh));
      for (;;) {
        const page = await store.readAll({ after: checkpoint, maxCount: batchSize, filter: projection.filter });
        if (comparePositions(page.checkpoint, checkpoint) <= 0) break;
        await applyPage(trxFresh, projection, checkpointName, checkpoint, page, upcasting);
        checkpoint = page.checkpoint;
        events += page.events.length;
      }
      const views = await dependentViews(trx, projection.schema);
      const old = `${projection.schema}__old`;
      await sql`DROP SCHEMA IF EXISTS ${sql.id(old)} CASCADE`.execute(trx);
      await sql`ALTER SCHEMA ${sql.id(projection.schema)} RENAME TO ${sql.id(old)}`.execute(trx);
      await sql`ALTER SCHEMA ${sql.id(fresh)} RENAME TO ${sql.id(projection.schema)}`.execute(trx);
      await sql`DROP SCHEMA ${sql.id(old)} CASCADE`.execute(trx);
      await recreateViews(trx, views);
      await trx
        .updateTable('projection_checkpoints')
        .set({ position: checkpoint, status: 'running', error: null, failed_position: null, updated_at: sql<Date>`now()` })
        .where('name', '=', projection.name)
        .execute();
      await trx.deleteFrom('projection_checkpoints').where('name', '=', checkpointName).execute();
    });
    report();
    return { position: checkpoint, head, events };
  } finally {
    await locks.unlock(rebuildLockName(projection.name));
  }
}
