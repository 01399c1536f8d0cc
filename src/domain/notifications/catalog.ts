// What people are told, and which events tell it: the notification types (the event names of
// webhook subscriptions and the types of inbox items), the facts each carries, who may receive it,
// and the domain events they come from. Inbox and subscriptions both read events through here, so
// they always tell the same thing.
import type { Reason } from '../ordering/order.ts';
import type { ShipmentDispatchedData, ShipmentDeliveredData } from '../ordering/fulfillment.ts';
import type { ShipmentDelayedData } from '../ordering/tracking.ts';
import type { LotEnteredExpiryTierData, StockLevelCrossedData } from './stock-alerts.ts';
import { type NotificationType } from './types.ts';

export { DEALER_NOTIFICATION_TYPES, NOTIFICATION_TYPES, type NotificationType } from './types.ts';

/** What staff find in their inbox: what needs someone (held orders, late shipments, stock). Subscriptions may take any type. */
export const STAFF_INBOX_TYPES: readonly NotificationType[] = ['order.on_hold', 'shipment.delayed', 'stock.low', 'stock.expiring'];

export type OrderFacts = { orderId: string; dealerId: string | null; reasons: Reason[]; reason: string | null };
export type ShippedFacts = Pick<
  ShipmentDispatchedData,
  'orderId' | 'dealerId' | 'shipmentId' | 'carrier' | 'trackingNumber' | 'orderStatus'
> & {
  lines: { sku: string; qty: number }[];
};
export type DeliveredFacts = Pick<
  ShipmentDeliveredData,
  'orderId' | 'dealerId' | 'shipmentId' | 'deliveredAt' | 'receivedBy' | 'orderStatus'
>;
export type DelayedFacts = Omit<ShipmentDelayedData, 'reportedAt'>;
export type LowStockFacts = Pick<StockLevelCrossedData, 'sku' | 'warehouseId' | 'available'> & { threshold: number };
export type ExpiringFacts = Omit<LotEnteredExpiryTierData, 'today'>;

/**
 * A notification: its type and the facts it carries (a webhook delivery's `data`). Some order
 * events do not name their dealer: `dealerId` is then null until the order's dealer is looked up.
 */
export type Notification =
  | { type: 'order.approved' | 'order.on_hold' | 'order.rejected' | 'order.awaiting_dealer_approval'; facts: OrderFacts }
  | { type: 'order.shipped'; facts: ShippedFacts }
  | { type: 'order.delivered'; facts: DeliveredFacts }
  | { type: 'shipment.delayed'; facts: DelayedFacts }
  | { type: 'stock.low'; facts: LowStockFacts }
  | { type: 'stock.expiring'; facts: ExpiringFacts };

/** The event types notifications come from, with the types each can give. */
export const NOTIFICATION_SOURCES: Readonly<Record<string, readonly NotificationType[]>> = {
  OrderReviewed: ['order.approved', 'order.on_hold', 'order.rejected'],
  HeldOrderApproved: ['order.approved'],
  HeldOrderRejected: ['order.rejected'],
  OrderRejectedByDealer: ['order.rejected'],
  OrderAwaitingDealerApproval: ['order.awaiting_dealer_approval'],
  ShipmentDispatched: ['order.shipped'],
  ShipmentDelivered: ['order.delivered'],
  ShipmentDelayed: ['shipment.delayed'],
  StockFellBelowThreshold: ['stock.low'],
  LotEnteredExpiryTier: ['stock.expiring'],
};

/** The event types that can give any of `types`. */
export const sourceTypesOf = (types: readonly NotificationType[]): string[] =>
  Object.entries(NOTIFICATION_SOURCES)
    .filter(([, gives]) => gives.some((type) => types.includes(type)))
    .map(([source]) => source);

type Data = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const orderFacts = (data: Data, reasons: Reason[], reason: string | null): OrderFacts => ({
  orderId: String(data.orderId),
  dealerId: text(data.dealerId),
  reasons,
  reason,
});

/** The notification an event gives, if any (an event's data as stored, upcast). */
export function notificationOf(event: { type: string; data: Data }): Notification | null {
  const { data } = event;
  switch (event.type) {
    case 'OrderReviewed': {
      const decision = data.decision as 'approved' | 'on_hold' | 'rejected';
      return { type: `order.${decision}`, facts: orderFacts(data, data.reasons as Reason[], null) };
    }
    case 'HeldOrderApproved':
      return { type: 'order.approved', facts: orderFacts(data, [], text(data.note)) };
    case 'HeldOrderRejected':
      return { type: 'order.rejected', facts: orderFacts(data, [], text(data.reason)) };
    case 'OrderRejectedByDealer':
      return {
        type: 'order.rejected',
        facts: orderFacts(data, [{ code: 'dealer_rejected', detail: String(data.reason) }], text(data.reason)),
      };
    case 'OrderAwaitingDealerApproval':
      return { type: 'order.awaiting_dealer_approval', facts: orderFacts(data, data.reasons as Reason[], null) };
    case 'ShipmentDispatched': {
      const shipped = data as ShipmentDispatchedData;
      const { orderId, dealerId, shipmentId, carrier, trackingNumber, orderStatus } = shipped;
      return {
        type: 'order.shipped',
        facts: {
          orderId,
          dealerId,
          shipmentId,
          carrier,
          trackingNumber,
          orderStatus,
          lines: shipped.lines.map(({ sku, qty }) => ({ sku, qty })),
        },
      };
    }
    case 'ShipmentDelivered': {
      const { orderId, dealerId, shipmentId, deliveredAt, receivedBy, orderStatus } = data as ShipmentDeliveredData;
      return { type: 'order.delivered', facts: { orderId, dealerId, shipmentId, deliveredAt, receivedBy, orderStatus } };
    }
    case 'ShipmentDelayed': {
      const { orderId, dealerId, shipmentId, cause, previousEta, eta, reason } = data as ShipmentDelayedData;
      return { type: 'shipment.delayed', facts: { orderId, dealerId, shipmentId, cause, previousEta, eta, reason } };
    }
    case 'StockFellBelowThreshold': {
      const { sku, warehouseId, available, threshold } = data as StockLevelCrossedData;
      return threshold === null ? null : { type: 'stock.low', facts: { sku, warehouseId, available, threshold } };
    }
    case 'LotEnteredExpiryTier': {
      const { sku, warehouseId, lot, expiryDate, tier, daysLeft, qty } = data as LotEnteredExpiryTierData;
      return { type: 'stock.expiring', facts: { sku, warehouseId, lot, expiryDate, tier, daysLeft, qty } };
    }
    default:
      return null;
  }
}

/** The order a notification is about (stock notifications are about none). */
export const orderOf = (notification: Notification): string | null => ('orderId' in notification.facts ? notification.facts.orderId : null);

/** The dealer a notification is about, if the event named it. */
export const dealerOf = (notification: Notification): string | null =>
  'dealerId' in notification.facts ? notification.facts.dealerId : null;

/** The notification with its order's dealer filled in. */
export function withDealer(notification: Notification, dealerId: string): Notification {
  return 'dealerId' in notification.facts
    ? ({ ...notification, facts: { ...notification.facts, dealerId } } as Notification)
    : notification;
}
