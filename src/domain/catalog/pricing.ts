// Price resolution: the dealer's contract price, else its tier's price, else the base price.

export type PriceSources = {
  basePriceMinor: number;
  tierPrices: Readonly<Record<string, number>>;
  dealerPrices: Readonly<Record<string, number>>;
};

export type PriceBasis = 'contract' | 'tier' | 'base';

/** A price list's own entry: a tier or dealer may be named `constructor`, which every object inherits. */
const ownPrice = (prices: Readonly<Record<string, number>>, key: string | undefined) =>
  key !== undefined && Object.hasOwn(prices, key) ? prices[key] : undefined;

export function resolvePrice(
  sources: PriceSources,
  buyer: { dealerId?: string | undefined; tier?: string | undefined },
): { priceMinor: number; basis: PriceBasis } {
  const contract = ownPrice(sources.dealerPrices, buyer.dealerId);
  if (contract !== undefined) return { priceMinor: contract, basis: 'contract' };
  const tier = ownPrice(sources.tierPrices, buyer.tier);
  if (tier !== undefined) return { priceMinor: tier, basis: 'tier' };
  return { priceMinor: sources.basePriceMinor, basis: 'base' };
}
