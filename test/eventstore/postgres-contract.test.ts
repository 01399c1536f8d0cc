// The event store contract on the PostgreSQL adapter.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/database.ts';
import { ConcurrencyError, type JsonObject, type NewEvent } from '../../src/eventstore/port.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createTestDatabase } from '../support/database.ts';
import { describeEventStoreContract } from './contract.ts';

describeEventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const pool = createPool(database.url, { max: 20 });
  const store = new PostgresEventStore(pool, { pollIntervalMs: 200 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await pool.end();
      await database.drop();
    },
  };
});

describe('PostgreSQL event store: batches from several processes creating the same streams', () => {
  it('lets exactly one no_stream append create each stream, and keeps every "any" append, with dense revisions', async () => {
    const database = await createTestDatabase();
    // Four stores on four pools: their batches reach es_append at the same time, as several
    // server and worker processes would.
    const pools = Array.from({ length: 4 }, () => createPool(database.url, { max: 4 }));
    const stores = pools.map((pool) => new PostgresEventStore(pool, { pollIntervalMs: 200 }));
    try {
      const streams = Array.from({ length: 30 }, () => `race-${randomUUID()}`);
      const event = (data: JsonObject): NewEvent => ({
        id: randomUUID(),
        type: 'Raced',
        data,
        metadata: {
          actor: 'test',
          role: 'ops',
          correlationId: randomUUID(),
          causationId: null,
          occurredAt: new Date().toISOString(),
          schemaVersion: 1,
        },
      });
      const creations = await Promise.allSettled(
        streams.flatMap((id) =>
          stores.map((store, writer) => store.appendToStream(id, [event({ writer })], { expectedRevision: 'no_stream' })),
        ),
      );
      for (const result of creations) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConcurrencyError);
      expect(creations.filter((result) => result.status === 'fulfilled')).toHaveLength(streams.length);

      const fresh = Array.from({ length: 30 }, () => `any-${randomUUID()}`);
      await Promise.all(
        fresh.flatMap((id) => stores.map((store, writer) => store.appendToStream(id, [event({ writer }), event({ writer })]))),
      );
      for (const id of [...streams, ...fresh]) {
        const read = await stores[0]!.readStream(id);
        const expected = streams.includes(id) ? 1 : 8;
        expect(read.map((recorded) => recorded.revision)).toEqual(Array.from({ length: expected }, (_, n) => n));
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await Promise.all(pools.map((pool) => pool.end()));
      await database.drop();
    }
  });
});
