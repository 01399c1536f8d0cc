// The logistics contract, version 1: what the logistics provider receives when an order is
// released to the warehouse, and when a released order is cancelled before it shipped.
//
//   POST <LOGISTICS_BASE_URL>/shipment-requests                       dealerline.logistics.shipment-request.v1
//   POST <LOGISTICS_BASE_URL>/shipment-requests/{orderId}/cancellation dealerline.logistics.shipment-cancellation.v1
//
// An order is released once: when its review approves it, when ops approve it after a hold, or —
// for a prepay dealer — when it is paid in full (`OrderReleased`). The request carries that event's
// id as `requestId` and as the `Idempotency-Key` header; a retry or a replay sends the very same
// body under the same key. Both messages of one order go out in the order they happened.
//
// Compatibility: v1 only ever gains optional fields; a breaking change is a v2 beside it.
import type { OrderState, PlacedOrder } from '../../domain/ordering/order.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';

export const SHIPMENT_REQUEST_V1 = 'dealerline.logistics.shipment-request.v1';
export const SHIPMENT_CANCELLATION_V1 = 'dealerline.logistics.shipment-cancellation.v1';

/** The order events that can release an order to the warehouse, or take it back. */
export const LOGISTICS_EVENT_TYPES = ['OrderReviewed', 'HeldOrderApproved', 'OrderReleased', 'OrderCancelled'] as const;

const RELEASED_BY: Readonly<Record<string, ShipmentRequestV1['releasedBy']>> = {
  OrderReviewed: 'review',
  HeldOrderApproved: 'ops_approval',
  OrderReleased: 'payment',
};

export type ShipmentRequestLineV1 = {
  sku: string;
  name: string;
  /** Every unit of this SKU to ship: `orderedQty + giftQty`. */
  qty: number;
  orderedQty: number;
  /** Free units of this SKU (promotion gifts), shipped with the ordered ones. */
  giftQty: number;
  /** Where the order holds the units reserved; the quantities add up to `qty`. */
  warehouses: { warehouseId: string; qty: number }[];
};

export type ShipmentRequestV1 = {
  contract: typeof SHIPMENT_REQUEST_V1;
  /** The id of the event that released the order; also the Idempotency-Key. */
  requestId: string;
  orderId: string;
  dealerId: string;
  releasedAt: string;
  releasedBy: 'review' | 'ops_approval' | 'payment';
  delivery: { regionCode: string; address: string | null };
  note: string | null;
  /** One line per SKU, in the order's line order, gift-only SKUs last. */
  lines: ShipmentRequestLineV1[];
  /** Which promotion gave which gift units (already counted in `lines`). */
  gifts: { sku: string; name: string; qty: number; promotionId: string }[];
};

export type ShipmentCancellationV1 = {
  contract: typeof SHIPMENT_CANCELLATION_V1;
  /** The id of the cancellation event; also the Idempotency-Key. */
  requestId: string;
  orderId: string;
  dealerId: string;
  cancelledAt: string;
  reason: string | null;
};

export type LogisticsMessage = { path: string; body: ShipmentRequestV1 | ShipmentCancellationV1 };

const occurredAt = (event: RecordedEvent) => event.metadata.occurredAt ?? event.createdAt;

function requestLines(state: PlacedOrder): ShipmentRequestLineV1[] {
  const bySku = new Map<string, ShipmentRequestLineV1>();
  const lineOf = (sku: string, name: string) => {
    const line = bySku.get(sku) ?? { sku, name, qty: 0, orderedQty: 0, giftQty: 0, warehouses: [] };
    bySku.set(sku, line);
    return line;
  };
  for (const line of state.order.lines) lineOf(line.sku, line.name).orderedQty += line.qty;
  for (const gift of state.order.gifts) lineOf(gift.sku, gift.name).giftQty += gift.qty;
  for (const held of state.reservations.stock) {
    const line = bySku.get(held.sku);
    if (line) line.warehouses.push({ warehouseId: held.warehouseId, qty: held.qty });
  }
  return [...bySku.values()].map((line) => ({ ...line, qty: line.orderedQty + line.giftQty }));
}

/**
 * What the logistics provider is told about `event`, given the order just before and after it:
 * a shipment request when the event released the order, a cancellation when it cancelled a
 * released order, otherwise nothing (an approval that leaves a prepay order waiting for its
 * payment is not a release).
 */
export function logisticsMessageFor(event: RecordedEvent, before: OrderState, after: OrderState): LogisticsMessage | null {
  if (!after.exists) return null;
  const wasReleased = before.exists && before.released;
  const { orderId, dealerId } = after.order;
  const releasedBy = RELEASED_BY[event.type];
  if (releasedBy && !wasReleased && after.released) {
    const body: ShipmentRequestV1 = {
      contract: SHIPMENT_REQUEST_V1,
      requestId: event.id,
      orderId,
      dealerId,
      releasedAt: occurredAt(event),
      releasedBy,
      delivery: { regionCode: after.order.regionCode, address: after.order.deliveryAddress },
      note: after.order.note,
      lines: requestLines(after),
      gifts: after.order.gifts.map(({ sku, name, qty, promotionId }) => ({ sku, name, qty, promotionId })),
    };
    return { path: 'shipment-requests', body };
  }
  if (event.type === 'OrderCancelled' && wasReleased && after.status === 'cancelled') {
    const body: ShipmentCancellationV1 = {
      contract: SHIPMENT_CANCELLATION_V1,
      requestId: event.id,
      orderId,
      dealerId,
      cancelledAt: occurredAt(event),
      reason: (event.data as { reason?: string | null }).reason ?? null,
    };
    return { path: `shipment-requests/${encodeURIComponent(orderId)}/cancellation`, body };
  }
  return null;
}
