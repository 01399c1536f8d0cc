// The return process after approval, each step one atomic multi-stream append. Receiving records
// the receipt on the order together with the goods put back on the stock streams (ReturnStock,
// keyed by the return id). Refunding records the refund on the order together with the credit note
// on the dealer's ledger (named after the return) and what the returned goods brought to the dealer's
// volume rebates taken back; it also puts back any goods a receipt recorded by
// an older version of this process left off the stock streams. A repeated step changes nothing.
import { randomBytes } from 'node:crypto';
import { creditLedgerDecider, creditStream } from '../domain/credit/credit-ledger.ts';
import { stockDecider, stockStream, type ReturnedLot, type ReturnStock } from '../domain/inventory/stock.ts';
import { warehouseDecider, warehouseStream } from '../domain/inventory/warehouse.ts';
import {
  orderDecider,
  orderStream,
  type OrderCommand,
  type OrderReturn,
  type OrderState,
  type PlacedOrder,
  type ReceivedLine,
} from '../domain/ordering/order.ts';
import type { ReceiveLineInput } from '../domain/ordering/returns.ts';
import { isRefusal, refuse, type Refusal } from '../domain/shared/decider.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import type { Workspace } from '../eventstore/workspace.ts';
import { reduceRebates } from './rebates.ts';

export type ReturnDeps = { commands: CommandHandler };

export type ReturnOutcome =
  { ok: true; state: PlacedOrder; held: OrderReturn; changed: boolean; position: string | undefined } | { ok: false; refusal: Refusal };

export const newReturnId = () => `R-${randomBytes(8).toString('hex').toUpperCase()}`;

type Recorded = { state: PlacedOrder; held: OrderReturn; changed: boolean };

async function loadOrder(workspace: Workspace, orderId: string): Promise<PlacedOrder | Refusal> {
  const state: OrderState = await workspace.load(orderDecider, orderStream(orderId));
  return state.exists ? state : refuse('order_not_found', `Order ${orderId} does not exist`, 'not_found');
}

const findReturn = (state: PlacedOrder, returnId: string) => state.returns.find((held) => held.returnId === returnId);

/** The warehouse each received lot shipped from in this order, whose stock stream knows the lot's dates. */
function shippedFrom(state: PlacedOrder, line: ReceivedLine): string[] {
  return state.shipments.flatMap((shipment) =>
    shipment.lines
      .filter((shipped) => shipped.sku === line.sku && shipped.lots.some((lot) => lot.lot === line.lot))
      .map((shipped) => shipped.warehouseId),
  );
}

/** The stock commands that put a return's received lines back: one per SKU and warehouse. */
async function stockCommands(
  workspace: Workspace,
  state: PlacedOrder,
  returnId: string,
  lines: readonly ReceivedLine[],
): Promise<ReturnStock[] | Refusal> {
  const streams = new Set(
    lines.flatMap((line) => [line.warehouseId, ...shippedFrom(state, line)].map((warehouseId) => stockStream(line.sku, warehouseId))),
  );
  const warehouses = new Set(lines.map((line) => line.warehouseId));
  await Promise.all([
    ...[...streams].map((stream) => workspace.load(stockDecider, stream)),
    ...[...warehouses].map((warehouseId) => workspace.load(warehouseDecider, warehouseStream(warehouseId))),
  ]);
  for (const warehouseId of warehouses) {
    if (!workspace.stateOf(warehouseDecider, warehouseStream(warehouseId)).exists)
      return refuse('warehouse_not_found', `Warehouse ${warehouseId} does not exist`);
  }
  const byStream = new Map<string, ReturnStock>();
  for (const line of lines) {
    const { sku, warehouseId, lot, qty, disposition } = line;
    const dates = shippedFrom(state, line)
      .map((from) => workspace.stateOf(stockDecider, stockStream(sku, from)).lots.get(lot))
      .find((known) => known !== undefined);
    if (!dates) throw new Error(`Lot ${lot} of ${sku} did not ship in order ${state.order.orderId}`);
    const returned: ReturnedLot = { lot, productionDate: dates.productionDate, expiryDate: dates.expiryDate, qty, disposition };
    const stream = stockStream(sku, warehouseId);
    const command = byStream.get(stream) ?? { sku, warehouseId, orderId: state.order.orderId, returnId, lots: [] };
    command.lots.push(returned);
    byStream.set(stream, command);
  }
  return [...byStream.values()];
}

/** Puts the goods back on their stock streams (a repeat changes nothing); the first refusal, if any. */
function restock(workspace: Workspace, commands: readonly ReturnStock[], context: CommandContext): Refusal | undefined {
  for (const command of commands) {
    const decision = workspace.decide(
      stockDecider,
      stockStream(command.sku, command.warehouseId),
      { type: 'ReturnStock', data: command },
      context,
    );
    if (isRefusal(decision)) return decision;
  }
  return undefined;
}

/** Decides `command` on the order; the outcome names the return. */
function onOrder(
  workspace: Workspace,
  orderId: string,
  returnId: string,
  command: OrderCommand,
  context: CommandContext,
): Recorded | Refusal {
  const decision = workspace.decide(orderDecider, orderStream(orderId), command, context);
  if (isRefusal(decision)) return decision;
  const after = workspace.stateOf(orderDecider, orderStream(orderId));
  if (!after.exists) throw new Error(`Order ${orderId} vanished from its own stream`);
  return { state: after, held: findReturn(after, returnId)!, changed: decision.length > 0 };
}

async function run(deps: ReturnDeps, step: (workspace: Workspace) => Promise<Recorded | Refusal>): Promise<ReturnOutcome> {
  const { result, position } = await deps.commands.transact(step);
  if (isRefusal(result)) return { ok: false, refusal: result };
  return { ok: true, ...result, position: result.changed ? position : undefined };
}

export function receiveReturn(
  deps: ReturnDeps,
  request: { orderId: string; returnId: string; lines: ReceiveLineInput[] },
  context: CommandContext,
): Promise<ReturnOutcome> {
  return run(deps, async (workspace) => {
    const state = await loadOrder(workspace, request.orderId);
    if (isRefusal(state)) return state;
    const command: OrderCommand = {
      type: 'ReceiveReturn',
      data: { returnId: request.returnId, lines: request.lines, now: context.now.toISOString() },
    };
    const recorded = onOrder(workspace, request.orderId, request.returnId, command, context);
    if (isRefusal(recorded)) return recorded;
    const stock = await stockCommands(workspace, recorded.state, request.returnId, recorded.held.received);
    if (isRefusal(stock)) return stock;
    const problem = restock(workspace, stock, context);
    if (problem) return problem;
    return { ...recorded, changed: workspace.hasEvents };
  });
}

export function refundReturn(
  deps: ReturnDeps,
  request: { orderId: string; returnId: string },
  context: CommandContext,
): Promise<ReturnOutcome> {
  return run(deps, async (workspace) => {
    const state = await loadOrder(workspace, request.orderId);
    if (isRefusal(state)) return state;
    const command: OrderCommand = { type: 'RefundReturn', data: { returnId: request.returnId, now: context.now.toISOString() } };
    const decision = orderDecider.decide(command, state);
    if (isRefusal(decision)) return decision;
    const held = findReturn(state, request.returnId)!;
    const stock = await stockCommands(workspace, state, held.returnId, held.received);
    if (isRefusal(stock)) return stock;
    const problem = restock(workspace, stock, context);
    if (problem) return problem;
    const refund = decision[0]?.type === 'ReturnRefunded' ? decision[0].data : undefined;
    if (refund?.creditNoteId) {
      const { dealerId, orderId } = state.order;
      await workspace.load(creditLedgerDecider, creditStream(dealerId));
      const issued = workspace.decide(
        creditLedgerDecider,
        creditStream(dealerId),
        {
          type: 'IssueCreditNote',
          data: {
            dealerId,
            creditNoteId: refund.creditNoteId,
            amountMinor: refund.amountMinor,
            reason: `Refund of return ${held.returnId} of order ${orderId}`,
            orderId,
          },
        },
        context,
      );
      if (isRefusal(issued)) return issued;
    }
    const recorded = onOrder(workspace, request.orderId, held.returnId, command, context);
    if (isRefusal(recorded)) return recorded;
    if (refund && refund.amountMinor > 0) {
      const rebated = await reduceRebates(workspace, state, held.returnId, held.lines, context);
      if (rebated) return rebated;
    }
    return { ...recorded, changed: workspace.hasEvents };
  });
}
