// Which writes wait for the WAL flush: the API's (events, idempotency keys, accounts) always do;
// the projections' read-model pages do not, as they are applied again from the store if lost.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('commit durability per pool', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  const setting = async (db: TestApp['running']['infrastructure']['db']) =>
    (await sql<{ setting: string; source: string }>`SELECT setting, source FROM pg_settings WHERE name = 'synchronous_commit'`.execute(db))
      .rows[0];

  it('commits read models asynchronously, set by the projections pool itself, and leaves the API pool to the server', async () => {
    const { db, projectionDb } = app.running.infrastructure;
    expect(await setting(projectionDb)).toEqual({ setting: 'off', source: 'client' });
    expect((await setting(db))?.source).not.toBe('client');
  });
});
