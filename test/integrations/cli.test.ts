// The integration commands of the real CLI process: replay from a position, dead letters, retry.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createPool, type Db } from '../../src/db/database.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { newEvent } from '../eventstore/contract.ts';
import { startPartner, type Partner } from './partner.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

type Run = { code: number; stdout: string; stderr: string };

describe('dealerline CLI: integrations', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let db: Db;
  let store: PostgresEventStore;
  let erp: Partner;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool(database.url);
    db = createDb(pool);
    store = new PostgresEventStore(pool);
    erp = await startPartner(({ payload }) => ({ status: payload.data?.refuse ? 422 : 200 }));
  });
  afterAll(async () => {
    await erp.close();
    await store.close();
    await db.destroy();
    await database.drop();
  });

  function cli(...args: string[]): Promise<Run> {
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      ERP_BASE_URL: erp.url,
      DEMO_DATA: 'false',
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'cli-test-secret-that-is-long-enough-0123',
    };
    return new Promise((resolve) => {
      execFile(process.execPath, ['src/cli.ts', ...args], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  it('replays from a position, lists the dead letter, and requests its retry', async () => {
    const sku = `CLI-${randomUUID().slice(0, 8)}`;
    const events = [
      newEvent('ProductNoted', { n: 0 }),
      newEvent('ProductNoted', { n: 1 }),
      newEvent('ProductNoted', { n: 2, refuse: true }),
      newEvent('ProductNoted', { n: 3 }),
    ];
    const positions: string[] = [];
    for (const event of events) positions.push((await store.appendToStream(`product-${sku}`, [event])).position);
    await store.appendToStream(`internal-${sku}`, [newEvent('NotForTheErp')]);

    const replay = await cli('replay', 'erp-http', '--from', positions[1]!);
    expect(replay.stdout).toContain(`Replayed 3 events of erp-http from ${positions[1]}`);
    expect(replay.stdout).toContain('2 delivered, 1 dead-lettered');
    expect(replay.code).toBe(1);
    expect(erp.calls.map((call) => call.key)).toEqual([events[1]!.id, events[2]!.id, events[3]!.id]);
    expect(erp.accepted.map((call) => call.payload.revision)).toEqual([1, 3]);

    const listed = await cli('dead-letters', '--adapter', 'erp-http');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('ProductNoted');
    expect(listed.stdout).toContain(`product-${sku}`);
    expect(listed.stdout).toContain('HTTP 422');

    const deadLetter = await db
      .selectFrom('integration.dead_letters')
      .select(['id', 'status'])
      .where('event_id', '=', events[2]!.id)
      .executeTakeFirstOrThrow();
    expect(deadLetter.status).toBe('open');
    const retry = await cli('retry-dead-letter', String(deadLetter.id), '--wait', '0');
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain(`Retry of dead letter ${deadLetter.id}`);
    const requested = await db
      .selectFrom('integration.dead_letters')
      .select('status')
      .where('id', '=', deadLetter.id)
      .executeTakeFirstOrThrow();
    expect(requested.status).toBe('retry_requested');

    const status = await cli('integrations');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('erp-http');
  });

  it('refuses an unknown adapter, a bad position and an unknown dead letter', async () => {
    const unknown = await cli('replay', 'nowhere', '--from', '0');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('enabled adapters: erp-http');
    expect((await cli('replay', 'erp-http', '--from', 'yesterday')).code).toBe(2);
    expect((await cli('retry-dead-letter', '424242', '--wait', '0')).stderr).toContain('was not found');
  });
});
