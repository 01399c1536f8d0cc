// Notification queries: a reader's inbox after a position, one item of it, and the webhook
// subscriptions (an owner's, and every one not deleted, for the workers that deliver them).
import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * Whose inbox: a dealer's user sees its dealer's notifications (`dealerId`); staff (`dealerId`
 * null) see those meant for staff. `reader` is who reads: its read marks are its own.
 */
export type InboxOwner = { reader: string; dealerId: string | null };

const visibleTo = (owner: InboxOwner) =>
  owner.dealerId === null ? sql<SqlBool>`i.for_staff` : sql<SqlBool>`i.dealer_id = ${owner.dealerId}`;

function inboxQuery(db: Db, owner: InboxOwner) {
  return db
    .selectFrom('notifications.items as i')
    .select(['i.position', 'i.event_id', 'i.type', 'i.facts', 'i.occurred_at'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('notifications.reads as r')
            .select(sql`1`.as('one'))
            .where('r.reader', '=', owner.reader)
            .whereRef('r.notification_id', '=', 'i.event_id'),
        )
        .$castTo<boolean>()
        .as('read'),
    )
    .where(visibleTo(owner));
}

export type InboxRow = Awaited<ReturnType<ReturnType<typeof inboxQuery>['execute']>>[number];

/** The owner's items after `after`, oldest first, at most `limit`. */
export async function inboxAfter(db: Db, owner: InboxOwner, after: string, limit: number): Promise<InboxRow[]> {
  return inboxQuery(db, owner).where('i.position', '>', after).orderBy('i.position').limit(limit).execute();
}

/** One item of the owner's inbox (undefined: none, or not the owner's). */
export async function inboxItem(db: Db, owner: InboxOwner, notificationId: string): Promise<InboxRow | undefined> {
  return inboxQuery(db, owner).where('i.event_id', '=', notificationId).executeTakeFirst();
}

export async function findSubscription(db: Db, subscriptionId: string) {
  return db.selectFrom('notifications.subscriptions').selectAll().where('id', '=', subscriptionId).executeTakeFirst();
}

export type SubscriptionRow = NonNullable<Awaited<ReturnType<typeof findSubscription>>>;

/** An owner's subscriptions not deleted, oldest first (`limit + 1` rows). */
export async function listSubscriptions(
  db: Db,
  owner: { dealerId: string | null },
  page: { limit: number; afterId?: string | undefined },
): Promise<SubscriptionRow[]> {
  let query = db
    .selectFrom('notifications.subscriptions')
    .selectAll()
    .where('deleted_at', 'is', null)
    .where(owner.dealerId === null ? sql<SqlBool>`dealer_id IS NULL` : sql<SqlBool>`dealer_id = ${owner.dealerId}`);
  if (page.afterId !== undefined) query = query.where('id', '>', page.afterId);
  return query
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
}

/** Every subscription not deleted: what the workers deliver. */
export async function activeSubscriptionRows(db: Db): Promise<SubscriptionRow[]> {
  return db.selectFrom('notifications.subscriptions').selectAll().where('deleted_at', 'is', null).orderBy('id').execute();
}
