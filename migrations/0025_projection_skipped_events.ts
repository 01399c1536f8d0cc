// The audit of events an operator had a projection pass over (`dealerline skip-event`): which
// event, what it failed with, who skipped it and why. The runner and every rebuild read it, so a
// skipped event stays skipped; the event itself stays in the store, unchanged.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE projection_skipped_events (
      projection text NOT NULL,
      event_id text NOT NULL,
      position text NOT NULL,
      event_type text NOT NULL,
      stream_id text NOT NULL,
      error text NOT NULL,
      reason text NOT NULL,
      skipped_by text NOT NULL,
      skipped_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, event_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE projection_skipped_events`.execute(db);
}
