// Properties of the promotion engine over random carts and promotions (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPromotions, type ApplyPromotionsInput, type PromotionsResult } from './engine.ts';
import type { Promotion } from './promotion.ts';

const SKUS = ['A', 'B', 'C', 'D', 'E', 'F'];
const BRANDS = ['Jade Spring', 'Panda'];
const CATEGORIES = ['beverages', 'snacks'];
const NOW = new Date('2025-06-15T12:00:00Z');

const sku = fc.constantFrom(...SKUS);
/** Mostly unrestricted, so that promotions often apply. */
const someOf = <T>(values: readonly T[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.subarray([...values], { minLength: 1, maxLength: 2 }) });

const ruled = fc.oneof(
  fc.record({
    kind: fc.constant('percent_off' as const),
    rule: fc.record({ percent: fc.integer({ min: 1, max: 10_000 }).map((bp) => bp / 100) }),
  }),
  fc.record({
    kind: fc.constant('amount_off' as const),
    rule: fc.record({ amountMinor: fc.integer({ min: 1, max: 50_000 }), per: fc.constantFrom('unit' as const, 'line' as const) }),
  }),
  fc.record({
    kind: fc.constant('spend_threshold' as const),
    rule: fc
      .record({
        minSpendMinor: fc.integer({ min: 1, max: 2_000_000 }),
        amountOffMinor: fc.integer({ min: 1, max: 2_000_000 }),
        repeat: fc.boolean(),
      })
      .map((rule) => ({ ...rule, amountOffMinor: Math.min(rule.amountOffMinor, rule.minSpendMinor) })),
  }),
  fc.record({
    kind: fc.constant('buy_x_get_y' as const),
    rule: fc.record(
      {
        buyQty: fc.integer({ min: 1, max: 20 }),
        getQty: fc.integer({ min: 1, max: 5 }),
        giftSku: fc.constantFrom('A', 'GIFT'),
        maxGiftQty: fc.integer({ min: 1, max: 10 }),
      },
      { requiredKeys: ['buyQty', 'getQty'] },
    ),
  }),
  fc.record({
    kind: fc.constant('bundle_price' as const),
    rule: fc.record(
      {
        items: fc.uniqueArray(fc.record({ sku: fc.constantFrom('A', 'B', 'C'), qty: fc.integer({ min: 1, max: 3 }) }), {
          minLength: 2,
          maxLength: 3,
          selector: (item) => item.sku,
        }),
        priceMinor: fc.integer({ min: 1, max: 200_000 }),
        maxBundles: fc.integer({ min: 1, max: 5 }),
      },
      { requiredKeys: ['items', 'priceMinor'] },
    ),
  }),
  fc.record({
    kind: fc.constant('tiered_quantity' as const),
    rule: fc.record({
      breaks: fc
        .uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 })
        .chain((quantities) =>
          fc.tuple(
            ...quantities
              .sort((a, b) => a - b)
              .map((minQty) => fc.integer({ min: 1, max: 20_000 }).map((unitOffMinor) => ({ minQty, unitOffMinor }))),
          ),
        ),
    }),
  }),
);

const promotionArbitrary = (id: string): fc.Arbitrary<Promotion> =>
  fc
    .record({
      ruled,
      title: fc.constantFrom('Spring sale', 'Volume deal', 'Gift'),
      priority: fc.integer({ min: 0, max: 3 }),
      stackable: fc.boolean(),
      started: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      eligibility: fc.record({
        tiers: someOf(['gold', 'silver']),
        territories: someOf(['CN-31', 'CN-11']),
        dealerIds: someOf(['D-1', 'D-2']),
        skus: someOf(SKUS),
        brands: someOf(BRANDS),
        categories: someOf(CATEGORIES),
      }),
      caps: fc.record({
        perDealer: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 2 }),
        total: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 2 }),
      }),
    })
    .map(
      ({ ruled: { kind, rule }, started, ...rest }) =>
        ({
          id,
          kind,
          rule,
          ...rest,
          startsAt: started ? '2025-01-01T00:00:00.000Z' : '2025-07-01T00:00:00.000Z',
          endsAt: '2026-01-01T00:00:00.000Z',
          endedAt: null,
        }) as Promotion,
    );

const inputArbitrary: fc.Arbitrary<ApplyPromotionsInput> = fc.record({
  lines: fc.uniqueArray(
    fc.record({
      sku,
      qty: fc.integer({ min: 1, max: 500 }),
      unitPriceMinor: fc.integer({ min: 0, max: 1_000_000 }),
      brand: fc.constantFrom(...BRANDS),
      category: fc.constantFrom(...CATEGORIES),
    }),
    { minLength: 1, maxLength: SKUS.length, selector: (line) => line.sku },
  ),
  buyer: fc.record({
    dealerId: fc.constantFrom('D-1', 'D-2'),
    tier: fc.constantFrom('gold', 'silver', undefined),
    regionCode: fc.constantFrom('CN-31', 'CN-11'),
  }),
  now: fc.constant(NOW),
  promotions: fc
    .integer({ min: 0, max: 6 })
    .chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => promotionArbitrary(`P${index}`)))),
  usage: fc.dictionary(fc.constantFrom('P0', 'P1', 'P2'), fc.record({ byDealer: fc.nat(3), total: fc.nat(3) })),
  giftUnitPrices: fc.constant({ GIFT: 1_000 }),
});

/** The result keyed by SKU, for comparisons that must not depend on the order of the lines. */
const bySku = (result: PromotionsResult) => ({ ...result, lines: [...result.lines].sort((a, b) => (a.sku < b.sku ? -1 : 1)) });

describe('promotion engine properties', () => {
  it('never makes a line or a total negative, and never takes off more than a line costs', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = applyPromotions(input);
        for (const line of result.lines) {
          expect(line.discountMinor).toBeGreaterThanOrEqual(0);
          expect(line.discountMinor).toBeLessThanOrEqual(line.grossMinor);
          expect(line.netMinor).toBe(line.grossMinor - line.discountMinor);
          expect(Number.isInteger(line.discountMinor)).toBe(true);
        }
        expect(result.totals.totalMinor).toBeGreaterThanOrEqual(0);
        expect(result.totals.discountMinor).toBeLessThanOrEqual(result.totals.subtotalMinor);
      }),
      { numRuns: 500 },
    );
  });

  it('adds up: line discounts sum to the total discount, and to what the applied promotions gave', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const { lines, totals, applied } = applyPromotions(input);
        expect(totals.subtotalMinor).toBe(lines.reduce((sum, line) => sum + line.grossMinor, 0));
        expect(totals.discountMinor).toBe(lines.reduce((sum, line) => sum + line.discountMinor, 0));
        expect(totals.discountMinor).toBe(applied.reduce((sum, promotion) => sum + promotion.discountMinor, 0));
        expect(totals.totalMinor).toBe(totals.subtotalMinor - totals.discountMinor);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same result whatever the order of the lines and of the promotions', () => {
    fc.assert(
      fc.property(
        inputArbitrary.chain((input) =>
          fc.tuple(
            fc.constant(input),
            fc.shuffledSubarray([...input.lines], { minLength: input.lines.length }),
            fc.shuffledSubarray([...input.promotions], { minLength: input.promotions.length }),
          ),
        ),
        ([input, lines, promotions]) => {
          const original = applyPromotions(input);
          const permuted = applyPromotions({ ...input, lines, promotions });
          expect(bySku(permuted)).toEqual(bySku(original));
          expect(permuted.lines.map((line) => line.sku)).toEqual(lines.map((line) => line.sku));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        expect(applyPromotions(input)).toEqual(applyPromotions(structuredClone(input)));
      }),
      { numRuns: 200 },
    );
  });

  it('applies an exclusive promotion alone on every line it touches', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = applyPromotions(input);
        const exclusive = new Set(result.applied.filter((promotion) => !promotion.stackable).map((promotion) => promotion.id));
        for (const line of result.lines) {
          if (line.promotions.some((promotion) => exclusive.has(promotion.id))) expect(line.promotions).toHaveLength(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
