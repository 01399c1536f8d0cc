// The PostgreSQL event store: group-committed appends through es_append, commit-ordered reads.
import { EventEmitter, once } from 'node:events';
import type pg from 'pg';
import { coalesced } from '../db/coalesce.ts';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  START_POSITION,
  comparePositions,
  pageFor,
  unionOfFilters,
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
  type RevisionConflict,
  type StreamAppend,
  type SubscribeOptions,
} from './port.ts';

/** Appends that succeed or fail together: one stream for appendToStream, several for appendToStreams. */
type PendingGroup = {
  entries: readonly StreamAppend[];
  resolve: (result: MultiStreamAppendResult) => void;
  reject: (error: unknown) => void;
};

type OutcomeRow = { outcome: string; next_revision: number | string; last_position: string | null };

type EventRow = {
  position: string;
  stream_id: string;
  revision: number | string;
  event_id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
  created_at: Date;
};

export type PostgresEventStoreOptions = {
  /** Appends gathered into one database call; bounds the size of a group commit. */
  maxBatch?: number;
  /**
   * Batches in flight at once. 1 by default: batches serialise on the head row until they commit
   * anyway, so a second one in flight mostly splits the queue into smaller, dearer batches (with
   * 8-32 writers, 1 gave 20-70% more appends/s and 25-50% less server CPU per append than 2;
   * compare with `npm run bench -- --scenario appends --max-in-flight 2`).
   */
  maxInFlight?: number;
  /** How often a live subscription polls when no notification arrives. */
  pollIntervalMs?: number;
  /**
   * LISTEN for NOTIFY es_appended, so that appends by other processes wake live subscriptions
   * (true by default). Appends through this store wake them in-process either way.
   */
  listen?: boolean;
};

const EXPECTED_CODES = { any: -1, no_stream: -2, stream_exists: -3 } as const;
const RETRYABLE_BATCH_ERRORS = new Set(['40P01', '40001']);
const EVENT_COLUMNS = 'position::text AS position, stream_id, revision, event_id, type, data, metadata, created_at';

function expectedCode(expected: ExpectedRevision): number {
  if (typeof expected === 'number') {
    if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`Invalid expected revision ${expected}`);
    return expected;
  }
  return EXPECTED_CODES[expected];
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: row.position,
    data: row.data,
    metadata: row.metadata,
    createdAt: row.created_at.toISOString(),
  };
}

function filterClause(filter: EventFilter | undefined, params: unknown[]): string {
  const clauses = ["left(stream_id, 1) <> '$'"];
  if (filter?.eventTypes) {
    params.push(filter.eventTypes);
    clauses.push(`type = ANY ($${params.length}::text[])`);
  }
  if (filter?.streamPrefixes) {
    params.push(filter.streamPrefixes.map((prefix) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`));
    clauses.push(`stream_id LIKE ANY ($${params.length}::text[])`);
  }
  return clauses.join(' AND ');
}

type StreamRead = { streamId: string; fromRevision: number };

/** A group's outcome rows (one per stream, in order) as its result, or the error it failed with. */
function settle(
  group: PendingGroup,
  rows: readonly OutcomeRow[],
): { ok: true; result: MultiStreamAppendResult } | { ok: false; error: Error } {
  const conflicts: RevisionConflict[] = [];
  // The group's last event; a group of checks only answers the head.
  let position: string | undefined;
  let head: string | undefined;
  for (const [index, row] of rows.entries()) {
    const append = group.entries[index]!;
    const revision = Number(row.next_revision);
    if (row.outcome === 'id_conflict') {
      return {
        ok: false,
        error: new DuplicateEventIdError(`Event ids of this append are already used elsewhere (stream ${append.streamId})`),
      };
    }
    if (row.outcome === 'wrong_revision')
      conflicts.push({ streamId: append.streamId, expected: append.expectedRevision, actual: revision < 0 ? 'no_stream' : revision });
    if (row.last_position === null) continue;
    if (append.events.length === 0) head = row.last_position;
    else if (position === undefined || comparePositions(row.last_position, position) > 0) position = row.last_position;
  }
  if (conflicts.length > 0) return { ok: false, error: ConcurrencyError.of(conflicts) };
  position ??= head;
  return {
    ok: true,
    result: {
      position: position ?? START_POSITION,
      streams: rows.map((row, index) => ({ streamId: group.entries[index]!.streamId, nextExpectedRevision: Number(row.next_revision) })),
    },
  };
}

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  readonly #pollIntervalMs: number;
  readonly #listenForOthers: boolean;
  readonly #appended = new EventEmitter();
  #queue: PendingGroup[] = [];
  #inFlight = 0;
  #listener: pg.PoolClient | undefined;
  #listening: Promise<void> | undefined;
  #closed = false;

  constructor(pool: pg.Pool, options: PostgresEventStoreOptions = {}) {
    this.#pool = pool;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#maxInFlight = options.maxInFlight ?? 1;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#listenForOthers = options.listen ?? true;
    this.#appended.setMaxListeners(0);
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const result = await this.appendToStreams([{ streamId, events, expectedRevision: options.expectedRevision ?? 'any' }]);
    return { nextExpectedRevision: result.streams[0]!.nextExpectedRevision, position: result.position };
  }

  appendToStreams(appends: readonly StreamAppend[]): Promise<MultiStreamAppendResult> {
    if (appends.length === 0) return Promise.reject(new RangeError('A multi-stream append needs at least one stream'));
    const streams = new Set<string>();
    for (const append of appends) {
      expectedCode(append.expectedRevision);
      if (streams.has(append.streamId)) return Promise.reject(new RangeError(`Stream ${append.streamId} appears twice in one append`));
      streams.add(append.streamId);
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ entries: appends, resolve, reject });
      this.#flush();
    });
  }

  async checksRevisions(): Promise<boolean> {
    return true;
  }

  #flush(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#takeBatch();
      this.#inFlight += 1;
      void this.#commitBatch(batch).finally(() => {
        this.#inFlight -= 1;
        this.#flush();
        if (this.#inFlight === 0) this.#appended.emit('idle');
      });
    }
  }

  /** Whole groups, up to `maxBatch` stream entries (a bigger group goes alone). */
  #takeBatch(): PendingGroup[] {
    let entries = 0;
    let size = 0;
    while (size < this.#queue.length && (size === 0 || entries + this.#queue[size]!.entries.length <= this.#maxBatch)) {
      entries += this.#queue[size]!.entries.length;
      size += 1;
    }
    return this.#queue.splice(0, size);
  }

  async #commitBatch(batch: PendingGroup[], attempt = 1): Promise<void> {
    let rows: OutcomeRow[];
    try {
      rows = await this.#callAppend(batch);
    } catch (error) {
      // A whole-batch failure (a deadlock, a unique violation from two appends racing with
      // the same event ids) is retried group by group so that one bad group fails alone.
      if (batch.length === 1) {
        const code = (error as { code?: string }).code;
        if (code && RETRYABLE_BATCH_ERRORS.has(code) && attempt < 5) return this.#commitBatch(batch, attempt + 1);
        if (code === '23505') return this.#retryDuplicate(batch[0]!);
        batch[0]!.reject(error);
        return;
      }
      for (const group of batch) await this.#commitBatch([group]);
      return;
    }
    let appended = false;
    let row = 0;
    for (const group of batch) {
      const outcomes = rows.slice(row, row + group.entries.length);
      row += group.entries.length;
      const settled = settle(group, outcomes);
      if (settled.ok) {
        appended ||= outcomes.some((outcome) => outcome.outcome === 'ok') && group.entries.some((entry) => entry.events.length > 0);
        group.resolve(settled.result);
      } else group.reject(settled.error);
    }
    if (appended) this.#appended.emit('appended');
  }

  /** A unique violation on a lone group means its ids were stored meanwhile: ask again. */
  async #retryDuplicate(group: PendingGroup): Promise<void> {
    try {
      const settled = settle(group, await this.#callAppend([group]));
      if (settled.ok) group.resolve(settled.result);
      else group.reject(settled.error);
    } catch (error) {
      group.reject(error);
    }
  }

  async #callAppend(batch: PendingGroup[]): Promise<OutcomeRow[]> {
    const streams: string[] = [];
    const expected: number[] = [];
    const counts: number[] = [];
    const groups: number[] = [];
    const ids: string[] = [];
    const types: string[] = [];
    const data: JsonObject[] = [];
    const metadata: EventMetadata[] = [];
    batch.forEach((group, index) => {
      for (const append of group.entries) {
        streams.push(append.streamId);
        expected.push(expectedCode(append.expectedRevision));
        counts.push(append.events.length);
        groups.push(index);
        for (const event of append.events) {
          ids.push(event.id);
          types.push(event.type);
          data.push(event.data);
          metadata.push(event.metadata);
        }
      }
    });
    // Data and metadata as one JSON array each, not as arrays of JSON texts.
    const result = await this.#pool.query<OutcomeRow>(
      'SELECT outcome, next_revision, last_position::text AS last_position FROM es_append_groups($1::text[], $2::bigint[], $3::int[], $4::int[], $5::uuid[], $6::text[], $7::jsonb, $8::jsonb)',
      [streams, expected, counts, groups, ids, types, JSON.stringify(data), JSON.stringify(metadata)],
    );
    return result.rows;
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.direction === 'backwards' || options.maxCount !== undefined) return this.#readStreamNow(streamId, options);
    // Whole-stream reads forwards (how commands load their streams) asked for in the same turn of
    // the event loop share one statement: group reads, as appends share one commit.
    return this.#readTogether({ streamId, fromRevision: options.fromRevision ?? 0 });
  }

  readonly #readTogether = coalesced(
    async (reads: StreamRead[]): Promise<RecordedEvent[][]> => {
      const result = await this.#pool.query<EventRow & { i: string }>(
        `SELECT r.i::text AS i, e.* FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS r(stream_id, from_revision, i)
           JOIN LATERAL (SELECT ${EVENT_COLUMNS} FROM es_events ev
                          WHERE ev.stream_id = r.stream_id AND ev.revision >= r.from_revision ORDER BY ev.revision) e ON true
          ORDER BY r.i, e.revision`,
        [reads.map((read) => read.streamId), reads.map((read) => read.fromRevision)],
      );
      const events = reads.map((): RecordedEvent[] => []);
      for (const row of result.rows) events[Number(row.i) - 1]!.push(toRecorded(row));
      return events;
    },
    (read) => this.#readStreamNow(read.streamId, { fromRevision: read.fromRevision }),
  );

  async #readStreamNow(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const params: unknown[] = [streamId];
    let where = 'stream_id = $1';
    if (options.fromRevision !== undefined) {
      params.push(options.fromRevision);
      where += backwards ? ` AND revision <= $2` : ` AND revision >= $2`;
    }
    let limit = '';
    if (options.maxCount !== undefined) {
      params.push(options.maxCount);
      limit = ` LIMIT $${params.length}`;
    }
    const result = await this.#pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events WHERE ${where} ORDER BY revision ${backwards ? 'DESC' : 'ASC'}${limit}`,
      params,
    );
    return result.rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<AllPage> {
    const after = options.after ?? START_POSITION;
    const maxCount = options.maxCount ?? 1_000;
    const params: unknown[] = [after, maxCount];
    const filter = filterClause(options.filter, params);
    // One statement, one snapshot: every event at or below the head seen here is visible
    // here, because positions are handed out in commit order.
    const result = await this.#pool.query<EventRow & { head: string }>(
      `SELECT h.position::text AS head, e.*
         FROM es_head h
         LEFT JOIN LATERAL (
           SELECT ${EVENT_COLUMNS} FROM es_events ev
            WHERE ev.position > $1::bigint AND ev.position <= h.position AND ${filter}
            ORDER BY ev.position LIMIT $2
         ) e ON true
        WHERE h.id = 1
        ORDER BY e.position::bigint`,
      params,
    );
    const head = result.rows[0]?.head ?? START_POSITION;
    const events = result.rows.filter((row) => row.position !== null).map(toRecorded);
    const full = events.length === maxCount;
    const scannedTo = full ? events[events.length - 1]!.position : head;
    return { events, checkpoint: comparePositions(scannedTo, after) > 0 ? scannedTo : after };
  }

  /**
   * Pages for the subscriptions that ask in the same turn of the event loop (every projection and
   * adapter woken by one append): those starting from the same position share one statement, read
   * with the union of their filters, and each page is cut from it in memory.
   */
  readonly #readPagesTogether = coalesced(
    async (reads: ReadAllOptions[]): Promise<AllPage[]> => {
      const byAfter = new Map<string, number[]>();
      reads.forEach((read, index) => {
        const after = read.after ?? START_POSITION;
        byAfter.set(after, [...(byAfter.get(after) ?? []), index]);
      });
      const pages: AllPage[] = [];
      await Promise.all(
        [...byAfter].map(async ([after, indexes]) => {
          if (indexes.length === 1) {
            pages[indexes[0]!] = await this.readAll(reads[indexes[0]!]);
            return;
          }
          const group = indexes.map((index) => reads[index]!);
          const shared = await this.readAll({
            after,
            maxCount: Math.max(...group.map((read) => read.maxCount ?? 1_000)),
            filter: unionOfFilters(group.map((read) => read.filter)),
          });
          for (const index of indexes) pages[index] = pageFor(shared, after, reads[index]!);
        }),
      );
      return pages;
    },
    (read) => this.readAll(read),
  );

  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<AllPage> {
    const { signal } = options;
    let checkpoint = options.after ?? START_POSITION;
    await this.#listen();
    while (!signal?.aborted && !this.#closed) {
      // Arm the wake-up before reading so that an append between the read and the wait is
      // not missed.
      const woken = this.#nextAppend(signal);
      const page = await this.#readPagesTogether({ after: checkpoint, maxCount: options.maxCount, filter: options.filter });
      const advanced = comparePositions(page.checkpoint, checkpoint) > 0;
      if (advanced) {
        checkpoint = page.checkpoint;
        yield page;
      }
      if (page.events.length < (options.maxCount ?? 1_000)) await woken;
    }
  }

  #nextAppend(signal: AbortSignal | undefined): Promise<void> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(onAbort, this.#pollIntervalMs);
    timer.unref();
    return once(this.#appended, 'appended', { signal: controller.signal })
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      });
  }

  /** Appends by other processes arrive as NOTIFY es_appended; one listener serves all subscriptions. */
  #listen(): Promise<void> {
    if (!this.#listenForOthers) return Promise.resolve();
    this.#listening ??= (async () => {
      try {
        const client = await this.#pool.connect();
        client.on('notification', () => this.#appended.emit('appended'));
        client.on('error', () => this.#dropListener(client));
        await client.query('LISTEN es_appended');
        this.#listener = client;
      } catch {
        // Polling still delivers; the next subscription tries to listen again.
        this.#listening = undefined;
      }
    })();
    return this.#listening;
  }

  #dropListener(client: pg.PoolClient): void {
    if (this.#listener !== client) return;
    this.#listener = undefined;
    this.#listening = undefined;
    client.release(true);
  }

  async headPosition(): Promise<string> {
    const result = await this.#pool.query<{ position: string }>('SELECT position::text AS position FROM es_head WHERE id = 1');
    return result.rows[0]?.position ?? START_POSITION;
  }

  async ping(): Promise<boolean> {
    try {
      await this.#pool.query('SELECT 1 FROM es_head WHERE id = 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#appended.emit('appended');
    if (this.#listener) this.#dropListener(this.#listener);
    while (this.#inFlight > 0 || this.#queue.length > 0) await once(this.#appended, 'idle');
  }
}
