// The return process after approval. Receiving records the receipt on the order first (the
// decision), then puts the goods back on the stock streams (ReturnStock, keyed by the return id);
// refunding makes sure those stock steps happened, issues the credit note on the dealer's ledger
// (named after the return), then records the refund. Every step is idempotent, so a retry — or,
// for an interrupted receipt, the refund — completes whatever a crash left half done. What could
// fail on the stock streams is tried first, so a receipt that cannot be stocked writes nothing.
import { randomBytes } from 'node:crypto';
import { creditLedgerDecider, creditStream } from '../domain/credit/credit-ledger.ts';
import { stockDecider, stockStream, type ReturnedLot, type ReturnStock } from '../domain/inventory/stock.ts';
import { warehouseDecider, warehouseStream } from '../domain/inventory/warehouse.ts';
import { orderDecider, orderStream, type OrderCommand, type PlacedOrder } from '../domain/ordering/order.ts';
import type { OrderReturn, ReceivedLine, ReceiveLineInput } from '../domain/ordering/returns.ts';
import { isRefusal, refuse, type Refusal } from '../domain/shared/decider.ts';
import type { CommandContext } from '../eventstore/command-handler.ts';
import type { HoldingsDeps } from './holdings.ts';

export type ReturnOutcome = { ok: true; state: PlacedOrder; held: OrderReturn; changed: boolean; position: string | undefined } | { ok: false; refusal: Refusal };

export const newReturnId = () => `R-${randomBytes(8).toString('hex').toUpperCase()}`;

const refused = (refusal: Refusal): ReturnOutcome => ({ ok: false, refusal });

async function loadOrder(deps: HoldingsDeps, orderId: string): Promise<PlacedOrder | Refusal> {
  const { state } = await deps.commands.load(orderDecider, orderStream(orderId));
  return state.exists ? state : refuse('order_not_found', `Order ${orderId} does not exist`, 'not_found');
}

const findReturn = (state: PlacedOrder, returnId: string) => state.returns.find((held) => held.returnId === returnId);

/** A lot's dates, from the stock stream it shipped from in this order. */
async function lotDates(deps: HoldingsDeps, state: PlacedOrder, line: ReceivedLine): Promise<{ productionDate: string; expiryDate: string }> {
  for (const shipment of state.shipments) {
    for (const shipped of shipment.lines.filter((candidate) => candidate.sku === line.sku && candidate.lots.some((lot) => lot.lot === line.lot))) {
      const { state: stock } = await deps.commands.load(stockDecider, stockStream(line.sku, shipped.warehouseId));
      const lot = stock.lots.get(line.lot);
      if (lot) return { productionDate: lot.productionDate, expiryDate: lot.expiryDate };
    }
  }
  throw new Error(`Lot ${line.lot} of ${line.sku} did not ship in order ${state.order.orderId}`);
}

/** The stock commands that put a return's received lines back: one per SKU and warehouse. */
async function stockCommands(deps: HoldingsDeps, state: PlacedOrder, returnId: string, lines: readonly ReceivedLine[]): Promise<ReturnStock[]> {
  const byStream = new Map<string, ReturnStock>();
  for (const line of lines) {
    const { sku, warehouseId, lot, qty, disposition } = line;
    const returned: ReturnedLot = { lot, ...(await lotDates(deps, state, line)), qty, disposition };
    const stream = stockStream(sku, warehouseId);
    const command = byStream.get(stream) ?? { sku, warehouseId, orderId: state.order.orderId, returnId, lots: [] };
    command.lots.push(returned);
    byStream.set(stream, command);
  }
  return [...byStream.values()];
}

/** Refused if a stock stream would refuse its part (a warehouse that does not exist, a lot known there with other dates). */
async function checkStock(deps: HoldingsDeps, commands: readonly ReturnStock[]): Promise<Refusal | undefined> {
  for (const command of commands) {
    const { state: warehouse } = await deps.commands.load(warehouseDecider, warehouseStream(command.warehouseId));
    if (!warehouse.exists) return refuse('warehouse_not_found', `Warehouse ${command.warehouseId} does not exist`);
    const { state: stock } = await deps.commands.load(stockDecider, stockStream(command.sku, command.warehouseId));
    const decision = stockDecider.decide({ type: 'ReturnStock', data: command }, stock);
    if (isRefusal(decision)) return decision;
  }
  return undefined;
}

/** Puts the goods back; answers the refusal, or the positions of what it wrote. */
async function applyStock(deps: HoldingsDeps, commands: readonly ReturnStock[], context: CommandContext): Promise<Refusal | (string | undefined)[]> {
  const handled = await Promise.all(
    commands.map((command) => deps.commands.handle(stockDecider, stockStream(command.sku, command.warehouseId), { type: 'ReturnStock', data: command }, context)),
  );
  const refusal = handled.find((outcome) => !outcome.ok)?.refusal;
  return refusal ?? handled.map((outcome) => (outcome.ok ? outcome.position : undefined));
}

const latest = (...positions: (string | undefined)[]) =>
  positions.reduce<string | undefined>((a, b) => (a === undefined ? b : b === undefined ? a : BigInt(a) >= BigInt(b) ? a : b), undefined);

/** Records `command` on the order unless it would change nothing; the outcome names the return. */
async function recordOnOrder(deps: HoldingsDeps, state: PlacedOrder, returnId: string, command: OrderCommand, context: CommandContext): Promise<ReturnOutcome> {
  const handled = await deps.commands.handle(orderDecider, orderStream(state.order.orderId), command, context);
  if (!handled.ok) return refused(handled.refusal);
  const after = handled.state as PlacedOrder;
  return { ok: true, state: after, held: findReturn(after, returnId)!, changed: handled.events.length > 0, position: handled.position };
}

export async function receiveReturn(
  deps: HoldingsDeps,
  request: { orderId: string; returnId: string; lines: ReceiveLineInput[] },
  context: CommandContext,
): Promise<ReturnOutcome> {
  const state = await loadOrder(deps, request.orderId);
  if (isRefusal(state)) return refused(state);
  const command: OrderCommand = { type: 'ReceiveReturn', data: { returnId: request.returnId, lines: request.lines, now: context.now.toISOString() } };
  const decision = orderDecider.decide(command, state);
  if (isRefusal(decision)) return refused(decision);
  const received = decision[0]?.type === 'ReturnReceived' ? decision[0].data.lines : findReturn(state, request.returnId)!.received;
  const stock = await stockCommands(deps, state, request.returnId, received);
  const problem = await checkStock(deps, stock);
  if (problem) return refused(problem);
  const outcome = await recordOnOrder(deps, state, request.returnId, command, context);
  if (!outcome.ok) return outcome;
  const stocked = await applyStock(deps, stock, context);
  if (isRefusal(stocked)) return refused(stocked);
  return { ...outcome, position: latest(outcome.position, ...stocked) };
}

export async function refundReturn(deps: HoldingsDeps, request: { orderId: string; returnId: string }, context: CommandContext): Promise<ReturnOutcome> {
  const state = await loadOrder(deps, request.orderId);
  if (isRefusal(state)) return refused(state);
  const command: OrderCommand = { type: 'RefundReturn', data: { returnId: request.returnId, now: context.now.toISOString() } };
  const decision = orderDecider.decide(command, state);
  if (isRefusal(decision)) return refused(decision);
  const held = findReturn(state, request.returnId)!;
  const stocked = await applyStock(deps, await stockCommands(deps, state, held.returnId, held.received), context);
  if (isRefusal(stocked)) return refused(stocked);
  const refund = decision[0]?.type === 'ReturnRefunded' ? decision[0].data : undefined;
  let creditPosition: string | undefined;
  if (refund?.creditNoteId) {
    const { dealerId, orderId } = state.order;
    const issued = await deps.commands.handle(
      creditLedgerDecider,
      creditStream(dealerId),
      {
        type: 'IssueCreditNote',
        data: { dealerId, creditNoteId: refund.creditNoteId, amountMinor: refund.amountMinor, reason: `Refund of return ${held.returnId} of order ${orderId}`, orderId },
      },
      context,
    );
    if (!issued.ok) return refused(issued.refusal);
    creditPosition = issued.position;
  }
  const outcome = await recordOnOrder(deps, state, held.returnId, command, context);
  return outcome.ok ? { ...outcome, position: latest(outcome.position, creditPosition, ...stocked) } : outcome;
}
