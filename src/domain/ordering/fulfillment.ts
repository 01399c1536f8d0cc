// Fulfilment of an order: shipments planned from what the order reserved and dispatched with the
// lots picked, deliveries, completion, and the payments that release a prepay order.
//
// A shipment is recorded twice on the order stream. `ShipmentPlanned` comes first: it fixes which
// warehouse each quantity ships from and what it is worth, and — because it is decided against the
// order's state and appended at its revision — it serialises shipments (two cannot ship the same
// units) and blocks cancellation while goods are being picked. `ShipmentDispatched` comes last,
// with the lots the stock streams picked, and only then does the order stop claiming what shipped.
import { z } from 'zod';
import { refuse, type DomainEvent, type EventsOrRefusal } from '../shared/decider.ts';
import { entityIdSchema, isoDateTimeSchema, quantitySchema, skuSchema } from '../shared/values.ts';
import {
  illegal,
  type PlacedOrder,
  type PlannedLine,
  type Reservations,
  type Shipment,
  type ShipmentLine,
  type ShippedLot,
} from './order-state.ts';
import { NO_TRACKING } from './tracking.ts';
import { termsBySku, unitsOf, valueBetween } from './valuation.ts';

const textSchema = (max: number) => z.string().trim().min(1).max(max);

export const shipmentRequestSchema = z.object({
  lines: z
    .array(z.object({ sku: skuSchema, qty: quantitySchema }))
    .min(1)
    .max(500),
  carrier: textSchema(100).optional(),
  trackingNumber: textSchema(100).optional(),
  shipmentId: entityIdSchema
    .optional()
    .describe(
      "The shipment's id (e.g. the warehouse system's); it keys every step, so a retry completes a half-done shipment. Absent: assigned.",
    ),
});

export const deliveryRequestSchema = z.object({
  shipmentId: entityIdSchema,
  deliveredAt: isoDateTimeSchema.optional().describe('When the goods were handed over; defaults to now.'),
  receivedBy: textSchema(200).optional().describe('Who signed for the goods.'),
});

export const orderPaymentSchema = z.object({
  amountMinor: z.number().int().positive().max(1_000_000_000_000),
  reference: textSchema(100).describe("The payer's reference (bank transfer id); it identifies the payment within the order."),
});

export type ShipmentPlannedData = {
  orderId: string;
  dealerId: string;
  shipmentId: string;
  lines: PlannedLine[];
  amountMinor: number;
  carrier: string | null;
  trackingNumber: string | null;
  /** When the charge for this shipment falls due (null when nothing is charged on credit). */
  dueDate: string | null;
  plannedAt: string;
};

export type ShipmentDispatchedData = Omit<ShipmentPlannedData, 'lines' | 'plannedAt'> & {
  lines: ShipmentLine[];
  shippedAt: string;
  orderStatus: 'partially_shipped' | 'shipped';
};

export type ShipmentDeliveredData = {
  orderId: string;
  dealerId: string;
  shipmentId: string;
  deliveredAt: string;
  receivedBy: string | null;
  orderStatus: 'partially_shipped' | 'shipped' | 'delivered';
};

export type OrderPaymentRecordedData = {
  orderId: string;
  dealerId: string;
  paymentId: string;
  amountMinor: number;
  reference: string;
  paidAt: string;
};

export type FulfillmentEvent =
  | DomainEvent<'ShipmentPlanned', ShipmentPlannedData>
  | DomainEvent<'ShipmentDispatched', ShipmentDispatchedData>
  | DomainEvent<'ShipmentDelivered', ShipmentDeliveredData>
  | DomainEvent<'OrderCompleted', { orderId: string; dealerId: string; completedAt: string }>
  | DomainEvent<'OrderPaymentRecorded', OrderPaymentRecordedData>
  | DomainEvent<'OrderReleased', { orderId: string; dealerId: string; releasedAt: string }>;

export const fulfillmentEventTypes = [
  'ShipmentPlanned',
  'ShipmentDispatched',
  'ShipmentDelivered',
  'OrderCompleted',
  'OrderPaymentRecorded',
  'OrderReleased',
] as const;

export type PlanShipment = {
  shipmentId: string;
  lines: { sku: string; qty: number }[];
  carrier: string | null;
  trackingNumber: string | null;
  dueDate: string | null;
  now: string;
};
/** What the stock streams picked for each planned line. */
export type DispatchShipment = { shipmentId: string; picks: { sku: string; warehouseId: string; lots: ShippedLot[] }[]; now: string };
export type ConfirmDelivery = { shipmentId: string; deliveredAt: string; receivedBy: string | null; now: string };
export type RecordOrderPayment = { paymentId: string; amountMinor: number; reference: string; now: string };

export type FulfillmentCommand =
  | { type: 'PlanShipment'; data: PlanShipment }
  | { type: 'DispatchShipment'; data: DispatchShipment }
  | { type: 'ConfirmDelivery'; data: ConfirmDelivery }
  | { type: 'CompleteOrder'; data: { now: string } }
  | { type: 'RecordOrderPayment'; data: RecordOrderPayment };

type Decided = EventsOrRefusal<FulfillmentEvent>;

/** Deliveries may be dated a little ahead of our clock (a partner's clock), never more. */
const CLOCK_TOLERANCE_MS = 5 * 60_000;

const sum = (values: Iterable<number>) => {
  let total = 0;
  for (const value of values) total += value;
  return total;
};

/** Units per SKU in the shipments that match `which`. */
export function shippedUnits(state: PlacedOrder, which: (shipment: Shipment) => boolean): Map<string, number> {
  const units = new Map<string, number>();
  for (const shipment of state.shipments.filter(which)) {
    for (const line of shipment.lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.qty);
  }
  return units;
}

/** Per SKU, what the order still has to ship: ordered and gift units less every shipment, planned or gone. */
export function unshippedLines(state: PlacedOrder): { sku: string; qty: number }[] {
  const committed = shippedUnits(state, () => true);
  return [...termsBySku(state.order)]
    .map(([sku, terms]) => ({ sku, qty: unitsOf(terms) - (committed.get(sku) ?? 0) }))
    .filter((line) => line.qty > 0);
}

const isDispatched = (shipment: Shipment) => shipment.status !== 'planned';

/** Units per SKU of a request, repeated SKUs summed. */
function requestedUnits(lines: readonly { sku: string; qty: number }[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const line of lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.qty);
  return units;
}

/** Whether a shipment is what a request asks for: the same units per SKU, carrier and tracking number. */
export function shipmentMatches(
  shipment: Shipment,
  request: { lines: readonly { sku: string; qty: number }[]; carrier: string | null; trackingNumber: string | null },
): boolean {
  const asked = requestedUnits(request.lines);
  const shipped = requestedUnits(shipment.lines);
  return (
    shipment.carrier === request.carrier &&
    shipment.trackingNumber === request.trackingNumber &&
    asked.size === shipped.size &&
    [...asked].every(([sku, qty]) => shipped.get(sku) === qty)
  );
}

/** Splits `qty` of a SKU over the warehouses the order reserved it in, less what planned shipments will pick there. */
function allocate(state: PlacedOrder, sku: string, qty: number): { warehouseId: string; qty: number }[] | undefined {
  const pending = new Map<string, number>();
  for (const shipment of state.shipments.filter((candidate) => candidate.status === 'planned')) {
    for (const line of shipment.lines.filter((candidate) => candidate.sku === sku)) {
      pending.set(line.warehouseId, (pending.get(line.warehouseId) ?? 0) + line.qty);
    }
  }
  const taken: { warehouseId: string; qty: number }[] = [];
  let remaining = qty;
  for (const held of state.reservations.stock.filter((candidate) => candidate.sku === sku)) {
    const take = Math.min(remaining, held.qty - (pending.get(held.warehouseId) ?? 0));
    if (take <= 0) continue;
    taken.push({ warehouseId: held.warehouseId, qty: take });
    remaining -= take;
    if (remaining === 0) return taken;
  }
  return undefined;
}

export function decidePlanShipment(state: PlacedOrder, command: PlanShipment): Decided {
  const { orderId, dealerId } = state.order;
  const earlier = state.shipments.find((shipment) => shipment.shipmentId === command.shipmentId);
  if (earlier) {
    if (shipmentMatches(earlier, command)) return [];
    return refuse(
      'shipment_conflict',
      `Shipment ${command.shipmentId} was already recorded with other lines, carrier or tracking number`,
      'conflict',
    );
  }
  if (state.status === 'awaiting_payment')
    return refuse('payment_required', `Order ${orderId} is prepaid and waits for its payment before it can ship`);
  if (state.status !== 'approved' && state.status !== 'partially_shipped') return illegal(state.status, 'shipped');

  const terms = termsBySku(state.order);
  const committed = shippedUnits(state, () => true);
  const lines: PlannedLine[] = [];
  for (const [sku, qty] of requestedUnits(command.lines)) {
    const skuTerms = terms.get(sku);
    if (!skuTerms) return refuse('sku_not_in_order', `${sku} is not part of order ${orderId}`);
    const before = committed.get(sku) ?? 0;
    const left = unitsOf(skuTerms) - before;
    if (qty > left)
      return refuse('exceeds_unshipped', `${qty} of ${sku} requested; ${left} of ${unitsOf(skuTerms)} ordered are left to ship`);
    const split = allocate(state, sku, qty);
    if (!split) return refuse('not_reserved', `Order ${orderId} no longer holds ${qty} of ${sku} reserved`);
    let counted = before;
    for (const part of split) {
      lines.push({ sku, qty: part.qty, warehouseId: part.warehouseId, netMinor: valueBetween(skuTerms, counted, part.qty) });
      counted += part.qty;
    }
  }
  const { shipmentId, carrier, trackingNumber, dueDate, now } = command;
  const amountMinor = sum(lines.map((line) => line.netMinor));
  return [
    {
      type: 'ShipmentPlanned',
      data: { orderId, dealerId, shipmentId, lines, amountMinor, carrier, trackingNumber, dueDate, plannedAt: now },
    },
  ];
}

const pickKey = (line: { sku: string; warehouseId: string }) => `${line.sku}@${line.warehouseId}`;

export function decideDispatchShipment(state: PlacedOrder, command: DispatchShipment): Decided {
  const { orderId, dealerId } = state.order;
  const shipment = state.shipments.find((candidate) => candidate.shipmentId === command.shipmentId);
  if (!shipment) return refuse('shipment_not_found', `Order ${orderId} has no shipment ${command.shipmentId}`, 'not_found');
  if (shipment.status !== 'planned') return [];
  const picks = new Map(command.picks.map((pick) => [pickKey(pick), pick.lots]));
  const lines: ShipmentLine[] = [];
  for (const line of shipment.lines) {
    const lots = picks.get(pickKey(line));
    if (!lots || sum(lots.map((lot) => lot.qty)) !== line.qty) {
      return refuse(
        'pick_mismatch',
        `The lots picked for ${line.sku} at ${line.warehouseId} do not add up to the ${line.qty} planned`,
        'conflict',
      );
    }
    lines.push({ ...line, lots });
  }
  const terms = termsBySku(state.order);
  const shipped = shippedUnits(state, isDispatched);
  for (const line of lines) shipped.set(line.sku, (shipped.get(line.sku) ?? 0) + line.qty);
  const complete = [...terms].every(([sku, skuTerms]) => (shipped.get(sku) ?? 0) === unitsOf(skuTerms));
  const { shipmentId, amountMinor, carrier, trackingNumber, dueDate } = shipment;
  return [
    {
      type: 'ShipmentDispatched',
      data: {
        orderId,
        dealerId,
        shipmentId,
        lines,
        amountMinor,
        carrier,
        trackingNumber,
        dueDate,
        shippedAt: command.now,
        orderStatus: complete ? 'shipped' : 'partially_shipped',
      },
    },
  ];
}

export function decideConfirmDelivery(state: PlacedOrder, command: ConfirmDelivery): Decided {
  const { orderId, dealerId } = state.order;
  const shipment = state.shipments.find((candidate) => candidate.shipmentId === command.shipmentId);
  if (!shipment) return refuse('shipment_not_found', `Order ${orderId} has no shipment ${command.shipmentId}`, 'not_found');
  // A partner repeating a confirmation changes nothing: the first one stands.
  if (shipment.status === 'delivered') return [];
  if (shipment.status === 'planned')
    return refuse('illegal_transition', `Shipment ${shipment.shipmentId} has not been dispatched yet`, 'conflict');
  const deliveredAt = Date.parse(command.deliveredAt);
  if (deliveredAt < Date.parse(shipment.shippedAt!)) {
    return refuse(
      'delivered_before_shipped',
      `Shipment ${shipment.shipmentId} shipped at ${shipment.shippedAt}, after ${command.deliveredAt}`,
    );
  }
  if (deliveredAt > Date.parse(command.now) + CLOCK_TOLERANCE_MS)
    return refuse('delivery_in_future', `${command.deliveredAt} is in the future`);
  const allDelivered = state.shipments.every(
    (candidate) => candidate.shipmentId === shipment.shipmentId || candidate.status === 'delivered',
  );
  const orderStatus = state.status === 'shipped' && allDelivered ? 'delivered' : (state.status as 'partially_shipped' | 'shipped');
  return [
    {
      type: 'ShipmentDelivered',
      data: {
        orderId,
        dealerId,
        shipmentId: shipment.shipmentId,
        deliveredAt: new Date(deliveredAt).toISOString(),
        receivedBy: command.receivedBy,
        orderStatus,
      },
    },
  ];
}

/** Completion closes a delivered order: no more returns. Ops or finance close it once no return is open. */
export function decideCompleteOrder(state: PlacedOrder, command: { now: string }): Decided {
  const { orderId, dealerId } = state.order;
  if (state.status !== 'delivered') return illegal(state.status, 'completed');
  const open = state.returns.find((candidate) => candidate.status !== 'rejected' && candidate.status !== 'refunded');
  if (open) return refuse('return_open', `Return ${open.returnId} is ${open.status}; finish it before completing the order`, 'conflict');
  return [{ type: 'OrderCompleted', data: { orderId, dealerId, completedAt: command.now } }];
}

/** A prepay order's payment; paid in full, the order is released to the warehouse in the same append. */
export function decideOrderPayment(state: PlacedOrder, command: RecordOrderPayment): Decided {
  const { orderId, dealerId, totals } = state.order;
  const earlier = state.payments.find((payment) => payment.paymentId === command.paymentId);
  if (earlier) {
    if (earlier.amountMinor === command.amountMinor) return [];
    return refuse('payment_already_recorded', `Payment ${command.paymentId} was already recorded with another amount`, 'conflict');
  }
  if (!state.order.prepay) return refuse('not_prepay', `Order ${orderId} is on credit; record the dealer's payment on its ledger`);
  if (state.status !== 'awaiting_payment') return illegal(state.status, 'paid');
  const due = totals.totalMinor - state.paidMinor;
  if (command.amountMinor > due)
    return refuse('payment_exceeds_due', `Order ${orderId} has ${due} left to pay; ${command.amountMinor} was offered`);
  const { paymentId, amountMinor, reference, now } = command;
  const events: FulfillmentEvent[] = [
    { type: 'OrderPaymentRecorded', data: { orderId, dealerId, paymentId, amountMinor, reference, paidAt: now } },
  ];
  if (amountMinor === due) events.push({ type: 'OrderReleased', data: { orderId, dealerId, releasedAt: now } });
  return events;
}

/** What the order still holds once a shipment picked and charged its part (a prepay order holds no credit). */
export function afterDispatch(reservations: Reservations, data: ShipmentDispatchedData): Reservations {
  const stock = reservations.stock
    .map((held) => ({
      ...held,
      qty:
        held.qty - sum(data.lines.filter((line) => line.sku === held.sku && line.warehouseId === held.warehouseId).map((line) => line.qty)),
    }))
    .filter((held) => held.qty > 0);
  return { ...reservations, stock, creditMinor: Math.max(0, reservations.creditMinor - data.amountMinor) };
}

const withShipment = (state: PlacedOrder, shipmentId: string, change: (shipment: Shipment) => Shipment): Shipment[] =>
  state.shipments.map((shipment) => (shipment.shipmentId === shipmentId ? change(shipment) : shipment));

export function evolveFulfillment(state: PlacedOrder, event: FulfillmentEvent): PlacedOrder {
  switch (event.type) {
    case 'ShipmentPlanned': {
      const { shipmentId, lines, amountMinor, carrier, trackingNumber, dueDate, plannedAt } = event.data;
      const shipment: Shipment = {
        shipmentId,
        status: 'planned',
        lines: lines.map((line) => ({ ...line, lots: [] })),
        amountMinor,
        carrier,
        trackingNumber,
        dueDate,
        plannedAt,
        shippedAt: null,
        deliveredAt: null,
        receivedBy: null,
        ...NO_TRACKING,
      };
      return { ...state, shipments: [...state.shipments, shipment] };
    }
    case 'ShipmentDispatched': {
      const { data } = event;
      return {
        ...state,
        status: data.orderStatus,
        reservations: afterDispatch(state.reservations, data),
        shipments: withShipment(state, data.shipmentId, (shipment) => ({
          ...shipment,
          status: 'dispatched',
          lines: data.lines,
          shippedAt: data.shippedAt,
        })),
      };
    }
    case 'ShipmentDelivered': {
      const { shipmentId, deliveredAt, receivedBy, orderStatus } = event.data;
      return {
        ...state,
        status: orderStatus,
        shipments: withShipment(state, shipmentId, (shipment) => ({ ...shipment, status: 'delivered', deliveredAt, receivedBy })),
      };
    }
    case 'OrderCompleted':
      return { ...state, status: 'completed', completedAt: event.data.completedAt };
    case 'OrderPaymentRecorded': {
      const { paymentId, amountMinor, reference, paidAt } = event.data;
      return {
        ...state,
        paidMinor: state.paidMinor + amountMinor,
        payments: [...state.payments, { paymentId, amountMinor, reference, paidAt }],
      };
    }
    case 'OrderReleased':
      return { ...state, status: 'approved', released: true };
  }
}
