// The shipment process. Steps, each keyed by the shipment id so that a retry resumes a half-done
// shipment and never repeats a finished step:
//   1. plan it on the order stream (ShipmentPlanned): which warehouse ships what, and its value;
//   2. pick each planned line first-expiry-first-out from the order's reservation (PickStock);
//   3. charge its value to the dealer's credit, moving reservation to outstanding (ChargeCredit);
//   4. record the dispatch with the lots picked (ShipmentDispatched).
// Why in this order: until step 4 the order still claims every stream it reserved on, so the
// holdings sweeper releases nothing of a shipment in flight; and step 1 serialises shipments and
// refuses cancellation, so a crash after a pick can neither be cancelled away nor picked twice.
// Before step 1 the picks and the charge are tried against the streams' current states, so a
// shipment that cannot complete is refused with nothing written.
import { randomBytes } from 'node:crypto';
import { creditLedgerDecider, creditStream } from '../domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream, dueDateFor } from '../domain/dealers/dealer.ts';
import { stockDecider, stockStream, type StockEvent, type StockPickedData } from '../domain/inventory/stock.ts';
import { shipmentMatches, type PlannedLine, type Shipment, type ShippedLot } from '../domain/ordering/fulfillment.ts';
import { orderDecider, orderStream, type OrderCommand, type PlacedOrder } from '../domain/ordering/order.ts';
import { isRefusal, refuse, type Refusal } from '../domain/shared/decider.ts';
import type { CommandContext } from '../eventstore/command-handler.ts';
import type { EventStore } from '../eventstore/port.ts';
import { todayOf, type HoldingsDeps } from './holdings.ts';

export type ShipmentDeps = HoldingsDeps & { store: EventStore };

export type ShipmentRequest = {
  orderId: string;
  shipmentId: string;
  lines: { sku: string; qty: number }[];
  carrier: string | null;
  trackingNumber: string | null;
};

export type ShipmentOutcome =
  | { ok: true; state: PlacedOrder; shipment: Shipment; created: boolean; position: string | undefined }
  | { ok: false; refusal: Refusal };

export const newShipmentId = () => `S-${randomBytes(8).toString('hex').toUpperCase()}`;

const refused = (refusal: Refusal): ShipmentOutcome => ({ ok: false, refusal });

async function loadOrder(deps: HoldingsDeps, orderId: string): Promise<PlacedOrder | Refusal> {
  const { state } = await deps.commands.load(orderDecider, orderStream(orderId));
  return state.exists ? state : refuse('order_not_found', `Order ${orderId} does not exist`, 'not_found');
}

/** What the order stream would answer to `command` now, without recording it. */
function dryRun(state: PlacedOrder, command: OrderCommand) {
  return orderDecider.decide(command, state);
}

/** Tries every pick and the charge against the streams' current states: refused, or all would pass. */
async function checkSteps(deps: ShipmentDeps, state: PlacedOrder, plan: { shipmentId: string; lines: PlannedLine[]; amountMinor: number; dueDate: string | null }, today: string) {
  const { orderId, dealerId } = state.order;
  for (const line of plan.lines) {
    const { sku, warehouseId, qty } = line;
    const { state: stock } = await deps.commands.load(stockDecider, stockStream(sku, warehouseId));
    const decision = stockDecider.decide({ type: 'PickStock', data: { sku, warehouseId, orderId, shipmentId: plan.shipmentId, qty, today } }, stock);
    if (isRefusal(decision)) return decision;
    const picked = decision[0];
    if (picked?.type !== 'StockPicked') return refuse('shipment_id_taken', `Shipment ${plan.shipmentId} was already picked at ${warehouseId}; use another shipment id`, 'conflict');
    if (picked.data.fromReservation < qty) return refuse('not_reserved', `Order ${orderId} holds ${picked.data.fromReservation} of ${sku} reserved at ${warehouseId}, ${qty} planned`);
  }
  if (plan.dueDate !== null && plan.amountMinor > 0) {
    const { state: ledger } = await deps.commands.load(creditLedgerDecider, creditStream(dealerId));
    const command = { type: 'ChargeCredit' as const, data: { dealerId, orderId, shipmentId: plan.shipmentId, amountMinor: plan.amountMinor, dueDate: plan.dueDate } };
    const decision = creditLedgerDecider.decide(command, ledger);
    if (isRefusal(decision)) return decision;
    if (decision.length === 0) return refuse('shipment_id_taken', `Shipment ${plan.shipmentId} was already charged; use another shipment id`, 'conflict');
  }
  return undefined;
}

/** The pick an earlier attempt made for this shipment on a stock stream (its lots), read back from the stream. */
async function earlierPick(store: EventStore, stream: string, shipmentId: string): Promise<StockPickedData | undefined> {
  const pageSize = 200;
  let fromRevision: number | undefined;
  for (;;) {
    const page = await store.readStream(stream, { direction: 'backwards', maxCount: pageSize, ...(fromRevision !== undefined && { fromRevision }) });
    const found = page.find((event) => event.type === 'StockPicked' && (event.data as StockPickedData).shipmentId === shipmentId);
    if (found) return found.data as StockPickedData;
    const last = page[page.length - 1];
    if (page.length < pageSize || !last || last.revision === 0) return undefined;
    fromRevision = last.revision - 1;
  }
}

async function pickLine(deps: ShipmentDeps, state: PlacedOrder, shipmentId: string, line: PlannedLine, context: CommandContext) {
  const { orderId } = state.order;
  const { sku, warehouseId, qty } = line;
  const stream = stockStream(sku, warehouseId);
  const handled = await deps.commands.handle(stockDecider, stream, { type: 'PickStock', data: { sku, warehouseId, orderId, shipmentId, qty, today: todayOf(context.now) } }, context);
  if (!handled.ok) return handled.refusal;
  const justPicked = handled.events.find((event): event is Extract<StockEvent, { type: 'StockPicked' }> => event.type === 'StockPicked');
  const picked = justPicked ? justPicked.data : await earlierPick(deps.store, stream, shipmentId);
  if (!picked || picked.orderId !== orderId || picked.qty !== qty) {
    return refuse('shipment_id_taken', `Shipment ${shipmentId} at ${warehouseId} was picked for something else; use another shipment id`, 'conflict');
  }
  return { sku, warehouseId, lots: picked.lots };
}

/** Plans (or finds the plan of) the shipment, refusing what could not complete. */
async function plan(deps: ShipmentDeps, state: PlacedOrder, request: ShipmentRequest, context: CommandContext) {
  const { order } = state;
  let dueDate: string | null = null;
  if (!order.prepay) {
    const { state: dealer } = await deps.commands.load(dealerDecider, dealerStream(order.dealerId));
    if (!dealer.exists) throw new Error(`Order ${order.orderId} belongs to dealer ${order.dealerId}, who does not exist`);
    dueDate = dueDateFor(context.now, dealer.dealer.paymentTermsDays);
  }
  const { shipmentId, lines, carrier, trackingNumber } = request;
  const command: OrderCommand = { type: 'PlanShipment', data: { shipmentId, lines, carrier, trackingNumber, dueDate, now: context.now.toISOString() } };
  const decision = dryRun(state, command);
  if (isRefusal(decision)) return decision;
  const planned = decision[0];
  if (planned?.type !== 'ShipmentPlanned') throw new Error('A new shipment must be planned');
  const problem = await checkSteps(deps, state, planned.data, todayOf(context.now));
  if (problem) {
    // Another shipment may have taken these units since the order was read: say so, if that is why.
    const current = await loadOrder(deps, order.orderId);
    const decidedNow = isRefusal(current) ? current : dryRun(current, command);
    return isRefusal(decidedNow) ? decidedNow : problem;
  }
  const handled = await deps.commands.handle(orderDecider, orderStream(order.orderId), command, context);
  return handled.ok ? handled : handled.refusal;
}

export async function dispatchShipment(deps: ShipmentDeps, request: ShipmentRequest, context: CommandContext): Promise<ShipmentOutcome> {
  const loaded = await loadOrder(deps, request.orderId);
  if (isRefusal(loaded)) return refused(loaded);
  let state = loaded;
  let position: string | undefined;
  const earlier = state.shipments.find((candidate) => candidate.shipmentId === request.shipmentId);
  if (earlier && !shipmentMatches(earlier, request)) {
    return refused(refuse('shipment_conflict', `Shipment ${request.shipmentId} was already recorded with other lines, carrier or tracking number`, 'conflict'));
  }
  if (earlier && earlier.status !== 'planned') return { ok: true, state, shipment: earlier, created: false, position: undefined };
  if (!earlier) {
    const planned = await plan(deps, state, request, context);
    if (isRefusal(planned)) return refused(planned);
    state = planned.state as PlacedOrder;
    position = planned.position;
  }
  const shipment = state.shipments.find((candidate) => candidate.shipmentId === request.shipmentId)!;

  const picks: { sku: string; warehouseId: string; lots: ShippedLot[] }[] = [];
  const placed = state;
  for (const pick of await Promise.all(shipment.lines.map((line) => pickLine(deps, placed, shipment.shipmentId, line, context)))) {
    if (isRefusal(pick)) return refused(pick);
    picks.push(pick);
  }

  const { orderId, dealerId } = state.order;
  if (shipment.dueDate !== null && shipment.amountMinor > 0) {
    const charged = await deps.commands.handle(
      creditLedgerDecider,
      creditStream(dealerId),
      { type: 'ChargeCredit', data: { dealerId, orderId, shipmentId: shipment.shipmentId, amountMinor: shipment.amountMinor, dueDate: shipment.dueDate } },
      context,
    );
    if (!charged.ok) return refused(charged.refusal);
  }

  const dispatched = await deps.commands.handle(
    orderDecider,
    orderStream(orderId),
    { type: 'DispatchShipment', data: { shipmentId: shipment.shipmentId, picks, now: context.now.toISOString() } },
    context,
  );
  if (!dispatched.ok) return refused(dispatched.refusal);
  state = dispatched.state as PlacedOrder;
  return {
    ok: true,
    state,
    shipment: state.shipments.find((candidate) => candidate.shipmentId === request.shipmentId)!,
    created: true,
    position: dispatched.position ?? position,
  };
}
