// The projection runner: exactly-once effects with checkpoints, a poison event stopping only
// its projection, resume after a fix, a rebuild swapped in live, read-your-writes waits.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdvisoryLocks } from '../../src/db/advisory-lock.ts';
import { createDb, createPool, type Db } from '../../src/db/database.ts';
import { createPipelinedDb } from '../../src/db/pipeline.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createUpcasting } from '../../src/eventstore/upcasting.ts';
import type { Projection } from '../../src/projections/projection.ts';
import { ReadModelClock } from '../../src/projections/read-model-clock.ts';
import { rebuildProjection } from '../../src/projections/rebuild.ts';
import { ProjectionRunner } from '../../src/projections/runner.ts';
import { projectionStates, resumeProjection } from '../../src/projections/status.ts';
import { eventually } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { newEvent } from '../eventstore/contract.ts';

/** A projection summing `n` per key; `poison` makes it fail on a chosen event type. */
function tallyProjection(name: string, schema: string, poison: { type?: string }): Projection {
  return {
    name,
    schema,
    filter: { eventTypes: ['Counted', 'Poison'] },
    async handle(db, event) {
      if (event.type === poison.type) throw new Error('cannot digest this event');
      if (event.type !== 'Counted') return;
      // Raw SQL names its table through sql.table, so a rebuild can redirect it.
      await sql`INSERT INTO ${sql.table(`${schema}.counts`)} AS c (key, total) VALUES (${String(event.data.key)}, ${Number(event.data.n)})
        ON CONFLICT (key) DO UPDATE SET total = c.total + excluded.total`.execute(db);
    },
  };
}

describe('projection runner', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let db: Db;
  let store: PostgresEventStore;
  let locks: AdvisoryLocks;
  const upcasting = createUpcasting([]);
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool(database.url);
    db = createDb(pool);
    store = new PostgresEventStore(pool, { pollIntervalMs: 100 });
    locks = new AdvisoryLocks(pool);
  });
  afterAll(async () => {
    await store.close();
    await locks.close();
    await db.destroy();
    await database.drop();
  });

  async function createSchema(schema: string) {
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
    await sql`CREATE TABLE ${sql.id(schema, 'counts')} (key text PRIMARY KEY, total int NOT NULL)`.execute(db);
  }

  async function totals(schema: string, keys: string[]) {
    const { rows } = await sql<{
      key: string;
      total: number;
    }>`SELECT key, total FROM ${sql.id(schema, 'counts')} WHERE key = ANY(${keys}) ORDER BY key`.execute(db);
    return Object.fromEntries(rows.map((row) => [row.key, row.total]));
  }

  const count = (key: string, n: number) => store.appendToStream(`tally-${randomUUID()}`, [newEvent('Counted', { key, n })]);

  it('applies each event once, and a poison event stops only its own projection until resumed', async () => {
    await createSchema('tally_a');
    await createSchema('tally_b');
    const poison: { type?: string } = { type: 'Poison' };
    const fragile = tallyProjection('tally-a', 'tally_a', poison);
    const sturdy = tallyProjection('tally-b', 'tally_b', {});
    const runner = new ProjectionRunner({
      db,
      store,
      locks,
      upcasting,
      projections: [fragile, sturdy],
      logger,
      batchSize: 3,
      idleRetryMs: 50,
    });
    runner.start();
    try {
      for (let i = 0; i < 10; i++) await count('x', 1);
      const clock = new ReadModelClock(db, ['tally-a', 'tally-b'], runner.progress);
      const tenth = await count('y', 5);
      expect((await clock.waitFor(tenth.position, 5_000)).reached).toBe(true);
      expect(await totals('tally_a', ['x', 'y', 'z'])).toEqual({ x: 10, y: 5 });

      const bad = await store.appendToStream(`tally-${randomUUID()}`, [newEvent('Poison')]);
      const after = await count('z', 1);
      const failed = await eventually(async () => {
        const states = await projectionStates(db, store, [fragile, sturdy]);
        return states[0]!.status === 'failed' ? states : undefined;
      });
      expect(failed[0]!.error).toContain('cannot digest this event');
      expect(failed[0]!.error).toContain(bad.position);
      expect((await clock.waitFor(after.position, 300)).reached).toBe(false);
      await eventually(async () => ((await totals('tally_b', ['z'])).z === 1 ? true : undefined));
      expect(await totals('tally_a', ['x', 'y', 'z'])).toEqual({ x: 10, y: 5 });

      // The fix ships (here: the handler learns to skip it), then an operator resumes.
      delete poison.type;
      expect(await resumeProjection(db, 'tally-a')).toBe(true);
      expect((await clock.waitFor(after.position, 10_000)).reached).toBe(true);
      expect(await totals('tally_a', ['x', 'y', 'z'])).toEqual({ x: 10, y: 5, z: 1 });
      expect(await totals('tally_b', ['x', 'y', 'z'])).toEqual({ x: 10, y: 5, z: 1 });
    } finally {
      await runner.stop();
    }
  });

  it('writes batch pages pipelined, and a page whose held-back write fails at COMMIT goes event by event, stopping at the poison event', async () => {
    await sql`CREATE SCHEMA tally_p`.execute(db);
    // A total may not go below zero: the write of a fold that takes it there fails only at COMMIT.
    await sql`CREATE TABLE tally_p.counts (key text PRIMARY KEY, total int NOT NULL CHECK (total >= 0))`.execute(db);
    const base = tallyProjection('tally-p', 'tally_p', {});
    const folded: number[] = [];
    const pipelinedTally: Projection = {
      ...base,
      batch: {
        folds: (event) => event.type === 'Counted',
        fold: () => {
          const sums = new Map<string, number>();
          return {
            async add(_db, events) {
              for (const event of events) sums.set(String(event.data.key), (sums.get(String(event.data.key)) ?? 0) + Number(event.data.n));
            },
            get size() {
              return sums.size;
            },
            async write(trx) {
              folded.push(sums.size);
              const rows = JSON.stringify([...sums].map(([key, total]) => ({ key, total })));
              await sql`INSERT INTO ${sql.table('tally_p.counts')} AS c (key, total)
                SELECT * FROM json_to_recordset(${rows}::json) AS r(key text, total int)
                ON CONFLICT (key) DO UPDATE SET total = c.total + excluded.total`.execute(trx);
            },
          };
        },
      },
    };
    const runner = new ProjectionRunner({
      db,
      pipelinedDb: createPipelinedDb(pool),
      store,
      locks,
      upcasting,
      projections: [pipelinedTally],
      logger,
      batchSize: 4,
      idleRetryMs: 50,
    });
    // Appended before the runner starts, so its pages are full ones the batch handler folds.
    const counted: { key: string; position: string }[] = [];
    for (let i = 0; i < 8; i++) counted.push({ key: `p${i % 2}`, position: (await count(`p${i % 2}`, 1)).position });
    const bad = await count('p0', -100);
    const after = await count('p1', 1);
    runner.start();
    try {
      const failed = await eventually(async () => {
        const states = await projectionStates(db, store, [pipelinedTally]);
        return states[0]!.status === 'failed' ? states : undefined;
      });
      // The page holding the poison event failed as a batch (at COMMIT), then event by event at it.
      expect(failed[0]!.error).toContain(bad.position);
      expect(failed[0]!.error).toContain('counts_total_check');
      expect(folded.length).toBeGreaterThanOrEqual(3);
      // Every event before the failed page, exactly once; nothing of that page (it stays whole).
      const { position } = await db
        .selectFrom('projection_checkpoints')
        .select('position')
        .where('name', '=', 'tally-p')
        .executeTakeFirstOrThrow();
      expect(BigInt(position)).toBeLessThan(BigInt(bad.position));
      const applied: Record<string, number> = {};
      for (const { key, position: at } of counted) if (BigInt(at) <= BigInt(position)) applied[key] = (applied[key] ?? 0) + 1;
      expect(Object.values(applied).reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(4);
      expect(await totals('tally_p', ['p0', 'p1'])).toEqual(applied);
      expect(BigInt(position)).toBeLessThan(BigInt(after.position));
    } finally {
      await runner.stop();
    }
  });

  it('moves a checkpoint past events of other projections, so a clock reading the table (another process) sees it caught up', async () => {
    await createSchema('tally_skip');
    const bystander: Projection = { ...tallyProjection('tally-skip', 'tally_skip', {}), filter: { eventTypes: ['NotAppendedHere'] } };
    const runner = new ProjectionRunner({ db, store, locks, upcasting, projections: [bystander], logger, idleRetryMs: 50 });
    runner.start();
    try {
      // No progress emitter: the clock polls the checkpoints table, as an API-only replica does.
      const clock = new ReadModelClock(db, ['tally-skip']);
      for (let i = 0; i < 3; i++) {
        const appended = await count('w', 1);
        expect((await clock.waitFor(appended.position, 5_000)).reached).toBe(true);
      }
      expect(await totals('tally_skip', ['w'])).toEqual({});
    } finally {
      await runner.stop();
    }
  });

  it('rebuilds into fresh tables and swaps them in while the live projection keeps running', async () => {
    await createSchema('tally_c');
    const projection = tallyProjection('tally-c', 'tally_c', {});
    await sql`CREATE SCHEMA IF NOT EXISTS reporting`.execute(db);
    await sql`CREATE VIEW reporting.tally_c_view AS SELECT key, total FROM tally_c.counts`.execute(db);
    await sql`COMMENT ON VIEW reporting.tally_c_view IS 'survives rebuilds'`.execute(db);

    const runner = new ProjectionRunner({ db, store, locks, upcasting, projections: [projection], logger, idleRetryMs: 50 });
    runner.start();
    try {
      for (let i = 0; i < 20; i++) await count('r', 1);
      const clock = new ReadModelClock(db, ['tally-c'], runner.progress);
      const last = await count('r', 1);
      expect((await clock.waitFor(last.position, 5_000)).reached).toBe(true);
      // Damage the live table, as a buggy handler release would have.
      await sql`UPDATE tally_c.counts SET total = -1`.execute(db);

      const writing = (async () => {
        for (let i = 0; i < 30; i++) await count('r', 1);
      })();
      const progress: string[] = [];
      await rebuildProjection(projection, { db, store, locks, upcasting, batchSize: 7, onProgress: (p) => progress.push(p.position) });
      await writing;
      const end = await count('r', 0);
      expect((await clock.waitFor(end.position, 10_000)).reached).toBe(true);
      expect(await totals('tally_c', ['r'])).toEqual({ r: 51 });
      expect(progress.length).toBeGreaterThan(1);

      const view = await sql<{ total: number }>`SELECT total FROM reporting.tally_c_view WHERE key = 'r'`.execute(db);
      expect(view.rows).toEqual([{ total: 51 }]);
      const comment = await sql<{ c: string }>`SELECT obj_description('reporting.tally_c_view'::regclass, 'pg_class') AS c`.execute(db);
      expect(comment.rows[0]!.c).toBe('survives rebuilds');
      const leftovers = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'tally_c__%'`.execute(db);
      expect(leftovers.rows[0]!.n).toBe(0);
    } finally {
      await runner.stop();
    }
  });

  it('runs one active instance per projection across runners (advisory lock)', async () => {
    await createSchema('tally_d');
    const projection = tallyProjection('tally-d', 'tally_d', {});
    const otherPool = createPool(database.url);
    const otherLocks = new AdvisoryLocks(otherPool);
    const otherDb = createDb(otherPool);
    const first = new ProjectionRunner({ db, store, locks, upcasting, projections: [projection], logger, idleRetryMs: 50 });
    const second = new ProjectionRunner({
      db: otherDb,
      store,
      locks: otherLocks,
      upcasting,
      projections: [projection],
      logger,
      idleRetryMs: 50,
    });
    first.start();
    second.start();
    try {
      for (let i = 0; i < 40; i++) await count('d', 1);
      const last = await count('d', 1);
      const clock = new ReadModelClock(db, ['tally-d']);
      expect((await clock.waitFor(last.position, 10_000)).reached).toBe(true);
      expect(await totals('tally_d', ['d'])).toEqual({ d: 41 });
    } finally {
      await first.stop();
      await second.stop();
      await otherLocks.close();
      await otherDb.destroy();
    }
  });
});
