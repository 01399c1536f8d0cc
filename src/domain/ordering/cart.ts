// Prices a dealer's cart from the catalog's write side (each product's own stream state): its
// prices (contract > tier > base), then the promotions in force. Quotes and placements share it,
// so that a quote is exactly what the order would cost.
import { resolvePrice, type PriceBasis } from '../catalog/pricing.ts';
import type { ProductState } from '../catalog/product.ts';
import { applyPromotions, type AppliedPromotion, type PromotionRef } from '../promotions/engine.ts';
import type { BudgetUse, Promotion, Usage } from '../promotions/promotion.ts';
import { ownEntry } from '../shared/own-entry.ts';

export type PricedLine = {
  sku: string;
  name: string;
  qty: number;
  unitPriceMinor: number;
  priceBasis: 'contract' | 'tier' | 'base';
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  promotions: { id: string; title: string }[];
  explanation: string;
};

export type Gift = { sku: string; name: string; qty: number; promotionId: string; explanation: string };

export type Totals = { subtotalMinor: number; discountMinor: number; totalMinor: number; currency: string };

export type Buyer = { dealerId: string; tier: string; regionCode: string };

export type CartLine = { sku: string; qty: number };

/** A promotion the cart would have had, and why it did not get it. */
export type PromotionNotApplied = PromotionRef & { reason: 'promotion_cap_reached' | 'promotion_budget_exhausted'; detail: string };

export type PricedCart = {
  lines: PricedLine[];
  gifts: Gift[];
  totals: Totals;
  applied: AppliedPromotion[];
  capsReached: PromotionRef[];
  /** SKUs not in the catalog or no longer sold; they are left out of the price. */
  unknownSkus: string[];
  /** Promotions left out because a cap was reached or the region's budget could not cover this cart. */
  notApplied: PromotionNotApplied[];
  /** What each applied promotion with a budget in the delivery region takes of it. */
  budgetUses: Record<string, BudgetUse>;
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
  /** What is left of the delivery region's budget, for each promotion that has one there. */
  budgetsLeft?: Readonly<Record<string, { discountMinor: number; units: number }>>;
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
  return resolvePrice(
    { basePriceMinor: product.product.basePriceMinor, tierPrices: product.prices.tiers, dealerPrices: product.prices.dealers },
    buyer,
  );
}

/** The gift SKUs the given promotions may add: their products must be loaded to price a cart. */
export function giftSkusOf(promotions: readonly Promotion[]): string[] {
  return [
    ...new Set(
      promotions.flatMap((promotion) => (promotion.kind === 'buy_x_get_y' && promotion.rule.giftSku ? [promotion.rule.giftSku] : [])),
    ),
  ];
}

/**
 * Prices the cart; a promotion whose budget in the delivery region cannot cover what this cart
 * would take of it is left out (the cart priced again without it) and said so.
 */
export function priceCart(input: CartInput): PricedCart {
  const excluded = new Map<string, PromotionNotApplied>();
  for (;;) {
    const cart = priceWith({ ...input, promotions: input.promotions.filter((promotion) => !excluded.has(promotion.id)) });
    const over = Object.entries(cart.budgetUses).find(([id, use]) => {
      const left = ownEntry(input.budgetsLeft, id);
      return left !== undefined && (use.discountMinor > left.discountMinor || use.units > left.units);
    });
    if (!over) {
      const capped = cart.capsReached.map((promotion) => ({
        ...promotion,
        reason: 'promotion_cap_reached' as const,
        detail: `Promotion ${promotion.id} (${promotion.title}) reached its usage cap`,
      }));
      return { ...cart, notApplied: [...excluded.values(), ...capped] };
    }
    const [id] = over;
    const promotion = input.promotions.find((candidate) => candidate.id === id)!;
    excluded.set(id, {
      id,
      title: promotion.title,
      reason: 'promotion_budget_exhausted',
      detail: `Promotion ${id} (${promotion.title}) has no budget left for this order in region ${input.buyer.regionCode}`,
    });
  }
}

function priceWith(input: CartInput): PricedCart {
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
    lines: known.map(({ sku, qty, product, price }) => ({
      sku,
      qty,
      unitPriceMinor: price.priceMinor,
      brand: product.product.brand,
      category: product.product.category,
    })),
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
    notApplied: [],
    budgetUses: Object.fromEntries(
      result.applied
        .filter((applied) => ownEntry(input.budgetsLeft, applied.id) !== undefined)
        .map((applied) => {
          const units =
            result.lines
              .filter((line) => line.promotions.some((promotion) => promotion.id === applied.id))
              .reduce((sum, line) => sum + line.qty, 0) +
            result.gifts.filter((gift) => gift.promotionId === applied.id).reduce((sum, gift) => sum + gift.qty, 0);
          return [applied.id, { regionCode: buyer.regionCode, discountMinor: applied.discountMinor, units }];
        }),
    ),
  };
}
