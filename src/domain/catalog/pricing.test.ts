import { describe, expect, it } from 'vitest';
import { resolvePrice } from './pricing.ts';

const sources = { basePriceMinor: 1000, tierPrices: { gold: 900 }, dealerPrices: { 'D-1': 800 } };

describe('price resolution', () => {
  it('prefers the contract price, then the tier price, then the base price', () => {
    expect(resolvePrice(sources, { dealerId: 'D-1', tier: 'gold' })).toEqual({ priceMinor: 800, basis: 'contract' });
    expect(resolvePrice(sources, { dealerId: 'D-2', tier: 'gold' })).toEqual({ priceMinor: 900, basis: 'tier' });
    expect(resolvePrice(sources, { dealerId: 'D-2', tier: 'silver' })).toEqual({ priceMinor: 1000, basis: 'base' });
    expect(resolvePrice(sources, {})).toEqual({ priceMinor: 1000, basis: 'base' });
  });

  it('gives a tier or dealer named like an inherited property (constructor) the base price, not the inherited value', () => {
    expect(resolvePrice(sources, { dealerId: 'constructor', tier: 'constructor' })).toEqual({ priceMinor: 1000, basis: 'base' });
    expect(resolvePrice({ ...sources, tierPrices: { constructor: 700 } }, { dealerId: 'D-2', tier: 'constructor' })).toEqual({
      priceMinor: 700,
      basis: 'tier',
    });
  });
});
