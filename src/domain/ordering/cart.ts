// Prices a dealer's cart from the catalog's write side (each product's own stream state): its
// prices (contract > tier > base), then the promotions in force. Quotes and placements share it,
// so that a quote is exactly what the order would cost.
import { resolvePrice, type PriceBasis } from '../catalog/pricing.ts';
import type { ProductState } from '../catalog/product.ts';
import { applyPromotions, type AppliedPromotion, type PromotionRef } from '../promotions/engine.ts';
import type { Promotion, Usage } from '../promotions/promotion.ts';
import type { Gift, PricedLine, Totals } from './order.ts';

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

export type CartInput = {
  buyer: Buyer;
  lines: readonly CartLine[];
  now: Date;
  /** The state of every ordered SKU's product stream, and of the gift SKUs' of the promotions given. */
  products: ReadonlyMap<string, ProductState>;
  /** The promotions in force (the engine checks their window, eligibility and caps itself). */
  promotions: readonly Promotion[];
  /** Redemptions so far of the capped promotions, for this buyer. */
  usage: Readonly<Record<string, Usage>>;
};

/** Sums the quantities of repeated SKUs, keeping the order in which SKUs first appear. */
export function mergeLines(lines: readonly CartLine[]): CartLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.qty);
  return [...merged].map(([sku, qty]) => ({ sku, qty }));
}

type Sold = Extract<ProductState, { exists: true }>;

const soldOf = (state: ProductState | undefined): Sold | undefined => (state?.exists && state.product.active ? state : undefined);

function unitPrice(product: Sold, buyer: Buyer): { priceMinor: number; basis: PriceBasis } {
  return resolvePrice({ basePriceMinor: product.product.basePriceMinor, tierPrices: product.prices.tiers, dealerPrices: product.prices.dealers }, buyer);
}

/** The gift SKUs the given promotions may add: their products must be loaded to price a cart. */
export function giftSkusOf(promotions: readonly Promotion[]): string[] {
  return [...new Set(promotions.flatMap((promotion) => (promotion.kind === 'buy_x_get_y' && promotion.rule.giftSku ? [promotion.rule.giftSku] : [])))];
}

export function priceCart(input: CartInput): PricedCart {
  const { buyer, now } = input;
  const lines = mergeLines(input.lines);
  const known = lines.flatMap((line) => {
    const product = soldOf(input.products.get(line.sku));
    return product ? [{ ...line, product, price: unitPrice(product, buyer) }] : [];
  });
  const unknownSkus = lines.filter((line) => !soldOf(input.products.get(line.sku))).map((line) => line.sku);
  const currency = known[0]?.product.product.currency ?? 'CNY';
  const ordered = new Set(lines.map((line) => line.sku));
  const giftPrices: Record<string, number> = {};
  for (const sku of giftSkusOf(input.promotions)) {
    const gift = input.products.get(sku);
    if (!ordered.has(sku) && gift?.exists) giftPrices[sku] = unitPrice(gift, buyer).priceMinor;
  }

  const result = applyPromotions({
    lines: known.map(({ sku, qty, product, price }) => ({ sku, qty, unitPriceMinor: price.priceMinor, brand: product.product.brand, category: product.product.category })),
    buyer,
    now,
    promotions: input.promotions,
    usage: input.usage,
    giftUnitPrices: giftPrices,
    currency,
  });

  const nameOf = (sku: string) => {
    const product = input.products.get(sku);
    return product?.exists ? product.product.name : sku;
  };
  return {
    lines: result.lines.map((line, index) => ({
      sku: line.sku,
      name: known[index]!.product.product.name,
      qty: line.qty,
      unitPriceMinor: line.unitPriceMinor,
      priceBasis: known[index]!.price.basis,
      grossMinor: line.grossMinor,
      discountMinor: line.discountMinor,
      netMinor: line.netMinor,
      promotions: line.promotions,
      explanation: line.explanation,
    })),
    gifts: result.gifts.map((gift) => ({ ...gift, name: nameOf(gift.sku) })),
    totals: { ...result.totals, currency },
    applied: result.applied,
    capsReached: result.capsReached,
    unknownSkus,
  };
}
