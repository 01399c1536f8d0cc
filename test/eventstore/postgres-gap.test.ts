// The global-position gap problem: a subscriber must never skip an event whose transaction
// commits after a later position is visible. Proven under load and with a held transaction.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/database.ts';
import { comparePositions, type RecordedEvent } from '../../src/eventstore/port.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually } from '../support/app.ts';
import { newEvent } from './contract.ts';

describe('PostgreSQL event store: no subscriber ever skips a late-committing event', () => {
  let database: TestDatabase;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await database.drop();
  });

  const newStore = (options: ConstructorParameters<typeof PostgresEventStore>[1] = {}) => {
    const pool = createPool(database.url, { max: 10 });
    pools.push(pool);
    return new PostgresEventStore(pool, { pollIntervalMs: 50, ...options });
  };

  it('delivers every event exactly once, in position order, while many connections append', async () => {
    const reader = newStore();
    // Independent writers (own pools, one append per batch) so that transactions really interleave.
    const writers = Array.from({ length: 12 }, () => newStore({ maxBatch: 1, maxInFlight: 4 }));
    const prefix = `gap-${randomUUID()}-`;
    const start = await reader.headPosition();
    const controller = new AbortController();
    const seen: RecordedEvent[] = [];
    const subscription = (async () => {
      for await (const page of reader.subscribeToAll({
        after: start,
        maxCount: 50,
        filter: { streamPrefixes: [prefix] },
        signal: controller.signal,
      })) {
        seen.push(...page.events);
      }
    })();

    const appended = new Set<string>();
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let i = 0; i < 60; i++) {
          const events = Array.from({ length: 1 + (i % 3) }, () => newEvent('GapTested', { w, i }));
          await writer.appendToStream(`${prefix}${(w * 7 + i) % 25}`, events);
          for (const event of events) appended.add(event.id);
        }
      }),
    );

    await eventually(() => (seen.length >= appended.size ? true : undefined), 20_000, 'the subscriber to see every event');
    controller.abort();
    await subscription;
    await Promise.all([reader, ...writers].map((store) => store.close()));

    const ids = seen.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(appended);
    for (let i = 1; i < seen.length; i++) expect(comparePositions(seen[i - 1]!.position, seen[i]!.position)).toBe(-1);
  });

  it('holds back later appends while an earlier transaction is uncommitted, so nothing can be skipped', async () => {
    const reader = newStore();
    const writer = newStore();
    const prefix = `held-${randomUUID()}-`;
    const start = await reader.headPosition();

    // A transaction that takes a position and does not commit yet: the slow writer.
    const slow = new pg.Client({ connectionString: database.url });
    await slow.connect();
    await slow.query('BEGIN');
    await slow.query(
      `SELECT * FROM es_append_groups($1::text[], $2::bigint[], $3::int[], $4::int[], $5::uuid[], $6::text[], $7::jsonb, $8::jsonb)`,
      [
        [`${prefix}slow`],
        [-1],
        [1],
        [0],
        [randomUUID()],
        ['Slow'],
        JSON.stringify([{ order: 1 }]),
        JSON.stringify([newEvent('Slow').metadata]),
      ],
    );

    // A later append must wait for it, rather than become visible first with a higher position.
    const fast = writer.appendToStream(`${prefix}fast`, [newEvent('Fast', { order: 2 })]);
    const observer = new pg.Client({ connectionString: database.url });
    await observer.connect();
    await eventually(
      async () => {
        const { rows } = await observer.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%es_append%'`,
        );
        return rows[0]!.waiting >= 1 ? true : undefined;
      },
      10_000,
      'the later append to wait on the earlier transaction',
    );
    const whileHeld = await reader.readAll({ after: start, filter: { streamPrefixes: [prefix] } });
    expect(whileHeld.events).toEqual([]);
    expect(whileHeld.checkpoint).toBe(start);

    await slow.query('COMMIT');
    await fast;
    const after = await reader.readAll({ after: start, filter: { streamPrefixes: [prefix] } });
    expect(after.events.map((event) => event.data.order)).toEqual([1, 2]);
    await slow.end();
    await observer.end();
    await reader.close();
    await writer.close();
  });
});
