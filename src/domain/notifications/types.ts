// The notification types: the event names of webhook subscriptions and the types of inbox items.
// Imports nothing, so the web app takes the same list (web/src/api/notifications.ts).

export const NOTIFICATION_TYPES = [
  'order.approved',
  'order.on_hold',
  'order.rejected',
  'order.awaiting_dealer_approval',
  'order.shipped',
  'order.delivered',
  'shipment.delayed',
  'stock.low',
  'stock.expiring',
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** About one dealer's order: its dealer, and staff, may receive them. */
export const DEALER_NOTIFICATION_TYPES: readonly NotificationType[] = NOTIFICATION_TYPES.filter(
  (type) => type.startsWith('order.') || type.startsWith('shipment.'),
);
