// postgres.js (the `postgres` package) set up to behave as the app's node-postgres pool does, for the
// drivers scenario: the same values in (JSON texts for jsonb parameters) and out (int8 as numbers,
// dates as 'YYYY-MM-DD' strings), over the same Unix socket. Bench-only: the app runs on `pg`.
import { Kysely } from 'kysely';
import { PostgresJSDialect } from 'kysely-postgres-js';
import type pg from 'pg';
import postgres from 'postgres';
import type { Db } from '../../../src/db/database.ts';
import type { Database } from '../../../src/db/schema.ts';

export type PostgresJs = postgres.Sql;

const JSON_OIDS = [114, 3802];

/** A client with at most `max` connections; every parameterised statement is prepared (its default). */
export function openPostgresJs(url: string, max: number, applicationName: string): PostgresJs {
  const parsed = new URL(url);
  // The URL names the socket's directory in `?host=`, which postgres.js does not read from a URL.
  const socketDir = parsed.searchParams.get('host');
  // Left in the URL, postgres.js would send it to the server as a setting.
  parsed.searchParams.delete('host');
  return postgres(parsed.toString(), {
    max,
    ...(socketDir && { path: `${socketDir}/.s.PGSQL.${parsed.port || '5432'}` }),
    connection: { application_name: applicationName },
    onnotice: () => undefined,
    types: {
      // The app passes jsonb parameters as JSON texts (`$7::jsonb` with JSON.stringify(...)): sent as
      // they are. postgres.js would otherwise encode the text again, as a JSON string.
      json: {
        to: 114,
        from: JSON_OIDS,
        serialize: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)),
        parse: (text: string) => JSON.parse(text) as unknown,
      },
      // As src/db/database.ts sets node-postgres up: int8 as a number, a date as its text.
      int8: { to: 20, from: [20], serialize: (value: unknown) => String(value), parse: (text: string) => Number(text) },
      day: { to: 1082, from: [1082], serialize: (value: unknown) => String(value), parse: (text: string) => text },
    },
  });
}

/**
 * The part of a node-postgres pool that PostgresEventStore uses for appends and stream reads
 * (`query(text, values)` answering `{ rows }`), on postgres.js. LISTEN (`connect()`) is not
 * provided: the scenario never subscribes.
 */
export function poolOf(sql: PostgresJs): pg.Pool {
  const query = async (text: string, values?: unknown[]) => {
    const rows = await sql.unsafe(text, (values ?? []) as postgres.ParameterOrJSON<never>[], { prepare: true });
    return { rows: [...rows], rowCount: rows.count };
  };
  return { query } as unknown as pg.Pool;
}

/** The typed kysely instance over postgres.js (each query reserves a connection, as kysely-postgres-js does). */
export function dbOf(sql: PostgresJs): Db {
  return new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: sql }) });
}
