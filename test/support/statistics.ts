// What PostgreSQL's cumulative statistics say a session did, read back in that session.
import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../src/db/database.ts';

/** A session: a pg client, or a kysely instance pinned to one connection (`db.connection()`). */
export type Session = pg.Client | Db;

async function query(session: Session, text: string, values: unknown[]): Promise<Record<string, unknown>[]> {
  if ('executeQuery' in session) return (await session.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, values))).rows;
  return (await session.query(text, values)).rows as Record<string, unknown>[];
}

/** Sequential scans of `table` so far, with `session`'s own counted (a session flushes them when it goes idle). */
export async function sequentialScans(session: Session, table: string): Promise<number> {
  await query(session, 'SELECT pg_stat_force_next_flush()', []);
  const rows = await query(session, 'SELECT pg_stat_clear_snapshot(), seq_scan FROM pg_stat_user_tables WHERE relid = $1::regclass', [
    table,
  ]);
  return Number(rows[0]!.seq_scan);
}
