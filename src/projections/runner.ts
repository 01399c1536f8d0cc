// Feeds each projection from its own checkpoint: a page of events, its read-model changes and
// the new checkpoint in one transaction, so every event has exactly one effect. A projection
// with a batch handler gets the page folded and written set-based; should that fail, the page is
// applied again event by event, which finds and reports the exact poison event.
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { AdvisoryLocks } from '../db/advisory-lock.ts';
import { advanceCheckpoint, asCheckpointMoved, CheckpointMoved, lockName, moveCheckpoint } from '../db/checkpoints.ts';
import type { Db } from '../db/database.ts';
import { isTransientDatabaseError } from '../db/errors.ts';
import type { AllPage, EventStore, RecordedEvent } from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import { BatchDeclined } from './batch.ts';
import type { BatchHandler, Projection } from './projection.ts';
import { passingOver, skippedEventIds } from './skipped-events.ts';
import { abortableSleep } from '../shared/sleep.ts';

export type RunnerOptions = {
  db: Db;
  store: EventStore;
  locks: AdvisoryLocks;
  upcasting: Upcasting;
  projections: readonly Projection[];
  logger: Logger;
  batchSize?: number;
  /**
   * The same database through a pipelined kysely (src/db/pipeline.ts): pages a batch handler folds
   * are written through it, BEGIN, checkpoint, writes and COMMIT in one round trip when the fold
   * reads nothing. Without it every page takes a round trip a statement.
   */
  pipelinedDb?: Db;
  /** How often a stopped or standby projection looks again (resume, lock free). */
  idleRetryMs?: number;
};

/** A handler failed on this event; the projection stops until resumed. */
class ProjectionFailed extends Error {
  readonly event: RecordedEvent;
  constructor(event: RecordedEvent, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.event = event;
  }
}

export async function ensureCheckpoint(db: Db, name: string): Promise<{ position: string; status: string }> {
  await db
    .insertInto('projection_checkpoints')
    .values({ name })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return db.selectFrom('projection_checkpoints').select(['position', 'status']).where('name', '=', name).executeTakeFirstOrThrow();
}

/** The projection's batch handler failed on a page: the page is to be applied again, event by event. */
export class BatchFailed extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

export type ApplyOptions = {
  /** Use the projection's batch handler when it has one (default true). */
  batch?: boolean;
  /**
   * Commit without waiting for the WAL flush (`synchronous_commit = off`). Only for work that is
   * redone from scratch after a crash anyway (a rebuild): a crash may lose the last commits, never
   * tear one.
   */
  asyncCommit?: boolean;
};

/**
 * Runs of events the batch folds, each of one segment, folded and written; every other event
 * handled on its own, in order.
 */
async function applyBatched(trx: Db, projection: Projection, batch: BatchHandler, events: readonly RecordedEvent[]): Promise<void> {
  let run: RecordedEvent[] = [];
  let runSegment = '';
  const flush = async () => {
    if (run.length === 0) return;
    const fold = batch.fold();
    await fold.add(trx, run);
    await fold.write(trx);
    run = [];
  };
  for (const event of events) {
    if (batch.folds(event)) {
      const segment = batch.segment?.(event) ?? '';
      if (segment !== runSegment) await flush();
      runSegment = segment;
      run.push(event);
    } else {
      await flush();
      await projection.handle(trx, event);
    }
  }
  await flush();
}

/** Runs `work` (a batch), turning its failure into a BatchFailed unless the database is only passing trouble. */
export async function batched(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    throw passingOrMoved(error) ?? new BatchFailed(error);
  }
}

/** `error` when the database is only passing trouble, CheckpointMoved when the checkpoint moved; else undefined. */
function passingOrMoved(error: unknown): unknown {
  if (isTransientDatabaseError(error)) return error;
  const moved = asCheckpointMoved(error);
  return moved instanceof CheckpointMoved ? moved : undefined;
}

/**
 * Applies a page in the caller's transaction, with its checkpoint (advanceCheckpoint). With a
 * batch handler, a failure of the batch is a BatchFailed: the caller rolls back and applies the
 * page again without it, and the per-event path finds the exact poison event, if there is one.
 */
export async function applyPage(
  trx: Db,
  projection: Projection,
  checkpointName: string,
  expected: string,
  page: AllPage,
  upcasting: Upcasting,
  options: ApplyOptions = {},
): Promise<void> {
  await advanceCheckpoint(
    trx,
    'projection',
    checkpointName,
    expected,
    page.checkpoint,
    async () => {
      const { batch } = projection;
      if ((options.batch ?? true) && batch && page.events.length > 1) {
        await batched(() =>
          applyBatched(
            trx,
            projection,
            batch,
            page.events.map((recorded) => upcasting.upcast(recorded)),
          ),
        );
        return;
      }
      for (const recorded of page.events) {
        const event = upcasting.upcast(recorded);
        try {
          await projection.handle(trx, event);
        } catch (error) {
          if (isTransientDatabaseError(error)) throw error;
          throw new ProjectionFailed(event, error);
        }
      }
    },
    options,
  );
}

/**
 * applyPage in a transaction of its own; when the batch handler fails, once more event by event
 * in a new transaction. `onBatchRecovered` hears of a batch that failed on a page the per-event
 * path then applied (a batch handler that is wrong, or too cautious). `pipelined`: a pipelined
 * kysely over the same database for pages the batch handler folds; a write of theirs that fails
 * is thrown by a later statement or the COMMIT, so any failure of such a page but passing trouble
 * and a moved checkpoint sends it event by event, on `db`.
 */
export async function applyPageInTransaction(
  db: Db,
  projection: Projection,
  checkpointName: string,
  expected: string,
  page: AllPage,
  upcasting: Upcasting,
  options: ApplyOptions & { onBatchRecovered?: (failure: BatchFailed) => void; pipelined?: Db } = {},
): Promise<void> {
  const pipelined = options.pipelined !== undefined && (options.batch ?? true) && projection.batch !== undefined && page.events.length > 1;
  try {
    await (pipelined ? options.pipelined! : db)
      .transaction()
      .execute((trx) => applyPage(trx, projection, checkpointName, expected, page, upcasting, options));
  } catch (caught) {
    const error = pipelined && !(caught instanceof BatchFailed) ? (passingOrMoved(caught) ?? new BatchFailed(caught)) : caught;
    if (!(error instanceof BatchFailed)) throw error;
    await db
      .transaction()
      .execute((trx) => applyPage(trx, projection, checkpointName, expected, page, upcasting, { ...options, batch: false }));
    options.onBatchRecovered?.(error);
  }
}

/**
 * applyPage inside the caller's transaction, under a savepoint: when the batch handler fails,
 * rolls back to it and applies the page event by event.
 */
export async function applyPageInSavepoint(
  trx: Db,
  projection: Projection,
  checkpointName: string,
  expected: string,
  page: AllPage,
  upcasting: Upcasting,
): Promise<void> {
  if (!projection.batch || page.events.length <= 1) {
    await applyPage(trx, projection, checkpointName, expected, page, upcasting, { batch: false });
    return;
  }
  await sql`SAVEPOINT apply_page`.execute(trx);
  try {
    await applyPage(trx, projection, checkpointName, expected, page, upcasting);
  } catch (error) {
    if (!(error instanceof BatchFailed)) throw error;
    await sql`ROLLBACK TO SAVEPOINT apply_page`.execute(trx);
    await applyPage(trx, projection, checkpointName, expected, page, upcasting, { batch: false });
  }
  await sql`RELEASE SAVEPOINT apply_page`.execute(trx);
}

export class ProjectionRunner {
  readonly progress = new EventEmitter();
  readonly #options: RunnerOptions;
  readonly #controller = new AbortController();
  readonly #loops: Promise<void>[] = [];
  readonly #batchSize: number;
  readonly #idleRetryMs: number;

  constructor(options: RunnerOptions) {
    this.#options = options;
    this.#batchSize = options.batchSize ?? 500;
    this.#idleRetryMs = options.idleRetryMs ?? 1_000;
    this.progress.setMaxListeners(0);
  }

  start(): void {
    for (const projection of this.#options.projections) this.#loops.push(this.#run(projection));
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    await Promise.all(this.#loops);
  }

  async #run(projection: Projection): Promise<void> {
    const { db, locks, logger } = this.#options;
    const signal = this.#controller.signal;
    const log = logger.child({ projection: projection.name });
    let backoff = 100;
    while (!signal.aborted) {
      try {
        if (!(await locks.tryLock(lockName('projection', projection.name)))) {
          await abortableSleep(this.#idleRetryMs, signal);
          continue;
        }
        const { position, status } = await ensureCheckpoint(db, projection.name);
        if (status !== 'running') {
          await abortableSleep(this.#idleRetryMs, signal);
          continue;
        }
        // Read again on every (re)start: a skip is recorded while the projection stands failed.
        const skipped = await skippedEventIds(db, projection.name);
        await this.#follow(passingOver(projection, skipped), position, signal, log);
        backoff = 100;
      } catch (error) {
        // The checkpoint moved under us (a rebuild was swapped in): reload and continue from there.
        if (error instanceof CheckpointMoved) continue;
        if (error instanceof ProjectionFailed) {
          log.error(
            { err: error.cause, eventId: error.event.id, position: error.event.position, type: error.event.type },
            'projection failed',
          );
          await this.#markFailed(projection.name, error).catch((markError: unknown) =>
            log.error({ err: markError }, 'could not record failure'),
          );
          continue;
        }
        if (!isTransientDatabaseError(error)) log.error({ err: error }, 'projection loop error');
        else log.warn({ err: error }, 'projection waiting for the database');
        await abortableSleep(backoff, signal);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
    await locks.unlock(lockName('projection', projection.name));
  }

  async #follow(projection: Projection, from: string, signal: AbortSignal, log: Logger): Promise<void> {
    const { db, store, upcasting, locks } = this.#options;
    let checkpoint = from;
    const pages = store.subscribeToAll({ after: checkpoint, filter: projection.filter, maxCount: this.#batchSize, signal });
    for await (const page of pages) {
      if (!locks.isHeld(lockName('projection', projection.name))) return;
      if (page.events.length === 0) {
        // Nothing of ours in the range (another projection's events): one statement moves the
        // checkpoint on, so read-your-writes across processes sees this read model caught up.
        await moveCheckpoint(db, 'projection', projection.name, checkpoint, page.checkpoint);
        checkpoint = page.checkpoint;
        this.progress.emit('progress', projection.name, checkpoint);
        continue;
      }
      await applyPageInTransaction(db, projection, projection.name, checkpoint, page, upcasting, {
        ...(this.#options.pipelinedDb && { pipelined: this.#options.pipelinedDb }),
        onBatchRecovered: (failure) =>
          failure.cause instanceof BatchDeclined
            ? log.info({ reason: failure.message, checkpoint }, 'batch declined a page; applied it event by event')
            : log.warn({ err: failure.cause, checkpoint }, 'batch failed on a page that applies event by event'),
      });
      checkpoint = page.checkpoint;
      this.progress.emit('progress', projection.name, checkpoint);
    }
  }

  async #markFailed(name: string, failure: ProjectionFailed): Promise<void> {
    await this.#options.db
      .updateTable('projection_checkpoints')
      .set({
        status: 'failed',
        error: `${failure.event.type} ${failure.event.id} at ${failure.event.position}: ${failure.message}`.slice(0, 2_000),
        failed_position: failure.event.position,
        updated_at: sql<Date>`now()`,
      })
      .where('name', '=', name)
      .execute();
  }
}
