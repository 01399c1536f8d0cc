// The event store contract on the PostgreSQL adapter.
import { createPool } from '../../src/db/database.ts';
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
