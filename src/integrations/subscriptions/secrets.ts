// Subscriptions' signing secrets (schema `notify`, write side): kept out of the event streams, so
// that no feed, export or topic carries one, and out of every answer but the creating one.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';

/** A secret for a subscription created without one: 32 random bytes. */
export const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** What may be shown of a secret after its creation: enough to tell two apart, too little to sign. */
export const secretHint = (secret: string) => `…${secret.slice(-4)}`;

export async function storeSecret(db: Db, subscriptionId: string, secret: string, now: Date): Promise<void> {
  await db
    .insertInto('notify.subscription_secrets')
    .values({ subscription_id: subscriptionId, secret, created_at: now })
    .onConflict((conflict) => conflict.column('subscription_id').doUpdateSet({ secret, created_at: now }))
    .execute();
}

export async function secretsOf(db: Db, subscriptionIds: readonly string[]): Promise<Map<string, string>> {
  if (subscriptionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('notify.subscription_secrets')
    .select(['subscription_id', 'secret'])
    .where('subscription_id', 'in', [...subscriptionIds])
    .execute();
  return new Map(rows.map((row) => [row.subscription_id, row.secret]));
}
