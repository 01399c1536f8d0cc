// The answers of subscription creations kept with their Idempotency-Keys lose the signing secret,
// which notify.subscription_secrets already holds: a replay now reads it back from there
// (src/api/subscriptions.ts), so the keys' rows need no copy of it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE idempotency_keys SET response = response - 'secret'
     WHERE status_code = 201 AND response ? 'secret' AND response ? 'secretHint' AND response->>'id' LIKE 'SUB-%'`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to put back: a replay reads the secret from notify.subscription_secrets either way.
}
