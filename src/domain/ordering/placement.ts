// Order placement decided from the write side: given the states of every stream the order touches
// (the dealer, its credit ledger, the products, the stock of each stocking warehouse, the
// promotions in force), price the cart, choose where to reserve, review it, and say what each
// stream must record. Pure: the process loads the states and appends the outcome atomically.
import { availableOf, type CreditLedgerState } from '../credit/credit-ledger.ts';
import type { Dealer } from '../dealers/dealer.ts';
import type { ProductState } from '../catalog/product.ts';
import { availableFor, type StockState } from '../inventory/stock.ts';
import { budgetLeft, isCapped, usageOf, type Promotion, type PromotionState, type Usage } from '../promotions/promotion.ts';
import { minExpiryFor, businessDayOf } from '../shared/calendar.ts';
import { priceCart, type CartLine, type PricedCart } from './cart.ts';
import type { SpendingLimits } from '../accounts/user.ts';
import { buyerLimitExceeded } from './buyer-spend.ts';
import {
  NO_RESERVATIONS,
  type Channel,
  type OrderPlacedData,
  type OrderPlacer,
  type OrderReviewedData,
  type Reason,
  type Reservations,
  type StockReservation,
} from './order-state.ts';
import { reviewVerdict, type ReviewFindings, type Verdict } from './review.ts';
import { assessRisk, type OrderHistory } from './risk.ts';

export type PlacementRequest = {
  orderId: string;
  dealerId: string;
  channel: Channel;
  lines: readonly CartLine[];
  regionCode: string;
  deliveryAddress: string | null;
  note: string | null;
  reorderOf: string | null;
  /** The dealer's user placing it (null: staff on behalf, or a token without a user). */
  placedBy: OrderPlacer | null;
};

/** A buyer's limits and what it ordered this business month: its order may have to wait for its owner. */
export type BuyerFacts = { limits: SpendingLimits | null; month: string; spentMinor: number };

/** One warehouse stocking a SKU, with the state of its stock stream. */
export type StockSource = { warehouseId: string; regionCode: string; state: StockState };

export type PlacementFacts = {
  dealer: Dealer;
  credit: CreditLedgerState;
  /** Every ordered SKU's product state, and every gift SKU's of the promotions in force. */
  products: ReadonlyMap<string, ProductState>;
  /** Per SKU (ordered and gift SKUs), the warehouses stocking it. */
  stock: ReadonlyMap<string, readonly StockSource[]>;
  /** The promotions in force, each with its stream's state (capped ones count redemptions). */
  promotions: readonly Extract<PromotionState, { exists: true }>[];
  /** The dealer's order history for the risk rules: advisory only (it comes from a read model). */
  history: OrderHistory;
  /** Present when a dealer's buyer places the order. */
  buyer?: BuyerFacts | undefined;
  now: Date;
};

/** `minRemainingDays`: the dealer takes only lots with this much shelf life left; `available` counts only those. */
export type StockShortage = { sku: string; requested: number; available: number; minRemainingDays?: number };

export type PlacementDecision = {
  cart: PricedCart;
  findings: ReviewFindings;
  verdict: Verdict;
  placed: OrderPlacedData;
  review: Omit<OrderReviewedData, 'orderId'>;
  /** What the other streams record: kept reservations only (none for a rejection or a blocking hold). */
  reservations: Reservations;
  /** A buyer's order over its limits waits for its owner: not reviewed, nothing reserved. */
  awaitingDealer: Reason | null;
};

/** Quantities to reserve per SKU: ordered lines plus gifts, which ship from the same stock. */
export function quantitiesOf(cart: Pick<PricedCart, 'lines' | 'gifts'>): Map<string, number> {
  const quantities = new Map<string, number>();
  for (const item of [...cart.lines, ...cart.gifts]) quantities.set(item.sku, (quantities.get(item.sku) ?? 0) + item.qty);
  return quantities;
}

/**
 * Where to take `qty` of one SKU: warehouses of the delivery region first, then the fullest, each
 * giving what it has available until the quantity is covered.
 */
export function allocateStock(
  sku: string,
  qty: number,
  sources: readonly StockSource[],
  regionCode: string,
  today: string,
  minExpiryDate: string | null = null,
): { reservations: StockReservation[]; allocated: number } {
  const ranked = sources
    .map((source) => ({ source, available: availableFor(source.state, today, minExpiryDate) }))
    .sort(
      (a, b) =>
        Number(b.source.regionCode === regionCode) - Number(a.source.regionCode === regionCode) ||
        b.available - a.available ||
        (a.source.warehouseId < b.source.warehouseId ? -1 : 1),
    );
  const reservations: StockReservation[] = [];
  let remaining = qty;
  for (const { source, available } of ranked) {
    if (remaining === 0) break;
    const take = Math.min(remaining, available);
    if (take <= 0) continue;
    reservations.push({ sku, warehouseId: source.warehouseId, qty: take });
    remaining -= take;
  }
  return { reservations, allocated: qty - remaining };
}

/**
 * Every SKU's allocation, and the shortages of those that cannot be covered; with a minimum
 * remaining shelf life, only from lots that expire late enough (the shortage names that quantity).
 */
export function allocateCart(
  quantities: ReadonlyMap<string, number>,
  stock: PlacementFacts['stock'],
  regionCode: string,
  today: string,
  minRemainingDays = 0,
) {
  const minExpiryDate = minExpiryFor(today, minRemainingDays);
  const reservations: StockReservation[] = [];
  const short: StockShortage[] = [];
  for (const [sku, qty] of quantities) {
    const allocation = allocateStock(sku, qty, stock.get(sku) ?? [], regionCode, today, minExpiryDate);
    reservations.push(...allocation.reservations);
    if (allocation.allocated < qty)
      short.push({ sku, requested: qty, available: allocation.allocated, ...(minRemainingDays > 0 && { minRemainingDays }) });
  }
  return { reservations, short, minExpiryDate };
}

/** Redemptions of the capped promotions in force, for this dealer. */
export function usageFor(promotions: PlacementFacts['promotions'], dealerId: string): Record<string, Usage> {
  return Object.fromEntries(
    promotions.filter((state) => isCapped(state.promotion)).map((state) => [state.promotion.id, usageOf(state.redemptions, dealerId)]),
  );
}

const promotionsOf = (facts: Pick<PlacementFacts, 'promotions'>): Promotion[] => facts.promotions.map((state) => state.promotion);

/** What is left of each promotion's budget in the delivery region, for those that have one there. */
export function budgetsLeftIn(
  promotions: PlacementFacts['promotions'],
  regionCode: string,
): Record<string, { discountMinor: number; units: number }> {
  return Object.fromEntries(
    promotions
      .filter((state) => state.promotion.budgets?.[regionCode] !== undefined)
      .map((state) => [state.promotion.id, budgetLeft(state, regionCode)]),
  );
}

export function decidePlacement(request: PlacementRequest, facts: PlacementFacts): PlacementDecision {
  const { dealer, now } = facts;
  const buyer = { dealerId: dealer.dealerId, tier: dealer.tier, regionCode: request.regionCode };
  const cart = priceCart({
    buyer,
    lines: request.lines,
    now,
    products: facts.products,
    promotions: promotionsOf(facts),
    usage: usageFor(facts.promotions, dealer.dealerId),
    budgetsLeft: budgetsLeftIn(facts.promotions, request.regionCode),
  });
  const limit = facts.buyer && buyerLimitExceeded(facts.buyer.limits, cart.totals.totalMinor, facts.buyer.spentMinor, cart.totals.currency);
  const decision = reviewCart(request, cart, facts);
  if (!limit) return decision;
  return { ...decision, reservations: NO_RESERVATIONS, awaitingDealer: limit };
}

/**
 * Reviews a priced cart against the streams' states: where the stock comes from, whether the credit
 * covers it, territory, risk, a suspended dealer or unknown SKUs; and what the order keeps reserved
 * (`redeem`: the capped promotions it redeems, by default those the pricing applied).
 */
export function reviewCart(
  request: PlacementRequest,
  cart: PricedCart,
  facts: PlacementFacts,
  redeem: readonly string[] = [
    ...new Set([...cart.applied.filter((promotion) => promotion.capped).map((promotion) => promotion.id), ...Object.keys(cart.budgetUses)]),
  ],
): PlacementDecision {
  const { dealer, credit, now } = facts;
  const stock = allocateCart(quantitiesOf(cart), facts.stock, request.regionCode, businessDayOf(now), dealer.minRemainingDays);
  const total = cart.totals.totalMinor;
  const needsCredit = !dealer.prepay && total > 0;
  let creditRefused: ReviewFindings['creditRefused'] = null;
  if (needsCredit && !credit.open) creditRefused = { detail: `Dealer ${dealer.dealerId} has no credit account` };
  else if (needsCredit && availableOf(credit) < total)
    creditRefused = { detail: `Order total ${total} exceeds available credit ${Math.max(0, availableOf(credit))}` };

  const findings: ReviewFindings = {
    dealerSuspended: dealer.status === 'suspended',
    unknownSkus: cart.unknownSkus,
    territory: {
      authorized: dealer.territories.includes(request.regionCode),
      regionCode: request.regionCode,
      territories: dealer.territories,
    },
    stockShort: stock.short,
    creditRefused,
    // A capped promotion used up is simply not applied: the cart is priced without it.
    promotionCapsReached: [],
    risk: assessRisk({ totalMinor: total, lines: cart.lines, regionCode: request.regionCode, placedAt: now, history: facts.history }),
  };
  const verdict = reviewVerdict(findings);
  const reservations: Reservations = verdict.keepReservations
    ? {
        stock: stock.reservations,
        ...(stock.minExpiryDate && { minExpiryDate: stock.minExpiryDate }),
        creditMinor: needsCredit ? total : 0,
        promotions: [...redeem],
      }
    : NO_RESERVATIONS;
  return {
    cart,
    findings,
    verdict,
    placed: {
      orderId: request.orderId,
      dealerId: dealer.dealerId,
      placedAt: now.toISOString(),
      channel: request.channel,
      regionCode: request.regionCode,
      deliveryAddress: request.deliveryAddress,
      note: request.note,
      lines: cart.lines,
      gifts: cart.gifts,
      totals: cart.totals,
      prepay: dealer.prepay,
      reorderOf: request.reorderOf,
      placedBy: request.placedBy,
      ...(cart.notApplied.length > 0 && { promotionsNotApplied: cart.notApplied }),
      ...(Object.keys(cart.budgetUses).length > 0 && { budgetUses: cart.budgetUses }),
    },
    review: { decision: verdict.decision, reasons: verdict.reasons, risk: findings.risk, reservations },
    reservations,
    awaitingDealer: null,
  };
}
