// Price resolution: the dealer's contract price, else its tier's price, else the base price.
import { ownEntry } from '../shared/own-entry.ts';

export type PriceSources = {
  basePriceMinor: number;
  tierPrices: Readonly<Record<string, number>>;
  dealerPrices: Readonly<Record<string, number>>;
};

export type PriceBasis = 'contract' | 'tier' | 'base';

export function resolvePrice(
  sources: PriceSources,
  buyer: { dealerId?: string | undefined; tier?: string | undefined },
): { priceMinor: number; basis: PriceBasis } {
  const contract = ownEntry(sources.dealerPrices, buyer.dealerId);
  if (contract !== undefined) return { priceMinor: contract, basis: 'contract' };
  const tier = ownEntry(sources.tierPrices, buyer.tier);
  if (tier !== undefined) return { priceMinor: tier, basis: 'tier' };
  return { priceMinor: sources.basePriceMinor, basis: 'base' };
}
