// The order process's steps on other streams: reserve stock, credit and capped promotions for an
// order, and release them. Every step is keyed by the order id, so repeating one is harmless.
import type { Db } from '../db/database.ts';
import { creditLedgerDecider, creditStream } from '../domain/credit/credit-ledger.ts';
import { reservedFor, stockDecider, stockLevel, stockStream } from '../domain/inventory/stock.ts';
import type { Reservations, StockReservation } from '../domain/ordering/order.ts';
import { promotionDecider, promotionStream } from '../domain/promotions/promotion.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';

export type HoldingsDeps = { db: Db; commands: CommandHandler };

export const todayOf = (now: Date) => now.toISOString().slice(0, 10);

/** Warehouses holding the SKU: those in the delivery region first, then the fullest. */
async function warehousesFor(db: Db, sku: string, regionCode: string): Promise<string[]> {
  const rows = await db
    .selectFrom('inventory.stock_levels as s')
    .innerJoin('inventory.warehouses as w', 'w.id', 's.warehouse_id')
    .select(['s.warehouse_id as warehouseId', 'w.region_code as regionCode', 's.on_hand as onHand', 's.reserved as reserved'])
    .where('s.sku', '=', sku)
    .execute();
  return rows
    .sort(
      (a, b) =>
        Number(b.regionCode === regionCode) - Number(a.regionCode === regionCode) ||
        b.onHand - b.reserved - (a.onHand - a.reserved) ||
        (a.warehouseId < b.warehouseId ? -1 : 1),
    )
    .map((row) => row.warehouseId);
}

export type StockOutcome = { reserved: StockReservation[]; short: { sku: string; requested: number; available: number }[] };

/**
 * Reserves each SKU's quantity, splitting it over warehouses when one has too little. The stock
 * stream decides with its own, current state, so the read model only chooses where to look.
 */
export async function reserveStock(
  deps: HoldingsDeps,
  order: { orderId: string; regionCode: string; quantities: ReadonlyMap<string, number> },
  context: CommandContext,
): Promise<StockOutcome> {
  const today = todayOf(context.now);
  const outcome: StockOutcome = { reserved: [], short: [] };
  for (const [sku, requested] of order.quantities) {
    let remaining = requested;
    for (const warehouseId of await warehousesFor(deps.db, sku, order.regionCode)) {
      if (remaining === 0) break;
      const stream = stockStream(sku, warehouseId);
      for (let attempt = 0; attempt < 5 && remaining > 0; attempt++) {
        const { state } = await deps.commands.load(stockDecider, stream);
        const take = Math.min(remaining, stockLevel(state, today).available);
        if (take === 0 && reservedFor(state, order.orderId) === 0) break;
        const handled = await deps.commands.handle(
          stockDecider,
          stream,
          { type: 'ReserveStock', data: { sku, warehouseId, orderId: order.orderId, qty: Math.max(take, 1), today } },
          context,
        );
        const held = reservedFor(handled.state, order.orderId);
        if (held > 0) {
          outcome.reserved.push({ sku, warehouseId, qty: held });
          remaining = Math.max(0, remaining - held);
          break;
        }
        // Refused: others took the stock between our look and our reservation; look again.
      }
    }
    if (remaining > 0) outcome.short.push({ sku, requested, available: requested - remaining });
  }
  return outcome;
}

/** Reserves the order total on the dealer's ledger; a refusal explains what is missing. */
export async function reserveCredit(
  deps: HoldingsDeps,
  order: { orderId: string; dealerId: string; amountMinor: number },
  context: CommandContext,
): Promise<{ ok: true } | { ok: false; detail: string }> {
  const stream = creditStream(order.dealerId);
  const reserve = () =>
    deps.commands.handle(creditLedgerDecider, stream, { type: 'ReserveCredit', data: { dealerId: order.dealerId, orderId: order.orderId, amountMinor: order.amountMinor } }, context);
  let handled = await reserve();
  if (!handled.ok && handled.refusal.code === 'credit_already_reserved') {
    // A retried placement priced the order differently: the old reservation gives way.
    await deps.commands.handle(creditLedgerDecider, stream, { type: 'ReleaseCredit', data: { dealerId: order.dealerId, orderId: order.orderId } }, context);
    handled = await reserve();
  }
  return handled.ok ? { ok: true } : { ok: false, detail: handled.refusal.detail };
}

/** Redeems the capped promotions the order uses; returns those whose cap was reached meanwhile. */
export async function redeemPromotions(
  deps: HoldingsDeps,
  order: { orderId: string; dealerId: string; promotionIds: readonly string[] },
  context: CommandContext,
): Promise<{ redeemed: string[]; refused: string[] }> {
  const redeemed: string[] = [];
  const refused: string[] = [];
  for (const id of order.promotionIds) {
    const handled = await deps.commands.handle(
      promotionDecider,
      promotionStream(id),
      { type: 'RedeemPromotion', data: { orderId: order.orderId, dealerId: order.dealerId, now: context.now.toISOString() } },
      context,
    );
    (handled.ok ? redeemed : refused).push(id);
  }
  return { redeemed, refused };
}

/** Gives back everything listed; each release is a no-op where nothing is held any more. */
export async function releaseHoldings(
  deps: HoldingsDeps,
  order: { orderId: string; dealerId: string },
  holdings: Reservations,
  context: CommandContext,
): Promise<void> {
  const releases: Promise<unknown>[] = [
    ...holdings.stock.map(({ sku, warehouseId }) =>
      deps.commands.handle(stockDecider, stockStream(sku, warehouseId), { type: 'ReleaseStock', data: { sku, warehouseId, orderId: order.orderId } }, context),
    ),
    ...holdings.promotions.map((id) =>
      deps.commands.handle(promotionDecider, promotionStream(id), { type: 'ReleasePromotion', data: { orderId: order.orderId } }, context),
    ),
  ];
  if (holdings.creditMinor > 0) {
    releases.push(
      deps.commands.handle(creditLedgerDecider, creditStream(order.dealerId), { type: 'ReleaseCredit', data: { dealerId: order.dealerId, orderId: order.orderId } }, context),
    );
  }
  await Promise.all(releases);
}
