// Starts the run's one embedded PostgreSQL and migrates a template database that every test
// file clones (CREATE DATABASE ... TEMPLATE is fast). Meanwhile it makes the web app's build
// current, so every test that reaches `/`, `/portal` or `/console` meets the app a user gets,
// whichever file runs first (on a clean checkout nothing is built yet).
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb, createPool } from '../../src/db/database.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import pg from 'pg';
import { ensureWebBuilt } from '../../web/build.ts';

export const TEMPLATE_DATABASE = 'dealerline_template';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const webBuilt = ensureWebBuilt();
  const dir = await mkdtemp(path.join(tmpdir(), 'dealerline-test-'));
  await chmod(dir, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: dir,
    persistent: false,
    // A throwaway server: durability buys nothing here, speed does.
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '500' },
  });
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const pool = createPool(server.url(TEMPLATE_DATABASE), { max: 2 });
  const db = createDb(pool);
  await migrateToLatest(db);
  await db.destroy();
  await webBuilt;
  project.provide('postgresAdminUrl', server.url('postgres'));
  project.provide('postgresTemplate', TEMPLATE_DATABASE);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
