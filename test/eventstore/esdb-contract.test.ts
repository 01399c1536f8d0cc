// The event store contract on the KurrentDB (EventStoreDB) adapter: runs against
// EVENTSTORE_CONNECTION_STRING or a testcontainers KurrentDB; otherwise the suite is skipped and says why.
import { createEsdbEventStore } from '../../src/eventstore/esdb.ts';
import { findEventStoreDb } from '../support/external.ts';
import { describeEventStoreContract } from './contract.ts';

const esdb = await findEventStoreDb();

describeEventStoreContract(
  'KurrentDB',
  async () => {
    if (!esdb.available) throw new Error(esdb.reason);
    const store = createEsdbEventStore(esdb.url);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await esdb.stop();
      },
    };
  },
  esdb.available ? undefined : esdb.reason,
);
