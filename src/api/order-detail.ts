// One order in full — timeline, shipments with lots, returns, payment — from the read model, or as
// it was at an instant, folded from its stream; and the shipment and return views commands answer.
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import type { Shipment } from '../domain/ordering/order.ts';
import { orderDecider, orderStream, type OrderEvent, type OrderState, type PlacedOrder } from '../domain/ordering/order.ts';
import type { OrderReturn } from '../domain/ordering/order.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import {
  orderReturns,
  orderShipments,
  orderTimeline,
  type OrderRow,
  type ReturnRow,
  type ShipmentRow,
} from '../projections/orders/queries.ts';
import { timelineDetail } from '../projections/orders/timeline.ts';
import { orderFromRow, orderFromState, orderSchema } from './order-views.ts';
import { actorSeenByDealer } from './history.ts';

const instant = z.iso.datetime();

const lotSchema = z.object({ lot: z.string(), qty: z.number().int(), expiryDate: z.string() });

export const shipmentSchema = z
  .object({
    shipmentId: z.string(),
    orderId: z.string(),
    status: z
      .enum(['planned', 'dispatched', 'delivered'])
      .describe('`planned`: being picked; a retry with the same shipmentId completes it.'),
    lines: z.array(
      z.object({
        sku: z.string(),
        qty: z.number().int(),
        warehouseId: z.string(),
        lots: z.array(lotSchema).describe('Picked first-expiry-first-out; empty while planned.'),
        netMinor: z.number().int().describe("The goods' value at the order's net prices (gifts: 0)."),
      }),
    ),
    amountMinor: z.number().int().describe("Charged to the dealer's credit on dispatch (unless the order was prepaid)."),
    carrier: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    dueDate: z.string().nullable().describe("The business day the charge falls due, by the dealer's payment terms."),
    plannedAt: instant,
    shippedAt: instant.nullable(),
    deliveredAt: instant.nullable(),
    receivedBy: z.string().nullable(),
    location: z.string().nullable().describe('Where the carrier last reported the shipment (`shipment.in_transit`).'),
    eta: instant.nullable().describe("The carrier's latest estimate of the delivery."),
    exceptions: z
      .array(z.object({ reason: z.string(), eta: instant.nullable(), reportedAt: instant }))
      .describe('Problems the carrier reported on the way (`shipment.exception`), oldest first.'),
  })
  .meta({ id: 'Shipment' });

export const returnSchema = z
  .object({
    returnId: z.string(),
    orderId: z.string(),
    status: z.enum(['requested', 'approved', 'rejected', 'received', 'refunded']),
    lines: z.array(z.object({ sku: z.string(), qty: z.number().int(), reason: z.string() })),
    requestedAt: instant,
    approvedAt: instant.nullable(),
    rejectedAt: instant.nullable(),
    rejectionReason: z.string().nullable(),
    received: z.array(
      z.object({
        sku: z.string(),
        qty: z.number().int(),
        warehouseId: z.string(),
        lot: z.string(),
        disposition: z.enum(['restock', 'quarantine']),
      }),
    ),
    receivedAt: instant.nullable(),
    refund: z
      .object({
        amountMinor: z.number().int(),
        method: z.enum(['credit_note', 'payment_refund']),
        creditNoteId: z.string().nullable(),
        refundedAt: instant,
      })
      .nullable(),
  })
  .meta({ id: 'Return' });

export type ShipmentView = z.infer<typeof shipmentSchema>;
export type ReturnView = z.infer<typeof returnSchema>;

const timelineSchema = z.array(
  z.object({
    status: z.string(),
    event: z.string(),
    at: instant,
    actor: z.string().nullable().describe('Who: a user id; null when a dealer is shown a step taken by staff or a partner (see `role`).'),
    role: z.string(),
    detail: z.record(z.string(), z.unknown()),
  }),
);

export const orderDetailSchema = orderSchema
  .extend({
    timeline: timelineSchema,
    shipments: z.array(shipmentSchema),
    returns: z.array(returnSchema),
    released: z.boolean().describe('May ship: approved, and paid in full if the dealer prepays.'),
    paidMinor: z.number().int().describe('Paid towards a prepay order.'),
    completedAt: instant.nullable(),
    asOf: instant.nullable().describe('The instant the order is shown as of (`?asOf=`), or null for now.'),
  })
  .meta({ id: 'OrderDetail' });

export type OrderDetail = z.infer<typeof orderDetailSchema>;

export const shipmentFromState = (orderId: string, shipment: Shipment): ShipmentView => ({ orderId, ...shipment });

export const returnFromState = (orderId: string, held: OrderReturn): ReturnView => ({ orderId, ...held });

const iso = (value: Date | null) => value?.toISOString() ?? null;

function shipmentFromRow(row: ShipmentRow): ShipmentView {
  return {
    shipmentId: row.shipment_id,
    orderId: row.order_id,
    status: row.status,
    lines: row.lines,
    amountMinor: row.amount_minor,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    dueDate: row.due_date,
    plannedAt: row.planned_at.toISOString(),
    shippedAt: iso(row.shipped_at),
    deliveredAt: iso(row.delivered_at),
    receivedBy: row.received_by,
    location: row.location,
    eta: iso(row.eta),
    exceptions: row.exceptions,
  };
}

function returnFromRow(row: ReturnRow): ReturnView {
  return {
    returnId: row.return_id,
    orderId: row.order_id,
    status: row.status,
    lines: row.lines,
    requestedAt: row.requested_at.toISOString(),
    approvedAt: iso(row.approved_at),
    rejectedAt: iso(row.rejected_at),
    rejectionReason: row.rejection_reason,
    received: row.received,
    receivedAt: iso(row.received_at),
    refund:
      row.refunded_at && row.refund_method
        ? {
            amountMinor: row.refund_minor ?? 0,
            method: row.refund_method,
            creditNoteId: row.credit_note_id,
            refundedAt: row.refunded_at.toISOString(),
          }
        : null,
  };
}

export async function detailFromReadModel(db: Db, row: OrderRow, staff: boolean): Promise<OrderDetail> {
  const [timeline, shipments, returns] = await Promise.all([
    orderTimeline(db, row.id),
    orderShipments(db, row.id),
    orderReturns(db, row.id),
  ]);
  return {
    ...orderFromRow(row, staff),
    timeline: timeline.map((entry) => ({
      status: entry.status,
      event: entry.event_type,
      at: entry.at.toISOString(),
      actor: staff ? entry.actor : actorSeenByDealer(entry),
      role: entry.role,
      detail: entry.detail,
    })),
    shipments: shipments.map(shipmentFromRow),
    returns: returns.map(returnFromRow),
    released: row.released,
    paidMinor: row.paid_minor,
    completedAt: iso(row.completed_at),
    asOf: null,
  };
}

/**
 * The order as it was at `asOf`: its stream folded up to the first event that occurred later
 * (a prefix of the stream, so always a state the order really was in); undefined if it did not
 * exist yet.
 */
export async function detailAsOf(
  deps: { store: EventStore; upcasting: Upcasting },
  orderId: string,
  asOf: Date,
  staff: boolean,
): Promise<OrderDetail | undefined> {
  let state: OrderState = orderDecider.initialState;
  let version = -1;
  const timeline: OrderDetail['timeline'] = [];
  for (const recorded of await deps.store.readStream(orderStream(orderId))) {
    const { type, data, metadata, revision, createdAt } = deps.upcasting.upcast(recorded);
    const occurredAt = metadata.occurredAt ?? createdAt;
    if (Date.parse(occurredAt) > asOf.getTime()) break;
    const event = { type, data } as OrderEvent;
    state = orderDecider.evolve(state, event);
    version = revision;
    if (state.exists) {
      timeline.push({
        status: state.status,
        event: type,
        at: occurredAt,
        actor: staff ? metadata.actor : actorSeenByDealer(metadata),
        role: metadata.role,
        detail: timelineDetail(event),
      });
    }
  }
  if (!state.exists) return undefined;
  return { ...detailFromState(state, version, staff), timeline, asOf: asOf.toISOString() };
}

export function detailFromState(state: PlacedOrder, version: number, staff: boolean): Omit<OrderDetail, 'timeline'> {
  const { orderId } = state.order;
  return {
    ...orderFromState(state, version, staff),
    shipments: state.shipments.map((shipment) => shipmentFromState(orderId, shipment)),
    returns: state.returns.map((held) => returnFromState(orderId, held)),
    released: state.released,
    paidMinor: state.paidMinor,
    completedAt: state.completedAt,
    asOf: null,
  };
}
