// Projects order events into order documents, their status timeline, shipments, returns and
// dealer history.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { NO_RESERVATIONS, orderEventTypes, type OrderEvent, type Reservations } from '../../domain/ordering/order.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import type { Projection } from '../projection.ts';
import { approval, ordersBatch } from './batch.ts';
import { applyFulfillment, applyTracking } from './fulfillment-handlers.ts';
import { timelineDetail } from './timeline.ts';
import { instantOf } from './dates.ts';

const json = (value: unknown) => JSON.stringify(value);

async function recordTimeline(
  db: Db,
  event: RecordedEvent,
  orderId: string,
  status: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await db
    .insertInto('orders.timeline')
    .values({
      order_id: orderId,
      revision: event.revision,
      position: event.position,
      event_type: event.type,
      status,
      at: instantOf(event.metadata.occurredAt, 'occurredAt'),
      actor: event.metadata.actor,
      role: event.metadata.role,
      detail: json(detail),
    })
    .execute();
}

async function setStatus(
  db: Db,
  event: RecordedEvent,
  orderId: string,
  status: string,
  changes: { reservations?: Reservations; released?: boolean } = {},
) {
  await db
    .updateTable('orders.orders')
    .set({
      status,
      updated_at: instantOf(event.metadata.occurredAt, 'occurredAt'),
      version: event.revision,
      ...(changes.reservations && { reservations: json(changes.reservations) }),
      ...(changes.released !== undefined && { released: changes.released }),
    })
    .where('id', '=', orderId)
    .execute();
}

/** The dealer's order history that the risk rules read: counts, totals, regions, usual quantities. */
async function recordHistory(
  db: Db,
  order: { dealer_id: string; total_minor: number; region_code: string; lines: { sku: string; qty: number }[] },
) {
  await db
    .insertInto('orders.dealer_history')
    .values({ dealer_id: order.dealer_id, order_count: 1, total_sum_minor: order.total_minor, regions: [order.region_code] })
    .onConflict((oc) =>
      oc.column('dealer_id').doUpdateSet({
        order_count: sql`${sql.ref('orders.dealer_history.order_count')} + 1`,
        total_sum_minor: sql`${sql.ref('orders.dealer_history.total_sum_minor')} + excluded.total_sum_minor`,
        regions: sql`CASE WHEN ${order.region_code} = ANY (${sql.ref('orders.dealer_history.regions')}) THEN ${sql.ref('orders.dealer_history.regions')}
                     ELSE array_append(${sql.ref('orders.dealer_history.regions')}, ${order.region_code}) END`,
      }),
    )
    .execute();
  for (const line of order.lines) {
    await db
      .insertInto('orders.dealer_sku_history')
      .values({ dealer_id: order.dealer_id, sku: line.sku, order_count: 1, qty_sum: line.qty })
      .onConflict((oc) =>
        oc.columns(['dealer_id', 'sku']).doUpdateSet({
          order_count: sql`${sql.ref('orders.dealer_sku_history.order_count')} + 1`,
          qty_sum: sql`${sql.ref('orders.dealer_sku_history.qty_sum')} + excluded.qty_sum`,
        }),
      )
      .execute();
  }
}

export const ordersProjection: Projection = {
  name: 'orders',
  schema: 'orders',
  filter: { eventTypes: orderEventTypes },
  async handle(db, event) {
    const at = instantOf(event.metadata.occurredAt, 'occurredAt');
    const orderEvent = { type: event.type, data: event.data } as OrderEvent;
    const detail = timelineDetail(orderEvent);
    switch (orderEvent.type) {
      case 'OrderPlaced': {
        const placed = orderEvent.data;
        const placedAt = instantOf(placed.placedAt, 'placedAt');
        await db
          .insertInto('orders.orders')
          .values({
            id: placed.orderId,
            dealer_id: placed.dealerId,
            status: 'placed',
            decision: 'placed',
            channel: placed.channel,
            region_code: placed.regionCode,
            delivery_address: placed.deliveryAddress,
            note: placed.note,
            subtotal_minor: placed.totals.subtotalMinor,
            discount_minor: placed.totals.discountMinor,
            total_minor: placed.totals.totalMinor,
            currency: placed.totals.currency,
            prepay: placed.prepay,
            reorder_of: placed.reorderOf,
            lines: json(placed.lines),
            gifts: json(placed.gifts),
            promotions_not_applied: json(placed.promotionsNotApplied ?? []),
            reasons: json([]),
            risk: json({ score: 0, threshold: 0, factors: [] }),
            reservations: json(NO_RESERVATIONS),
            placed_at: placedAt,
            decided_at: placedAt,
            updated_at: placedAt,
            version: event.revision,
          })
          .execute();
        await recordTimeline(db, event, placed.orderId, 'placed', detail);
        return;
      }
      case 'OrderReviewed': {
        const review = orderEvent.data;
        const row = await db
          .selectFrom('orders.orders')
          .select(['prepay', 'total_minor'])
          .where('id', '=', review.orderId)
          .executeTakeFirstOrThrow();
        const { status, released } =
          review.decision === 'approved'
            ? approval({ prepay: row.prepay, totalMinor: row.total_minor })
            : { status: review.decision, released: false };
        const order = await db
          .updateTable('orders.orders')
          .set({
            status,
            released,
            decision: review.decision,
            reasons: json(review.reasons),
            risk: json(review.risk),
            reservations: json(review.reservations),
            decided_at: at,
            updated_at: at,
            version: event.revision,
          })
          .where('id', '=', review.orderId)
          .returning(['dealer_id', 'total_minor', 'region_code', 'lines'])
          .executeTakeFirstOrThrow();
        await recordTimeline(db, event, review.orderId, status, detail);
        if (review.decision !== 'rejected') await recordHistory(db, order);
        return;
      }
      case 'HeldOrderApproved': {
        const data = orderEvent.data;
        const row = await db
          .selectFrom('orders.orders')
          .select(['prepay', 'total_minor'])
          .where('id', '=', data.orderId)
          .executeTakeFirstOrThrow();
        const { status, released } = approval({ prepay: row.prepay, totalMinor: row.total_minor });
        await setStatus(db, event, data.orderId, status, { reservations: data.reservations, released });
        await recordTimeline(db, event, data.orderId, status, detail);
        return;
      }
      case 'OrderAwaitingDealerApproval': {
        const { orderId, reasons } = orderEvent.data;
        await db
          .updateTable('orders.orders')
          .set({
            status: 'awaiting_dealer_approval',
            decision: 'awaiting_dealer_approval',
            reasons: json(reasons),
            updated_at: at,
            version: event.revision,
          })
          .where('id', '=', orderId)
          .execute();
        await recordTimeline(db, event, orderId, 'awaiting_dealer_approval', detail);
        return;
      }
      case 'OrderApprovedByDealer':
        // The automated review follows in the same append (OrderReviewed): it sets the status.
        await recordTimeline(db, event, orderEvent.data.orderId, 'dealer_approved', detail);
        return;
      case 'OrderRejectedByDealer': {
        const { orderId, reason } = orderEvent.data;
        await db
          .updateTable('orders.orders')
          .set({
            status: 'rejected',
            decision: 'rejected',
            reasons: json([{ code: 'dealer_rejected', detail: reason }]),
            updated_at: at,
            version: event.revision,
          })
          .where('id', '=', orderId)
          .execute();
        await recordTimeline(db, event, orderId, 'rejected', detail);
        return;
      }
      case 'HeldOrderRejected':
      case 'OrderCancelled': {
        const { orderId } = orderEvent.data;
        const status = orderEvent.type === 'HeldOrderRejected' ? 'rejected' : 'cancelled';
        await setStatus(db, event, orderId, status, { reservations: NO_RESERVATIONS, released: false });
        await recordTimeline(db, event, orderId, status, detail);
        return;
      }
      case 'ShipmentInTransit':
      case 'ShipmentExceptionReported':
      case 'ShipmentDelayed': {
        const status = await applyTracking(db, event, orderEvent);
        await recordTimeline(db, event, orderEvent.data.orderId, status, detail);
        return;
      }
      default: {
        const status = await applyFulfillment(db, event, orderEvent);
        await recordTimeline(db, event, orderEvent.data.orderId, status, detail);
      }
    }
  },
  batch: ordersBatch,
};
