// The EventStoreDB event store: the port over @eventstore/db-client, which no other module imports.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type CurrentRevision,
  type Filter,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import {
  ConcurrencyError,
  START_POSITION,
  comparePositions,
  matchesFilter,
  maxPosition,
  type AllPage,
  type AppendResult,
  type EventFilter,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type JsonObject,
  type MultiStreamAppendResult,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from './port.ts';

const READ_ALL_PAGE_SIZE = 1_000;
const SUBSCRIPTION_PAGE_SIZE = 256;
/** Events asked of the server per read while a readAll page fills. */
const READ_ALL_CHUNK = 1_024;
/** How long a subscription stays quiet before it checks `$all` for events it was not sent. */
const SWEEP_AFTER_QUIET_MS = 200;
const PING_TIMEOUT_MS = 2_000;

type ClientResolvedEvent = ResolvedEvent | AllStreamResolvedEvent;
type ClientRecordedEvent = NonNullable<ClientResolvedEvent['event']>;

/**
 * Positions are the commit position alone, as a decimal string. Every event appended through
 * gRPC is committed implicitly, so its commit and prepare positions are equal; a checkpoint the
 * server sends between pages may carry prepare 0, but the server reads from the first record at
 * or after the commit position either way. So `{ commit: p, prepare: p }` is exact for events and
 * safe for checkpoints. (Events of legacy TCP-client explicit transactions share one commit
 * position; this store never writes those.)
 */
function toClientPosition(position: string): Position {
  const value = BigInt(position);
  return { commit: value, prepare: value };
}

/**
 * Where to start for everything after `after`. A read of `$all` from a position includes the event
 * at it (the caller skips it); a subscription skips the first event at or after it, which is that
 * event, or for a server checkpoint the first event of the page it summed up, one that did not match.
 */
function readPositionFor(after: string | undefined): ReadPosition {
  return after === undefined || BigInt(after) === 0n ? START : toClientPosition(after);
}

function toClientExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`Invalid expected revision ${expected}`);
      return BigInt(expected);
  }
}

function toActual(current: CurrentRevision): number | 'no_stream' {
  return current === 'no_stream' || current < 0n ? 'no_stream' : Number(current);
}

function revisionOf(last: RecordedEvent | undefined): number | 'no_stream' {
  return last ? last.revision : 'no_stream';
}

function revisionHolds(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 'no_stream';
  if (expected === 'stream_exists') return actual !== 'no_stream';
  return expected === actual;
}

function positionOf(resolved: ClientResolvedEvent): string {
  // Stream reads carry the event's position only from server 22.6 on; commitPosition is older.
  const commit = resolved.event?.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) throw new Error('EventStoreDB returned an event without a position');
  return commit.toString();
}

function jsonObjectOf(event: ClientRecordedEvent, value: unknown, part: 'data' | 'metadata'): JsonObject {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    return value as JsonObject;
  }
  // Only a foreign writer stores non-JSON-object content; hiding it would hide their events.
  throw new TypeError(`Event ${event.id} in stream ${event.streamId} has no JSON object ${part}`);
}

function toRecorded(event: ClientRecordedEvent, position: string): RecordedEvent {
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    revision: Number(event.revision),
    position,
    data: jsonObjectOf(event, event.data, 'data'),
    metadata: jsonObjectOf(event, event.metadata, 'metadata') as EventMetadata,
    createdAt: event.created.toISOString(),
  };
}

function toEventData(event: NewEvent) {
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
}

async function drain<E>(read: StreamingRead<E>): Promise<E[]> {
  const items: E[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** Stops a read nobody waits for any more; its failure, if any, was already reported as such. */
function abandon(read: StreamingRead<unknown>): void {
  read.destroy();
  read.cancel().catch(() => undefined);
}

/**
 * A checkpoint travels as an item of the subscription's own stream, pushed when the server
 * reports it: it is then read after every event the server sent before it, never ahead of one
 * still buffered.
 */
class ScannedTo {
  readonly position: string;

  constructor(position: string) {
    this.position = position;
  }
}

/**
 * One criterion goes to the server (this client version filters one field, by prefix or regex);
 * the exact check of every criterion happens on our side. Any server filter makes the server
 * report checkpoints, which is what moves a subscription on when nothing matches.
 */
function serverFilter(filter: EventFilter | undefined): Filter {
  const checkpoints = {
    // The multiplier of the server's search window (32 events): the most frequent checkpoints.
    checkpointInterval: 1,
    checkpointReached: (subscription: AllStreamSubscription, position: Position): void => {
      subscription.push(new ScannedTo(position.commit.toString()));
    },
  };
  if (filter?.eventTypes?.length) return eventTypeFilter({ prefixes: [...filter.eventTypes], ...checkpoints });
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes], ...checkpoints });
  return excludeSystemEvents(checkpoints);
}

/**
 * Takes what the subscription has buffered, up to `maxCount` matching events. Undefined when
 * nothing new was scanned, so that the caller waits instead of yielding an empty page.
 */
function takePage(
  subscription: AllStreamSubscription,
  after: string,
  maxCount: number,
  filter: EventFilter | undefined,
): AllPage | undefined {
  const events: RecordedEvent[] = [];
  let scanned = after;
  while (events.length < maxCount) {
    const item: unknown = subscription.read();
    if (item === null) break;
    if (item instanceof ScannedTo) {
      // A checkpoint may trail what was already delivered (the last match of a server page).
      scanned = maxPosition(scanned, item.position);
      continue;
    }
    const resolved = item as AllStreamResolvedEvent;
    const position = positionOf(resolved);
    scanned = maxPosition(scanned, position);
    const event = resolved.event;
    if (event && matchesFilter(filter, event.streamId, event.type)) events.push(toRecorded(event, position));
  }
  const advanced = comparePositions(scanned, after) > 0;
  return events.length > 0 || advanced ? { events, checkpoint: scanned } : undefined;
}

/** A wake-up that is not lost when it comes before the wait. */
class Wakeup {
  #pending = false;
  #resolve: (() => void) | undefined;

  readonly notify = (): void => {
    this.#pending = true;
    this.#resolve?.();
  };

  /** False when the time ran out without a notification. */
  async wait(timeoutMs: number): Promise<boolean> {
    if (!this.#pending) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.#resolve = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const notified = this.#pending;
    this.#pending = false;
    this.#resolve = undefined;
    return notified;
  }
}

class EsdbEventStore implements EventStore {
  readonly kind = 'esdb' as const;
  readonly #client: EventStoreDBClient;
  readonly #closing = new AbortController();

  constructor(client: EventStoreDBClient) {
    this.#client = client;
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    const expectedRevision = toClientExpected(expected);
    if (events.length === 0) return this.#appendNothing(streamId, expected);
    let result;
    try {
      result = await this.#client.appendToStream(streamId, events.map(toEventData), { expectedRevision });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new ConcurrencyError(streamId, expected, toActual(error.actualVersion));
      }
      throw error;
    }
    // Only a connection string with throwOnAppendFailure=false gets here, and in that mode the
    // client misreports the current revision.
    if (!result.success) throw new ConcurrencyError(streamId, expected, revisionOf(await this.#lastEvent(streamId)));
    const nextExpectedRevision = Number(result.nextExpectedRevision);
    // The server leaves the position out when it recognised a retry of events it already has.
    const position = result.position
      ? result.position.commit.toString()
      : await this.#positionOf(streamId, nextExpectedRevision);
    return { nextExpectedRevision, position };
  }

  appendToStreams(): Promise<MultiStreamAppendResult> {
    return Promise.reject(new Error('Multi-stream appends on KurrentDB come with the @kurrent/kurrentdb-client port'));
  }

  async checksRevisions(): Promise<boolean> {
    return false;
  }

  /**
   * An empty append is answered here: the client reads an empty append to a missing stream as
   * revision 0, and the server would log a record at a position no event has.
   */
  async #appendNothing(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const last = await this.#lastEvent(streamId);
    const actual = revisionOf(last);
    if (!revisionHolds(expected, actual)) throw new ConcurrencyError(streamId, expected, actual);
    return { nextExpectedRevision: last?.revision ?? -1, position: last?.position ?? START_POSITION };
  }

  async #lastEvent(streamId: string): Promise<RecordedEvent | undefined> {
    const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    return last;
  }

  async #positionOf(streamId: string, revision: number): Promise<string> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`Stream ${streamId} has no revision ${revision} right after appending it`);
    return event.position;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    const backwards = options.direction === 'backwards';
    let resolved: ResolvedEvent[];
    try {
      resolved = await drain(
        this.#client.readStream(streamId, {
          direction: backwards ? BACKWARDS : FORWARDS,
          fromRevision: options.fromRevision === undefined ? (backwards ? END : START) : BigInt(options.fromRevision),
          maxCount: options.maxCount,
        }),
      );
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return resolved.flatMap((entry) => (entry.event ? [toRecorded(entry.event, positionOf(entry))] : []));
  }

  /**
   * This client reads `$all` without a server filter, so the page scans in chunks and filters
   * here, until the page is full or `$all` ends: a short page means the end, as callers expect.
   * Reads from a position include the event at it, hence the skip of what was scanned.
   */
  async readAll(options: ReadAllOptions = {}): Promise<AllPage> {
    const maxCount = options.maxCount ?? READ_ALL_PAGE_SIZE;
    const events: RecordedEvent[] = [];
    let scanned = options.after ?? START_POSITION;
    while (events.length < maxCount) {
      const chunk = await drain(
        this.#client.readAll({ direction: FORWARDS, fromPosition: readPositionFor(scanned), maxCount: READ_ALL_CHUNK }),
      );
      for (const resolved of chunk) {
        const position = positionOf(resolved);
        if (comparePositions(position, scanned) <= 0) continue;
        scanned = position;
        const event = resolved.event;
        if (event && matchesFilter(options.filter, event.streamId, event.type)) {
          events.push(toRecorded(event, position));
          if (events.length === maxCount) break;
        }
      }
      if (chunk.length < READ_ALL_CHUNK) break;
    }
    return { events, checkpoint: scanned };
  }

  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<AllPage> {
    const maxCount = options.maxCount ?? SUBSCRIPTION_PAGE_SIZE;
    if (!(maxCount >= 1)) throw new RangeError(`Invalid page size ${maxCount}`);
    const signal = options.signal ? AbortSignal.any([options.signal, this.#closing.signal]) : this.#closing.signal;
    if (signal.aborted) return;
    const subscription = this.#client.subscribeToAll(
      { fromPosition: readPositionFor(options.after), filter: serverFilter(options.filter) },
      // Lets events gather while the consumer works on a page, so the next page is fuller.
      { highWaterMark: maxCount },
    );
    const wakeup = new Wakeup();
    let failure: Error | undefined;
    let ended = false;
    subscription.on('readable', wakeup.notify);
    subscription.on('error', (error) => {
      failure ??= error;
      wakeup.notify();
    });
    subscription.on('end', () => {
      ended = true;
      wakeup.notify();
    });
    signal.addEventListener('abort', wakeup.notify, { once: true });
    let checkpoint = options.after ?? START_POSITION;
    let quiet = false;
    try {
      while (!signal.aborted) {
        const page =
          takePage(subscription, checkpoint, maxCount, options.filter) ??
          (quiet ? await this.#sweep(checkpoint, options.filter) : undefined);
        if (page) {
          checkpoint = page.checkpoint;
          yield page;
          continue;
        }
        if (failure) throw failure;
        if (ended) throw new Error('EventStoreDB ended the $all subscription');
        quiet = !(await wakeup.wait(SWEEP_AFTER_QUIET_MS));
      }
    } finally {
      signal.removeEventListener('abort', wakeup.notify);
      // Unsubscribing fails only when the subscription never connected; that failure is the
      // subscription's own error, raised from the loop unless the caller had stopped anyway.
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  /**
   * The server reports a checkpoint only every 32 events it looks at, so a subscription whose
   * filter matches none of the latest events would stay behind them, and read-your-writes would
   * wait on it. When the subscription is quiet, a read of `$all` confirms that nothing after the
   * checkpoint matches and moves it to the end. A match found here is left to the subscription,
   * which is about to deliver it.
   */
  async #sweep(after: string, filter: EventFilter | undefined): Promise<AllPage | undefined> {
    const page = await this.readAll({ after, filter, maxCount: 1 });
    return page.events.length === 0 && comparePositions(page.checkpoint, after) > 0 ? page : undefined;
  }

  async headPosition(): Promise<string> {
    const [last] = await drain(this.#client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    return last ? positionOf(last) : START_POSITION;
  }

  async ping(): Promise<boolean> {
    // Reads carry no deadline in this client, so a hung server would hang the probe.
    const read = this.#client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    const answered = drain(read).then(
      () => true,
      () => false,
    );
    const giveUp = new AbortController();
    const timedOut = sleep(PING_TIMEOUT_MS, false, { signal: giveUp.signal }).catch(() => false);
    const alive = await Promise.race([answered, timedOut]);
    giveUp.abort();
    if (!alive) abandon(read);
    return alive;
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.#client.dispose();
  }
}

/** This client knows only the esdb scheme; the kurrentdb and kdb schemes name the same format. */
function toEsdbScheme(connectionString: string): string {
  return connectionString.replace(/^(?:kurrentdb|kdb)(?=(?:\+discover)?:\/\/)/, 'esdb');
}

export function createEsdbEventStore(connectionString: string): EventStore {
  return new EsdbEventStore(EventStoreDBClient.connectionString(toEsdbScheme(connectionString)));
}
