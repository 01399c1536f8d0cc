// The Postgres connection pool and the typed kysely instance over every read-model table.
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './schema.ts';

// Dates stay 'YYYY-MM-DD' strings: a lot's expiry date is a calendar day, not an instant.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// Money, quantities and counts are int8 columns that fit a JS number; event-store positions
// are read as text instead (see the event store adapter), so they never pass through here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Db = Kysely<Database>;

export function createPool(connectionString: string, options: { max?: number; applicationName?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 20,
    application_name: options.applicationName ?? 'dealerline',
    connectionTimeoutMillis: 5_000,
  });
  // A connection that breaks (the server restarting, or stopped by Ctrl-C) must not crash the
  // process: an idle one is dropped by the pool; one checked out between two queries of a
  // transaction would otherwise emit an unhandled 'error' — its next query fails instead, and
  // the pool discards it on release.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export function createDb(pool: pg.Pool): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
