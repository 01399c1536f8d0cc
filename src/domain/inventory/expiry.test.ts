import { describe, expect, it } from 'vitest';
import { expiryTierOf, expiryTierRange } from './expiry.ts';

const thresholds = { redDays: 30, yellowDays: 90, blueDays: 180 };

describe('expiry tiers', () => {
  it('sorts a lot by its remaining shelf life', () => {
    expect([-3, 0, 1, 30, 31, 90, 91, 180, 181].map((days) => expiryTierOf(days, thresholds))).toEqual([
      'expired', 'expired', 'red', 'red', 'yellow', 'yellow', 'blue', 'blue', null,
    ]);
  });

  it('follows configured thresholds', () => {
    expect(expiryTierOf(10, { redDays: 7, yellowDays: 14, blueDays: 28 })).toBe('yellow');
  });

  it('gives each tier the range the classification uses', () => {
    expect(expiryTierRange('red', thresholds)).toEqual({ afterDays: 0, untilDays: 30 });
    expect(expiryTierRange('yellow', thresholds)).toEqual({ afterDays: 30, untilDays: 90 });
    expect(expiryTierRange('expired', thresholds)).toEqual({ afterDays: null, untilDays: 0 });
  });
});
