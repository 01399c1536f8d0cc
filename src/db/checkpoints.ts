// Checkpoints of the event store's subscribers, one set of helpers for both kinds: the projections
// (`projection_checkpoints`, by name) and the integration adapters (`integration.checkpoints`, by
// adapter). A checkpoint only moves compare-and-set, from where its runner last left it; its
// runner holds the advisory lock `lockName(kind, name)` while it runs.
import { sql } from 'kysely';
import { coalescedFor } from './coalesce.ts';
import type { Db } from './database.ts';
import { unread } from './pipeline.ts';

export type SubscriberKind = 'projection' | 'integration';

const TABLES = {
  projection: { table: 'projection_checkpoints', key: 'name' },
  integration: { table: 'integration.checkpoints', key: 'adapter' },
} as const;

/** The advisory lock a subscriber's runner holds (one runner per subscriber across processes). */
export const lockName = (kind: SubscriberKind, name: string) => `${kind}:${name}`;

/** The checkpoint is not where this runner left it: another instance (or a rebuild's swap) moved it. */
export class CheckpointMoved extends Error {
  override name = 'CheckpointMoved';
}

type Move = { kind: SubscriberKind; name: string; expected: string; next: string };

/** SQLSTATE of move_checkpoint's failure (migration 0051). */
const MOVED_SQLSTATE = 'DL001';

/** `error` as a CheckpointMoved when it is move_checkpoint's failure; otherwise `error` itself. */
export function asCheckpointMoved(error: unknown): unknown {
  if (error instanceof CheckpointMoved) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === MOVED_SQLSTATE ? new CheckpointMoved(String(message), { cause: error }) : error;
}

/**
 * Moves a checkpoint from `expected` to `next` (one statement that fails when it was not at
 * `expected`, CheckpointMoved). Unread: in a pipelined transaction it goes with the page's writes,
 * and its failure aborts them on the server.
 */
async function moveOne(db: Db, { kind, name, expected, next }: Move): Promise<void> {
  try {
    await db.executeQuery(unread(sql`SELECT move_checkpoint(${kind}, ${name}, ${expected}::numeric, ${next}::numeric)`.compile(db)));
  } catch (error) {
    throw asCheckpointMoved(error);
  }
}

/**
 * The moves asked for in the same turn of the event loop (the subscribers one append woke that had
 * nothing of theirs to write) in one statement per kind: each is true when it held.
 */
const moveTogether = coalescedFor(async (db: Db, moves: Move[]): Promise<boolean[]> => {
  const moved = new Set<string>();
  await Promise.all(
    (Object.keys(TABLES) as SubscriberKind[]).map(async (kind) => {
      const ofKind = moves.filter((move) => move.kind === kind);
      if (ofKind.length === 0) return;
      const { table, key } = TABLES[kind];
      const { rows } = await sql<{ name: string }>`
        UPDATE ${sql.table(table)} AS c SET position = m.next, updated_at = now()
          FROM unnest(${ofKind.map((move) => move.name)}::text[], ${ofKind.map((move) => move.expected)}::numeric[],
                      ${ofKind.map((move) => move.next)}::numeric[]) AS m(name, expected, next)
         WHERE ${sql.ref(`c.${key}`)} = m.name AND c.position = m.expected
        RETURNING ${sql.ref(`c.${key}`)} AS name`.execute(db);
      for (const row of rows) moved.add(lockName(kind, row.name));
    }),
  );
  return moves.map((move) => moved.has(lockName(move.kind, move.name)));
});

/**
 * Moves a checkpoint from `expected` to `next`, outside any transaction: moves asked for together
 * share one statement. CheckpointMoved when it was not at `expected`.
 */
export async function moveCheckpoint(db: Db, kind: SubscriberKind, name: string, expected: string, next: string): Promise<void> {
  if (!(await moveTogether(db, { kind, name, expected, next })))
    throw new CheckpointMoved(`The checkpoint of ${kind} ${name} is no longer at ${expected}`);
}

/**
 * In the caller's transaction: moves the checkpoint from `expected` to `position` first, compare-and-set
 * (which locks its row until the commit; CheckpointMoved when it was not at `expected`), then does
 * `work`: one statement for the checkpoint, where a locking read and a write took two round trips
 * (and none of its own in a pipelined transaction).
 * `asyncCommit`: commit without waiting for the WAL flush, only for work redone from scratch after a
 * crash anyway (a rebuild).
 */
export async function advanceCheckpoint(
  trx: Db,
  kind: SubscriberKind,
  name: string,
  expected: string,
  position: string,
  work: () => Promise<void>,
  options: { asyncCommit?: boolean } = {},
): Promise<void> {
  if (options.asyncCommit) await sql`SET LOCAL synchronous_commit = off`.execute(trx);
  await moveOne(trx, { kind, name, expected, next: position });
  await work();
}
