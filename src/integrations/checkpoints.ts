// Adapter checkpoints: created on first run, advanced compare-and-set, reported with lag and errors.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { START_POSITION, comparePositions, positionLag, type EventStore } from '../eventstore/port.ts';
import { lockName, moveCheckpoint } from '../db/checkpoints.ts';
import type { Adapter } from './adapter.ts';
import { openDeadLetterCounts } from './dead-letters.ts';

/** The adapter's checkpoint; the first time, where the adapter says it starts. */
export async function ensureAdapterCheckpoint(db: Db, store: EventStore, adapter: Adapter): Promise<string> {
  const existing = await db.selectFrom('integration.checkpoints').select('position').where('adapter', '=', adapter.name).executeTakeFirst();
  if (existing) return existing.position;
  const { startFrom } = adapter;
  const start = startFrom === 'now' ? await store.headPosition() : typeof startFrom === 'object' ? startFrom.after : START_POSITION;
  await db
    .insertInto('integration.checkpoints')
    .values({ adapter: adapter.name, position: start, last_error: null, last_error_at: null })
    .onConflict((oc) => oc.column('adapter').doNothing())
    .execute();
  const row = await db
    .selectFrom('integration.checkpoints')
    .select('position')
    .where('adapter', '=', adapter.name)
    .executeTakeFirstOrThrow();
  return row.position;
}

export async function recordAdapterError(db: Db, adapter: string, error: string): Promise<void> {
  await db
    .updateTable('integration.checkpoints')
    .set({ last_error: error.slice(0, 2_000), last_error_at: sql<Date>`now()` })
    .where('adapter', '=', adapter)
    .execute();
}

/**
 * Writes a runner's progress: one write at a time, always the furthest position reached, so a
 * burst of finished events costs one update.
 */
export class CheckpointWriter {
  readonly #db: Db;
  readonly #adapter: string;
  readonly #onWritten: (position: string) => void;
  readonly #onError: (error: unknown) => void;
  #written: string;
  #target: string;
  #writing: Promise<void> | undefined;

  constructor(
    db: Db,
    adapter: string,
    from: string,
    handlers: { onWritten: (position: string) => void; onError: (error: unknown) => void },
  ) {
    this.#db = db;
    this.#adapter = adapter;
    this.#written = from;
    this.#target = from;
    this.#onWritten = handlers.onWritten;
    this.#onError = handlers.onError;
  }

  advance(position: string): void {
    if (comparePositions(position, this.#target) > 0) this.#target = position;
    this.#writing ??= this.#write();
  }

  /** Resolves once everything advanced so far is written (or failed). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #write(): Promise<void> {
    try {
      while (comparePositions(this.#target, this.#written) > 0) {
        const next = this.#target;
        await moveCheckpoint(this.#db, 'integration', this.#adapter, this.#written, next);
        this.#written = next;
        this.#onWritten(next);
      }
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#writing = undefined;
    }
  }
}

export type AdapterState = {
  name: string;
  position: string;
  lag: string;
  /** Some runner holds the adapter's lock right now. */
  active: boolean;
  openDeadLetters: number;
  lastError: string | null;
  lastErrorAt: string | null;
};

export async function adapterStates(db: Db, store: EventStore, names: readonly string[]): Promise<AdapterState[]> {
  if (names.length === 0) return [];
  const [rows, head, deadLetters, locked] = await Promise.all([
    db.selectFrom('integration.checkpoints').selectAll().where('adapter', 'in', names).execute(),
    store.headPosition(),
    openDeadLetterCounts(db),
    heldLocks(
      db,
      names.map((name) => lockName('integration', name)),
    ),
  ]);
  const byName = new Map(rows.map((row) => [row.adapter, row]));
  return names.map((name) => {
    const row = byName.get(name);
    const position = row?.position ?? START_POSITION;
    return {
      name,
      position,
      lag: positionLag(position, head).toString(),
      active: locked.has(lockName('integration', name)),
      openDeadLetters: deadLetters.get(name) ?? 0,
      lastError: row?.last_error ?? null,
      lastErrorAt: row?.last_error_at?.toISOString() ?? null,
    };
  });
}

/** Which of these advisory locks (src/db/advisory-lock.ts keys them by hashtextextended) some session holds. */
async function heldLocks(db: Db, names: readonly string[]): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`
    SELECT n.name FROM unnest(${names}::text[]) AS n(name)
     WHERE EXISTS (
       SELECT 1 FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(n.name, 0))`.execute(db);
  return new Set(rows.map((row) => row.name));
}
