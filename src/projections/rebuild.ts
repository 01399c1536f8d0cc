// Rebuilds a projection from position 0 into a fresh copy of its schema, then swaps it in
// while the live projection and the API keep running. Built for speed: large pages, the next one
// read while this one is handled; a projection's batch handler folds page after page in memory
// and writes the result in a few statements; the fresh tables stay unlogged and without the
// indexes only readers need until they are filled.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AdvisoryLocks } from '../db/advisory-lock.ts';
import { isTransientDatabaseError } from '../db/errors.ts';
import {
  START_POSITION,
  comparePositions,
  matchesFilter,
  type AllPage,
  type EventFilter,
  type EventStore,
  type RecordedEvent,
} from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import type { BatchHandler, Fold, Projection } from './projection.ts';
import { passingOver, skippedEventIds } from './skipped-events.ts';
import { advanceCheckpoint } from '../db/checkpoints.ts';
import { applyPageInSavepoint, applyPageInTransaction, BatchFailed, batched, ensureCheckpoint } from './runner.ts';
import { SchemaRedirectPlugin } from './schema-redirect.ts';
import { createFreshSchema, finishFreshSchema, FINISH_CONCURRENCY, inParallel, swapSchemas, type FreshCopy } from './schema-copy.ts';

export type RebuildProgress = { position: string; head: string; events: number };

export type RebuildOptions = {
  db: Db;
  store: EventStore;
  locks: AdvisoryLocks;
  upcasting: Upcasting;
  batchSize?: number;
  /** Keys a fold may hold across pages before it writes them (REBUILD_FOLD_KEYS). */
  foldKeys?: number;
  onProgress?: (progress: RebuildProgress) => void;
  signal?: AbortSignal;
};

/** Events per page of a rebuild's catch-up (the live runner reads 500). */
export const DEFAULT_REBUILD_BATCH = 10_000;
/**
 * Keys (rows) a rebuild's fold may hold across pages before it writes them (in the background,
 * while the next pages are folded). Larger folds write a key more rarely; smaller ones leave less
 * to write once the store is read: with 1 000 000 catalog events (50 000 products), 25 000 keys
 * ended a one-pass rebuild of all projections 1-2 s sooner than 100 000.
 */
export const REBUILD_FOLD_KEYS = 25_000;

/**
 * The pages of $all after `from`, in order, until one is not full (the store's head then); the
 * next page is read while the caller handles this one.
 */
async function* pagesAfter(read: (after: string) => Promise<AllPage>, from: string, maxCount: number): AsyncGenerator<AllPage> {
  let after = from;
  let next: Promise<AllPage> | undefined = read(after);
  try {
    while (next) {
      const page: AllPage = await next;
      next = undefined;
      if (comparePositions(page.checkpoint, after) <= 0) return;
      if (page.events.length >= maxCount) next = read(page.checkpoint);
      after = page.checkpoint;
      yield page;
    }
  } finally {
    // A read under way when the caller stopped is dropped.
    next?.catch(() => undefined);
  }
}

/** The part of `page` up to `to`, and its checkpoint no further than `to`. */
function clip(page: AllPage, to: string): AllPage {
  if (comparePositions(page.checkpoint, to) <= 0) return page;
  return { events: page.events.filter((event) => comparePositions(event.position, to) <= 0), checkpoint: to };
}

export const rebuildCheckpointName = (name: string) => `${name}:rebuild`;
const rebuildLockName = (name: string) => `rebuild:${name}`;

export class RebuildInProgressError extends Error {
  override name = 'RebuildInProgressError';
}

/** Runs the functions given to it, at most `concurrency` at a time. */
function limiter(concurrency: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    // A finished one hands its place over to the next waiting, if any.
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

/** Picks a projection's events out of pages read for several projections. */
function eventsFor(filter: EventFilter | undefined): (page: AllPage, types: ReadonlySet<string>) => AllPage {
  if (!filter?.eventTypes || filter.streamPrefixes) {
    return (page) => ({
      events: page.events.filter((event) => matchesFilter(filter, event.streamId, event.type)),
      checkpoint: page.checkpoint,
    });
  }
  const mine = new Set(filter.eventTypes);
  return (page, types) => {
    // Most pages hold none of a projection's types, or nothing else.
    const none = ![...types].some((type) => mine.has(type));
    const all = !none && [...types].every((type) => mine.has(type));
    const events = none ? [] : all ? page.events : page.events.filter((event) => mine.has(event.type));
    return { events, checkpoint: page.checkpoint };
  };
}

/** One filter that lets through every event of these (none when they cannot be combined). */
function unionOf(filters: readonly (EventFilter | undefined)[]): EventFilter | undefined {
  if (filters.some((filter) => !filter?.eventTypes || filter.streamPrefixes)) return undefined;
  return { eventTypes: [...new Set(filters.flatMap((filter) => filter!.eventTypes!))] };
}

type Settings = { batchSize: number; foldKeys: number };

/** The segment of a page the batch folds whole: every event folded, all of one segment (else undefined). */
function foldedSegment(batch: BatchHandler, events: readonly RecordedEvent[]): string | undefined {
  let segment: string | undefined;
  for (const event of events) {
    if (!batch.folds(event)) return undefined;
    const own = batch.segment?.(event) ?? '';
    if (segment !== undefined && own !== segment) return undefined;
    segment = own;
  }
  return segment;
}

/** One projection's rebuild: its fresh schema, the catch-up's state, the finish and the swap. */
class ProjectionRebuild {
  readonly projection: Projection;
  readonly #options: Omit<RebuildOptions, 'onProgress'>;
  readonly #settings: Settings;
  readonly #fresh: string;
  readonly #freshDb: Db;
  readonly #checkpointName: string;
  #copy: FreshCopy = { tables: [], deferred: [] };
  /** How far the catch-up has read (folded or written). */
  checkpoint = START_POSITION;
  /** The rebuild's checkpoint as stored: everything up to it is written. */
  #written = START_POSITION;
  events = 0;
  /** Events folded and not written yet: a fold spans pages (up to `foldKeys` keys) of its segment. */
  #fold: Fold | undefined;
  /** The segment of `#fold`. */
  #segment = '';
  /** The last background write of a full fold; the next one starts after it. */
  #writing: Promise<void> = Promise.resolve();

  constructor(projection: Projection, options: Omit<RebuildOptions, 'onProgress'>, settings: Settings) {
    this.projection = projection;
    this.#options = options;
    this.#settings = settings;
    this.#fresh = `${projection.schema}__rebuild`;
    this.#freshDb = options.db.withPlugin(new SchemaRedirectPlugin(projection.schema, this.#fresh));
    this.#checkpointName = rebuildCheckpointName(projection.name);
  }

  async prepare(): Promise<void> {
    const { db } = this.#options;
    this.#copy = await createFreshSchema(db, this.projection, this.#fresh);
    await db.deleteFrom('projection_checkpoints').where('name', '=', this.#checkpointName).execute();
    await ensureCheckpoint(db, this.#checkpointName);
  }

  #read(after: string): Promise<AllPage> {
    return this.#options.store.readAll({ after, maxCount: this.#settings.batchSize, filter: this.projection.filter });
  }

  #apply(page: AllPage): Promise<void> {
    return applyPageInTransaction(this.#freshDb, this.projection, this.#checkpointName, this.#written, page, this.#options.upcasting, {
      asyncCommit: true,
    });
  }

  /**
   * Applies (written, to] again page by page, after a fold over them failed: a page whose own
   * batch fails too is applied event by event, which finds the poison event if there is one.
   */
  async #replay(to: string): Promise<void> {
    while (comparePositions(this.#written, to) < 0) {
      const page = clip(await this.#read(this.#written), to);
      if (comparePositions(page.checkpoint, this.#written) <= 0)
        throw new Error(`Rebuild of ${this.projection.name} could not read again up to ${to}`);
      await this.#apply(page);
      this.#written = page.checkpoint;
    }
  }

  /** Writes the fold in the background, after the writes before it. */
  #writeFold(): void {
    const fold = this.#fold;
    if (!fold) return;
    this.#fold = undefined;
    const to = this.checkpoint;
    const before = this.#writing;
    this.#writing = (async () => {
      await before;
      try {
        await this.#freshDb.transaction().execute((trx) =>
          advanceCheckpoint(trx, 'projection', this.#checkpointName, this.#written, to, () => batched(() => fold.write(trx)), {
            asyncCommit: true,
          }),
        );
        this.#written = to;
      } catch (error) {
        if (!(error instanceof BatchFailed)) throw error;
        await this.#replay(to);
      }
    })();
    // Awaited later; a failure must not count as unhandled meanwhile.
    this.#writing.catch(() => undefined);
  }

  /** The catch-up's step: the projection's events of a page (none, maybe) up to its checkpoint. */
  async take(page: AllPage): Promise<void> {
    const { batch } = this.projection;
    const { upcasting } = this.#options;
    const events = batch ? page.events.map((recorded) => upcasting.upcast(recorded)) : [];
    const segment = batch && foldedSegment(batch, events);
    if (page.events.length === 0) {
      // Nothing to write: the stored checkpoint catches up with the next write.
      this.checkpoint = page.checkpoint;
    } else if (batch && segment !== undefined) {
      // The open fold ends where the segment changes.
      if (segment !== this.#segment) this.#writeFold();
      // A fold that reads the read model reads it once the writes before are done.
      if (batch.reads?.(events) ?? true) await this.#writing;
      this.#segment = segment;
      const fold = (this.#fold ??= batch.fold());
      try {
        await batched(() => fold.add(this.#freshDb, events));
        this.checkpoint = page.checkpoint;
        if (fold.size >= this.#settings.foldKeys) this.#writeFold();
      } catch (error) {
        if (!(error instanceof BatchFailed)) throw error;
        this.#fold = undefined;
        this.checkpoint = page.checkpoint;
        await this.#writing;
        await this.#replay(this.checkpoint);
      }
    } else {
      // Events the batch does not fold, or of several segments: the page's runs of one segment
      // are folded and written in its transaction, the other events handled one by one.
      this.#writeFold();
      await this.#writing;
      await this.#apply(page);
      this.checkpoint = this.#written = page.checkpoint;
    }
    this.events += page.events.length;
  }

  /** Writes what is folded, and stores the checkpoint the catch-up reached. */
  async flush(): Promise<void> {
    this.#writeFold();
    await this.#writing;
    if (comparePositions(this.#written, this.checkpoint) < 0) {
      const to = this.checkpoint;
      await this.#freshDb
        .transaction()
        .execute((trx) =>
          advanceCheckpoint(trx, 'projection', this.#checkpointName, this.#written, to, async () => undefined, { asyncCommit: true }),
        );
      this.#written = to;
    }
  }

  /** Waits for a write still under way (after a failure or an abort), so that none runs on. */
  async settle(): Promise<void> {
    await this.#writing.catch(() => undefined);
  }

  async finish(): Promise<void> {
    await finishFreshSchema(this.#options.db, this.#fresh, this.#copy);
  }

  /**
   * The swap: holds the live checkpoint row so the live runner pauses, applies what arrived
   * since, exchanges the schemas, hands the live checkpoint the rebuilt position.
   */
  async swap(): Promise<void> {
    const { db, store, upcasting } = this.#options;
    const { projection } = this;
    await db.transaction().execute(async (trx) => {
      await ensureCheckpoint(trx, projection.name);
      await trx.selectFrom('projection_checkpoints').select('name').where('name', '=', projection.name).forUpdate().execute();
      const trxFresh = trx.withPlugin(new SchemaRedirectPlugin(projection.schema, this.#fresh));
      for (;;) {
        const page = await store.readAll({ after: this.checkpoint, maxCount: this.#settings.batchSize, filter: projection.filter });
        if (comparePositions(page.checkpoint, this.checkpoint) <= 0) break;
        await applyPageInSavepoint(trxFresh, projection, this.#checkpointName, this.checkpoint, page, upcasting);
        this.checkpoint = page.checkpoint;
        this.events += page.events.length;
      }
      await swapSchemas(trx, projection.schema, this.#fresh);
      await trx
        .updateTable('projection_checkpoints')
        .set({ position: this.checkpoint, status: 'running', error: null, failed_position: null, updated_at: sql<Date>`now()` })
        .where('name', '=', projection.name)
        .execute();
      await trx.deleteFrom('projection_checkpoints').where('name', '=', this.#checkpointName).execute();
    });
  }
}

export type RebuildAllOptions = Omit<RebuildOptions, 'onProgress'> & {
  onProgress?: (projection: string, progress: RebuildProgress) => void;
};

/** The projections whose rebuild failed (each with its error); the others were swapped in. */
export class RebuildFailedError extends AggregateError {
  override name = 'RebuildFailedError';
  readonly projections: string[];
  constructor(failures: { projection: string; error: unknown }[]) {
    super(
      failures.map((failure) => failure.error),
      `Rebuild of ${failures.map((failure) => `${failure.projection} (${failure.error instanceof Error ? failure.error.message : String(failure.error)})`).join(', ')} failed`,
    );
    this.projections = failures.map((failure) => failure.projection);
  }
}

/**
 * Rebuilds these projections from the start of the store in one pass: each page of $all is read
 * once (the union of their filters) and handed to each projection; then each is finished and
 * swapped in on its own. A projection that fails drops out of the pass; the others go on and are
 * swapped in, then RebuildFailedError names the failed ones. Only one rebuild of a projection runs
 * at a time (advisory lock); RebuildInProgressError when one of these is being rebuilt already.
 */
export async function rebuildProjections(
  projections: readonly Projection[],
  options: RebuildAllOptions,
): Promise<Record<string, RebuildProgress>> {
  const { store, locks } = options;
  const settings = { batchSize: options.batchSize ?? DEFAULT_REBUILD_BATCH, foldKeys: options.foldKeys ?? REBUILD_FOLD_KEYS };
  const locked: string[] = [];
  try {
    for (const projection of projections) {
      if (!(await locks.tryLock(rebuildLockName(projection.name)))) {
        throw new RebuildInProgressError(`A rebuild of ${projection.name} is already running`);
      }
      locked.push(projection.name);
    }
    const rebuilds = await Promise.all(
      projections.map(
        async (projection) =>
          new ProjectionRebuild(passingOver(projection, await skippedEventIds(options.db, projection.name)), options, settings),
      ),
    );
    await inParallel(rebuilds, FINISH_CONCURRENCY, (rebuild) => rebuild.prepare());
    const head = await store.headPosition();
    const report = (rebuild: ProjectionRebuild) =>
      options.onProgress?.(rebuild.projection.name, { position: rebuild.checkpoint, head, events: rebuild.events });
    const failures: { projection: string; error: unknown }[] = [];
    let active = rebuilds;
    const drop = (rebuild: ProjectionRebuild, error: unknown) => {
      if (isTransientDatabaseError(error)) throw error;
      failures.push({ projection: rebuild.projection.name, error });
      active = active.filter((other) => other !== rebuild);
    };

    // Catch up outside of any lock: the live projections keep serving meanwhile. The next page is
    // read while this one is folded or written.
    const filter = unionOf(projections.map((projection) => projection.filter));
    const pickers = new Map(rebuilds.map((rebuild) => [rebuild, eventsFor(rebuild.projection.filter)]));
    const read = (after: string) => store.readAll({ after, maxCount: settings.batchSize, filter });
    let caughtUp = false;
    try {
      for await (const page of pagesAfter(read, START_POSITION, settings.batchSize)) {
        if (options.signal?.aborted) throw new Error('Rebuild aborted');
        const types = rebuilds.length > 1 ? new Set(page.events.map((event) => event.type)) : undefined;
        const outcomes = await Promise.allSettled(active.map((rebuild) => rebuild.take(types ? pickers.get(rebuild)!(page, types) : page)));
        for (const [index, rebuild] of [...active].entries()) {
          const outcome = outcomes[index]!;
          if (outcome.status === 'rejected') drop(rebuild, outcome.reason);
          else report(rebuild);
        }
        if (active.length === 0) break;
      }
      caughtUp = true;
    } finally {
      // After a failure or an abort, no write of this rebuild runs on.
      if (!caughtUp) for (const rebuild of rebuilds) await rebuild.settle();
    }

    // Each writes what it has folded, is finished (two at a time) and swapped in, in turn.
    const slot = limiter(FINISH_CONCURRENCY);
    const ready = active.map(async (rebuild) => {
      await rebuild.flush();
      await slot(() => rebuild.finish());
    });
    for (const done of ready) done.catch(() => undefined);
    for (const [index, rebuild] of [...active].entries()) {
      try {
        await ready[index];
        await rebuild.swap();
        report(rebuild);
      } catch (error) {
        drop(rebuild, error);
      }
    }
    if (failures.length > 0) throw new RebuildFailedError(failures);
    return Object.fromEntries(
      rebuilds.map((rebuild) => [rebuild.projection.name, { position: rebuild.checkpoint, head, events: rebuild.events }]),
    );
  } finally {
    for (const name of locked) await locks.unlock(rebuildLockName(name));
  }
}

/**
 * Rebuilds `projection` from the start of the store (see rebuildProjections). Its own failure
 * is thrown as it is: ProjectionFailed for a poison event.
 */
export async function rebuildProjection(projection: Projection, options: RebuildOptions): Promise<RebuildProgress> {
  const { onProgress, ...rest } = options;
  try {
    const results = await rebuildProjections([projection], { ...rest, onProgress: (_name, progress) => onProgress?.(progress) });
    return results[projection.name]!;
  } catch (error) {
    if (error instanceof RebuildFailedError) throw error.errors[0];
    throw error;
  }
}
