// Checkpoints of the event store's subscribers, one set of helpers for both kinds: the projections
// (`projection_checkpoints`, by name) and the integration adapters (`integration.checkpoints`, by
// adapter). A checkpoint only moves compare-and-set, from where its runner last left it; its
// runner holds the advisory lock `lockName(kind, name)` while it runs.
import { sql } from 'kysely';
import type { Db } from './database.ts';

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

/** Moves a checkpoint from `expected` to `next` (one statement); CheckpointMoved when it was not at `expected`. */
export async function moveCheckpoint(db: Db, kind: SubscriberKind, name: string, expected: string, next: string): Promise<void> {
  const { table, key } = TABLES[kind];
  const result = await sql`
    UPDATE ${sql.table(table)} SET position = ${next}, updated_at = now()
     WHERE ${sql.ref(key)} = ${name} AND position = ${expected}`.execute(db);
  if (result.numAffectedRows !== 1n) throw new CheckpointMoved(`The checkpoint of ${kind} ${name} is no longer at ${expected}`);
}

/**
 * In the caller's transaction: locks the checkpoint row, checks that it still is `expected`
 * (compare-and-set), does `work`, stores `position`. `asyncCommit`: commit without waiting for the
 * WAL flush, only for work redone from scratch after a crash anyway (a rebuild).
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
  const { table, key } = TABLES[kind];
  if (options.asyncCommit) await sql`SET LOCAL synchronous_commit = off`.execute(trx);
  const { rows } = await sql<{ position: string }>`
    SELECT position FROM ${sql.table(table)} WHERE ${sql.ref(key)} = ${name} FOR UPDATE`.execute(trx);
  if (rows[0]?.position !== expected) throw new CheckpointMoved(`The checkpoint of ${kind} ${name} is no longer at ${expected}`);
  await work();
  await sql`UPDATE ${sql.table(table)} SET position = ${position}, updated_at = now() WHERE ${sql.ref(key)} = ${name}`.execute(trx);
}
