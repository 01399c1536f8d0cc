// The shipment process, one atomic multi-stream append: the shipment planned on the order (which
// warehouse ships what, and its value), each line picked first-expiry-first-out from the order's
// reservation on its stock stream, its value charged to the dealer's credit (moving reservation to
// outstanding), the dispatch recorded with the lots picked, and its eligible value accrued to the
// dealer's volume rebates. Either all of it is recorded or nothing is; the shipment id makes a retry
// answer the shipment already recorded.
import { randomBytes } from 'node:crypto';
import { creditLedgerDecider, creditStream } from '../domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream, dueDateFor } from '../domain/dealers/dealer.ts';
import { stockDecider, stockStream, type StockPickedData } from '../domain/inventory/stock.ts';
import { shipmentMatches } from '../domain/ordering/fulfillment.ts';
import { orderDecider, orderStream, type OrderState, type PlacedOrder, type Shipment, type ShippedLot } from '../domain/ordering/order.ts';
import { businessDayOf } from '../domain/shared/calendar.ts';
import { isRefusal, refuse, type Refusal } from '../domain/shared/decider.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { Workspace } from '../eventstore/workspace.ts';
import { accrueRebates } from './rebates.ts';

export type ShipmentDeps = { commands: CommandHandler; store: EventStore };

export type ShipmentRequest = {
  orderId: string;
  shipmentId: string;
  lines: { sku: string; qty: number }[];
  carrier: string | null;
  trackingNumber: string | null;
};

export type ShipmentOutcome =
  { ok: true; state: PlacedOrder; shipment: Shipment; created: boolean; position: string | undefined } | { ok: false; refusal: Refusal };

export const newShipmentId = () => `S-${randomBytes(8).toString('hex').toUpperCase()}`;

type Recorded = { state: PlacedOrder; shipment: Shipment; created: boolean };

/**
 * The pick made for this shipment on a stock stream by an earlier attempt (read back from the
 * stream): only a shipment planned by an older version of this process, which picked line by line,
 * can have one without being dispatched.
 */
async function earlierPick(store: EventStore, stream: string, shipmentId: string): Promise<StockPickedData | undefined> {
  const pageSize = 200;
  let fromRevision: number | undefined;
  for (;;) {
    const page = await store.readStream(stream, {
      direction: 'backwards',
      maxCount: pageSize,
      ...(fromRevision !== undefined && { fromRevision }),
    });
    const found = page.find((event) => event.type === 'StockPicked' && (event.data as StockPickedData).shipmentId === shipmentId);
    if (found) return found.data as StockPickedData;
    const last = page[page.length - 1];
    if (page.length < pageSize || !last || last.revision === 0) return undefined;
    fromRevision = last.revision - 1;
  }
}

const orderOf = (workspace: Workspace, orderId: string): PlacedOrder => {
  const state: OrderState = workspace.stateOf(orderDecider, orderStream(orderId));
  if (!state.exists) throw new Error(`Order ${orderId} vanished from its own stream`);
  return state;
};

/** Picks every line of a planned shipment; the lots of each, or the refusal that stops the shipment. */
async function pick(deps: ShipmentDeps, workspace: Workspace, state: PlacedOrder, shipment: Shipment, context: CommandContext) {
  const { orderId } = state.order;
  const { shipmentId } = shipment;
  const today = businessDayOf(context.now);
  await Promise.all(shipment.lines.map((line) => workspace.load(stockDecider, stockStream(line.sku, line.warehouseId))));
  const picks: { sku: string; warehouseId: string; lots: ShippedLot[] }[] = [];
  for (const { sku, warehouseId, qty } of shipment.lines) {
    const stream = stockStream(sku, warehouseId);
    const decision = workspace.decide(
      stockDecider,
      stream,
      { type: 'PickStock', data: { sku, warehouseId, orderId, shipmentId, qty, today } },
      context,
    );
    if (isRefusal(decision)) return decision;
    const picked = decision[0]?.type === 'StockPicked' ? decision[0].data : await earlierPick(deps.store, stream, shipmentId);
    if (!picked || picked.orderId !== orderId || picked.qty !== qty) {
      return refuse(
        'shipment_id_taken',
        `Shipment ${shipmentId} at ${warehouseId} was picked for something else; use another shipment id`,
        'conflict',
      );
    }
    if (decision.length > 0 && picked.fromReservation < qty) {
      return refuse(
        'not_reserved',
        `Order ${orderId} holds ${picked.fromReservation} of ${sku} reserved at ${warehouseId}, ${qty} planned`,
      );
    }
    picks.push({ sku, warehouseId, lots: picked.lots });
  }
  return picks;
}

async function record(
  deps: ShipmentDeps,
  workspace: Workspace,
  request: ShipmentRequest,
  context: CommandContext,
): Promise<Recorded | Refusal> {
  const { orderId, shipmentId } = request;
  const loaded: OrderState = await workspace.load(orderDecider, orderStream(orderId));
  if (!loaded.exists) return refuse('order_not_found', `Order ${orderId} does not exist`, 'not_found');
  const earlier = loaded.shipments.find((candidate) => candidate.shipmentId === shipmentId);
  if (earlier && !shipmentMatches(earlier, request)) {
    return refuse(
      'shipment_conflict',
      `Shipment ${shipmentId} was already recorded with other lines, carrier or tracking number`,
      'conflict',
    );
  }
  if (earlier && earlier.status !== 'planned') return { state: loaded, shipment: earlier, created: false };
  if (!earlier) {
    let dueDate: string | null = null;
    if (!loaded.order.prepay) {
      const dealer = await workspace.load(dealerDecider, dealerStream(loaded.order.dealerId));
      if (!dealer.exists) throw new Error(`Order ${orderId} belongs to dealer ${loaded.order.dealerId}, who does not exist`);
      dueDate = dueDateFor(context.now, dealer.dealer.paymentTermsDays);
    }
    const { lines, carrier, trackingNumber } = request;
    const planned = workspace.decide(
      orderDecider,
      orderStream(orderId),
      { type: 'PlanShipment', data: { shipmentId, lines, carrier, trackingNumber, dueDate, now: context.now.toISOString() } },
      context,
    );
    if (isRefusal(planned)) return planned;
  }
  const state = orderOf(workspace, orderId);
  const shipment = state.shipments.find((candidate) => candidate.shipmentId === shipmentId)!;
  const picks = await pick(deps, workspace, state, shipment, context);
  if (isRefusal(picks)) return picks;
  if (shipment.dueDate !== null && shipment.amountMinor > 0) {
    const { dealerId } = state.order;
    await workspace.load(creditLedgerDecider, creditStream(dealerId));
    const charged = workspace.decide(
      creditLedgerDecider,
      creditStream(dealerId),
      { type: 'ChargeCredit', data: { dealerId, orderId, shipmentId, amountMinor: shipment.amountMinor, dueDate: shipment.dueDate } },
      context,
    );
    if (isRefusal(charged)) return charged;
  }
  const dispatched = workspace.decide(
    orderDecider,
    orderStream(orderId),
    { type: 'DispatchShipment', data: { shipmentId, picks, now: context.now.toISOString() } },
    context,
  );
  if (isRefusal(dispatched)) return dispatched;
  const after = orderOf(workspace, orderId);
  const sent = after.shipments.find((candidate) => candidate.shipmentId === shipmentId)!;
  const rebated = await accrueRebates(workspace, after, sent, context);
  if (rebated) return rebated;
  return { state: after, shipment: sent, created: true };
}

export async function dispatchShipment(deps: ShipmentDeps, request: ShipmentRequest, context: CommandContext): Promise<ShipmentOutcome> {
  const { result, position } = await deps.commands.transact((workspace) => record(deps, workspace, request, context));
  if (isRefusal(result)) return { ok: false, refusal: result };
  return { ok: true, ...result, position: result.created ? position : undefined };
}
