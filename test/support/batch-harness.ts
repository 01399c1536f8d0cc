// The harness that holds a projection's set-based (batch) path to its per-event path: events
// appended to a fresh database, then the projection rebuilt (small folds, one fold) and run live
// (pages of 5 and 500), each compared with the per-event rebuild: the same rows, or a failure on
// the same event.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, expect } from 'vitest';
import { AdvisoryLocks } from '../../src/db/advisory-lock.ts';
import { createDb, createPool, type Db } from '../../src/db/database.ts';
import type { NewEvent } from '../../src/eventstore/port.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createUpcasting } from '../../src/eventstore/upcasting.ts';
import type { Projection } from '../../src/projections/projection.ts';
import { rebuildProjection } from '../../src/projections/rebuild.ts';
import { applyPageInTransaction, ensureCheckpoint } from '../../src/projections/runner.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { snapshot } from './read-models.ts';

/** A small deterministic PRNG (mulberry32). */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const chance = (p: number) => next() < p;
  return { next, pick, chance };
}

/** An event to append: to `stream`, one second after the one before (occurredAt). */
export type Planned = { stream: string; type: string; data: Record<string, unknown> };

export type Outcome = { rows: Record<string, unknown[]> } | { failed: { position: unknown; message: string } };

export const failure = (error: unknown): Outcome => {
  const event = (error as { event?: { position?: unknown } }).event;
  return { failed: { position: event?.position, message: error instanceof Error ? error.message : String(error) } };
};

/** Call inside a `describe`: registers the cleanup after each test. */
export function batchHarness() {
  let database: TestDatabase | undefined;
  let db: Db;
  let store: PostgresEventStore;
  let locks: AdvisoryLocks;
  const upcasting = createUpcasting([]);

  afterEach(async () => {
    if (!database) return;
    await store.close();
    await locks.close();
    await db.destroy();
    await database.drop();
    database = undefined;
  });

  /** A fresh database holding these events, in order. */
  async function open(events: readonly Planned[]): Promise<void> {
    database = await createTestDatabase();
    const pool = createPool(database.url, { max: 8 });
    db = createDb(pool);
    store = new PostgresEventStore(pool);
    locks = new AdvisoryLocks(pool);
    let at = Date.parse('2025-01-01T00:00:00Z');
    for (const { stream, type, data } of events) {
      at += 1_000;
      const event: NewEvent = {
        id: randomUUID(),
        type,
        data,
        metadata: {
          actor: 'tester',
          role: 'admin',
          correlationId: 'c',
          causationId: null,
          occurredAt: new Date(at).toISOString(),
          schemaVersion: 1,
        },
      };
      await store.appendToStream(stream, [event]);
    }
  }

  async function rebuilt(projection: Projection, options: { batchSize?: number; foldKeys?: number } = {}): Promise<Outcome> {
    try {
      await rebuildProjection(projection, { db, store, locks, upcasting, ...options });
      return { rows: await snapshot(db, projection.schema) };
    } catch (error) {
      return failure(error);
    }
  }

  /** The live runner's way: from an empty read model, page after page, each in its transaction. */
  async function live(projection: Projection, pageSize: number): Promise<Outcome> {
    const tables = await sql<{
      table: string;
    }>`SELECT table_name AS table FROM information_schema.tables WHERE table_schema = ${projection.schema} AND table_type = 'BASE TABLE'`.execute(
      db,
    );
    for (const { table } of tables.rows) await sql`TRUNCATE ${sql.id(projection.schema, table)}`.execute(db);
    await ensureCheckpoint(db, projection.name);
    await db.updateTable('projection_checkpoints').set({ position: '0' }).where('name', '=', projection.name).execute();
    let checkpoint = '0';
    try {
      for (;;) {
        const page = await store.readAll({ after: checkpoint, maxCount: pageSize, filter: projection.filter });
        if (BigInt(page.checkpoint) <= BigInt(checkpoint)) break;
        await applyPageInTransaction(db, projection, projection.name, checkpoint, page, upcasting);
        checkpoint = page.checkpoint;
      }
      return { rows: await snapshot(db, projection.schema) };
    } catch (error) {
      return failure(error);
    }
  }

  /** Rebuilt and run live with the batch handler: each time what the per-event rebuild leaves (returned). */
  async function expectSameAsPerEvent(projection: Projection): Promise<Outcome> {
    const reference = await rebuilt({ ...projection, batch: undefined });
    expect(await rebuilt(projection, { batchSize: 7, foldKeys: 4 }), `${projection.name}: rebuild, small folds`).toEqual(reference);
    expect(await rebuilt(projection), `${projection.name}: rebuild, one fold`).toEqual(reference);
    expect(await live(projection, 5), `${projection.name}: live pages of 5`).toEqual(reference);
    expect(await live(projection, 500), `${projection.name}: live pages of 500`).toEqual(reference);
    return reference;
  }

  return {
    open,
    rebuilt,
    live,
    expectSameAsPerEvent,
    get db(): Db {
      return db;
    },
    get store(): PostgresEventStore {
      return store;
    },
    get locks(): AdvisoryLocks {
      return locks;
    },
    upcasting,
  };
}
