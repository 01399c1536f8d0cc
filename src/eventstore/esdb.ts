// The KurrentDB (formerly EventStoreDB) event store: the port over @kurrent/kurrentdb-client,
// which no other module imports.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ANY,
  AppendConsistencyViolationError,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  NotLeaderError,
  START,
  STREAM_EXISTS,
  STREAM_STATE,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnsupportedError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  isCommandError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendStreamState,
  type ConsistencyCheck,
  type CurrentStreamState,
  type Filter,
  type MultiAppendResult,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import {
  ConcurrencyError,
  START_POSITION,
  comparePositions,
  matchesFilter,
  maxPosition,
  revisionHolds,
  type AllPage,
  type AppendResult,
  type EventFilter,
  type EventStore,
  type ExpectedRevision,
  type MultiStreamAppendResult,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type RevisionConflict,
  type StreamAppend,
  type SubscribeOptions,
} from './port.ts';
import { metadataProperties, toRecorded } from './esdb-records.ts';

const READ_ALL_PAGE_SIZE = 1_000;
const SUBSCRIPTION_PAGE_SIZE = 256;
/** Events asked of the server per read while a readAll page fills. */
const READ_ALL_CHUNK = 1_024;
/** How long a subscription stays quiet before it checks `$all` for events it was not sent. */
const SWEEP_AFTER_QUIET_MS = 200;
const PING_TIMEOUT_MS = 2_000;

type ClientResolvedEvent = ResolvedEvent | AllStreamResolvedEvent;

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

function toClientExpected(expected: ExpectedRevision): AppendStreamState {
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

function fromClientExpected(expected: AppendStreamState): ExpectedRevision {
  return typeof expected === 'bigint' ? Number(expected) : expected;
}

/** Deleted and tombstoned streams (negative states) hold no events: they read as `no_stream`. */
function toActual(current: CurrentStreamState): number | 'no_stream' {
  return current === 'no_stream' || current < 0n ? 'no_stream' : Number(current);
}

function revisionOf(last: RecordedEvent | undefined): number | 'no_stream' {
  return last ? last.revision : 'no_stream';
}

function positionOf(resolved: ClientResolvedEvent): string {
  // Stream reads carry the event's position only from server 22.6 on; commitPosition is older.
  const commit = resolved.event?.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) throw new Error('KurrentDB returned an event without a position');
  return commit.toString();
}

function toEventData(event: NewEvent) {
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
}

function toRecordEventData(event: NewEvent) {
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: metadataProperties(event.metadata) });
}

async function drain<E>(read: AsyncIterable<E>): Promise<E[]> {
  const items: E[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/**
 * Each stream once. The server also takes names that differ only in letter case for one stream (it
 * compares them so), so such a pair is refused here rather than written to the wrong stream.
 */
function assertDistinctStreams(appends: readonly StreamAppend[]): void {
  const seen = new Map<string, string>();
  for (const { streamId } of appends) {
    const folded = streamId.toLowerCase();
    const earlier = seen.get(folded);
    if (earlier === streamId) throw new RangeError(`Stream ${streamId} appears twice in one append`);
    if (earlier !== undefined) {
      throw new RangeError(`Streams ${earlier} and ${streamId} differ only in letter case, which KurrentDB cannot append together`);
    }
    seen.set(folded, streamId);
  }
}

/** Failures of the connection, not answers of the server: they say nothing about what it supports. */
function isTransportFailure(error: unknown): boolean {
  return [UnavailableError, DeadlineExceededError, CancelledError, TimeoutError, NotLeaderError].some((type) => error instanceof type);
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
  readonly #client: KurrentDBClient;
  readonly #closing = new AbortController();
  #checksRevisions: Promise<boolean> | undefined;

  constructor(client: KurrentDBClient) {
    this.#client = client;
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    const streamState = toClientExpected(expected);
    if (events.length === 0) return this.#appendNothing(streamId, expected);
    let result;
    try {
      result = await this.#client.appendToStream(streamId, events.map(toEventData), { streamState });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new ConcurrencyError(streamId, expected, toActual(error.actualState));
      }
      throw error;
    }
    // Only a connection string with throwOnAppendFailure=false gets here, and in that mode the
    // client misreports the current revision.
    if (!result.success) throw new ConcurrencyError(streamId, expected, revisionOf(await this.#lastEvent(streamId)));
    const nextExpectedRevision = Number(result.nextExpectedRevision);
    // The server leaves the position out (or zero) when it recognised a retry of events it already has.
    const position =
      result.position && result.position.commit > 0n
        ? result.position.commit.toString()
        : await this.#positionOf(streamId, nextExpectedRevision);
    return { nextExpectedRevision, position };
  }

  /**
   * Streams that are all written go through the multi-stream append (server 25.1 on); with
   * streams only checked, through the append with consistency checks (26.1 on); with no events at
   * all, nothing is written and the checks are answered by reading the streams.
   */
  async appendToStreams(appends: readonly StreamAppend[]): Promise<MultiStreamAppendResult> {
    if (appends.length === 0) throw new RangeError('A multi-stream append needs at least one stream');
    assertDistinctStreams(appends);
    for (const append of appends) toClientExpected(append.expectedRevision);
    if (appends.every((append) => append.events.length === 0)) return this.#checkOnly(appends);
    if (appends.some((append) => append.events.length === 0)) return this.#appendWithChecks(appends);
    let result: MultiAppendResult;
    try {
      result = await this.#client.multiStreamAppend(
        appends.map((append) => ({
          streamName: append.streamId,
          events: append.events.map(toRecordEventData),
          expectedState: toClientExpected(append.expectedRevision),
        })),
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw await this.#conflictFrom(appends, error);
      throw error;
    }
    return this.#resultOf(appends, result, new Map());
  }

  /** Whether the server takes consistency checks (26.1 on). Asked once; a connection failure is asked again later. */
  checksRevisions(): Promise<boolean> {
    this.#checksRevisions ??= this.#askChecksRevisions().then((answer) => {
      if (answer === undefined) this.#checksRevisions = undefined;
      return answer ?? false;
    });
    return this.#checksRevisions;
  }

  /**
   * The client knows which methods the server offers but does not say; an append of no records
   * asks it. Without the method the client refuses before sending anything; with it, the server
   * refuses the empty request (it needs a record). Either way nothing is written.
   */
  async #askChecksRevisions(): Promise<boolean | undefined> {
    try {
      await this.#client.appendRecords([]);
      return true;
    } catch (error) {
      if (error instanceof UnsupportedError) return false;
      if (error instanceof Error && isCommandError(error) && !isTransportFailure(error)) return true;
      return undefined;
    }
  }

  async #appendWithChecks(appends: readonly StreamAppend[]): Promise<MultiStreamAppendResult> {
    const records = appends.flatMap((append) =>
      append.events.map((event) => ({ streamName: append.streamId, record: toRecordEventData(event) })),
    );
    const checked = appends.filter((append) => append.expectedRevision !== 'any');
    const checks = checked.map((append): ConsistencyCheck => ({
      type: STREAM_STATE,
      streamName: append.streamId,
      expectedState: toClientExpected(append.expectedRevision),
    }));
    let result: MultiAppendResult;
    try {
      result = await this.#client.appendRecords(records, checks);
    } catch (error) {
      if (error instanceof AppendConsistencyViolationError) {
        // Every violated check is reported, each by its index in `checks`.
        throw ConcurrencyError.of(
          error.violations.map((violation) => ({
            streamId: checked[violation.checkIndex]?.streamId ?? violation.streamName,
            expected: checked[violation.checkIndex]?.expectedRevision ?? fromClientExpected(violation.expectedState),
            actual: toActual(violation.actualState),
          })),
        );
      }
      if (error instanceof WrongExpectedVersionError) throw await this.#conflictFrom(appends, error);
      if (error instanceof UnsupportedError) {
        const onlyChecked = appends.filter((append) => append.events.length === 0).map((append) => append.streamId);
        throw new Error(`KurrentDB checks streams an append does not write (${onlyChecked.join(', ')}) only from 26.1 on`, {
          cause: error,
        });
      }
      throw error;
    }
    return this.#resultOf(appends, result, await this.#checkedRevisions(appends));
  }

  /**
   * The revisions of streams only checked: the server answers revisions of written streams alone.
   * An exact or `no_stream` expectation that held is the revision; any other is read after the append.
   */
  async #checkedRevisions(appends: readonly StreamAppend[]): Promise<Map<string, number>> {
    const revisions = new Map<string, number>();
    await Promise.all(
      appends
        .filter((append) => append.events.length === 0)
        .map(async ({ streamId, expectedRevision }) => {
          if (typeof expectedRevision === 'number') revisions.set(streamId, expectedRevision);
          else if (expectedRevision === 'no_stream') revisions.set(streamId, -1);
          else revisions.set(streamId, (await this.#lastEvent(streamId))?.revision ?? -1);
        }),
    );
    return revisions;
  }

  async #resultOf(
    appends: readonly StreamAppend[],
    result: MultiAppendResult,
    checked: Map<string, number>,
  ): Promise<MultiStreamAppendResult> {
    const written = new Map(result.responses.map((response) => [response.streamName, Number(response.revision)]));
    const streams = appends.map(({ streamId }) => {
      const revision = written.get(streamId) ?? checked.get(streamId);
      if (revision === undefined) throw new Error(`KurrentDB answered a multi-stream append without the revision of stream ${streamId}`);
      return { streamId, nextExpectedRevision: revision };
    });
    // A retry the server recognises as already appended may come back without a position (-1 or 0).
    if (result.position > 0n) return { position: result.position.toString(), streams };
    const positions = await Promise.all(
      streams
        .filter((_, index) => appends[index]!.events.length > 0)
        .map(({ streamId, nextExpectedRevision }) => this.#positionOf(streamId, nextExpectedRevision)),
    );
    return { position: positions.reduce(maxPosition), streams };
  }

  /**
   * The multi-stream append names only the first stream whose expected revision did not hold. The
   * others are read right after, so that the caller refreshes every stale stream at once; a stream
   * that cannot be read is left out, the conflict being the answer that matters.
   */
  async #conflictFrom(appends: readonly StreamAppend[], error: WrongExpectedVersionError): Promise<ConcurrencyError> {
    const named = appends.find((append) => append.streamId === error.streamName);
    const first: RevisionConflict = {
      streamId: error.streamName,
      expected: named?.expectedRevision ?? fromClientExpected(error.expectedState),
      actual: toActual(error.actualState),
    };
    const others = appends.filter((append) => append !== named && append.expectedRevision !== 'any');
    const reads = await Promise.allSettled(others.map((append) => this.#lastEvent(append.streamId)));
    const conflicts = [first];
    for (const [index, read] of reads.entries()) {
      if (read.status !== 'fulfilled') continue;
      const { streamId, expectedRevision } = others[index]!;
      const actual = revisionOf(read.value);
      if (!revisionHolds(expectedRevision, actual)) conflicts.push({ streamId, expected: expectedRevision, actual });
    }
    return ConcurrencyError.of(conflicts);
  }

  /** Nothing to write: each stream's expectation is checked against the stream as read now. */
  async #checkOnly(appends: readonly StreamAppend[]): Promise<MultiStreamAppendResult> {
    const lasts = await Promise.all(appends.map((append) => this.#lastEvent(append.streamId)));
    const conflicts: RevisionConflict[] = [];
    for (const [index, { streamId, expectedRevision }] of appends.entries()) {
      const actual = revisionOf(lasts[index]);
      if (!revisionHolds(expectedRevision, actual)) conflicts.push({ streamId, expected: expectedRevision, actual });
    }
    if (conflicts.length > 0) throw ConcurrencyError.of(conflicts);
    return {
      position: await this.headPosition(),
      streams: appends.map(({ streamId }, index) => ({ streamId, nextExpectedRevision: lasts[index]?.revision ?? -1 })),
    };
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
   * The page scans `$all` in chunks and filters here, until it is full or `$all` ends: a short page
   * means the end, as callers expect. (A server-filtered read would not say how far it scanned, so
   * a page matching nothing could not move the checkpoint.) Reads from a position include the event
   * at it, hence the skip of what was scanned.
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

  /**
   * Reads carry no deadline in this client and cannot be cancelled, so the probe stops waiting
   * instead; a read to a hung server ends when its connection does.
   */
  async ping(): Promise<boolean> {
    const answered = drain(this.#client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })).then(
      () => true,
      () => false,
    );
    const giveUp = new AbortController();
    const timedOut = sleep(PING_TIMEOUT_MS, false, { signal: giveUp.signal }).catch(() => false);
    const alive = await Promise.race([answered, timedOut]);
    giveUp.abort();
    return alive;
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.#client.dispose();
  }
}

/** The client still takes the esdb scheme but warns on the console for it; it names the same format. */
function toKurrentScheme(connectionString: string): string {
  return connectionString.replace(/^esdb(?=(?:\+discover)?:\/\/)/, 'kurrentdb');
}

export function createEsdbEventStore(connectionString: string): EventStore {
  return new EsdbEventStore(KurrentDBClient.connectionString(toKurrentScheme(connectionString)));
}
