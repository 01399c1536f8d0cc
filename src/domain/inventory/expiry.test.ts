import { describe, expect, it } from 'vitest';
import { daysLeft, expiryTierOf, expiryTierRange } from './expiry.ts';

const thresholds = { redDays: 30, yellowDays: 90, blueDays: 180 };

describe('expiry tiers', () => {
  it('sorts a lot by its remaining shelf life', () => {
    expect([-3, 0, 1, 30, 31, 90, 91, 180, 181].map((days) => expiryTierOf(days, thresholds))).toEqual([
      'expired',
      'expired',
      'red',
      'red',
      'yellow',
      'yellow',
      'blue',
      'blue',
      null,
    ]);
  });

  it('follows configured thresholds', () => {
    expect(expiryTierOf(10, { redDays: 7, yellowDays: 14, blueDays: 28 })).toBe('yellow');
  });

  it('counts the days left in calendar days, across months and leap days', () => {
    expect(daysLeft('2028-03-01', '2028-02-28')).toBe(2);
    expect(daysLeft('2026-05-01', '2026-05-01')).toBe(0);
    expect(daysLeft('2026-04-30', '2026-05-01')).toBe(-1);
  });

  it('gives each tier the range the classification uses', () => {
    expect(expiryTierRange('red', thresholds)).toEqual({ afterDays: 0, untilDays: 30 });
    expect(expiryTierRange('yellow', thresholds)).toEqual({ afterDays: 30, untilDays: 90 });
    expect(expiryTierRange('expired', thresholds)).toEqual({ afterDays: null, untilDays: 0 });
  });
});
