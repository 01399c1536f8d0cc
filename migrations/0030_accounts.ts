// The accounts' write-side tables (schema `auth`, not a read model): password hashes, sessions
// with their refresh tokens (hashed), and the sign-in throttle. Users themselves are event streams.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA auth`.execute(db);
  await sql`
    CREATE TABLE auth.credentials (
      user_id text PRIMARY KEY,
      -- argon2id, in the PHC string format (parameters and salt included).
      password_hash text NOT NULL,
      changed_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE auth.sessions (
      -- The access tokens' sid.
      id text PRIMARY KEY,
      user_id text NOT NULL,
      created_at timestamptz NOT NULL,
      -- The end of the refresh token family, however often it is refreshed.
      expires_at timestamptz NOT NULL,
      refreshed_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoked_reason text
    )`.execute(db);
  await sql`CREATE INDEX sessions_user_idx ON auth.sessions (user_id)`.execute(db);
  await sql`
    CREATE TABLE auth.refresh_tokens (
      -- SHA-256 of the token: the token itself is never stored.
      token_hash text PRIMARY KEY,
      session_id text NOT NULL REFERENCES auth.sessions (id) ON DELETE CASCADE,
      issued_at timestamptz NOT NULL,
      used_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX refresh_tokens_session_idx ON auth.refresh_tokens (session_id)`.execute(db);
  await sql`
    CREATE TABLE auth.login_attempts (
      -- 'user:<sha-256 of the lower-cased username>' or 'ip:<address>'.
      key text PRIMARY KEY,
      attempts int NOT NULL,
      window_started_at timestamptz,
      locked_until timestamptz
    )`.execute(db);
  await sql`CREATE INDEX login_attempts_window_idx ON auth.login_attempts (window_started_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA auth CASCADE`.execute(db);
}
