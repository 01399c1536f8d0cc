// The benchmarks' own embedded PostgreSQL, durable like production, with one database per contender.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { createDb, createPool } from '../../src/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/** Production durability: every commit is flushed before it is acknowledged (the test server turns this off). */
export const DURABLE_SETTINGS = {
  fsync: 'on',
  synchronous_commit: 'on',
  full_page_writes: 'on',
  max_connections: '300',
  shared_buffers: '256MB',
} as const;

/** One connection to `url` for `run`, closed afterwards. */
export async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export type BenchPostgres = {
  dataDir: string;
  url: (database: string) => string;
  /** A fresh, empty database (dropped first if it exists). */
  createDatabase: (name: string, options?: { migrate?: boolean }) => Promise<string>;
  admin: <T>(run: (client: pg.Client) => Promise<T>) => Promise<T>;
  stop: () => Promise<void>;
};

export async function startBenchPostgres(
  dataDir: string,
  log: (line: string) => void,
  options: { statements?: boolean } = {},
): Promise<BenchPostgres> {
  const root = path.resolve(dataDir);
  // Always a fresh cluster, so a run never measures the leftovers of the last one.
  await rm(root, { recursive: true, force: true });
  const server: EmbeddedServer = await startEmbeddedPostgres({
    dataDir: root,
    persistent: false,
    settings: {
      ...DURABLE_SETTINGS,
      // --statements: what each request costs, statement by statement (a few % overhead, so off by default).
      ...(options.statements && { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' }),
    },
  });
  log(`embedded PostgreSQL started in ${root}`);

  const admin = <T>(run: (client: pg.Client) => Promise<T>): Promise<T> => withClient(server.url('postgres'), run);

  return {
    dataDir: root,
    url: server.url,
    admin,
    async createDatabase(name, options = {}) {
      await admin(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.query(`CREATE DATABASE ${name}`);
      });
      if (options.migrate) {
        const db = createDb(createPool(server.url(name), { max: 2, applicationName: 'dealerline-bench' }));
        await migrateToLatest(db);
        await db.destroy();
      }
      return server.url(name);
    },
    async stop() {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
