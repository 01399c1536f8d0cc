// Dead letters: events an adapter gave up on, kept for inspection and an operator's retry.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { RecordedEvent } from '../eventstore/port.ts';
import type { DeadLetterStatus } from './tables.ts';

export type DeadLetter = {
  id: string;
  adapter: string;
  eventId: string;
  eventType: string;
  streamId: string;
  revision: number;
  position: string;
  attempts: number;
  lastError: string;
  status: DeadLetterStatus;
  event: RecordedEvent;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
};

/** What the runner needs to retry one: where the event is. */
export type ClaimedRetry = { id: number; eventId: string; streamId: string; revision: number };

const COLUMNS = [
  'id',
  'adapter',
  'event_id',
  'event_type',
  'stream_id',
  'revision',
  'position',
  'attempts',
  'last_error',
  'status',
  'event',
  'created_at',
  'updated_at',
  'resolved_at',
] as const;

type Row = {
  id: number;
  adapter: string;
  event_id: string;
  event_type: string;
  stream_id: string;
  revision: number;
  position: string;
  attempts: number;
  last_error: string;
  status: DeadLetterStatus;
  event: unknown;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
};

function toDeadLetter(row: Row): DeadLetter {
  return {
    id: String(row.id),
    adapter: row.adapter,
    eventId: row.event_id,
    eventType: row.event_type,
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    attempts: row.attempts,
    lastError: row.last_error,
    status: row.status,
    event: row.event as RecordedEvent,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
  };
}

/** Records (or, for an event already dead-lettered, re-opens) the dead letter of `event`. */
export async function recordDeadLetter(db: Db, adapter: string, event: RecordedEvent, attempts: number, error: string): Promise<void> {
  await db
    .insertInto('integration.dead_letters')
    .values({
      adapter,
      event_id: event.id,
      event_type: event.type,
      stream_id: event.streamId,
      revision: event.revision,
      position: event.position,
      event: JSON.stringify(event),
      attempts,
      last_error: error.slice(0, 2_000),
      resolved_at: null,
    })
    .onConflict((oc) =>
      oc.columns(['adapter', 'event_id']).doUpdateSet({
        status: 'open',
        attempts: sql<number>`integration.dead_letters.attempts + excluded.attempts`,
        last_error: sql<string>`excluded.last_error`,
        updated_at: sql<Date>`now()`,
        resolved_at: null,
      }),
    )
    .execute();
}

/** Marks the dead letters of these events delivered (a retry or a replay got them through). */
export async function markDelivered(db: Db, adapter: string, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await db
    .updateTable('integration.dead_letters')
    .set({ status: 'delivered', updated_at: sql<Date>`now()`, resolved_at: sql<Date>`now()` })
    .where('adapter', '=', adapter)
    .where('event_id', 'in', eventIds)
    .where('status', '<>', 'delivered')
    .execute();
}

export type DeadLetterQuery = {
  adapter?: string | undefined;
  status?: DeadLetterStatus | undefined;
  afterId?: number | undefined;
  limit: number;
};

/** Oldest first; `limit + 1` rows so the caller can tell whether there are more. */
export async function listDeadLetters(db: Db, query: DeadLetterQuery): Promise<DeadLetter[]> {
  let select = db.selectFrom('integration.dead_letters').select(COLUMNS);
  if (query.adapter !== undefined) select = select.where('adapter', '=', query.adapter);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
  const rows = await select
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return rows.map(toDeadLetter);
}

export async function findDeadLetter(db: Db, id: number): Promise<DeadLetter | undefined> {
  const row = await db.selectFrom('integration.dead_letters').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row && toDeadLetter(row);
}

export type RetryRequest =
  { outcome: 'requested'; deadLetter: DeadLetter } | { outcome: 'already_delivered'; deadLetter: DeadLetter } | { outcome: 'not_found' };

/**
 * Asks the adapter's active runner to deliver the event again (with a fresh retry budget).
 * Asking again while a retry is pending changes nothing.
 */
export async function requestRetry(db: Db, id: number): Promise<RetryRequest> {
  const updated = await db
    .updateTable('integration.dead_letters')
    .set({ status: 'retry_requested', updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returning(COLUMNS)
    .executeTakeFirst();
  if (updated) return { outcome: 'requested', deadLetter: toDeadLetter(updated) };
  const existing = await findDeadLetter(db, id);
  if (!existing) return { outcome: 'not_found' };
  return existing.status === 'delivered'
    ? { outcome: 'already_delivered', deadLetter: existing }
    : { outcome: 'requested', deadLetter: existing };
}

/** Takes up to `limit` requested retries of `adapter` for this runner. */
export async function claimRetries(db: Db, adapter: string, limit: number): Promise<ClaimedRetry[]> {
  const rows = await db
    .updateTable('integration.dead_letters')
    .set({ status: 'retrying', updated_at: sql<Date>`now()` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('integration.dead_letters')
        .select('id')
        .where('adapter', '=', adapter)
        .where('status', '=', 'retry_requested')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'event_id', 'stream_id', 'revision'])
    .execute();
  return rows
    .map((row) => ({ id: row.id, eventId: row.event_id, streamId: row.stream_id, revision: row.revision }))
    .sort((a, b) => a.id - b.id);
}

/** Retries a runner took but did not finish (it stopped or crashed) are requested again. */
export async function requeueRetries(db: Db, adapter: string, ids?: readonly number[]): Promise<void> {
  let update = db
    .updateTable('integration.dead_letters')
    .set({ status: 'retry_requested', updated_at: sql<Date>`now()` })
    .where('adapter', '=', adapter)
    .where('status', '=', 'retrying');
  if (ids) {
    if (ids.length === 0) return;
    update = update.where('id', 'in', ids);
  }
  await update.execute();
}

export async function openDeadLetterCounts(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('integration.dead_letters')
    .select(['adapter', (eb) => eb.fn.countAll<string>().as('count')])
    .where('status', '<>', 'delivered')
    .groupBy('adapter')
    .execute();
  return new Map(rows.map((row) => [row.adapter, Number(row.count)]));
}

/** Puts a claimed retry back to open, saying why it could not be attempted. */
export async function reopenDeadLetter(db: Db, id: number, error: string): Promise<void> {
  await db
    .updateTable('integration.dead_letters')
    .set({ status: 'open', last_error: error.slice(0, 2_000), updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}
