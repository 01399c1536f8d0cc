// complete_idempotency_keys: stores the answers of the Idempotency-Keys that concurrent requests
// completed, in one statement, finding each row by its key. As a plain UPDATE ... FROM unnest() the
// join was planned as a sequential scan of idempotency_keys whenever its plan was made while the
// table was small (a fresh database; the session keeps the plan), so every completion then read
// every key stored since. The function runs with enable_seqscan off, so that plan is never chosen.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION complete_idempotency_keys(p_scopes text[], p_keys text[], p_statuses int[], p_responses text[])
    RETURNS void
    LANGUAGE plpgsql
    SET enable_seqscan = off
    AS $fn$
    BEGIN
      UPDATE idempotency_keys AS k SET status_code = c.status, response = c.response::jsonb
        FROM unnest(p_scopes, p_keys, p_statuses, p_responses) AS c(scope, key, status, response)
       WHERE k.scope = c.scope AND k.key = c.key;
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION complete_idempotency_keys(text[], text[], int[], text[])`.execute(db);
}
