// Order, shipment and refund facts: what was ordered (lines, gifts, promotions, the warehouses
// serving it), how it was decided, and what was shipped and refunded.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { OrderPlacedData, OrderReviewedData, PricedLine, Reservations } from '../../domain/ordering/order.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { utcDay, type FactHandler } from './fact-handler.ts';

/** An instant the event names, or else when it occurred. */
const instant = (value: unknown, event: RecordedEvent) => new Date(typeof value === 'string' ? value : event.metadata.occurredAt);

// Fulfilment events (their shapes are fixed; read defensively, by name).
type ShipmentLine = { sku: string; qty: number; warehouseId?: string | null; netMinor?: number | null };
type ShipmentDispatched = {
  orderId: string;
  dealerId: string;
  shipmentId: string;
  lines?: ShipmentLine[];
  amountMinor?: number | null;
  carrier?: string | null;
  trackingNumber?: string | null;
  shippedAt?: string;
  orderStatus?: string;
};
type ShipmentDelivered = { orderId: string; shipmentId: string; deliveredAt?: string; receivedBy?: string | null; orderStatus?: string };
type OrderCompleted = { orderId: string; completedAt?: string };
type ReturnRefunded = { orderId: string; dealerId: string; returnId?: string | null; amountMinor: number; method?: string | null; refundedAt?: string };

/** The order's status after a fulfilment step; a completed order stays completed. */
const statusAfter = (status: string) => sql<string>`CASE WHEN status = 'completed' THEN status ELSE ${status} END`;

/**
 * A line's discount shared among its promotions: equally among those that give discounts
 * (buy_x_get_y gives gifts instead), the remainder to the first. Exact, so shares sum to the line.
 */
export function discountShares(line: Pick<PricedLine, 'discountMinor' | 'promotions'>, kinds: ReadonlyMap<string, string>): Map<string, number> {
  const ids = [...new Set(line.promotions.map((promotion) => promotion.id))];
  const discounting = ids.filter((id) => kinds.get(id) !== 'buy_x_get_y');
  const among = discounting.length > 0 ? discounting : ids;
  const shares = new Map(ids.map((id) => [id, 0]));
  if (among.length === 0) return shares;
  const share = Math.floor(line.discountMinor / among.length);
  among.forEach((id, index) => shares.set(id, share + (index === 0 ? line.discountMinor - share * among.length : 0)));
  return shares;
}

type Usage = { order_id: string; promotion_id: string; sku: string; is_gift: boolean; qty: number; gross_minor: number; discount_minor: number; net_minor: number };

function promotionUsage(placed: OrderPlacedData, kinds: ReadonlyMap<string, string>): Usage[] {
  const usage = new Map<string, Usage>();
  const add = (promotionId: string, sku: string, isGift: boolean, figures: Pick<Usage, 'qty' | 'gross_minor' | 'discount_minor' | 'net_minor'>) => {
    const key = JSON.stringify([promotionId, sku, isGift]);
    const known = usage.get(key) ?? { order_id: placed.orderId, promotion_id: promotionId, sku, is_gift: isGift, qty: 0, gross_minor: 0, discount_minor: 0, net_minor: 0 };
    usage.set(key, {
      ...known,
      qty: known.qty + figures.qty,
      gross_minor: known.gross_minor + figures.gross_minor,
      discount_minor: known.discount_minor + figures.discount_minor,
      net_minor: known.net_minor + figures.net_minor,
    });
  };
  for (const line of placed.lines) {
    for (const [promotionId, discount] of discountShares(line, kinds)) {
      add(promotionId, line.sku, false, { qty: line.qty, gross_minor: line.grossMinor, discount_minor: discount, net_minor: line.netMinor });
    }
  }
  for (const gift of placed.gifts) add(gift.promotionId, gift.sku, true, { qty: gift.qty, gross_minor: 0, discount_minor: 0, net_minor: 0 });
  return [...usage.values()];
}

async function orderPlaced(db: Db, event: RecordedEvent): Promise<void> {
  const placed = event.data as OrderPlacedData;
  const placedAt = new Date(placed.placedAt);
  const day = utcDay(placedAt);
  const skus = [...new Set([...placed.lines, ...placed.gifts].map((item) => item.sku))];
  const promotionIds = [...new Set([...placed.lines.flatMap((line) => line.promotions.map((p) => p.id)), ...placed.gifts.map((gift) => gift.promotionId)])];
  const products =
    skus.length === 0 ? [] : await db.selectFrom('analytics_facts.products').select(['sku', 'name', 'brand', 'category']).where('sku', 'in', skus).execute();
  const kinds =
    promotionIds.length === 0
      ? []
      : await db.selectFrom('analytics_facts.promotions').select(['promotion_id', 'kind']).where('promotion_id', 'in', promotionIds).execute();
  const productOf = new Map(products.map((product) => [product.sku, product]));
  const sum = (items: readonly { qty: number }[]) => items.reduce((total, item) => total + item.qty, 0);

  await db
    .insertInto('analytics_facts.orders')
    .values({
      order_id: placed.orderId,
      dealer_id: placed.dealerId,
      region_code: placed.regionCode,
      channel: placed.channel,
      currency: placed.totals.currency,
      placed_at: placedAt,
      placed_on: day,
      subtotal_minor: placed.totals.subtotalMinor,
      discount_minor: placed.totals.discountMinor,
      total_minor: placed.totals.totalMinor,
      qty: sum(placed.lines),
      gift_qty: sum(placed.gifts),
      status: 'placed',
      first_decision: null,
    })
    .execute();

  const common = { order_id: placed.orderId, dealer_id: placed.dealerId, region_code: placed.regionCode, currency: placed.totals.currency, placed_at: placedAt, placed_on: day };
  const productFacts = (sku: string) => ({ product_name: productOf.get(sku)?.name ?? null, brand: productOf.get(sku)?.brand ?? null, category: productOf.get(sku)?.category ?? null });
  const rows = [
    ...placed.lines.map((line) => ({
      sku: line.sku,
      is_gift: false,
      qty: line.qty,
      unit_price_minor: line.unitPriceMinor,
      gross_minor: line.grossMinor,
      discount_minor: line.discountMinor,
      net_minor: line.netMinor,
      promotion_ids: line.promotions.map((promotion) => promotion.id),
    })),
    ...placed.gifts.map((gift) => ({
      sku: gift.sku,
      is_gift: true,
      qty: gift.qty,
      unit_price_minor: 0,
      gross_minor: 0,
      discount_minor: 0,
      net_minor: 0,
      promotion_ids: [gift.promotionId],
    })),
  ].map((row, index) => ({ ...common, ...productFacts(row.sku), ...row, line_no: index + 1 }));
  if (rows.length > 0) await db.insertInto('analytics_facts.order_lines').values(rows).execute();

  const usage = promotionUsage(placed, new Map(kinds.map((row) => [row.promotion_id, row.kind])));
  if (usage.length > 0) await db.insertInto('analytics_facts.promotion_usage').values(usage).execute();
}

/** The warehouses serving the order: what it holds reserved, replaced whenever that changes. */
async function allocate(db: Db, orderId: string, reservations: Reservations | undefined): Promise<void> {
  const quantities = new Map<string, { order_id: string; sku: string; warehouse_id: string; qty: number }>();
  for (const held of reservations?.stock ?? []) {
    // SKUs and warehouse ids never contain '@' (see stockStream).
    const key = `${held.sku}@${held.warehouseId}`;
    quantities.set(key, { order_id: orderId, sku: held.sku, warehouse_id: held.warehouseId, qty: (quantities.get(key)?.qty ?? 0) + held.qty });
  }
  if (quantities.size === 0) return;
  await db.deleteFrom('analytics_facts.order_allocations').where('order_id', '=', orderId).execute();
  await db.insertInto('analytics_facts.order_allocations').values([...quantities.values()]).execute();
}

async function orderReviewed(db: Db, event: RecordedEvent): Promise<void> {
  const review = event.data as OrderReviewedData;
  const at = new Date(event.metadata.occurredAt);
  await db
    .updateTable('analytics_facts.orders')
    .set({
      status: review.decision,
      first_decision: review.decision,
      first_reasons: review.reasons.map((reason) => reason.code),
      approved_at: review.decision === 'approved' ? at : null,
      rejected_at: review.decision === 'rejected' ? at : null,
    })
    .where('order_id', '=', review.orderId)
    .execute();
  await allocate(db, review.orderId, review.reservations);
}

async function heldOrderApproved(db: Db, event: RecordedEvent): Promise<void> {
  const data = event.data as { orderId: string; reservations?: Reservations };
  await db
    .updateTable('analytics_facts.orders')
    .set({ status: 'approved', approved_at: new Date(event.metadata.occurredAt) })
    .where('order_id', '=', data.orderId)
    .execute();
  await allocate(db, data.orderId, data.reservations);
}

async function heldOrderRejected(db: Db, event: RecordedEvent): Promise<void> {
  const { orderId } = event.data as { orderId: string };
  await db
    .updateTable('analytics_facts.orders')
    .set({ status: 'rejected', rejected_at: new Date(event.metadata.occurredAt) })
    .where('order_id', '=', orderId)
    .execute();
}

async function orderCancelled(db: Db, event: RecordedEvent): Promise<void> {
  const { orderId } = event.data as { orderId: string };
  await db
    .updateTable('analytics_facts.orders')
    .set({ status: 'cancelled', cancelled_at: new Date(event.metadata.occurredAt) })
    .where('order_id', '=', orderId)
    .execute();
}

async function shipmentDispatched(db: Db, event: RecordedEvent): Promise<void> {
  const shipment = event.data as ShipmentDispatched;
  const shippedAt = instant(shipment.shippedAt, event);
  const lines = shipment.lines ?? [];
  const netOf = (line: ShipmentLine) => line.netMinor ?? 0;
  const recorded = await db
    .insertInto('analytics_facts.shipments')
    .values({
      shipment_id: shipment.shipmentId,
      order_id: shipment.orderId,
      dealer_id: shipment.dealerId,
      carrier: shipment.carrier ?? null,
      tracking_number: shipment.trackingNumber ?? null,
      amount_minor: shipment.amountMinor ?? lines.reduce((total, line) => total + netOf(line), 0),
      shipped_at: shippedAt,
      shipped_on: utcDay(shippedAt),
    })
    .onConflict((oc) => oc.column('shipment_id').doNothing())
    .returning('shipment_id')
    .executeTakeFirst();
  // A shipment is counted once, even were its event recorded twice under different ids.
  if (!recorded) return;
  if (lines.length > 0) {
    await db
      .insertInto('analytics_facts.shipment_lines')
      .values(
        lines.map((line, index) => ({
          shipment_id: shipment.shipmentId,
          line_no: index + 1,
          order_id: shipment.orderId,
          dealer_id: shipment.dealerId,
          sku: line.sku,
          warehouse_id: line.warehouseId ?? null,
          qty: line.qty,
          net_minor: netOf(line),
          shipped_at: shippedAt,
          shipped_on: utcDay(shippedAt),
        })),
      )
      .execute();
  }
  await db
    .updateTable('analytics_facts.orders')
    .set((eb) => ({
      shipment_count: eb('shipment_count', '+', 1),
      shipped_qty: eb('shipped_qty', '+', lines.reduce((total, line) => total + line.qty, 0)),
      shipped_net_minor: eb('shipped_net_minor', '+', lines.reduce((total, line) => total + netOf(line), 0)),
      first_shipped_at: sql<Date>`coalesce(first_shipped_at, ${shippedAt})`,
      status: statusAfter(shipment.orderStatus ?? 'shipped'),
    }))
    .where('order_id', '=', shipment.orderId)
    .execute();
}

async function shipmentDelivered(db: Db, event: RecordedEvent): Promise<void> {
  const delivery = event.data as ShipmentDelivered;
  const deliveredAt = instant(delivery.deliveredAt, event);
  await db
    .updateTable('analytics_facts.shipments')
    .set({ delivered_at: deliveredAt, received_by: delivery.receivedBy ?? null })
    .where('shipment_id', '=', delivery.shipmentId)
    .execute();
  await db
    .updateTable('analytics_facts.orders')
    .set({ delivered_at: sql<Date>`greatest(delivered_at, ${deliveredAt})`, ...(delivery.orderStatus !== undefined && { status: statusAfter(delivery.orderStatus) }) })
    .where('order_id', '=', delivery.orderId)
    .execute();
}

async function orderCompleted(db: Db, event: RecordedEvent): Promise<void> {
  const completed = event.data as OrderCompleted;
  await db
    .updateTable('analytics_facts.orders')
    .set({ status: 'completed', completed_at: instant(completed.completedAt, event) })
    .where('order_id', '=', completed.orderId)
    .execute();
}

async function returnRefunded(db: Db, event: RecordedEvent): Promise<void> {
  const refund = event.data as ReturnRefunded;
  const at = instant(refund.refundedAt, event);
  await db
    .insertInto('analytics_facts.refunds')
    .values({
      refund_id: event.id,
      return_id: refund.returnId ?? null,
      order_id: refund.orderId,
      dealer_id: refund.dealerId,
      amount_minor: refund.amountMinor,
      method: refund.method ?? null,
      refunded_at: at,
      refunded_on: utcDay(at),
    })
    .execute();
  await db
    .updateTable('analytics_facts.orders')
    .set((eb) => ({ refunded_minor: eb('refunded_minor', '+', refund.amountMinor) }))
    .where('order_id', '=', refund.orderId)
    .execute();
}

export const orderFactHandlers: Record<string, FactHandler> = {
  OrderPlaced: orderPlaced,
  OrderReviewed: orderReviewed,
  HeldOrderApproved: heldOrderApproved,
  HeldOrderRejected: heldOrderRejected,
  OrderCancelled: orderCancelled,
  ShipmentDispatched: shipmentDispatched,
  ShipmentDelivered: shipmentDelivered,
  OrderCompleted: orderCompleted,
  ReturnRefunded: returnRefunded,
};
