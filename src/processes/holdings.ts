// The order process's steps on other streams: reserve stock, credit and capped promotions for an
// order, and release them. Every step is keyed by the order id, so repeating one is harmless.
import type { Db } from '../db/database.ts';
import { creditLedgerDecider, creditStream } from '../domain/credit/credit-ledger.ts';
import { reservedFor, stockDecider, stockLevel, stockStream } from '../domain/inventory/stock.ts';
import type { Reservations, StockReservation } from '../domain/ordering/order.ts';
import { promotionDecider, promotionStream } from '../domain/promotions/promotion.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import { maxPosition } from '../eventstore/port.ts';

export type HoldingsDeps = { db: Db; commands: CommandHandler };

export const todayOf = (now: Date) => now.toISOString().slice(0, 10);

/** Per SKU, the warehouses holding it: those in the delivery region first, then the fullest. One query for all the SKUs. */
async function warehousesFor(db: Db, skus: readonly string[], regionCode: string): Promise<Map<string, string[]>> {
  const bySku = new Map<string, string[]>(skus.map((sku) => [sku, []]));
  if (skus.length === 0) return bySku;
  const rows = await db
    .selectFrom('inventory.stock_levels as s')
    .innerJoin('inventory.warehouses as w', 'w.id', 's.warehouse_id')
    .select(['s.sku as sku', 's.warehouse_id as warehouseId', 'w.region_code as regionCode', 's.on_hand as onHand', 's.reserved as reserved'])
    .where('s.sku', 'in', [...skus])
    .execute();
  rows.sort(
    (a, b) =>
      Number(b.regionCode === regionCode) - Number(a.regionCode === regionCode) ||
      b.onHand - b.reserved - (a.onHand - a.reserved) ||
      (a.warehouseId < b.warehouseId ? -1 : 1),
  );
  for (const row of rows) bySku.get(row.sku)?.push(row.warehouseId);
  return bySku;
}

export type StockOutcome = { reserved: StockReservation[]; short: { sku: string; requested: number; available: number }[] };

/**
 * Reserves one SKU's quantity, splitting it over warehouses when one has too little. The stock
 * stream decides with its own, current state, so the read model only chooses where to look. Each
 * warehouse is first asked for all that is still missing (one round trip when it has enough); a
 * refusal carries the stream's state, so the retry asks for what it has.
 */
async function reserveSku(
  deps: HoldingsDeps,
  order: { orderId: string; sku: string; requested: number; warehouses: readonly string[]; today: string },
  context: CommandContext,
): Promise<{ reserved: StockReservation[]; remaining: number }> {
  const { orderId, sku, requested, today } = order;
  const reserved: StockReservation[] = [];
  let remaining = requested;
  for (const warehouseId of order.warehouses) {
    if (remaining === 0) break;
    const stream = stockStream(sku, warehouseId);
    let qty = remaining;
    for (let attempt = 0; attempt < 5 && remaining > 0; attempt++) {
      const handled = await deps.commands.handle(stockDecider, stream, { type: 'ReserveStock', data: { sku, warehouseId, orderId, qty, today } }, context);
      const held = reservedFor(handled.state, orderId);
      if (held > 0) {
        reserved.push({ sku, warehouseId, qty: held });
        remaining = Math.max(0, remaining - held);
        break;
      }
      // Accepted without a reservation (the order was picked here already): nothing to take here.
      if (handled.ok) break;
      // Refused: the warehouse has less than asked (others may have taken it meanwhile); ask for what it has.
      const available = stockLevel(handled.state, today).available;
      if (available === 0) break;
      qty = Math.min(remaining, available);
    }
  }
  return { reserved, remaining };
}

/** Reserves each SKU's quantity, the SKUs side by side (they are separate streams). */
export async function reserveStock(
  deps: HoldingsDeps,
  order: { orderId: string; regionCode: string; quantities: ReadonlyMap<string, number> },
  context: CommandContext,
): Promise<StockOutcome> {
  const today = todayOf(context.now);
  const skus = [...order.quantities.keys()];
  const warehouses = await warehousesFor(deps.db, skus, order.regionCode);
  const results = await Promise.all(
    skus.map((sku) =>
      reserveSku(deps, { orderId: order.orderId, sku, requested: order.quantities.get(sku)!, warehouses: warehouses.get(sku) ?? [], today }, context),
    ),
  );
  const outcome: StockOutcome = { reserved: [], short: [] };
  results.forEach(({ reserved, remaining }, index) => {
    const sku = skus[index]!;
    const requested = order.quantities.get(sku)!;
    outcome.reserved.push(...reserved);
    if (remaining > 0) outcome.short.push({ sku, requested, available: requested - remaining });
  });
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

/**
 * Gives back everything listed; each release is a no-op where nothing is held any more. Resolves
 * to the highest position it appended (undefined when nothing was released), for read-your-writes.
 */
export async function releaseHoldings(
  deps: HoldingsDeps,
  order: { orderId: string; dealerId: string },
  holdings: Reservations,
  context: CommandContext,
): Promise<string | undefined> {
  const releases: Promise<{ ok: boolean; position?: string | undefined }>[] = [
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
  const positions = (await Promise.all(releases)).flatMap((released) => (released.ok && released.position ? [released.position] : []));
  return positions.length > 0 ? positions.reduce(maxPosition) : undefined;
}
