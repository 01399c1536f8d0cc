// Order, shipment and refund facts: what was ordered (lines, gifts, promotions, the warehouses
// serving it), how it was decided, and what was shipped and refunded. The rows of a placement,
// a review and an allocation are built by pure functions that the set-based path (order-batch.ts)
// shares.
import { sql, type Insertable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { OrderPlacedData, OrderReviewedData, PricedLine, Reservations } from '../../domain/ordering/order.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { businessDayOf } from '../../domain/shared/calendar.ts';
import type { FactHandler } from './fact-handler.ts';

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
type ReturnRefunded = {
  orderId: string;
  dealerId: string;
  returnId?: string | null;
  amountMinor: number;
  method?: string | null;
  refundedAt?: string;
};

/** The order's status after a fulfilment step; a completed order stays completed. */
const statusAfter = (status: string) => sql<string>`CASE WHEN status = 'completed' THEN status ELSE ${status} END`;

/**
 * A line's discount shared among its promotions: equally among those that give discounts
 * (buy_x_get_y gives gifts instead), the remainder to the first. Exact, so shares sum to the line.
 */
export function discountShares(
  line: Pick<PricedLine, 'discountMinor' | 'promotions'>,
  kinds: ReadonlyMap<string, string>,
): Map<string, number> {
  const ids = [...new Set(line.promotions.map((promotion) => promotion.id))];
  const discounting = ids.filter((id) => kinds.get(id) !== 'buy_x_get_y');
  const among = discounting.length > 0 ? discounting : ids;
  const shares = new Map(ids.map((id) => [id, 0]));
  if (among.length === 0) return shares;
  const share = Math.floor(line.discountMinor / among.length);
  among.forEach((id, index) => shares.set(id, share + (index === 0 ? line.discountMinor - share * among.length : 0)));
  return shares;
}

type Usage = {
  order_id: string;
  promotion_id: string;
  sku: string;
  is_gift: boolean;
  qty: number;
  gross_minor: number;
  discount_minor: number;
  net_minor: number;
};

function promotionUsage(placed: OrderPlacedData, kinds: ReadonlyMap<string, string>): Usage[] {
  const usage = new Map<string, Usage>();
  const add = (
    promotionId: string,
    sku: string,
    isGift: boolean,
    figures: Pick<Usage, 'qty' | 'gross_minor' | 'discount_minor' | 'net_minor'>,
  ) => {
    const key = JSON.stringify([promotionId, sku, isGift]);
    const known = usage.get(key) ?? {
      order_id: placed.orderId,
      promotion_id: promotionId,
      sku,
      is_gift: isGift,
      qty: 0,
      gross_minor: 0,
      discount_minor: 0,
      net_minor: 0,
    };
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
      add(promotionId, line.sku, false, {
        qty: line.qty,
        gross_minor: line.grossMinor,
        discount_minor: discount,
        net_minor: line.netMinor,
      });
    }
  }
  for (const gift of placed.gifts)
    add(gift.promotionId, gift.sku, true, { qty: gift.qty, gross_minor: 0, discount_minor: 0, net_minor: 0 });
  return [...usage.values()];
}

/** The products (SKUs of lines and gifts) and promotions an order names: what its facts read. */
export function namedBy(placed: OrderPlacedData): { skus: string[]; promotionIds: string[] } {
  return {
    skus: [...new Set([...placed.lines, ...placed.gifts].map((item) => item.sku))],
    promotionIds: [
      ...new Set([...placed.lines.flatMap((line) => line.promotions.map((p) => p.id)), ...placed.gifts.map((gift) => gift.promotionId)]),
    ],
  };
}

/** What an order line tells of its product: sales are analysed by it. */
export type ProductFacts = { name: string; brand: string; category: string };

/** The name, brand and category of each of these products the facts hold, by SKU. */
export async function productFacts(db: Db, skus: readonly string[]): Promise<Map<string, ProductFacts>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .selectFrom('analytics_facts.products')
    .select(['sku', 'name', 'brand', 'category'])
    .where('sku', '=', (eb) => eb.fn.any(eb.val([...skus])))
    .execute();
  return new Map(rows.map(({ sku, ...facts }) => [sku, facts]));
}

/** The kind of each of these promotions the facts hold, by id. */
export async function promotionKinds(db: Db, promotionIds: readonly string[]): Promise<Map<string, string>> {
  if (promotionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('analytics_facts.promotions')
    .select(['promotion_id', 'kind'])
    .where('promotion_id', '=', (eb) => eb.fn.any(eb.val([...promotionIds])))
    .execute();
  return new Map(rows.map((row) => [row.promotion_id, row.kind]));
}

/** What placing an order adds: its row, its lines (gifts after the ordered lines), its promotion usage. */
export type PlacedFacts = {
  order: Insertable<Database['analytics_facts.orders']>;
  lines: Insertable<Database['analytics_facts.order_lines']>[];
  usage: Usage[];
};

/** The facts of a placed order, given what `namedBy` names of the products and promotions. */
export function placedFacts(
  placed: OrderPlacedData,
  products: ReadonlyMap<string, ProductFacts>,
  kinds: ReadonlyMap<string, string>,
): PlacedFacts {
  const placedAt = new Date(placed.placedAt);
  const day = businessDayOf(placedAt);
  const sum = (items: readonly { qty: number }[]) => items.reduce((total, item) => total + item.qty, 0);
  const order = {
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
  };

  const common = {
    order_id: placed.orderId,
    dealer_id: placed.dealerId,
    region_code: placed.regionCode,
    currency: placed.totals.currency,
    placed_at: placedAt,
    placed_on: day,
  };
  const productOf = (sku: string) => ({
    product_name: products.get(sku)?.name ?? null,
    brand: products.get(sku)?.brand ?? null,
    category: products.get(sku)?.category ?? null,
  });
  const lines = [
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
  ].map((row, index) => ({ ...common, ...productOf(row.sku), ...row, line_no: index + 1 }));

  return { order, lines, usage: promotionUsage(placed, kinds) };
}

async function orderPlaced(db: Db, event: RecordedEvent): Promise<void> {
  const placed = event.data as OrderPlacedData;
  const { skus, promotionIds } = namedBy(placed);
  const { order, lines, usage } = placedFacts(placed, await productFacts(db, skus), await promotionKinds(db, promotionIds));
  await db.insertInto('analytics_facts.orders').values(order).execute();
  if (lines.length > 0) await db.insertInto('analytics_facts.order_lines').values(lines).execute();
  if (usage.length > 0) await db.insertInto('analytics_facts.promotion_usage').values(usage).execute();
}

/** An order's warehouses: what it holds reserved, per SKU and warehouse (replacing what it held before, unless none). */
export function allocations(
  orderId: string,
  reservations: Reservations | undefined,
): Insertable<Database['analytics_facts.order_allocations']>[] {
  const quantities = new Map<string, { order_id: string; sku: string; warehouse_id: string; qty: number }>();
  for (const held of reservations?.stock ?? []) {
    // SKUs and warehouse ids never contain '@' (see stockStream).
    const key = `${held.sku}@${held.warehouseId}`;
    quantities.set(key, {
      order_id: orderId,
      sku: held.sku,
      warehouse_id: held.warehouseId,
      qty: (quantities.get(key)?.qty ?? 0) + held.qty,
    });
  }
  return [...quantities.values()];
}

/** The warehouses serving the order: what it holds reserved, replaced whenever that changes. */
async function allocate(db: Db, orderId: string, reservations: Reservations | undefined): Promise<void> {
  const rows = allocations(orderId, reservations);
  if (rows.length === 0) return;
  await db.deleteFrom('analytics_facts.order_allocations').where('order_id', '=', orderId).execute();
  await db.insertInto('analytics_facts.order_allocations').values(rows).execute();
}

/** The order columns a review sets, `at` when it occurred. */
export function reviewedColumns(review: OrderReviewedData, at: Date) {
  return {
    status: review.decision,
    first_decision: review.decision,
    first_reasons: review.reasons.map((reason) => reason.code),
    approved_at: review.decision === 'approved' ? at : null,
    rejected_at: review.decision === 'rejected' ? at : null,
  };
}

async function orderReviewed(db: Db, event: RecordedEvent): Promise<void> {
  const review = event.data as OrderReviewedData;
  // An order the facts do not hold changes nothing here (its allocations are written all the same).
  await db
    .updateTable('analytics_facts.orders')
    .set(reviewedColumns(review, new Date(event.metadata.occurredAt)))
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

async function orderAwaitingDealerApproval(db: Db, event: RecordedEvent): Promise<void> {
  const { orderId } = event.data as { orderId: string };
  await db.updateTable('analytics_facts.orders').set({ status: 'awaiting_dealer_approval' }).where('order_id', '=', orderId).execute();
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
      shipped_on: businessDayOf(shippedAt),
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
          shipped_on: businessDayOf(shippedAt),
        })),
      )
      .execute();
  }
  await db
    .updateTable('analytics_facts.orders')
    .set((eb) => ({
      shipment_count: eb('shipment_count', '+', 1),
      shipped_qty: eb(
        'shipped_qty',
        '+',
        lines.reduce((total, line) => total + line.qty, 0),
      ),
      shipped_net_minor: eb(
        'shipped_net_minor',
        '+',
        lines.reduce((total, line) => total + netOf(line), 0),
      ),
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
    .set({
      delivered_at: sql<Date>`greatest(delivered_at, ${deliveredAt})`,
      ...(delivery.orderStatus !== undefined && { status: statusAfter(delivery.orderStatus) }),
    })
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
      refunded_on: businessDayOf(at),
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
  OrderAwaitingDealerApproval: orderAwaitingDealerApproval,
  OrderRejectedByDealer: heldOrderRejected,
  OrderCancelled: orderCancelled,
  ShipmentDispatched: shipmentDispatched,
  ShipmentDelivered: shipmentDelivered,
  OrderCompleted: orderCompleted,
  ReturnRefunded: returnRefunded,
};
