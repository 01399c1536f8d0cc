// What a projection is: the events it handles and a kysely update per event, in its own schema;
// optionally a set-based handler for a whole page of them.
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
  /** The simple path, and the reference: one event's effect. */
  handle: (db: Kysely<Database>, event: RecordedEvent) => Promise<void>;
  /**
   * Optional, the set-based path: events it `folds` are gathered into a Fold (in memory, the final
   * values per key) and written with a few statements; any other event goes through `handle`,
   * in order, after what was folded before it is written. A live page is folded and written in
   * its transaction; a rebuild lets a fold take many pages before it writes.
   */
  batch?: BatchHandler;
  /**
   * Indexes that only serve readers, not the handlers: a rebuild creates them after its
   * catch-up instead of maintaining them row by row. `'secondary'`: every index that backs no
   * constraint; or their names. Unique and primary-key constraints are always kept.
   */
  rebuildDeferredIndexes?: 'secondary' | readonly string[];
};

export type BatchHandler = {
  folds: (event: RecordedEvent) => boolean;
  /** A new, empty fold. */
  fold: () => Fold;
  /**
   * Optional, asked only of events it folds: events of different segments are never folded
   * together. A run of folded events ends where the segment changes (its fold is written, then a
   * new one begins), as it ends before an event the batch does not fold; so does a rebuild's fold
   * spanning pages. For events whose folds read or change what the folds of others write (see
   * combineBatches). Left out, all events are of one segment.
   */
  segment?: (event: RecordedEvent) => string;
  /**
   * Whether folding these events reads the read model (true when left out). A rebuild writes a
   * full fold while it folds the next pages, and lets a fold read only once that write is done.
   */
  reads?: (events: readonly RecordedEvent[]) => boolean;
};

/**
 * Events folded into their effect on the read model. `add` then `write` must leave exactly the
 * rows `handle` leaves on each event in turn, and throw whenever `handle` would throw on one of
 * them (they may also throw when in doubt: BatchDeclined). The caller then applies the events
 * one by one, which finds and reports the exact poison event.
 */
export type Fold = {
  /**
   * Folds `events`, in order. It may read the read model, which holds the effect of every
   * earlier event except those folded here and not yet written (the fold tracks those itself).
   */
  add: (db: Kysely<Database>, events: readonly RecordedEvent[]) => Promise<void>;
  /** Keys (rows) held: how a rebuild bounds the memory of a fold that spans pages. */
  readonly size: number;
  /** Writes what was folded; the fold is spent. */
  write: (db: Kysely<Database>) => Promise<void>;
};
