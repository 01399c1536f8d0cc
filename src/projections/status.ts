// The projections' positions, lag and status, as the admin API and the CLI report them.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { positionLag, type EventStore } from '../eventstore/port.ts';
import type { Projection } from './projection.ts';
import { rebuildCheckpointName } from './rebuild.ts';

export type ProjectionState = {
  name: string;
  position: string;
  lag: string;
  status: 'running' | 'failed' | 'stopped' | 'rebuilding';
  error: string | null;
  rebuildPosition: string | null;
};

export async function projectionStates(db: Db, store: EventStore, projections: readonly Projection[]): Promise<ProjectionState[]> {
  const names = projections.map((projection) => projection.name);
  const [rows, head] = await Promise.all([
    db
      .selectFrom('projection_checkpoints')
      .select(['name', 'position', 'status', 'error'])
      .where('name', 'in', [...names, ...names.map(rebuildCheckpointName)])
      .execute(),
    store.headPosition(),
  ]);
  const byName = new Map(rows.map((row) => [row.name, row]));
  return names.map((name) => {
    const row = byName.get(name);
    const rebuilding = byName.get(rebuildCheckpointName(name));
    const position = row?.position ?? '0';
    return {
      name,
      position,
      lag: positionLag(position, head).toString(),
      status: rebuilding ? 'rebuilding' : (row?.status ?? 'running'),
      error: row?.error ?? null,
      rebuildPosition: rebuilding?.position ?? null,
    };
  });
}

/** Clears a failure so the runner picks the projection up again from its checkpoint. */
export async function resumeProjection(db: Db, name: string): Promise<boolean> {
  const result = await db
    .updateTable('projection_checkpoints')
    .set({ status: 'running', error: null, failed_position: null, updated_at: sql<Date>`now()` })
    .where('name', '=', name)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
