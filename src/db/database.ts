// The Postgres connection pool and the typed kysely instance over every read-model table.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './schema.ts';

// Dates stay 'YYYY-MM-DD' strings: a lot's expiry date is a calendar day, not an instant.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// Money, quantities and counts are int8 columns that fit a JS number; event-store positions
// are read as text instead (see the event store adapter), so they never pass through here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Db = Kysely<Database>;

/** Sends of a text before it is prepared: one-off shapes (an IN list of unusual length) stay unnamed. */
const PREPARE_AFTER = 20;
/** At most this many texts are prepared (per connection, each parsed once): a bound on server memory. */
const MAX_PREPARED = 500;
const MAX_TEXT = 4_000;

const seen = new Map<string, number>();
const prepared = new Map<string, string>();

/** The prepared statement's name for this text, once it is sent often enough; undefined before. */
export function preparedName(text: string): string | undefined {
  const known = prepared.get(text);
  if (known !== undefined || text.length > MAX_TEXT || prepared.size >= MAX_PREPARED) return known;
  const count = (seen.get(text) ?? 0) + 1;
  if (count < PREPARE_AFTER) {
    if (seen.size >= 10 * MAX_PREPARED) seen.clear();
    seen.set(text, count);
    return undefined;
  }
  seen.delete(text);
  const name = `dl_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
  prepared.set(text, name);
  return name;
}

/**
 * Statements sent over and over with parameters become named prepared statements on each
 * connection: PostgreSQL parses and plans them once per connection, not on every call (a 3-key
 * product lookup: 226 → 126 µs a round trip, measured here). Texts without parameters keep the
 * simple protocol (they may hold several statements).
 */
function prepareRepeatedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = preparedName(config);
      if (name !== undefined)
        return callback === undefined ? query({ name, text: config, values }) : query({ name, text: config, values }, callback);
    }
    return query(config, values, callback);
  };
}

export type PoolOptions = {
  max?: number;
  applicationName?: string;
  /**
   * Commit without waiting for the WAL flush (`synchronous_commit = off`): only for work that is
   * derived and redone after a crash anyway. A crash of PostgreSQL may lose the last commits (never
   * tear one), and a later durable commit flushes the earlier ones with it.
   */
  asyncCommit?: boolean;
};

export function createPool(connectionString: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 20,
    application_name: options.applicationName ?? 'dealerline',
    connectionTimeoutMillis: 5_000,
    ...(options.asyncCommit && { options: '-c synchronous_commit=off' }),
  });
  // A connection that breaks (the server restarting, or stopped by Ctrl-C) must not crash the
  // process: an idle one is dropped by the pool; one checked out between two queries of a
  // transaction would otherwise emit an unhandled 'error' — its next query fails instead, and
  // the pool discards it on release.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    prepareRepeatedStatements(client);
  });
  return pool;
}

export function createDb(pool: pg.Pool): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
