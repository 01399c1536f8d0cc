import { describe, expect, it } from 'vitest';
import { assessRisk, RISK_THRESHOLD, type OrderHistory } from './risk.ts';

const regular: OrderHistory = {
  orderCount: 10,
  averageTotalMinor: 100_000,
  skuQuantities: { TEA: { averageQty: 10, orders: 8 } },
  regionsUsed: ['CN-31'],
};
const noon = new Date('2026-03-02T04:00:00Z'); // 12:00 in UTC+8

describe('risk score', () => {
  it('scores a usual order zero', () => {
    expect(
      assessRisk({ totalMinor: 120_000, lines: [{ sku: 'TEA', qty: 12 }], regionCode: 'CN-31', placedAt: noon, history: regular }),
    ).toEqual({
      score: 0,
      threshold: RISK_THRESHOLD,
      factors: [],
    });
  });

  it('names and weighs every rule that fires', () => {
    const night = new Date('2026-03-02T19:30:00Z'); // 03:30 in UTC+8
    const risk = assessRisk({
      totalMinor: 400_000,
      lines: [{ sku: 'TEA', qty: 80 }],
      regionCode: 'CN-44',
      placedAt: night,
      history: regular,
    });
    expect(risk.factors.map((factor) => [factor.rule, factor.weight])).toEqual([
      ['order_value_spike', 40],
      ['quantity_spike', 25],
      ['unusual_hour', 15],
      ['new_delivery_region', 20],
    ]);
    expect(risk.score).toBe(100);
    expect(risk.factors[1]!.detail).toContain('TEA (80 vs ~10)');
  });

  it('flags a large first order but not the region of a first order', () => {
    const first: OrderHistory = { orderCount: 0, averageTotalMinor: 0, skuQuantities: {}, regionsUsed: [] };
    const risk = assessRisk({ totalMinor: 900_000, lines: [{ sku: 'TEA', qty: 5 }], regionCode: 'CN-31', placedAt: noon, history: first });
    expect(risk.factors.map((factor) => factor.rule)).toEqual(['first_large_order']);
  });

  it('needs enough history before judging spikes', () => {
    const thin: OrderHistory = {
      orderCount: 2,
      averageTotalMinor: 1_000,
      skuQuantities: { TEA: { averageQty: 1, orders: 1 } },
      regionsUsed: ['CN-31'],
    };
    expect(
      assessRisk({ totalMinor: 90_000, lines: [{ sku: 'TEA', qty: 50 }], regionCode: 'CN-31', placedAt: noon, history: thin }).score,
    ).toBe(0);
  });
});
