// Projects notifications into inbox items (one per event that gives one, at that event's position),
// what each reader has read, and the webhook subscriptions; and, to tell whose order an order
// event is about when it does not say, the dealer of every order.
import type { Db } from '../../db/database.ts';
import type { OrderPlacedData } from '../../domain/ordering/order.ts';
import { dealerOf, NOTIFICATION_SOURCES, notificationOf, orderOf } from '../../domain/notifications/catalog.ts';
import { inboxEventTypes, type NotificationReadData } from '../../domain/notifications/inbox.ts';
import {
  subscriptionEventTypes,
  type SubscriptionCreatedData,
  type SubscriptionDeletedData,
} from '../../domain/notifications/subscriptions.ts';
import type { Projection } from '../projection.ts';
import { notificationsBatch } from './batch.ts';
import { itemRow } from './items.ts';

async function dealerOfOrder(db: Db, orderId: string): Promise<string | null> {
  const row = await db.selectFrom('notifications.order_dealers').select('dealer_id').where('order_id', '=', orderId).executeTakeFirst();
  return row?.dealer_id ?? null;
}

export const notificationsProjection: Projection = {
  name: 'notifications',
  schema: 'notifications',
  filter: { eventTypes: ['OrderPlaced', ...Object.keys(NOTIFICATION_SOURCES), ...inboxEventTypes, ...subscriptionEventTypes] },
  async handle(db, event) {
    switch (event.type) {
      case 'OrderPlaced': {
        const { orderId, dealerId } = event.data as OrderPlacedData;
        await db.insertInto('notifications.order_dealers').values({ order_id: orderId, dealer_id: dealerId }).execute();
        return;
      }
      case 'NotificationRead': {
        const { reader, notificationId, readAt } = event.data as NotificationReadData;
        await db
          .insertInto('notifications.reads')
          .values({ reader, notification_id: notificationId, read_at: new Date(readAt) })
          .execute();
        return;
      }
      case 'SubscriptionCreated': {
        const d = event.data as SubscriptionCreatedData;
        await db
          .insertInto('notifications.subscriptions')
          .values({
            id: d.subscriptionId,
            dealer_id: d.dealerId,
            url: d.url,
            events: d.events,
            secret_hint: d.secretHint,
            created_by: d.createdBy,
            created_at: new Date(d.createdAt),
            created_position: event.position,
            deleted_at: null,
          })
          .execute();
        return;
      }
      case 'SubscriptionDeleted': {
        const { subscriptionId, deletedAt } = event.data as SubscriptionDeletedData;
        await db
          .updateTable('notifications.subscriptions')
          .set({ deleted_at: new Date(deletedAt) })
          .where('id', '=', subscriptionId)
          .execute();
        return;
      }
    }
    const notification = notificationOf(event);
    if (!notification) return;
    const orderId = orderOf(notification);
    const dealerId = dealerOf(notification) ?? (orderId === null ? null : await dealerOfOrder(db, orderId));
    const row = itemRow(event, notification, dealerId);
    await db
      .insertInto('notifications.items')
      .values({ ...row, occurred_at: new Date(row.occurred_at) })
      .execute();
  },
  batch: notificationsBatch,
};
