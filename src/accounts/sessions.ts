// Sessions: one per sign-in, named by the access tokens' `sid`, with a family of rotating refresh
// tokens stored as hashes. Using a refresh token twice revokes its whole session: one of the two
// users of it is not its owner.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { coalescedFor } from '../db/coalesce.ts';
import type { Db } from '../db/database.ts';

/** How long a refresh token family lives, however often it is refreshed. */
export const SESSION_LIFETIME_MS = 30 * 24 * 3_600_000;

export type RevocationReason = 'signed_out' | 'refresh_token_reused' | 'user_disabled' | 'password_changed';

const newRefreshToken = () => randomBytes(32).toString('base64url');
const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

export type OpenedSession = { sessionId: string; refreshToken: string };

export async function openSession(db: Db, userId: string, now: Date): Promise<OpenedSession> {
  const sessionId = randomUUID();
  const refreshToken = newRefreshToken();
  await db.transaction().execute(async (trx) => {
    // A user's sessions that ended long ago go as a new one begins.
    await trx
      .deleteFrom('auth.sessions')
      .where('user_id', '=', userId)
      .where('expires_at', '<', new Date(now.getTime() - 86_400_000))
      .execute();
    await trx
      .insertInto('auth.sessions')
      .values({
        id: sessionId,
        user_id: userId,
        created_at: now,
        expires_at: new Date(now.getTime() + SESSION_LIFETIME_MS),
        refreshed_at: now,
      })
      .execute();
    await trx
      .insertInto('auth.refresh_tokens')
      .values({ token_hash: tokenHash(refreshToken), session_id: sessionId, issued_at: now })
      .execute();
  });
  return { sessionId, refreshToken };
}

export type Rotation =
  | { outcome: 'rotated'; sessionId: string; userId: string; refreshToken: string }
  | { outcome: 'reused'; sessionId: string; userId: string }
  | { outcome: 'invalid' };

/**
 * Exchanges a refresh token for the next one of its family. The token is marked used in the same
 * statement that checks it is unused, so of two requests racing with one token exactly one
 * rotates; the other, like any later use, is a reuse.
 */
export async function rotateRefreshToken(db: Db, refreshToken: string, now: Date): Promise<Rotation> {
  const hash = tokenHash(refreshToken);
  return db.transaction().execute(async (trx): Promise<Rotation> => {
    const claimed = await trx
      .updateTable('auth.refresh_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .returning('session_id')
      .executeTakeFirst();
    if (!claimed) {
      const known = await trx
        .selectFrom('auth.refresh_tokens as t')
        .innerJoin('auth.sessions as s', 's.id', 't.session_id')
        .select(['s.id', 's.user_id'])
        .where('t.token_hash', '=', hash)
        .executeTakeFirst();
      if (!known) return { outcome: 'invalid' };
      await revokeWhere(trx, 'refresh_token_reused', now).where('id', '=', known.id).execute();
      return { outcome: 'reused', sessionId: known.id, userId: known.user_id };
    }
    const session = await trx
      .selectFrom('auth.sessions')
      .select(['user_id'])
      .where('id', '=', claimed.session_id)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (!session) return { outcome: 'invalid' };
    const next = newRefreshToken();
    await trx
      .insertInto('auth.refresh_tokens')
      .values({ token_hash: tokenHash(next), session_id: claimed.session_id, issued_at: now })
      .execute();
    await trx.updateTable('auth.sessions').set({ refreshed_at: now }).where('id', '=', claimed.session_id).execute();
    return { outcome: 'rotated', sessionId: claimed.session_id, userId: session.user_id, refreshToken: next };
  });
}

function revokeWhere(db: Db, reason: RevocationReason, now: Date) {
  return db.updateTable('auth.sessions').set({ revoked_at: now, revoked_reason: reason }).where('revoked_at', 'is', null);
}

/** Ends the session a refresh token belongs to (nothing when the token is unknown). */
export async function revokeSessionOf(db: Db, refreshToken: string, reason: RevocationReason, now: Date): Promise<void> {
  await revokeWhere(db, reason, now)
    .where('id', '=', (eb) => eb.selectFrom('auth.refresh_tokens').select('session_id').where('token_hash', '=', tokenHash(refreshToken)))
    .execute();
}

export async function revokeSession(db: Db, sessionId: string, reason: RevocationReason, now: Date): Promise<void> {
  await revokeWhere(db, reason, now).where('id', '=', sessionId).execute();
}

/** Ends every session of a user, but the one named in `except` (the caller's own). */
export async function revokeUserSessions(db: Db, userId: string, reason: RevocationReason, now: Date, except?: string): Promise<void> {
  let query = revokeWhere(db, reason, now).where('user_id', '=', userId);
  if (except !== undefined) query = query.where('id', '<>', except);
  await query.execute();
}

/**
 * Whether a session still admits its access tokens: checked on every request that carries a
 * `sid`, so signing out, a reused refresh token or a disabled user stop its tokens at once, on
 * every replica. Concurrent requests share one statement.
 */
export const sessionIsActive = coalescedFor(async (db: Db, sessionIds: string[]): Promise<boolean[]> => {
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM auth.sessions WHERE id = ANY(${sessionIds}::text[]) AND revoked_at IS NULL AND expires_at > now()`.execute(db);
  const active = new Set(rows.map((row) => row.id));
  return sessionIds.map((id) => active.has(id));
});
