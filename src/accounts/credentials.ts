// Passwords at rest: argon2id hashes (@node-rs/argon2, OWASP's parameters), one per user, kept
// out of the event streams so that no feed, export or topic ever carries one.
import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../db/database.ts';

/**
 * OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane. The algorithm is left at the
 * library's default, argon2id (its `Algorithm` is a const enum, which type stripping cannot read).
 */
const PARAMETERS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMETERS);
}

/** Checked against when there is no hash to check, so that an unknown user costs what a known one does. */
let decoy: Promise<string> | undefined;

/** Whether `password` matches `passwordHash`; without a hash it spends the same time and says no. */
export async function passwordMatches(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    await verify(await (decoy ??= hashPassword('decoy password that matches nothing')), password);
    return false;
  }
  return verify(passwordHash, password);
}

export async function storedPasswordHash(db: Db, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom('auth.credentials').select('password_hash').where('user_id', '=', userId).executeTakeFirst();
  return row?.password_hash;
}

export async function storePasswordHash(db: Db, userId: string, passwordHash: string, now: Date): Promise<void> {
  await db
    .insertInto('auth.credentials')
    .values({ user_id: userId, password_hash: passwordHash, changed_at: now })
    .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ password_hash: passwordHash, changed_at: now }))
    .execute();
}
