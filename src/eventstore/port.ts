// The event store port: the one interface both adapters (PostgreSQL, EventStoreDB) implement.

/** Who did what, and why; stored with every event. */
export type EventMetadata = {
  actor: string;
  role: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  schemaVersion: number;
  [key: string]: unknown;
};

export type JsonObject = { [key: string]: unknown };

/** An event about to be appended. `id` is the idempotency key everywhere downstream. */
export type NewEvent = {
  id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
};

/** An event as stored. `position` is a global, opaque, sortable position (a decimal string). */
export type RecordedEvent = {
  id: string;
  type: string;
  streamId: string;
  revision: number;
  position: string;
  data: JsonObject;
  metadata: EventMetadata;
  createdAt: string;
};

/**
 * `any`: no check; `no_stream`: the stream must not exist; `stream_exists`: it must exist;
 * a number: the stream's last revision must be exactly that (revisions start at 0).
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export type AppendResult = {
  /** The revision of the stream's last event after the append. */
  nextExpectedRevision: number;
  /** The global position of the append's last event. */
  position: string;
};

/**
 * One stream's part of a multi-stream append. With no events it only checks the stream's
 * revision: a decision that read the stream without writing it is recorded only if the stream has
 * not moved since.
 */
export type StreamAppend = {
  streamId: string;
  events: readonly NewEvent[];
  expectedRevision: ExpectedRevision;
};

export type MultiStreamAppendResult = {
  /** The global position of the append's last event (the head, when it appended none). */
  position: string;
  /** Each stream's revision after the append, in the order the streams were given. */
  streams: { streamId: string; nextExpectedRevision: number }[];
};

export type ReadStreamOptions = {
  direction?: 'forwards' | 'backwards';
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  fromRevision?: number;
  maxCount?: number;
};

/** Events match when they satisfy every given criterion. System events are never delivered. */
export type EventFilter = {
  eventTypes?: readonly string[];
  streamPrefixes?: readonly string[];
};

export type ReadAllOptions = {
  /** Exclusive; START_POSITION reads from the beginning. */
  after?: string;
  maxCount?: number;
  filter?: EventFilter;
};

/**
 * A page of `$all`. `checkpoint` is how far the read scanned: resuming after it never skips
 * an event, and it advances even when the filter matched nothing.
 */
export type AllPage = {
  events: RecordedEvent[];
  checkpoint: string;
};

export type SubscribeOptions = ReadAllOptions & {
  signal?: AbortSignal;
};

export interface EventStore {
  readonly kind: 'postgres' | 'esdb';
  appendToStream(streamId: string, events: readonly NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  /**
   * Appends to several streams atomically: every stream's expected revision holds and all events
   * are stored, or nothing is (a ConcurrencyError naming every stream that did not hold). Each
   * stream appears once. Retrying with the same event ids is idempotent, as for one stream.
   */
  appendToStreams(appends: readonly StreamAppend[]): Promise<MultiStreamAppendResult>;
  /**
   * Whether appendToStreams takes entries without events (checks of streams it does not write).
   * When it does not (KurrentDB before 26.1), a decision reads such streams afresh just before it
   * is made and appends only the streams it writes.
   */
  checksRevisions(): Promise<boolean>;
  /** Reads a stream; an unknown stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<AllPage>;
  /**
   * Catches up from `after`, then follows live. Each page is yielded once; the iteration
   * ends when the signal aborts.
   */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<AllPage>;
  /** The position of the last event in `$all` (START_POSITION when empty). */
  headPosition(): Promise<string>;
  /** True when the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const START_POSITION = '0';

export type RevisionConflict = { streamId: string; expected: ExpectedRevision; actual: number | 'no_stream' };

/**
 * Thrown by both adapters when an expected revision does not hold. `streamId`, `expected` and
 * `actual` describe the first stream that did not; `conflicts` lists every one (a multi-stream
 * append may find several).
 */
export class ConcurrencyError extends Error {
  override name = 'ConcurrencyError';
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly actual: number | 'no_stream';
  readonly conflicts: readonly RevisionConflict[];

  constructor(streamId: string, expected: ExpectedRevision, actual: number | 'no_stream', conflicts?: readonly RevisionConflict[]) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
    this.conflicts = conflicts ?? [{ streamId, expected, actual }];
  }

  static of(conflicts: readonly RevisionConflict[]): ConcurrencyError {
    const [first] = conflicts;
    if (!first) throw new Error('A concurrency error needs at least one conflict');
    return new ConcurrencyError(first.streamId, first.expected, first.actual, conflicts);
  }
}

/** Whether the stream's revision (`no_stream` when it has no events) satisfies the expectation. */
export function revisionHolds(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 'no_stream';
  if (expected === 'stream_exists') return actual !== 'no_stream';
  return expected === actual;
}

/** Thrown when an event id is re-used for different content or in another stream. */
export class DuplicateEventIdError extends Error {
  override name = 'DuplicateEventIdError';
}

export function comparePositions(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function maxPosition(a: string, b: string): string {
  return comparePositions(a, b) >= 0 ? a : b;
}

/** The position just before `position` (START_POSITION at the start): positions of both stores are decimal integers. */
export function positionBefore(position: string): string {
  const value = BigInt(position);
  return value > 0n ? (value - 1n).toString() : START_POSITION;
}

/** How far `position` is behind `head`, in the store's position units; 0 when at or past it. */
export function positionLag(position: string, head: string): bigint {
  const lag = BigInt(head) - BigInt(position);
  return lag > 0n ? lag : 0n;
}

export function isSystemEvent(streamId: string, type: string): boolean {
  return streamId.startsWith('$') || type.startsWith('$');
}

export function matchesFilter(filter: EventFilter | undefined, streamId: string, type: string): boolean {
  if (isSystemEvent(streamId, type)) return false;
  if (!filter) return true;
  if (filter.eventTypes && !filter.eventTypes.includes(type)) return false;
  if (filter.streamPrefixes && !filter.streamPrefixes.some((prefix) => streamId.startsWith(prefix))) return false;
  return true;
}

/**
 * A filter every event of any of `filters` passes (a superset of each; undefined: every event).
 * Used to read once for several subscribers and cut each one's page from that read (pageFor).
 */
export function unionOfFilters(filters: readonly (EventFilter | undefined)[]): EventFilter | undefined {
  const union = (pick: (filter: EventFilter) => readonly string[] | undefined): string[] | undefined => {
    const lists = filters.map((filter) => (filter ? pick(filter) : undefined));
    return lists.every((list) => list !== undefined) ? [...new Set(lists.flat())] : undefined;
  };
  const eventTypes = union((filter) => filter.eventTypes);
  const streamPrefixes = union((filter) => filter.streamPrefixes);
  if (!eventTypes && !streamPrefixes) return undefined;
  return { ...(eventTypes && { eventTypes }), ...(streamPrefixes && { streamPrefixes }) };
}

/**
 * One subscriber's page cut from a page read with a filter wider than its own (unionOfFilters)
 * from the same starting point: its events, at most its maxCount, and how far that page scanned.
 */
export function pageFor(shared: AllPage, after: string, options: ReadAllOptions): AllPage {
  const maxCount = options.maxCount ?? 1_000;
  const events: RecordedEvent[] = [];
  for (const event of shared.events) {
    if (!matchesFilter(options.filter, event.streamId, event.type)) continue;
    if (events.length === maxCount) return { events, checkpoint: events[maxCount - 1]!.position };
    events.push(event);
  }
  return { events, checkpoint: comparePositions(shared.checkpoint, after) > 0 ? shared.checkpoint : after };
}
