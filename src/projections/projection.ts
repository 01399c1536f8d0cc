// What a projection is: the events it handles and a kysely update per event, in its own schema.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { EventFilter, RecordedEvent } from '../eventstore/port.ts';

export type Projection = {
  /** Stable name; also the key of its checkpoint. */
  name: string;
  /**
   * The Postgres schema holding all of its tables (and nothing else). A rebuild fills a fresh
   * copy of this schema and swaps it in. Handlers must name tables through kysely (or
   * `sql.table`) so the rebuild can redirect them.
   */
  schema: string;
  filter: EventFilter;
  handle: (db: Kysely<Database>, event: RecordedEvent) => Promise<void>;
};
