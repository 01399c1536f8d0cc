// Events an operator had a projection pass over: an event already in the store that a handler
// cannot store (written before the API refused such input) must not stop a read model for good,
// and events are never rewritten. A skip names the one event the projection failed on, is
// recorded with who and why, and holds for the live runner and for every rebuild.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { comparePositions, type EventStore, type RecordedEvent } from '../eventstore/port.ts';
import type { Projection } from './projection.ts';

/** The ids of the events `projection` is to pass over. */
export async function skippedEventIds(db: Db, projection: string): Promise<ReadonlySet<string>> {
  const rows = await db.selectFrom('projection_skipped_events').select('event_id').where('projection', '=', projection).execute();
  return new Set(rows.map((row) => row.event_id));
}

/**
 * The projection with the skipped events left out of its handler and of its batch folds; the
 * checkpoint still moves past them.
 */
export function passingOver(projection: Projection, skipped: ReadonlySet<string>): Projection {
  if (skipped.size === 0) return projection;
  const kept = (events: readonly RecordedEvent[]) => events.filter((event) => !skipped.has(event.id));
  const { batch } = projection;
  return {
    ...projection,
    handle: async (db, event) => (skipped.has(event.id) ? undefined : projection.handle(db, event)),
    batch: batch && {
      ...batch,
      fold: () => {
        const fold = batch.fold();
        return {
          add: (db, events) => fold.add(db, kept(events)),
          get size() {
            return fold.size;
          },
          write: (db) => fold.write(db),
        };
      },
    },
  };
}

export type SkippedEvent = { projection: string; eventId: string; position: string; type: string; streamId: string; error: string };

export class CannotSkipError extends Error {
  override name = 'CannotSkipError';
}

/** The event a failed projection stopped on: the first of its events at its failed position. */
async function failedEvent(
  store: EventStore,
  projection: Projection,
  after: string,
  failedPosition: string,
): Promise<RecordedEvent | undefined> {
  let checkpoint = after;
  for (;;) {
    const page = await store.readAll({ after: checkpoint, maxCount: 500, filter: projection.filter });
    const found = page.events.find((event) => event.position === failedPosition);
    if (found) return found;
    const last = page.events.at(-1);
    if (comparePositions(page.checkpoint, checkpoint) <= 0 || (last && comparePositions(last.position, failedPosition) > 0))
      return undefined;
    checkpoint = page.checkpoint;
  }
}

/**
 * Records that the failed `projection` passes over the event it failed on, and resumes it: the
 * runner then moves its checkpoint past that event. Refused (CannotSkipError) unless the
 * projection has failed, so a skip always names the event an operator has seen fail.
 */
export async function skipFailedEvent(
  db: Db,
  store: EventStore,
  projection: Projection,
  audit: { reason: string; by: string },
): Promise<SkippedEvent> {
  return db.transaction().execute(async (trx) => {
    const checkpoint = await trx
      .selectFrom('projection_checkpoints')
      .select(['position', 'status', 'error', 'failed_position'])
      .where('name', '=', projection.name)
      .forUpdate()
      .executeTakeFirst();
    if (checkpoint?.status !== 'failed' || checkpoint.failed_position === null) {
      throw new CannotSkipError(
        `Projection ${projection.name} has not failed; only the event a failed projection stopped on can be skipped`,
      );
    }
    const event = await failedEvent(store, projection, checkpoint.position, checkpoint.failed_position);
    if (!event)
      throw new CannotSkipError(`The event at position ${checkpoint.failed_position} that ${projection.name} failed on was not found`);
    const skipped: SkippedEvent = {
      projection: projection.name,
      eventId: event.id,
      position: event.position,
      type: event.type,
      streamId: event.streamId,
      error: checkpoint.error ?? '',
    };
    await trx
      .insertInto('projection_skipped_events')
      .values({
        projection: projection.name,
        event_id: event.id,
        position: event.position,
        event_type: event.type,
        stream_id: event.streamId,
        error: skipped.error,
        reason: audit.reason,
        skipped_by: audit.by,
      })
      .execute();
    await trx
      .updateTable('projection_checkpoints')
      .set({ status: 'running', error: null, failed_position: null, updated_at: sql<Date>`now()` })
      .where('name', '=', projection.name)
      .execute();
    return skipped;
  });
}

/** The skips recorded, oldest first (for one projection, or all). */
export function listSkippedEvents(db: Db, projection?: string) {
  let query = db.selectFrom('projection_skipped_events').selectAll().orderBy('skipped_at').orderBy('projection');
  if (projection) query = query.where('projection', '=', projection);
  return query.execute();
}
