// Returns of delivered goods: the dealer requests, ops approve or reject, the warehouse receives
// (back into a lot, or into quarantine), and the refund is valued at the order's net prices.
// requested → approved | rejected; approved → received → refunded.
import { z } from 'zod';
import { lotCodeSchema } from '../inventory/stock.ts';
import { warehouseIdSchema } from '../inventory/warehouse.ts';
import { isRefusal, refuse, type DomainEvent, type EventsOrRefusal, type Refusal } from '../shared/decider.ts';
import { quantitySchema, skuSchema } from '../shared/values.ts';
import { shippedUnits } from './fulfillment.ts';
import {
  DISPOSITIONS,
  illegal,
  type OrderReturn,
  type PlacedOrder,
  type ReceivedLine,
  type RefundMethod,
  type ReturnLine,
} from './order-state.ts';
import { termsBySku, valueBetween } from './valuation.ts';

const reasonSchema = z.string().trim().min(1).max(500);

export const returnRequestSchema = z.object({
  lines: z
    .array(z.object({ sku: skuSchema, qty: quantitySchema, reason: reasonSchema }))
    .min(1)
    .max(500),
});

export const returnRejectionSchema = z.object({ reason: reasonSchema });

export const returnReceiptSchema = z.object({
  lines: z
    .array(
      z.object({
        sku: skuSchema,
        qty: quantitySchema,
        warehouseId: warehouseIdSchema.describe('Where the goods are put.'),
        lot: lotCodeSchema.optional().describe('The lot the goods came from; may be left out when the SKU shipped from one lot only.'),
        disposition: z.enum(DISPOSITIONS).describe('`restock`: back into the lot, sellable; `quarantine`: held apart, not sellable.'),
      }),
    )
    .min(1)
    .max(500),
});

export type ReturnRefundedData = {
  orderId: string;
  dealerId: string;
  returnId: string;
  amountMinor: number;
  method: RefundMethod;
  /** The credit note on the dealer's ledger (null for a payment refund, or when nothing is refunded). */
  creditNoteId: string | null;
  refundedAt: string;
};

export type ReturnEvent =
  | DomainEvent<'ReturnRequested', { orderId: string; dealerId: string; returnId: string; lines: ReturnLine[]; requestedAt: string }>
  | DomainEvent<'ReturnApproved', { orderId: string; returnId: string; approvedAt: string }>
  | DomainEvent<'ReturnRejected', { orderId: string; returnId: string; reason: string; rejectedAt: string }>
  | DomainEvent<'ReturnReceived', { orderId: string; returnId: string; lines: ReceivedLine[]; receivedAt: string }>
  | DomainEvent<'ReturnRefunded', ReturnRefundedData>;

export const returnEventTypes = ['ReturnRequested', 'ReturnApproved', 'ReturnRejected', 'ReturnReceived', 'ReturnRefunded'] as const;

export type ReceiveLineInput = Omit<ReceivedLine, 'lot'> & { lot: string | null };

export type ReturnCommand =
  | { type: 'RequestReturn'; data: { returnId: string; lines: ReturnLine[]; now: string } }
  | { type: 'ApproveReturn'; data: { returnId: string; now: string } }
  | { type: 'RejectReturn'; data: { returnId: string; reason: string; now: string } }
  | { type: 'ReceiveReturn'; data: { returnId: string; lines: ReceiveLineInput[]; now: string } }
  | { type: 'RefundReturn'; data: { returnId: string; now: string } };

type Decided = EventsOrRefusal<ReturnEvent>;

/** Credit notes for returns are named after them, so issuing one again is recognised as the same. */
export const creditNoteIdFor = (returnId: string) => `CN-${returnId}`;

const RETURNABLE_STATUSES: readonly string[] = ['partially_shipped', 'shipped', 'delivered'];

function unitsBySku(lines: readonly { sku: string; qty: number }[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const line of lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.qty);
  return units;
}

/** Units per SKU that returns hold: requested while open, received once received. */
function returningUnits(state: PlacedOrder): Map<string, number> {
  const units = new Map<string, number>();
  for (const held of state.returns.filter((candidate) => candidate.status !== 'rejected')) {
    const lines = held.status === 'received' || held.status === 'refunded' ? held.received : held.lines;
    for (const line of lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.qty);
  }
  return units;
}

function findReturn(state: PlacedOrder, returnId: string): OrderReturn | undefined {
  return state.returns.find((candidate) => candidate.returnId === returnId);
}

const returnNotFound = (state: PlacedOrder, returnId: string) =>
  refuse('return_not_found', `Order ${state.order.orderId} has no return ${returnId}`, 'not_found');

const illegalReturn = (held: OrderReturn, action: string) =>
  refuse('illegal_transition', `Return ${held.returnId} is ${held.status} and cannot be ${action}`, 'conflict');

export function decideRequestReturn(state: PlacedOrder, command: { returnId: string; lines: ReturnLine[]; now: string }): Decided {
  const { orderId, dealerId } = state.order;
  const earlier = findReturn(state, command.returnId);
  if (earlier) {
    if (JSON.stringify(earlier.lines) === JSON.stringify(command.lines)) return [];
    return refuse('return_conflict', `Return ${command.returnId} was already requested with other lines`, 'conflict');
  }
  if (!RETURNABLE_STATUSES.includes(state.status)) return illegal(state.status, 'returned');
  const delivered = shippedUnits(state, (shipment) => shipment.status === 'delivered');
  const returning = returningUnits(state);
  for (const [sku, qty] of unitsBySku(command.lines)) {
    const returnable = (delivered.get(sku) ?? 0) - (returning.get(sku) ?? 0);
    if (qty > returnable) return refuse('exceeds_returnable', `${qty} of ${sku} to return; ${returnable} delivered and not yet returned`);
  }
  return [
    { type: 'ReturnRequested', data: { orderId, dealerId, returnId: command.returnId, lines: command.lines, requestedAt: command.now } },
  ];
}

export function decideApproveReturn(state: PlacedOrder, command: { returnId: string; now: string }): Decided {
  const held = findReturn(state, command.returnId);
  if (!held) return returnNotFound(state, command.returnId);
  if (held.status !== 'requested') return illegalReturn(held, 'approved');
  return [{ type: 'ReturnApproved', data: { orderId: state.order.orderId, returnId: held.returnId, approvedAt: command.now } }];
}

export function decideRejectReturn(state: PlacedOrder, command: { returnId: string; reason: string; now: string }): Decided {
  const held = findReturn(state, command.returnId);
  if (!held) return returnNotFound(state, command.returnId);
  if (held.status !== 'requested') return illegalReturn(held, 'rejected');
  return [
    {
      type: 'ReturnRejected',
      data: { orderId: state.order.orderId, returnId: held.returnId, reason: command.reason, rejectedAt: command.now },
    },
  ];
}

/** The lots of a SKU that left in this order's shipments. */
function shippedLots(state: PlacedOrder, sku: string): Set<string> {
  const lots = new Set<string>();
  for (const shipment of state.shipments) {
    for (const line of shipment.lines.filter((candidate) => candidate.sku === sku)) for (const lot of line.lots) lots.add(lot.lot);
  }
  return lots;
}

/** The lot each line goes back to: the one named, which must have shipped, or the SKU's only shipped lot. */
function resolveLots(state: PlacedOrder, lines: readonly ReceiveLineInput[]): ReceivedLine[] | Refusal {
  const resolved: ReceivedLine[] = [];
  for (const line of lines) {
    const lots = shippedLots(state, line.sku);
    if (line.lot !== null && !lots.has(line.lot))
      return refuse('lot_not_shipped', `Lot ${line.lot} of ${line.sku} did not ship in order ${state.order.orderId}`);
    const lot = line.lot ?? (lots.size === 1 ? [...lots][0]! : null);
    if (lot === null)
      return refuse('lot_required', `${line.sku} shipped from lots ${[...lots].join(', ')}; name the lot the goods came from`);
    resolved.push({ ...line, lot });
  }
  return resolved;
}

export function decideReceiveReturn(state: PlacedOrder, command: { returnId: string; lines: ReceiveLineInput[]; now: string }): Decided {
  const held = findReturn(state, command.returnId);
  if (!held) return returnNotFound(state, command.returnId);
  const repeated = held.status === 'received' || held.status === 'refunded';
  if (!repeated && held.status !== 'approved') return illegalReturn(held, 'received');
  const lines = resolveLots(state, command.lines);
  if (isRefusal(lines)) return lines;
  if (repeated) {
    // Receiving again with the same lines is a retry (it completes the stock movements).
    if (JSON.stringify(held.received) === JSON.stringify(lines)) return [];
    return illegalReturn(held, 'received again with other lines');
  }
  const requested = unitsBySku(held.lines);
  for (const [sku, qty] of unitsBySku(lines)) {
    const asked = requested.get(sku) ?? 0;
    if (qty > asked) return refuse('exceeds_requested', `${qty} of ${sku} received; return ${held.returnId} asked to return ${asked}`);
  }
  return [{ type: 'ReturnReceived', data: { orderId: state.order.orderId, returnId: held.returnId, lines, receivedAt: command.now } }];
}

/**
 * Everything received is refunded, restocked or quarantined alike (the return was approved). Each
 * SKU is valued after the units earlier refunds returned, so refunds never add up to more than paid.
 */
export function decideRefundReturn(state: PlacedOrder, command: { returnId: string; now: string }): Decided {
  const { orderId, dealerId, prepay } = state.order;
  const held = findReturn(state, command.returnId);
  if (!held) return returnNotFound(state, command.returnId);
  if (held.status === 'refunded') return [];
  if (held.status !== 'received') return illegalReturn(held, 'refunded');
  const terms = termsBySku(state.order);
  const refunded = unitsBySku(
    state.returns.filter((candidate) => candidate.status === 'refunded').flatMap((candidate) => candidate.received),
  );
  let amountMinor = 0;
  for (const [sku, qty] of unitsBySku(held.received)) {
    const skuTerms = terms.get(sku);
    if (skuTerms) amountMinor += valueBetween(skuTerms, refunded.get(sku) ?? 0, qty);
  }
  const method: RefundMethod = prepay ? 'payment_refund' : 'credit_note';
  const creditNoteId = method === 'credit_note' && amountMinor > 0 ? creditNoteIdFor(held.returnId) : null;
  return [
    {
      type: 'ReturnRefunded',
      data: { orderId, dealerId, returnId: held.returnId, amountMinor, method, creditNoteId, refundedAt: command.now },
    },
  ];
}

const withReturn = (state: PlacedOrder, returnId: string, change: (held: OrderReturn) => OrderReturn): PlacedOrder => ({
  ...state,
  returns: state.returns.map((held) => (held.returnId === returnId ? change(held) : held)),
});

export function evolveReturns(state: PlacedOrder, event: ReturnEvent): PlacedOrder {
  switch (event.type) {
    case 'ReturnRequested': {
      const { returnId, lines, requestedAt } = event.data;
      const requested: OrderReturn = {
        returnId,
        status: 'requested',
        lines,
        requestedAt,
        approvedAt: null,
        rejectedAt: null,
        rejectionReason: null,
        received: [],
        receivedAt: null,
        refund: null,
      };
      return { ...state, returns: [...state.returns, requested] };
    }
    case 'ReturnApproved':
      return withReturn(state, event.data.returnId, (held) => ({ ...held, status: 'approved', approvedAt: event.data.approvedAt }));
    case 'ReturnRejected': {
      const { returnId, reason, rejectedAt } = event.data;
      return withReturn(state, returnId, (held) => ({ ...held, status: 'rejected', rejectedAt, rejectionReason: reason }));
    }
    case 'ReturnReceived': {
      const { returnId, lines, receivedAt } = event.data;
      return withReturn(state, returnId, (held) => ({ ...held, status: 'received', received: lines, receivedAt }));
    }
    case 'ReturnRefunded': {
      const { returnId, amountMinor, method, creditNoteId, refundedAt } = event.data;
      return withReturn(state, returnId, (held) => ({
        ...held,
        status: 'refunded',
        refund: { amountMinor, method, creditNoteId, refundedAt },
      }));
    }
  }
}
