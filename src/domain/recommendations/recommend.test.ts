import { describe, expect, it } from 'vitest';
import { orderSignals, popularityPeriodOf } from './order-signals.ts';
import { explain, pickRecommendations, type Candidate } from './recommend.ts';

const due = (sku: string): Candidate => ({ reason: 'due_to_reorder', sku, facts: { intervalDays: 7, daysSince: 9, orders: 4 } });
const together = (sku: string): Candidate => ({ reason: 'bought_together', sku, facts: { with: 'TEA', withName: 'Green tea', orders: 3 } });
const popular = (sku: string, rank: number): Candidate => ({ reason: 'popular_in_region', sku, facts: { region: 'CN-31', rank } });
const promoted = (sku: string): Candidate => ({ reason: 'promoted_for_you', sku, facts: { promotionId: 'P-1', title: '夏日饮品九五折' } });

describe('picking recommendations', () => {
  it('lets the reasons take turns, each SKU once, up to the limit', () => {
    const candidates = [
      due('A'),
      due('B'),
      due('C'),
      together('D'),
      together('A'),
      popular('E', 1),
      popular('D', 2),
      popular('F', 3),
      promoted('G'),
    ];
    expect(pickRecommendations(candidates, 10).map((candidate) => `${candidate.sku} ${candidate.reason}`)).toEqual([
      'A due_to_reorder',
      'G promoted_for_you',
      'D bought_together',
      'E popular_in_region',
      'B due_to_reorder',
      'F popular_in_region',
      'C due_to_reorder',
    ]);
    expect(pickRecommendations(candidates, 2).map((candidate) => candidate.sku)).toEqual(['A', 'G']);
    expect(pickRecommendations([], 5)).toEqual([]);
  });

  it('explains each reason in Chinese and English', () => {
    expect(explain(due('A'), 'zh')).toBe('您通常约每 7 天订购一次，距上次订购已 9 天。');
    expect(explain(together('D'), 'en')).toBe('Often ordered with Green tea (TEA), which you ordered recently: together in 3 orders.');
    expect(explain(popular('E', 2), 'en')).toBe('No. 2 in region CN-31 lately, and new to you.');
    expect(explain(promoted('G'), 'zh')).toBe('您现在可享受促销：夏日饮品九五折。');
  });
});

describe('what an order tells the recommendations', () => {
  const line = (sku: string, qty: number) => ({ sku, qty });

  it('counts each SKU once per order, pairs the distinct SKUs both ways, and weighs units by period', () => {
    const signals = orderSignals({
      dealerId: 'D-1',
      placedAt: '2025-03-05T00:00:00Z',
      regionCode: 'CN-31',
      lines: [line('A', 2), line('B', 1), line('A', 3)],
    } as never);
    expect(signals.skus).toEqual(['A', 'B']);
    expect(signals.pairs).toEqual([
      ['A', 'B'],
      ['B', 'A'],
    ]);
    // 63 days after the epoch: the third 30-day period (2), so each unit weighs 4.
    expect(signals.weights).toEqual(
      new Map([
        ['A', 20n],
        ['B', 4n],
      ]),
    );
  });

  it('pairs at most the first 20 distinct SKUs of an order, and counts periods from the epoch on', () => {
    const lines = Array.from({ length: 30 }, (_, n) => line(`S-${n}`, 1));
    expect(orderSignals({ dealerId: 'D-1', placedAt: '2026-01-01T00:00:00Z', regionCode: 'CN-31', lines } as never).pairs).toHaveLength(
      20 * 19,
    );
    expect(popularityPeriodOf('2024-06-01T00:00:00Z')).toBe(0);
    expect(popularityPeriodOf('2025-01-31T00:00:00Z')).toBe(1);
    expect(() => popularityPeriodOf('yesterday')).toThrow();
  });
});
