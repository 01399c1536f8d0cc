// Feeds each projection from its own checkpoint: a page of events, its read-model changes and
// the new checkpoint in one transaction, so every event has exactly one effect.
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { AdvisoryLocks } from '../db/advisory-lock.ts';
import type { Db } from '../db/database.ts';
import { isTransientDatabaseError } from '../db/errors.ts';
import type { AllPage, EventStore, RecordedEvent } from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import type { Projection } from './projection.ts';

export type RunnerOptions = {
  db: Db;
  store: EventStore;
  locks: AdvisoryLocks;
  upcasting: Upcasting;
  projections: readonly Projection[];
  logger: Logger;
  batchSize?: number;
  /** How often a stopped or standby projection looks again (resume, lock free). */
  idleRetryMs?: number;
};

/** The checkpoint moved under us (a rebuild was swapped in): reload and continue from there. */
class CheckpointMoved extends Error {}

/** A handler failed on this event; the projection stops until resumed. */
class ProjectionFailed extends Error {
  readonly event: RecordedEvent;
  constructor(event: RecordedEvent, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.event = event;
  }
}

export const lockName = (projection: string) => `projection:${projection}`;

export async function ensureCheckpoint(db: Db, name: string): Promise<{ position: string; status: string }> {
  await db.insertInto('projection_checkpoints').values({ name }).onConflict((oc) => oc.column('name').doNothing()).execute();
  return db
    .selectFrom('projection_checkpoints')
    .select(['position', 'status'])
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
}

/**
 * Applies a page in the caller's transaction: locks the checkpoint row, checks that it still
 * is `expected` (compare-and-set), runs the handlers, stores the page's checkpoint.
 */
export async function applyPage(
  trx: Db,
  projection: Projection,
  checkpointName: string,
  expected: string,
  page: AllPage,
  upcasting: Upcasting,
): Promise<void> {
  const row = await trx
    .selectFrom('projection_checkpoints')
    .select(['position'])
    .where('name', '=', checkpointName)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.position !== expected) throw new CheckpointMoved();
  for (const recorded of page.events) {
    const event = upcasting.upcast(recorded);
    try {
      await projection.handle(trx, event);
    } catch (error) {
      if (isTransientDatabaseError(error)) throw error;
      throw new ProjectionFailed(event, error);
    }
  }
  await trx
    .updateTable('projection_checkpoints')
    .set({ position: page.checkpoint, updated_at: sql<Date>`now()` })
    .where('name', '=', checkpointName)
    .execute();
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

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
        if (!(await locks.tryLock(lockName(projection.name)))) {
          await sleep(this.#idleRetryMs, signal);
          continue;
        }
        const { position, status } = await ensureCheckpoint(db, projection.name);
        if (status !== 'running') {
          await sleep(this.#idleRetryMs, signal);
          continue;
        }
        await this.#follow(projection, position, signal);
        backoff = 100;
      } catch (error) {
        if (error instanceof CheckpointMoved) continue;
        if (error instanceof ProjectionFailed) {
          log.error({ err: error.cause, eventId: error.event.id, position: error.event.position, type: error.event.type }, 'projection failed');
          await this.#markFailed(projection.name, error).catch((markError: unknown) => log.error({ err: markError }, 'could not record failure'));
          continue;
        }
        if (!isTransientDatabaseError(error)) log.error({ err: error }, 'projection loop error');
        else log.warn({ err: error }, 'projection waiting for the database');
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
    await locks.unlock(lockName(projection.name));
  }

  async #follow(projection: Projection, from: string, signal: AbortSignal): Promise<void> {
    const { db, store, upcasting, locks } = this.#options;
    let checkpoint = from;
    const pages = store.subscribeToAll({ after: checkpoint, filter: projection.filter, maxCount: this.#batchSize, signal });
    for await (const page of pages) {
      if (!locks.isHeld(lockName(projection.name))) return;
      const expected = checkpoint;
      await db.transaction().execute((trx) => applyPage(trx, projection, projection.name, expected, page, upcasting));
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
