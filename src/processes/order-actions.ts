// What happens to an order after placement: ops approve or reject a held order, the dealer or ops
// cancel. Each is one atomic multi-stream append: the decision on the order together with what it
// reserves again or gives back on the stock, credit and promotion streams.
import { creditLedgerDecider, creditStream } from '../domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream } from '../domain/dealers/dealer.ts';
import { buyerSpendDecider, buyerSpendStream } from '../domain/ordering/buyer-spend.ts';
import { stockDecider, stockStream } from '../domain/inventory/stock.ts';
import { orderDecider, orderStream, type OrderState, type PlacedOrder, type Reservations } from '../domain/ordering/order.ts';
import { allocateCart, quantitiesOf } from '../domain/ordering/placement.ts';
import { availableOf } from '../domain/credit/credit-ledger.ts';
import { isCounted, promotionDecider, promotionStream } from '../domain/promotions/promotion.ts';
import { ownEntry } from '../domain/shared/own-entry.ts';
import { businessDayOf } from '../domain/shared/calendar.ts';
import { isRefusal, refuse, type Refusal } from '../domain/shared/decider.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import type { Workspace } from '../eventstore/workspace.ts';
import { loadStockSources, stockSourcesOf } from './stock-sources.ts';

export type OrderActionDeps = { commands: CommandHandler };

export type ActionResult =
  { ok: true; state: PlacedOrder; revision: number; position: string | undefined } | { ok: false; refusal: Refusal };

async function loadOrder(workspace: Workspace, orderId: string): Promise<PlacedOrder | Refusal> {
  const state: OrderState = await workspace.load(orderDecider, orderStream(orderId));
  return state.exists ? state : refuse('order_not_found', `Order ${orderId} does not exist`, 'not_found');
}

/** The decisions of `workspace` so far on the order, as the action's answer (or the first refusal among them). */
function settled(workspace: Workspace, orderId: string, outcomes: readonly (readonly unknown[] | Refusal)[]): PlacedOrder | Refusal {
  const refusal = outcomes.find(isRefusal);
  if (refusal) return refusal;
  const state = workspace.stateOf(orderDecider, orderStream(orderId));
  if (!state.exists) throw new Error(`Order ${orderId} vanished from its own stream`);
  return state;
}

/** Runs an action on an order as one multi-stream decision; answers the order after it, or the refusal. */
export async function actOnOrder(
  deps: OrderActionDeps,
  orderId: string,
  run: (workspace: Workspace) => Promise<PlacedOrder | Refusal>,
): Promise<ActionResult> {
  let revision = -1;
  const { result, position } = await deps.commands.transact(async (workspace) => {
    const outcome = await run(workspace);
    if (!isRefusal(outcome)) revision = workspace.revisionOf(orderStream(orderId));
    return outcome;
  });
  return isRefusal(result) ? { ok: false, refusal: result } : { ok: true, state: result, revision, position };
}

/**
 * The counted promotions the order was priced with that it redeems now. One used up meanwhile
 * is not held (the price stands); but a region's budget is never overspent: if one has no room
 * left for the order, the approval is refused.
 */
export function redeemable(workspace: Workspace, order: PlacedOrder, context: CommandContext): string[] | Refusal {
  const { orderId, dealerId, lines, gifts, budgetUses } = order.order;
  const used = new Set([
    ...lines.flatMap((line) => line.promotions.map((promotion) => promotion.id)),
    ...gifts.map((gift) => gift.promotionId),
  ]);
  const redeem: string[] = [];
  for (const id of used) {
    const state = workspace.stateOf(promotionDecider, promotionStream(id));
    if (!state.exists || !isCounted(state.promotion)) continue;
    const decision = promotionDecider.decide(
      { type: 'RedeemPromotion', data: { orderId, dealerId, now: context.now.toISOString(), use: ownEntry(budgetUses, id) } },
      state,
    );
    if (isRefusal(decision) && decision.code === 'promotion_budget_exhausted') return decision;
    if (!isRefusal(decision)) redeem.push(id);
  }
  return redeem;
}

/**
 * Reserves again what an order held for stock or credit gave back: its lines and gifts from the
 * stocking warehouses, its total on the credit ledger, its capped promotions (those used up meanwhile
 * are not held: ops approving honours the price the order was placed at).
 */
async function reserveAgain(workspace: Workspace, order: PlacedOrder, context: CommandContext): Promise<Reservations | Refusal> {
  const placed = order.order;
  const { orderId, dealerId } = placed;
  const quantities = quantitiesOf(placed);
  const promotionIds = [
    ...new Set([
      ...placed.lines.flatMap((line) => line.promotions.map((promotion) => promotion.id)),
      ...placed.gifts.map((gift) => gift.promotionId),
    ]),
  ];
  const [dealer] = await Promise.all([
    workspace.load(dealerDecider, dealerStream(dealerId)),
    loadStockSources(workspace, quantities.keys()),
    workspace.load(creditLedgerDecider, creditStream(dealerId)),
    ...promotionIds.map((id) => workspace.load(promotionDecider, promotionStream(id))),
  ]);
  const today = businessDayOf(context.now);
  // The dealer's minimum shelf life as it is now, counted from today.
  const minRemainingDays = dealer.exists ? dealer.dealer.minRemainingDays : 0;
  const stock = allocateCart(quantities, stockSourcesOf(workspace, quantities.keys()), placed.regionCode, today, minRemainingDays);
  if (stock.short.length > 0) {
    const eligible = minRemainingDays > 0 ? ` with at least ${minRemainingDays} days of shelf life left` : '';
    return refuse(
      'insufficient_stock',
      stock.short.map((short) => `${short.sku}: ${short.requested} ordered, ${short.available} available${eligible}`).join('; '),
    );
  }
  const creditMinor = !placed.prepay && placed.totals.totalMinor > 0 ? placed.totals.totalMinor : 0;
  if (creditMinor > 0) {
    const available = availableOf(workspace.stateOf(creditLedgerDecider, creditStream(dealerId)));
    if (available < creditMinor)
      return refuse('credit_limit_exceeded', `Order total ${creditMinor} exceeds available credit ${Math.max(0, available)}`);
  }
  const outcomes = [
    ...stock.reservations.map(({ sku, warehouseId, qty }) =>
      workspace.decide(
        stockDecider,
        stockStream(sku, warehouseId),
        { type: 'ReserveStock', data: { sku, warehouseId, orderId, qty, today, minExpiryDate: stock.minExpiryDate } },
        context,
      ),
    ),
    ...(creditMinor > 0
      ? [
          workspace.decide(
            creditLedgerDecider,
            creditStream(dealerId),
            { type: 'ReserveCredit', data: { dealerId, orderId, amountMinor: creditMinor } },
            context,
          ),
        ]
      : []),
  ];
  const refusal = outcomes.find(isRefusal);
  if (refusal) return refusal;
  const redeem = redeemable(workspace, order, context);
  if (isRefusal(redeem)) return redeem;
  for (const id of redeem) {
    workspace.decide(
      promotionDecider,
      promotionStream(id),
      { type: 'RedeemPromotion', data: { orderId, dealerId, now: context.now.toISOString(), use: ownEntry(placed.budgetUses, id) } },
      context,
    );
  }
  return { stock: stock.reservations, creditMinor, promotions: redeem, ...(stock.minExpiryDate && { minExpiryDate: stock.minExpiryDate }) };
}

/**
 * Approves a held order. One held for territory or risk still holds its reservations; one held for
 * stock or credit reserves again now, and the approval is refused (writing nothing) if that fails.
 */
export function approveHeldOrder(
  deps: OrderActionDeps,
  orderId: string,
  note: string | null,
  context: CommandContext,
): Promise<ActionResult> {
  return actOnOrder(deps, orderId, async (workspace) => {
    const order = await loadOrder(workspace, orderId);
    if (isRefusal(order)) return order;
    if (order.status !== 'on_hold') return refuse('illegal_transition', `An order that is ${order.status} cannot be approved`, 'conflict');
    const reservations = order.reservations.stock.length > 0 ? order.reservations : await reserveAgain(workspace, order, context);
    if (isRefusal(reservations)) return reservations;
    return settled(workspace, orderId, [
      workspace.decide(orderDecider, orderStream(orderId), { type: 'ApproveHeldOrder', data: { note, reservations } }, context),
    ]);
  });
}

/** Gives back everything the order holds, on each stream it holds it on. */
async function release(workspace: Workspace, order: PlacedOrder, holdings: Reservations, context: CommandContext) {
  const { orderId, dealerId } = order.order;
  await Promise.all([
    ...holdings.stock.map(({ sku, warehouseId }) => workspace.load(stockDecider, stockStream(sku, warehouseId))),
    ...holdings.promotions.map((id) => workspace.load(promotionDecider, promotionStream(id))),
    ...(holdings.creditMinor > 0 ? [workspace.load(creditLedgerDecider, creditStream(dealerId))] : []),
  ]);
  return [
    ...holdings.stock.map(({ sku, warehouseId }) =>
      workspace.decide(stockDecider, stockStream(sku, warehouseId), { type: 'ReleaseStock', data: { sku, warehouseId, orderId } }, context),
    ),
    ...holdings.promotions.map((id) =>
      workspace.decide(promotionDecider, promotionStream(id), { type: 'ReleasePromotion', data: { orderId } }, context),
    ),
    ...(holdings.creditMinor > 0
      ? [workspace.decide(creditLedgerDecider, creditStream(dealerId), { type: 'ReleaseCredit', data: { dealerId, orderId } }, context)]
      : []),
  ];
}

function endOrder(
  deps: OrderActionDeps,
  orderId: string,
  command: { type: 'RejectHeldOrder'; data: { reason: string } } | { type: 'CancelOrder'; data: { reason: string | null } },
  context: CommandContext,
): Promise<ActionResult> {
  return actOnOrder(deps, orderId, async (workspace) => {
    const order = await loadOrder(workspace, orderId);
    if (isRefusal(order)) return order;
    const ended = workspace.decide(orderDecider, orderStream(orderId), command, context);
    if (isRefusal(ended)) return ended;
    // A buyer's order no longer counts against its monthly limit.
    const buyer = order.order.placedBy?.dealerRole === 'buyer' ? order.order.placedBy.userId : undefined;
    if (buyer !== undefined) await workspace.load(buyerSpendDecider, buyerSpendStream(buyer));
    const unspent =
      buyer === undefined
        ? []
        : [
            workspace.decide(
              buyerSpendDecider,
              buyerSpendStream(buyer),
              { type: 'ReleaseSpend', data: { userId: buyer, orderId } },
              context,
            ),
          ];
    return settled(workspace, orderId, [ended, ...(await release(workspace, order, order.reservations, context)), ...unspent]);
  });
}

export const rejectHeldOrder = (deps: OrderActionDeps, orderId: string, reason: string, context: CommandContext) =>
  endOrder(deps, orderId, { type: 'RejectHeldOrder', data: { reason } }, context);

export const cancelOrder = (deps: OrderActionDeps, orderId: string, reason: string | null, context: CommandContext) =>
  endOrder(deps, orderId, { type: 'CancelOrder', data: { reason } }, context);
