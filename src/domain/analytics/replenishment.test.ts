import { describe, expect, it } from 'vitest';
import { suggestReplenishment, zScore } from './replenishment.ts';

const policy = { leadTimeDays: 7, reviewPeriodDays: 7, serviceLevel: 0.95, trend: true };

describe('replenishment', () => {
  it('knows the standard normal quantiles of common service levels', () => {
    expect(zScore(0.5)).toBeCloseTo(0, 9);
    expect(zScore(0.9)).toBeCloseTo(1.2815516, 6);
    expect(zScore(0.95)).toBeCloseTo(1.6448536, 6);
    expect(zScore(0.99)).toBeCloseTo(2.3263479, 6);
    expect(zScore(0.999)).toBeCloseTo(3.0902323, 6);
    expect(zScore(0.01)).toBeCloseTo(-2.3263479, 6);
    expect(() => zScore(1)).toThrow();
  });

  it('suggests an order from the trend of a rising demand', () => {
    // 28 days: 10 and 4 units in the first half, 20, 5 and 6 in the second; 25 available.
    const history = { windowDays: 28, total: 45, earlierTotal: 14, recentTotal: 31, sumOfSquares: 100 + 16 + 400 + 25 + 36 };
    const suggestion = suggestReplenishment(history, { available: 25, onOrder: 0 }, policy);
    expect(suggestion.averageDailyDemand).toBeCloseTo(45 / 28, 9);
    expect(suggestion.earlierDailyDemand).toBeCloseTo(1, 9);
    expect(suggestion.recentDailyDemand).toBeCloseTo(31 / 14, 9);
    expect(suggestion.trendPerDay).toBeCloseTo((31 / 14 - 1) / 14, 9);
    expect(suggestion.forecastDailyDemand).toBeCloseTo(45 / 28 + 31 / 14 - 1, 9); // 2.8214
    expect(suggestion.demandStdDev).toBeCloseTo(Math.sqrt(577 / 28 - (45 / 28) ** 2), 9); // 4.2455
    expect(suggestion.safetyStock).toBeCloseTo(1.6448536 * 4.2454958 * Math.sqrt(7), 4); // 18.4759
    expect(suggestion.reorderPoint).toBeCloseTo(2.8214286 * 7 + 18.4758613, 4); // 38.2259
    expect(suggestion.cycleDemand).toBeCloseTo(19.75, 9);
    expect(suggestion.reorderNow).toBe(true);
    expect(suggestion.suggestedQty).toBe(33); // ⌈38.2259 + 19.75 − 25⌉
  });

  it('counts stock on order and suggests nothing above the target level', () => {
    const history = { windowDays: 28, total: 45, earlierTotal: 14, recentTotal: 31, sumOfSquares: 577 };
    const covered = suggestReplenishment(history, { available: 25, onOrder: 40 }, policy);
    expect(covered).toMatchObject({ stockPosition: 65, reorderNow: false, suggestedQty: 0 });
  });

  it('uses the plain moving average without trend, never forecasting below zero', () => {
    const falling = { windowDays: 14, total: 14, earlierTotal: 14, recentTotal: 0, sumOfSquares: 14 };
    expect(suggestReplenishment(falling, { available: 0, onOrder: 0 }, { ...policy, trend: false }).forecastDailyDemand).toBe(1);
    expect(suggestReplenishment(falling, { available: 0, onOrder: 0 }, policy).forecastDailyDemand).toBe(0);
  });

  it('suggests nothing for stock nobody orders', () => {
    const none = { windowDays: 28, total: 0, earlierTotal: 0, recentTotal: 0, sumOfSquares: 0 };
    expect(suggestReplenishment(none, { available: 0, onOrder: 0 }, policy)).toMatchObject({
      reorderPoint: 0,
      reorderNow: false,
      suggestedQty: 0,
    });
  });

  it('needs an even window', () => {
    expect(() =>
      suggestReplenishment(
        { windowDays: 7, total: 0, earlierTotal: 0, recentTotal: 0, sumOfSquares: 0 },
        { available: 0, onOrder: 0 },
        policy,
      ),
    ).toThrow();
  });
});
