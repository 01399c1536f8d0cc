// move_checkpoint: a subscriber's checkpoint moves compare-and-set in one statement that fails
// (SQLSTATE DL001) when the checkpoint is not where its runner left it, instead of answering a row
// count the runner must read. A failure then aborts the transaction on the server, so a projection
// page can be sent with its checkpoint, its writes and its COMMIT in one round trip (src/db/pipeline.ts).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION move_checkpoint(p_kind text, p_name text, p_expected numeric, p_next numeric) RETURNS void
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF p_kind = 'projection' THEN
        UPDATE projection_checkpoints SET position = p_next, updated_at = now() WHERE name = p_name AND position = p_expected;
      ELSE
        UPDATE integration.checkpoints SET position = p_next, updated_at = now() WHERE adapter = p_name AND position = p_expected;
      END IF;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'The checkpoint of % % is no longer at %', p_kind, p_name, p_expected USING ERRCODE = 'DL001';
      END IF;
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION move_checkpoint(text, text, numeric, numeric)`.execute(db);
}
