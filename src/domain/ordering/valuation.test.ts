import { describe, expect, it } from 'vitest';
import { termsBySku, valueBetween, valueOfUnits } from './valuation.ts';

describe('valuation of shipped and returned goods', () => {
  const terms = { paidQty: 3, giftQty: 1, netMinor: 1_000 };

  it('spreads the net price over paid units, rounding so that the parts always sum to it', () => {
    expect([valueBetween(terms, 0, 1), valueBetween(terms, 1, 1), valueBetween(terms, 2, 1)]).toEqual([333, 333, 334]);
    expect(valueBetween(terms, 0, 2) + valueBetween(terms, 2, 1)).toBe(1_000);
  });

  it('counts paid units first, so gift units are worth nothing', () => {
    expect(valueBetween(terms, 3, 1)).toBe(0);
    expect(valueOfUnits(terms, 4)).toBe(1_000);
    expect(valueOfUnits({ paidQty: 0, giftQty: 2, netMinor: 0 }, 2)).toBe(0);
  });

  it('stays exact beyond 2^53', () => {
    expect(valueOfUnits({ paidQty: 1_000_000, giftQty: 0, netMinor: 999_999_999_999 }, 999_999)).toBe(999_998_999_999);
  });

  it('adds up the lines and gifts of one SKU', () => {
    const line = {
      sku: 'TEA',
      name: 'Tea',
      qty: 4,
      unitPriceMinor: 100,
      priceBasis: 'base' as const,
      grossMinor: 400,
      discountMinor: 0,
      netMinor: 400,
      promotions: [],
      explanation: '',
    };
    const gift = { sku: 'TEA', name: 'Tea', qty: 1, promotionId: 'P', explanation: '' };
    expect(termsBySku({ lines: [line], gifts: [gift, { ...gift, sku: 'MUG' }] })).toEqual(
      new Map([
        ['TEA', { paidQty: 4, giftQty: 1, netMinor: 400 }],
        ['MUG', { paidQty: 0, giftQty: 1, netMinor: 0 }],
      ]),
    );
  });
});
