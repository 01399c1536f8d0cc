// The order review process: price the order, reserve what it needs, decide, and record the order
// with its decision in one append. Steps are keyed by the order id; whatever a crashed attempt
// left reserved is either adopted by the retry or released by the sweeper.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { dealerDecider, dealerStream } from '../domain/dealers/dealer.ts';
import { creditLedgerDecider, creditStream, availableOf } from '../domain/credit/credit-ledger.ts';
import { NO_RESERVATIONS, orderDecider, orderStream, type Channel, type OrderState, type Reservations } from '../domain/ordering/order.ts';
import { reviewVerdict } from '../domain/ordering/review.ts';
import { assessRisk } from '../domain/ordering/risk.ts';
import type { CommandContext, CommandHandler, Handled } from '../eventstore/command-handler.ts';
import { dealerOrderHistory } from '../projections/orders/queries.ts';
import { redeemPromotions, releaseHoldings, reserveCredit, reserveStock } from './holdings.ts';
import { mergeLines, priceCart, type CartLine, type PricedCart } from './pricing.ts';

export type PlacementDeps = { db: Db; commands: CommandHandler };

export type PlacementRequest = {
  orderId: string;
  dealerId: string;
  channel: Channel;
  lines: readonly CartLine[];
  regionCode: string;
  deliveryAddress: string | null;
  note: string | null;
  reorderOf: string | null;
};

/**
 * A placement that has not recorded its order after this long gives up and releases what it took
 * (shorter than the Idempotency-Key lease, so a retry never runs beside a live first attempt).
 */
const PLACEMENT_DEADLINE_MS = 10_000;

/** A fresh order id, or the same one for the same dealer and Idempotency-Key (so a retry finds its order). */
export function newOrderId(dealerId: string, idempotencyKey?: string): string {
  const body = idempotencyKey
    ? createHash('sha256').update(`${dealerId}\n${idempotencyKey}`).digest('hex').slice(0, 20)
    : randomBytes(10).toString('hex');
  return `O-${body.toUpperCase()}`;
}

export type Placed = { state: Extract<OrderState, { exists: true }>; revision: number; position: string | undefined; created: boolean };

export class DealerNotFoundError extends Error {
  override name = 'DealerNotFoundError';
}

/** Quantities to reserve per SKU: ordered lines plus gifts, which ship from the same stock. */
function quantitiesOf(cart: PricedCart): Map<string, number> {
  const quantities = new Map<string, number>();
  for (const item of [...cart.lines, ...cart.gifts]) quantities.set(item.sku, (quantities.get(item.sku) ?? 0) + item.qty);
  return quantities;
}

/** Prices and redeems capped promotions; a cap reached meanwhile prices the order again without it. */
async function priceAndRedeem(
  deps: PlacementDeps,
  request: PlacementRequest,
  buyer: { dealerId: string; tier: string; regionCode: string },
  context: CommandContext,
): Promise<{ cart: PricedCart; redeemed: string[] }> {
  const excluded: string[] = [];
  for (;;) {
    const cart = await priceCart(deps.db, { buyer, lines: request.lines, now: context.now, excludePromotions: excluded });
    const capped = cart.applied.filter((promotion) => promotion.capped).map((promotion) => promotion.id);
    const { redeemed, refused } = await redeemPromotions(deps, { orderId: request.orderId, dealerId: request.dealerId, promotionIds: capped }, context);
    if (refused.length === 0) return { cart, redeemed };
    await releaseHoldings(deps, request, { ...NO_RESERVATIONS, promotions: redeemed }, context);
    excluded.push(...refused);
  }
}

export async function placeOrder(deps: PlacementDeps, request: PlacementRequest, context: CommandContext): Promise<Placed> {
  const { commands } = deps;
  const started = Date.now();
  // Independent reads side by side: each is a round trip to the database.
  const [existing, { state: dealerState }] = await Promise.all([
    commands.load(orderDecider, orderStream(request.orderId)),
    commands.load(dealerDecider, dealerStream(request.dealerId)),
  ]);
  if (existing.state.exists) return { state: existing.state, revision: existing.revision, position: undefined, created: false };
  if (!dealerState.exists) throw new DealerNotFoundError(`Dealer ${request.dealerId} does not exist`);
  const dealer = dealerState.dealer;
  const buyer = { dealerId: dealer.dealerId, tier: dealer.tier, regionCode: request.regionCode };
  const lines = mergeLines(request.lines);

  // The history of every ordered SKU: the risk rules only look up the priced (known) ones.
  const [priced, history] = await Promise.all([
    priceAndRedeem(deps, { ...request, lines }, buyer, context),
    dealerOrderHistory(deps.db, dealer.dealerId, lines.map((line) => line.sku)),
  ]);
  const { cart } = priced;
  const risk = assessRisk({ totalMinor: cart.totals.totalMinor, lines: cart.lines, regionCode: request.regionCode, placedAt: context.now, history });
  const territory = { authorized: dealer.territories.includes(request.regionCode), regionCode: request.regionCode, territories: dealer.territories };
  const rejected = dealer.status === 'suspended' || cart.unknownSkus.length > 0;

  let held: Reservations = { ...NO_RESERVATIONS, promotions: priced.redeemed };
  let stockShort: { sku: string; requested: number; available: number }[] = [];
  let creditRefused: { detail: string } | null = null;
  if (!rejected) {
    const stock = await reserveStock(deps, { orderId: request.orderId, regionCode: request.regionCode, quantities: quantitiesOf(cart) }, context);
    held = { ...held, stock: stock.reserved };
    stockShort = stock.short;
    if (!dealer.prepay && cart.totals.totalMinor > 0) {
      if (stockShort.length === 0) {
        const credit = await reserveCredit(deps, { orderId: request.orderId, dealerId: dealer.dealerId, amountMinor: cart.totals.totalMinor }, context);
        if (credit.ok) held = { ...held, creditMinor: cart.totals.totalMinor };
        else creditRefused = { detail: credit.detail };
      } else {
        // Stock fell short and everything will be released: report credit without reserving it.
        const { state } = await commands.load(creditLedgerDecider, creditStream(dealer.dealerId));
        const available = availableOf(state);
        if (available < cart.totals.totalMinor) {
          creditRefused = { detail: `Order total ${cart.totals.totalMinor} exceeds available credit ${available}` };
        }
      }
    }
  }

  const verdict = reviewVerdict({
    dealerSuspended: dealer.status === 'suspended',
    unknownSkus: cart.unknownSkus,
    territory,
    stockShort,
    creditRefused,
    // A capped promotion used up meanwhile is simply not applied (the order is priced without it).
    promotionCapsReached: [],
    risk,
  });
  const reservations = verdict.keepReservations ? held : NO_RESERVATIONS;
  if (!verdict.keepReservations) await releaseHoldings(deps, request, held, context);
  if (Date.now() - started > PLACEMENT_DEADLINE_MS) {
    if (verdict.keepReservations) await releaseHoldings(deps, request, held, context);
    throw new Error(`Placing order ${request.orderId} took too long; it was not placed`);
  }

  const handled: Handled<OrderState> = await commands.handle(
    orderDecider,
    orderStream(request.orderId),
    {
      type: 'PlaceOrder',
      data: {
        placed: {
          orderId: request.orderId,
          dealerId: dealer.dealerId,
          placedAt: context.now.toISOString(),
          channel: request.channel,
          regionCode: request.regionCode,
          deliveryAddress: request.deliveryAddress,
          note: request.note,
          lines: cart.lines,
          gifts: cart.gifts,
          totals: cart.totals,
          prepay: dealer.prepay,
          reorderOf: request.reorderOf,
        },
        review: { decision: verdict.decision, reasons: verdict.reasons, risk, reservations },
      },
    },
    context,
  );
  if (!handled.ok) {
    // Someone placed this order id first (a racing retry): theirs stands, ours gives way.
    if (verdict.keepReservations) await releaseHoldings(deps, request, held, context);
    const raced = await commands.load(orderDecider, orderStream(request.orderId));
    if (!raced.state.exists) throw new Error(`Order ${request.orderId} was not recorded: ${handled.refusal.detail}`);
    return { state: raced.state, revision: raced.revision, position: undefined, created: false };
  }
  if (!handled.state.exists) throw new Error('An order placed must exist');
  return { state: handled.state, revision: handled.revision, position: handled.position, created: true };
}
