// The event store contract on the KurrentDB (EventStoreDB) adapter: runs against
// EVENTSTORE_CONNECTION_STRING or a testcontainers KurrentDB; otherwise the suite is skipped and says why.
import { describe, it } from 'vitest';
import { createEsdbEventStore } from '../../src/eventstore/esdb.ts';
import { findEventStoreDb } from '../support/external.ts';
import { describeEventStoreContract } from './contract.ts';

const esdb = await findEventStoreDb();

if (esdb.available) {
  describeEventStoreContract('KurrentDB', async () => {
    const store = createEsdbEventStore(esdb.url);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await esdb.stop();
      },
    };
  });
} else {
  describe.skip(`event store contract: KurrentDB — skipped: ${esdb.reason}`, () => {
    it('runs the contract suite against KurrentDB', () => undefined);
  });
  console.warn(`[skipped] KurrentDB contract suite: ${esdb.reason}`);
}
