// What shipped or returned goods are worth at the order's net prices, in exact integer arithmetic.
//
// A SKU's value is its line's `netMinor` spread over the paid units; gift units (ordered lines and
// gifts of one SKU are counted together) are worth nothing. Paid units are counted first, both
// when goods ship (so credit is charged as early as the goods go) and when they come back (so a
// dealer returning part of a SKU gets the price it paid, keeping the gift). Values are cumulative
// — the first n units are worth ⌊netMinor · min(n, paid) / paid⌋ — so shipping or returning a
// SKU in any number of parts sums to exactly its `netMinor`, never a cent more or less.
import type { Gift, PricedLine } from './cart.ts';

export type SkuTerms = { paidQty: number; giftQty: number; netMinor: number };

/** Per SKU: the paid and gift units ordered and the net value of the paid ones. */
export function termsBySku(order: { lines: readonly PricedLine[]; gifts: readonly Gift[] }): Map<string, SkuTerms> {
  const terms = new Map<string, SkuTerms>();
  const of = (sku: string) => terms.get(sku) ?? { paidQty: 0, giftQty: 0, netMinor: 0 };
  for (const line of order.lines) {
    const known = of(line.sku);
    terms.set(line.sku, { ...known, paidQty: known.paidQty + line.qty, netMinor: known.netMinor + line.netMinor });
  }
  for (const gift of order.gifts) {
    const known = of(gift.sku);
    terms.set(gift.sku, { ...known, giftQty: known.giftQty + gift.qty });
  }
  return terms;
}

export const unitsOf = (terms: SkuTerms) => terms.paidQty + terms.giftQty;

/** The value of the first `units` units of a SKU (paid first). */
export function valueOfUnits(terms: SkuTerms, units: number): number {
  const paid = Math.min(units, terms.paidQty);
  if (paid <= 0) return 0;
  // BigInt: netMinor (up to 10^12) times a quantity (up to 10^6) exceeds 2^53.
  return Number((BigInt(terms.netMinor) * BigInt(paid)) / BigInt(terms.paidQty));
}

/** The value of `qty` units counted after the first `before` units. */
export const valueBetween = (terms: SkuTerms, before: number, qty: number) =>
  valueOfUnits(terms, before + qty) - valueOfUnits(terms, before);
