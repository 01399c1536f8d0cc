// Prices a dealer's cart: its prices (contract > tier > base), then promotions; shared by quotes
// and order placement so that a quote is exactly what the order would cost.
import type { Db } from '../db/database.ts';
import { resolvePrice } from '../domain/catalog/pricing.ts';
import type { Gift, PricedLine, Totals } from '../domain/ordering/order.ts';
import { applyPromotions, type AppliedPromotion, type PromotionRef } from '../domain/promotions/engine.ts';
import { findProducts, type ProductRow } from '../projections/catalog/queries.ts';
import { promotionsForOrder } from '../projections/promotions/queries.ts';

export type Buyer = { dealerId: string; tier: string; regionCode: string };

export type CartLine = { sku: string; qty: number };

export type PricedCart = {
  lines: PricedLine[];
  gifts: Gift[];
  totals: Totals;
  applied: AppliedPromotion[];
  capsReached: PromotionRef[];
  /** SKUs not in the catalog or no longer sold; they are left out of the price. */
  unknownSkus: string[];
};

/** Sums the quantities of repeated SKUs, keeping the order in which SKUs first appear. */
export function mergeLines(lines: readonly CartLine[]): CartLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.qty);
  return [...merged].map(([sku, qty]) => ({ sku, qty }));
}

export async function priceCart(
  db: Db,
  cart: { buyer: Buyer; lines: readonly CartLine[]; now: Date; excludePromotions?: readonly string[] },
): Promise<PricedCart> {
  const { buyer, now } = cart;
  const lines = mergeLines(cart.lines);
  const products = await findProducts(db, lines.map((line) => line.sku), buyer.dealerId);
  const known = lines.filter((line) => products.get(line.sku)?.active);
  const unknownSkus = lines.filter((line) => !products.get(line.sku)?.active).map((line) => line.sku);
  const unitPrice = (product: ProductRow) =>
    resolvePrice({ basePriceMinor: product.basePriceMinor, tierPrices: product.tierPrices, dealerPrices: product.dealerPrices }, buyer);

  const facts = known.map((line) => ({ ...line, product: products.get(line.sku)!, price: unitPrice(products.get(line.sku)!) }));
  const offers = await promotionsForOrder(db, {
    lines: facts.map(({ sku, product }) => ({ sku, brand: product.brand, category: product.category })),
    buyer,
    now,
  });
  const excluded = new Set(cart.excludePromotions ?? []);
  const candidates = offers.promotions.filter((promotion) => !excluded.has(promotion.id));
  const giftSkus = [
    ...new Set(candidates.flatMap((promotion) => (promotion.kind === 'buy_x_get_y' && promotion.rule.giftSku ? [promotion.rule.giftSku] : []))),
  ].filter((sku) => !products.has(sku));
  const giftProducts = await findProducts(db, giftSkus, buyer.dealerId);
  const allProducts = new Map([...products, ...giftProducts]);

  const result = applyPromotions({
    lines: facts.map(({ sku, qty, product, price }) => ({ sku, qty, unitPriceMinor: price.priceMinor, brand: product.brand, category: product.category })),
    buyer,
    now,
    promotions: candidates,
    usage: offers.usage,
    giftUnitPrices: Object.fromEntries([...giftProducts.values()].map((product) => [product.sku, unitPrice(product).priceMinor])),
    currency: facts[0]?.product.currency ?? 'CNY',
  });

  return {
    lines: result.lines.map((line, index) => ({
      sku: line.sku,
      name: facts[index]!.product.name,
      qty: line.qty,
      unitPriceMinor: line.unitPriceMinor,
      priceBasis: facts[index]!.price.basis,
      grossMinor: line.grossMinor,
      discountMinor: line.discountMinor,
      netMinor: line.netMinor,
      promotions: line.promotions,
      explanation: line.explanation,
    })),
    gifts: result.gifts.map((gift) => ({ ...gift, name: allProducts.get(gift.sku)?.name ?? gift.sku })),
    totals: { ...result.totals, currency: facts[0]?.product.currency ?? 'CNY' },
    applied: result.applied,
    capsReached: result.capsReached,
    unknownSkus,
  };
}
