// The sign-in throttle's records: one row per username and per client address, read and written
// under a row lock so that concurrent attempts are counted one after the other.
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import {
  ADDRESS_RULE,
  admitAttempt,
  attemptFailed,
  attemptSucceeded,
  NO_ATTEMPTS,
  USERNAME_RULE,
  type AttemptRecord,
  type ThrottleRule,
} from '../domain/accounts/login-throttle.ts';

export type ThrottleKey = { key: string; rule: ThrottleRule; kind: 'username' | 'address' };

/**
 * The keys of an attempt. The username is kept only as a hash: people type passwords into the
 * username field.
 */
export function throttleKeys(username: string, address: string): ThrottleKey[] {
  const user = createHash('sha256').update(username.trim().toLowerCase()).digest('base64url');
  return [
    { key: `user:${user}`, rule: USERNAME_RULE, kind: 'username' },
    { key: `ip:${address}`, rule: ADDRESS_RULE, kind: 'address' },
  ];
}

type Trx = Transaction<Database>;

/** The keys' records, locked until the transaction ends (in key order, so two attempts never deadlock). */
async function lockRecords(trx: Trx, keys: readonly ThrottleKey[]): Promise<Map<string, AttemptRecord>> {
  const names = keys.map((key) => key.key).sort();
  await trx
    .insertInto('auth.login_attempts')
    .values(names.map((key) => ({ key, attempts: 0, window_started_at: null, locked_until: null })))
    .onConflict((conflict) => conflict.column('key').doNothing())
    .execute();
  const rows = await trx.selectFrom('auth.login_attempts').selectAll().where('key', 'in', names).orderBy('key').forUpdate().execute();
  return new Map(
    rows.map((row) => [row.key, { attempts: row.attempts, windowStartedAt: row.window_started_at, lockedUntil: row.locked_until }]),
  );
}

async function save(trx: Trx, key: string, record: AttemptRecord): Promise<void> {
  await trx
    .updateTable('auth.login_attempts')
    .set({ attempts: record.attempts, window_started_at: record.windowStartedAt, locked_until: record.lockedUntil })
    .where('key', '=', key)
    .execute();
}

export type ThrottleAnswer = { admitted: true; attempts: number } | { admitted: false; retryAfterSeconds: number };

/**
 * Counts an attempt on every key, or on none when any key is locked. `attempts`: the username's
 * count, which sets how slowly a failure is answered.
 */
export async function admitSignIn(db: Db, keys: readonly ThrottleKey[], now: Date): Promise<ThrottleAnswer> {
  return db.transaction().execute(async (trx): Promise<ThrottleAnswer> => {
    const records = await lockRecords(trx, keys);
    const admissions = keys.map((key) => ({ key, admission: admitAttempt(records.get(key.key) ?? NO_ATTEMPTS, key.rule, now) }));
    const refused = admissions.flatMap(({ admission }) => (admission.admitted ? [] : [admission.retryAfterSeconds]));
    for (const { key, admission } of admissions) {
      // A refused attempt counts nowhere; a lock it found or set is kept.
      if (refused.length === 0 || !admission.admitted) await save(trx, key.key, admission.record);
    }
    if (refused.length > 0) return { admitted: false, retryAfterSeconds: Math.max(...refused) };
    const username = admissions.find(({ key }) => key.kind === 'username');
    return { admitted: true, attempts: username?.admission.record.attempts ?? 0 };
  });
}

export async function signInFailed(db: Db, keys: readonly ThrottleKey[], now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const records = await lockRecords(trx, keys);
    for (const key of keys) await save(trx, key.key, attemptFailed(records.get(key.key) ?? NO_ATTEMPTS, key.rule, now));
  });
}

export async function signInSucceeded(db: Db, keys: readonly ThrottleKey[], now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const records = await lockRecords(trx, keys);
    for (const key of keys) await save(trx, key.key, attemptSucceeded(records.get(key.key) ?? NO_ATTEMPTS, key.kind));
    // Records whose window closed a day ago and that hold no lock are forgotten.
    await trx
      .deleteFrom('auth.login_attempts')
      .where('window_started_at', '<', new Date(now.getTime() - 86_400_000))
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .execute();
  });
}
