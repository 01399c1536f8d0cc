// The orders read model's part for fulfilment: shipments, their tracking, deliveries, completion,
// prepay payments and returns. Each handler answers the order's status after the event, for its timeline.
import { sql, type UpdateObject } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { afterDispatch, type FulfillmentEvent } from '../../domain/ordering/fulfillment.ts';
import type { ReturnEvent } from '../../domain/ordering/returns.ts';
import type { TrackingEvent } from '../../domain/ordering/tracking.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { instantOf } from './dates.ts';

const json = (value: unknown) => JSON.stringify(value);

type OrderChanges = UpdateObject<Database, 'orders.orders'>;

/** Moves the order to this event's revision (with any other changes) and answers its status. */
async function touchOrder(db: Db, event: RecordedEvent, orderId: string, changes: OrderChanges = {}): Promise<string> {
  const row = await db
    .updateTable('orders.orders')
    .set({ ...changes, updated_at: instantOf(event.metadata.occurredAt, 'occurredAt'), version: event.revision })
    .where('id', '=', orderId)
    .returning('status')
    .executeTakeFirstOrThrow();
  return row.status;
}

async function updateShipment(
  db: Db,
  orderId: string,
  shipmentId: string,
  changes: UpdateObject<Database, 'orders.shipments'>,
): Promise<void> {
  await db.updateTable('orders.shipments').set(changes).where('order_id', '=', orderId).where('shipment_id', '=', shipmentId).execute();
}

async function updateReturn(db: Db, orderId: string, returnId: string, changes: UpdateObject<Database, 'orders.returns'>): Promise<void> {
  await db.updateTable('orders.returns').set(changes).where('order_id', '=', orderId).where('return_id', '=', returnId).execute();
}

export async function applyFulfillment(db: Db, event: RecordedEvent, orderEvent: FulfillmentEvent | ReturnEvent): Promise<string> {
  const { orderId } = orderEvent.data;
  switch (orderEvent.type) {
    case 'ShipmentPlanned': {
      const d = orderEvent.data;
      await db
        .insertInto('orders.shipments')
        .values({
          order_id: orderId,
          shipment_id: d.shipmentId,
          seq: event.revision,
          dealer_id: d.dealerId,
          status: 'planned',
          lines: json(d.lines.map((line) => ({ ...line, lots: [] }))),
          amount_minor: d.amountMinor,
          carrier: d.carrier,
          tracking_number: d.trackingNumber,
          due_date: d.dueDate,
          planned_at: instantOf(d.plannedAt, 'plannedAt'),
        })
        .execute();
      return touchOrder(db, event, orderId);
    }
    case 'ShipmentDispatched': {
      const d = orderEvent.data;
      await updateShipment(db, orderId, d.shipmentId, {
        status: 'dispatched',
        lines: json(d.lines),
        shipped_at: instantOf(d.shippedAt, 'shippedAt'),
      });
      const order = await db.selectFrom('orders.orders').select('reservations').where('id', '=', orderId).executeTakeFirstOrThrow();
      return touchOrder(db, event, orderId, { status: d.orderStatus, reservations: json(afterDispatch(order.reservations, d)) });
    }
    case 'ShipmentDelivered': {
      const d = orderEvent.data;
      await updateShipment(db, orderId, d.shipmentId, {
        status: 'delivered',
        delivered_at: instantOf(d.deliveredAt, 'deliveredAt'),
        received_by: d.receivedBy,
      });
      return touchOrder(db, event, orderId, { status: d.orderStatus });
    }
    case 'OrderCompleted':
      return touchOrder(db, event, orderId, { status: 'completed', completed_at: instantOf(orderEvent.data.completedAt, 'completedAt') });
    case 'OrderPaymentRecorded':
      return touchOrder(db, event, orderId, { paid_minor: sql<number>`paid_minor + ${orderEvent.data.amountMinor}` });
    case 'OrderReleased':
      return touchOrder(db, event, orderId, { status: 'approved', released: true });
    case 'ReturnRequested': {
      const d = orderEvent.data;
      await db
        .insertInto('orders.returns')
        .values({
          order_id: orderId,
          return_id: d.returnId,
          seq: event.revision,
          dealer_id: d.dealerId,
          status: 'requested',
          lines: json(d.lines),
          received: json([]),
          requested_at: instantOf(d.requestedAt, 'requestedAt'),
        })
        .execute();
      return touchOrder(db, event, orderId);
    }
    case 'ReturnApproved':
      await updateReturn(db, orderId, orderEvent.data.returnId, {
        status: 'approved',
        approved_at: instantOf(orderEvent.data.approvedAt, 'approvedAt'),
      });
      return touchOrder(db, event, orderId);
    case 'ReturnRejected': {
      const { returnId, reason, rejectedAt } = orderEvent.data;
      await updateReturn(db, orderId, returnId, {
        status: 'rejected',
        rejected_at: instantOf(rejectedAt, 'rejectedAt'),
        rejection_reason: reason,
      });
      return touchOrder(db, event, orderId);
    }
    case 'ReturnReceived': {
      const { returnId, lines, receivedAt } = orderEvent.data;
      await updateReturn(db, orderId, returnId, {
        status: 'received',
        received: json(lines),
        received_at: instantOf(receivedAt, 'receivedAt'),
      });
      return touchOrder(db, event, orderId);
    }
    case 'ReturnRefunded': {
      const { returnId, amountMinor, method, creditNoteId, refundedAt } = orderEvent.data;
      await updateReturn(db, orderId, returnId, {
        status: 'refunded',
        refund_minor: amountMinor,
        refund_method: method,
        credit_note_id: creditNoteId,
        refunded_at: instantOf(refundedAt, 'refundedAt'),
      });
      return touchOrder(db, event, orderId);
    }
  }
}

/** A shipment's latest location and ETA, and the exceptions reported; a delay only shows in the timeline. */
export async function applyTracking(db: Db, event: RecordedEvent, trackingEvent: TrackingEvent): Promise<string> {
  const { orderId, shipmentId } = trackingEvent.data;
  switch (trackingEvent.type) {
    case 'ShipmentInTransit': {
      const { location, eta } = trackingEvent.data;
      await updateShipment(db, orderId, shipmentId, { location, eta: eta === null ? null : instantOf(eta, 'eta') });
      break;
    }
    case 'ShipmentExceptionReported': {
      const { reason, eta, reportedAt } = trackingEvent.data;
      await updateShipment(db, orderId, shipmentId, {
        eta: eta === null ? null : instantOf(eta, 'eta'),
        exceptions: sql<string>`exceptions || ${json([{ reason, eta, reportedAt }])}::jsonb`,
      });
      break;
    }
    case 'ShipmentDelayed':
      break;
  }
  return touchOrder(db, event, orderId);
}
