// The dealer's own approval step: a buyer's order over its spending limits waits until the dealer's
// owner answers. Approved, it is reviewed then as any order is at placement (stock, credit,
// territory, risk), at the price it was placed at, and recorded with what it reserves in one atomic
// append; rejected, it ends there, having held nothing.
import type { Db } from '../db/database.ts';
import { productDecider, productStream, type ProductState } from '../domain/catalog/product.ts';
import { creditLedgerDecider, creditStream } from '../domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream } from '../domain/dealers/dealer.ts';
import { buyerSpendDecider, buyerSpendStream } from '../domain/ordering/buyer-spend.ts';
import { orderDecider, orderStream, type OrderState, type PlacedOrder } from '../domain/ordering/order.ts';
import { quantitiesOf, reviewCart, type PlacementRequest } from '../domain/ordering/placement.ts';
import { promotionDecider, promotionStream } from '../domain/promotions/promotion.ts';
import { businessMonthOf } from '../domain/shared/calendar.ts';
import { isRefusal, refuse, type Refusal } from '../domain/shared/decider.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import type { Workspace } from '../eventstore/workspace.ts';
import { dealerOrderHistoryHint } from '../projections/orders/queries.ts';
import { actOnOrder, redeemable, type ActionResult } from './order-actions.ts';
import { NO_HISTORY, recordHoldings } from './order-placement.ts';
import { loadStockSources, stockSourcesOf } from './stock-sources.ts';

export type DealerApprovalDeps = { commands: CommandHandler; db: Db };

const awaiting = (order: OrderState, orderId: string, to: string): PlacedOrder | Refusal => {
  if (!order.exists) return refuse('order_not_found', `Order ${orderId} does not exist`, 'not_found');
  if (order.status !== 'awaiting_dealer_approval')
    return refuse('illegal_transition', `An order that is ${order.status} cannot be ${to}`, 'conflict');
  return order;
};

async function decideApproval(
  deps: DealerApprovalDeps,
  workspace: Workspace,
  orderId: string,
  note: string | null,
  context: CommandContext,
): Promise<PlacedOrder | Refusal> {
  const order = awaiting(await workspace.load(orderDecider, orderStream(orderId)), orderId, 'approved by the dealer');
  if (isRefusal(order)) return order;
  const placed = order.order;
  const quantities = quantitiesOf(placed);
  const skus = [...quantities.keys()];
  const buyer = placed.placedBy?.dealerRole === 'buyer' ? placed.placedBy.userId : undefined;
  const promotionIds = [
    ...new Set([
      ...placed.lines.flatMap((line) => line.promotions.map((promotion) => promotion.id)),
      ...placed.gifts.map((gift) => gift.promotionId),
    ]),
  ];
  const [history] = await Promise.all([
    dealerOrderHistoryHint(deps.db, { dealerId: placed.dealerId, skus: placed.lines.map((line) => line.sku) }),
    workspace.load(dealerDecider, dealerStream(placed.dealerId)),
    workspace.load(creditLedgerDecider, creditStream(placed.dealerId)),
    loadStockSources(workspace, skus),
    ...skus.map((sku) => workspace.load(productDecider, productStream(sku))),
    ...promotionIds.map((id) => workspace.load(promotionDecider, promotionStream(id))),
    ...(buyer ? [workspace.load(buyerSpendDecider, buyerSpendStream(buyer))] : []),
  ]);
  const dealer = workspace.stateOf(dealerDecider, dealerStream(placed.dealerId));
  if (!dealer.exists) throw new Error(`Order ${orderId} belongs to dealer ${placed.dealerId}, who does not exist`);
  const products = new Map<string, ProductState>(skus.map((sku) => [sku, workspace.stateOf(productDecider, productStream(sku))]));
  const sold = (sku: string) => {
    const product = products.get(sku);
    return product?.exists === true && product.product.active;
  };
  const request: PlacementRequest = {
    orderId,
    dealerId: placed.dealerId,
    channel: placed.channel,
    lines: placed.lines.map(({ sku, qty }) => ({ sku, qty })),
    regionCode: placed.regionCode,
    deliveryAddress: placed.deliveryAddress,
    note: placed.note,
    reorderOf: placed.reorderOf,
    placedBy: placed.placedBy ?? null,
  };
  const cart = {
    lines: placed.lines,
    gifts: placed.gifts,
    totals: placed.totals,
    applied: [],
    capsReached: [],
    unknownSkus: placed.lines.map((line) => line.sku).filter((sku) => !sold(sku)),
    notApplied: [],
    budgetUses: placed.budgetUses ?? {},
  };
  const facts = {
    dealer: dealer.dealer,
    credit: workspace.stateOf(creditLedgerDecider, creditStream(placed.dealerId)),
    products,
    stock: stockSourcesOf(workspace, skus),
    promotions: [],
    history: history ?? NO_HISTORY,
    now: context.now,
  };
  const redeem = redeemable(workspace, order, context);
  if (isRefusal(redeem)) return redeem;
  const decision = reviewCart(request, cart, facts, redeem);
  const outcomes = [
    workspace.decide(orderDecider, orderStream(orderId), { type: 'ApproveForDealer', data: { note, review: decision.review } }, context),
    ...recordHoldings(
      workspace,
      {
        orderId,
        dealerId: placed.dealerId,
        buyer,
        month: businessMonthOf(new Date(placed.placedAt)),
        totalMinor: placed.totals.totalMinor,
        rejected: decision.verdict.decision === 'rejected',
        budgetUses: placed.budgetUses,
      },
      decision.reservations,
      context,
    ),
  ];
  const refusal = outcomes.find(isRefusal);
  if (refusal) return refusal;
  const after = workspace.stateOf(orderDecider, orderStream(orderId));
  if (!after.exists) throw new Error(`Order ${orderId} vanished from its own stream`);
  return after;
}

/** The dealer's owner approves its buyer's order: the automated review runs now. */
export function approveForDealer(
  deps: DealerApprovalDeps,
  orderId: string,
  note: string | null,
  context: CommandContext,
): Promise<ActionResult> {
  return actOnOrder(deps, orderId, (workspace) => decideApproval(deps, workspace, orderId, note, context));
}

/** The dealer's owner rejects its buyer's order; it held nothing, so nothing is given back. */
export function rejectForDealer(deps: DealerApprovalDeps, orderId: string, reason: string, context: CommandContext): Promise<ActionResult> {
  return actOnOrder(deps, orderId, async (workspace) => {
    const order = awaiting(await workspace.load(orderDecider, orderStream(orderId)), orderId, 'rejected by the dealer');
    if (isRefusal(order)) return order;
    const rejected = workspace.decide(orderDecider, orderStream(orderId), { type: 'RejectForDealer', data: { reason } }, context);
    if (isRefusal(rejected)) return rejected;
    const after = workspace.stateOf(orderDecider, orderStream(orderId));
    return after.exists ? after : refuse('order_not_found', `Order ${orderId} does not exist`, 'not_found');
  });
}
