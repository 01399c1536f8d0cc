// Order placement: every input that decides an order is read from the write side (stream states,
// through the command handler's cache), the order is decided in memory, and the order with its
// stock, credit and promotion reservations is recorded in one atomic multi-stream append. Placements
// arriving together are decided one after the other against the evolving states and appended as
// one group; a crash leaves either all of a placement or nothing.
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { productDecider, productStream, type ProductState } from '../domain/catalog/product.ts';
import { creditLedgerDecider, creditStream } from '../domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream, type Dealer } from '../domain/dealers/dealer.ts';
import { stockDecider, stockStream } from '../domain/inventory/stock.ts';
import { giftSkusOf, mergeLines } from '../domain/ordering/cart.ts';
import {
  orderDecider,
  orderStream,
  type OrderCommand,
  type OrderState,
  type PlacedOrder,
  type Reservations,
} from '../domain/ordering/order.ts';
import {
  decidePlacement,
  type BuyerFacts,
  type PlacementDecision,
  type PlacementFacts,
  type PlacementRequest,
} from '../domain/ordering/placement.ts';
import { buyerSpendDecider, buyerSpendStream, spentIn } from '../domain/ordering/buyer-spend.ts';
import { isBuyer, userDecider, userStream } from '../domain/accounts/user.ts';
import type { OrderHistory } from '../domain/ordering/risk.ts';
import { promotionIndexDecider, promotionIndexStream, promotionsInForce } from '../domain/promotions/promotion-index.ts';
import { isCounted, promotionDecider, promotionStream, type BudgetUse } from '../domain/promotions/promotion.ts';
import { ownEntry } from '../domain/shared/own-entry.ts';
import { isRefusal, type Refusal } from '../domain/shared/decider.ts';
import { businessMonthOf, businessDayOf } from '../domain/shared/calendar.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import { ConcurrencyError, type EventStore } from '../eventstore/port.ts';
import type { Workspace } from '../eventstore/workspace.ts';
import { dealerOrderHistoryHint } from '../projections/orders/queries.ts';
import { loadStockSources, stockSourcesOf } from './stock-sources.ts';

export type { PlacementRequest } from '../domain/ordering/placement.ts';

export type PlacementDeps = { db: Db; store: EventStore; commands: CommandHandler; logger?: Logger | undefined };

/** A fresh order id, or the same one for the same dealer and Idempotency-Key (so a retry finds its order). */
export function newOrderId(dealerId: string, idempotencyKey?: string): string {
  const body = idempotencyKey
    ? createHash('sha256').update(`${dealerId}\n${idempotencyKey}`).digest('hex').slice(0, 20)
    : randomBytes(10).toString('hex');
  return `O-${body.toUpperCase()}`;
}

export type Placed = { state: PlacedOrder; revision: number; position: string | undefined; created: boolean };

export class DealerNotFoundError extends Error {
  override name = 'DealerNotFoundError';
}

export const NO_HISTORY: OrderHistory = { orderCount: 0, averageTotalMinor: 0, skuQuantities: {}, regionsUsed: [] };

/** Every stream a placement (or a quote) reads, loaded into the workspace: four rounds, each one group read at most. */
export async function loadStreams(
  workspace: Workspace,
  request: { orderId?: string; dealerId: string; lines: readonly { sku: string }[]; placedBy: PlacementRequest['placedBy'] },
  now: Date,
): Promise<void> {
  const skus = request.lines.map((line) => line.sku);
  const buyer = buyerOf(request);
  const [, , , , index] = await Promise.all([
    request.orderId === undefined ? undefined : workspace.load(orderDecider, orderStream(request.orderId), { expectNew: true }),
    workspace.load(dealerDecider, dealerStream(request.dealerId)),
    workspace.load(creditLedgerDecider, creditStream(request.dealerId)),
    Promise.all(skus.map((sku) => workspace.load(productDecider, productStream(sku)))),
    workspace.load(promotionIndexDecider, promotionIndexStream),
    ...(buyer ? [workspace.load(userDecider, userStream(buyer)), workspace.load(buyerSpendDecider, buyerSpendStream(buyer))] : []),
  ]);
  const promotions = await Promise.all(promotionsInForce(index, now).map((id) => workspace.load(promotionDecider, promotionStream(id))));
  const gifts = giftSkusOf(promotions.flatMap((state) => (state.exists ? [state.promotion] : [])));
  await Promise.all([
    loadStockSources(workspace, [...skus, ...gifts]),
    ...gifts.map((sku) => workspace.load(productDecider, productStream(sku))),
  ]);
}

/**
 * The user whose limits may apply: a token that says buyer. Its limits, and whether it is a buyer
 * at all, are read from its user stream; a token without a user behind it acts as the owner.
 */
export const buyerOf = (request: Pick<PlacementRequest, 'placedBy'>) =>
  request.placedBy?.dealerRole === 'buyer' ? request.placedBy.userId : undefined;

/** A buyer's limits and this month's spend, as the workspace holds them (loaded before). */
export function buyerFactsOf(
  workspace: Workspace,
  request: Pick<PlacementRequest, 'placedBy' | 'dealerId'>,
  now: Date,
): BuyerFacts | undefined {
  const userId = buyerOf(request);
  if (userId === undefined) return undefined;
  const user = workspace.stateOf(userDecider, userStream(userId));
  if (!user.exists || !isBuyer(user.user) || user.user.dealerId !== request.dealerId) return undefined;
  const month = businessMonthOf(now);
  return {
    limits: user.user.spendingLimits,
    month,
    spentMinor: spentIn(workspace.stateOf(buyerSpendDecider, buyerSpendStream(userId)), month),
  };
}

/** The facts a placement is decided on, as the workspace holds them now (everything loaded before). */
export function factsOf(workspace: Workspace, request: PlacementRequest, dealer: Dealer, history: OrderHistory, now: Date): PlacementFacts {
  const index = workspace.stateOf(promotionIndexDecider, promotionIndexStream);
  const promotions = promotionsInForce(index, now).flatMap((id) => {
    const state = workspace.stateOf(promotionDecider, promotionStream(id));
    // Terms never change once created and ending goes through the index: only capped or budgeted ones count.
    if (state.exists && !isCounted(state.promotion)) workspace.skipCheck(promotionStream(id));
    return state.exists ? [state] : [];
  });
  const skus = new Set([...request.lines.map((line) => line.sku), ...giftSkusOf(promotions.map((state) => state.promotion))]);
  const products = new Map<string, ProductState>([...skus].map((sku) => [sku, workspace.stateOf(productDecider, productStream(sku))]));
  const stock = stockSourcesOf(workspace, skus);
  const buyer = buyerFactsOf(workspace, request, now);
  return {
    dealer,
    credit: workspace.stateOf(creditLedgerDecider, creditStream(dealer.dealerId)),
    products,
    stock,
    promotions,
    history,
    now,
    ...(buyer && { buyer }),
  };
}

/**
 * Records on the other streams what a reviewed order keeps reserved (stock, capped promotions,
 * credit) and, for a buyer's order that was not rejected, its spend in the month. Answers every
 * stream's decision.
 */
export function recordHoldings(
  workspace: Workspace,
  order: {
    orderId: string;
    dealerId: string;
    buyer: string | undefined;
    month: string;
    totalMinor: number;
    rejected: boolean;
    budgetUses?: Readonly<Record<string, BudgetUse>> | undefined;
  },
  reservations: Reservations,
  context: CommandContext,
): (readonly unknown[] | Refusal)[] {
  const today = businessDayOf(context.now);
  const { orderId, dealerId, buyer } = order;
  return [
    ...reservations.stock.map(({ sku, warehouseId, qty }) =>
      workspace.decide(
        stockDecider,
        stockStream(sku, warehouseId),
        { type: 'ReserveStock', data: { sku, warehouseId, orderId, qty, today, minExpiryDate: reservations.minExpiryDate ?? null } },
        context,
      ),
    ),
    ...reservations.promotions.map((id) =>
      workspace.decide(
        promotionDecider,
        promotionStream(id),
        { type: 'RedeemPromotion', data: { orderId, dealerId, now: context.now.toISOString(), use: ownEntry(order.budgetUses, id) } },
        context,
      ),
    ),
    ...(reservations.creditMinor > 0
      ? [
          workspace.decide(
            creditLedgerDecider,
            creditStream(dealerId),
            { type: 'ReserveCredit', data: { dealerId, orderId, amountMinor: reservations.creditMinor } },
            context,
          ),
        ]
      : []),
    ...(buyer !== undefined && !order.rejected
      ? [
          workspace.decide(
            buyerSpendDecider,
            buyerSpendStream(buyer),
            { type: 'CountSpend', data: { userId: buyer, orderId, month: order.month, amountMinor: order.totalMinor } },
            context,
          ),
        ]
      : []),
  ];
}

/** Records a decision in the workspace: the order, and what it keeps on the other streams. */
function record(
  workspace: Workspace,
  request: PlacementRequest,
  decision: PlacementDecision,
  facts: PlacementFacts,
  context: CommandContext,
): void {
  const { orderId, dealerId } = request;
  const command: OrderCommand = decision.awaitingDealer
    ? { type: 'PlaceOrderForDealerApproval', data: { placed: decision.placed, reasons: [decision.awaitingDealer] } }
    : { type: 'PlaceOrder', data: { placed: decision.placed, review: decision.review } };
  const outcomes = [
    workspace.decide(orderDecider, orderStream(orderId), command, context),
    // A buyer's order waiting for its owner holds nothing and counts nothing yet.
    ...(decision.awaitingDealer
      ? []
      : recordHoldings(
          workspace,
          {
            orderId,
            dealerId,
            buyer: facts.buyer ? buyerOf(request) : undefined,
            month: facts.buyer?.month ?? '',
            totalMinor: decision.cart.totals.totalMinor,
            rejected: decision.verdict.decision === 'rejected',
            budgetUses: decision.cart.budgetUses,
          },
          decision.reservations,
          context,
        )),
  ];
  const refused = outcomes.find(isRefusal);
  // The decision was made on these very states: a stream refusing it is a bug, not a business outcome.
  if (refused)
    throw new Error(`Placing order ${orderId}: a stream refused what the placement decided (${refused.code}: ${refused.detail})`);
}

type Pending = {
  request: PlacementRequest;
  context: CommandContext;
  attempts: number;
  /** Decide on freshly read states (its first answer wrote nothing, decided on cached ones). */
  fresh: boolean;
  resolve: (placed: Placed) => void;
  reject: (error: unknown) => void;
};

type Outcome = { pending: Pending; touched: Set<string> } & (
  { kind: 'placed' | 'exists'; state: PlacedOrder; revision: number } | { kind: 'failed'; error: unknown }
);

/** Placements decided together and appended as one group. */
const MAX_BATCH = 100;
const MAX_ATTEMPTS = 20;

export class OrderPlacements {
  readonly #deps: PlacementDeps;
  #queue: Pending[] = [];
  #draining = false;

  constructor(deps: PlacementDeps) {
    this.#deps = deps;
  }

  /**
   * Places an order: decided and recorded, or found already placed under the same id (a retry
   * with the same Idempotency-Key), in which case it is answered as it stands.
   */
  place(request: PlacementRequest, context: CommandContext): Promise<Placed> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ request: { ...request, lines: mergeLines(request.lines) }, context, attempts: 0, fresh: false, resolve, reject });
      // On the next turn, so that the placements asked for in this one form one batch.
      if (!this.#draining) {
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        const later: Pending[] = [];
        try {
          for (let current = batch; current.length > 0;) {
            const { now, next } = await this.#attempt(current);
            later.push(...next);
            current = now;
          }
        } catch (error) {
          for (const pending of batch) if (!later.includes(pending)) pending.reject(error);
        }
        this.#queue.unshift(...later);
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * Decides the placements in order against the evolving states and appends them as one group. On
   * a conflict the placements that read a stream that moved go back to the queue (decided again on
   * a fresh read of it); the others are decided again at once without them.
   */
  async #attempt(batch: Pending[]): Promise<{ now: Pending[]; next: Pending[] }> {
    const { commands, store, db } = this.#deps;
    const checks = await commands.checksRevisions();
    const fresh = !checks || batch.some((pending) => pending.fresh);
    const workspace = commands.workspace({ fresh });
    const [histories] = await Promise.all([
      Promise.all(
        batch.map(({ request }) => dealerOrderHistoryHint(db, { dealerId: request.dealerId, skus: request.lines.map((line) => line.sku) })),
      ),
      Promise.all(batch.map(({ request, context }) => loadStreams(workspace, request, context.now))),
    ]);
    const outcomes = batch.map((pending, index) => this.#decide(workspace, pending, histories[index] ?? NO_HISTORY));

    // A placement refused without writing anything, on cached states, is decided again on fresh ones.
    const unverified = fresh ? [] : outcomes.filter((outcome) => outcome.kind === 'failed' && outcome.error instanceof DealerNotFoundError);
    for (const outcome of unverified) outcome.pending.fresh = true;
    const decided = outcomes.filter((outcome) => !unverified.includes(outcome));
    const next = unverified.map((outcome) => outcome.pending);
    if (!workspace.hasEvents) {
      this.#answer(decided, undefined);
      return { now: [], next };
    }
    try {
      const appended = await store.appendToStreams(workspace.appends({ checks }));
      commands.remember(workspace);
      this.#answer(decided, appended.position);
      return { now: [], next };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      const moved = new Set(error.conflicts.map((conflict) => conflict.streamId));
      commands.invalidate(moved);
      const touched = decided.filter((outcome) => [...outcome.touched].some((streamId) => moved.has(streamId)));
      // A stream no placement read (one a refused placement loaded): all are decided again.
      const retryLater = touched.length > 0 ? touched : decided;
      for (const outcome of retryLater) {
        outcome.pending.attempts += 1;
        if (outcome.pending.attempts >= MAX_ATTEMPTS) outcome.pending.reject(error);
        else next.push(outcome.pending);
      }
      this.#deps.logger?.debug({ moved: moved.size, placements: batch.length, again: retryLater.length }, 'placement batch met a conflict');
      return { now: decided.filter((outcome) => !retryLater.includes(outcome)).map((outcome) => outcome.pending), next };
    }
  }

  #decide(workspace: Workspace, pending: Pending, history: OrderHistory): Outcome {
    const { request, context } = pending;
    const stream = orderStream(request.orderId);
    const mark = workspace.mark();
    workspace.startTrace();
    try {
      const existing: OrderState = workspace.stateOf(orderDecider, stream);
      if (existing.exists)
        return { pending, touched: workspace.endTrace(), kind: 'exists', state: existing, revision: workspace.revisionOf(stream) };
      const dealer = workspace.stateOf(dealerDecider, dealerStream(request.dealerId));
      if (!dealer.exists) throw new DealerNotFoundError(`Dealer ${request.dealerId} does not exist`);
      const facts = factsOf(workspace, request, dealer.dealer, history, context.now);
      record(workspace, request, decidePlacement(request, facts), facts, context);
      const placed = workspace.stateOf(orderDecider, stream);
      if (!placed.exists) throw new Error('An order placed must exist');
      return { pending, touched: workspace.endTrace(), kind: 'placed', state: placed, revision: workspace.revisionOf(stream) };
    } catch (error) {
      workspace.rollback(mark);
      return { pending, touched: workspace.endTrace(), kind: 'failed', error };
    }
  }

  #answer(outcomes: readonly Outcome[], position: string | undefined): void {
    for (const outcome of outcomes) {
      const { pending } = outcome;
      if (outcome.kind === 'failed') pending.reject(outcome.error);
      else
        pending.resolve({
          state: outcome.state,
          revision: outcome.revision,
          position: outcome.kind === 'placed' ? position : undefined,
          created: outcome.kind === 'placed',
        });
    }
  }
}

/** Prices the cart and reviews it as placing it now would, from freshly read states; writes nothing. */
export async function quoteOrder(
  commands: CommandHandler,
  request: Omit<PlacementRequest, 'orderId' | 'channel' | 'deliveryAddress' | 'note' | 'reorderOf'>,
  now: Date,
) {
  const workspace = commands.workspace({ fresh: true });
  const full: PlacementRequest = {
    ...request,
    lines: mergeLines(request.lines),
    orderId: 'QUOTE',
    channel: 'manual',
    deliveryAddress: null,
    note: null,
    reorderOf: null,
  };
  await loadStreams(workspace, { dealerId: full.dealerId, lines: full.lines, placedBy: full.placedBy }, now);
  const dealer = workspace.stateOf(dealerDecider, dealerStream(request.dealerId));
  if (!dealer.exists) throw new DealerNotFoundError(`Dealer ${request.dealerId} does not exist`);
  return { dealer: dealer.dealer, decision: decidePlacement(full, factsOf(workspace, full, dealer.dealer, NO_HISTORY, now)) };
}
