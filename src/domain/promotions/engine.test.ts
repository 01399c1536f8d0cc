import { describe, expect, it } from 'vitest';
import { applyPromotions, type ApplyPromotionsInput, type PromotionLine } from './engine.ts';
import type { Promotion } from './promotion.ts';

const NOW = new Date('2025-06-15T12:00:00Z');

const ANYONE = { tiers: [], territories: [], dealerIds: [], skus: [], brands: [], categories: [] };

function promotion(id: string, terms: Partial<Promotion> & Pick<Promotion, 'kind' | 'rule'>): Promotion {
  return {
    id,
    title: `Promotion ${id}`,
    startsAt: '2025-06-01T00:00:00.000Z',
    endsAt: '2025-07-01T00:00:00.000Z',
    endedAt: null,
    eligibility: ANYONE,
    stackable: true,
    priority: 0,
    caps: { perDealer: null, total: null },
    ...terms,
  };
}

const tea: PromotionLine = { sku: 'TEA', qty: 10, unitPriceMinor: 5250, brand: 'Jade Spring', category: 'beverages' };
const water: PromotionLine = { sku: 'WATER', qty: 4, unitPriceMinor: 3600, brand: 'Jade Spring', category: 'beverages' };
const chips: PromotionLine = { sku: 'CHIPS', qty: 6, unitPriceMinor: 9900, brand: 'Panda', category: 'snacks' };

const run = (lines: PromotionLine[], promotions: Promotion[], extra: Partial<ApplyPromotionsInput> = {}) =>
  applyPromotions({ lines, buyer: { dealerId: 'D-1', tier: 'gold', regionCode: 'CN-31' }, now: NOW, promotions, ...extra });

const lineOf = (result: ReturnType<typeof run>, sku: string) => result.lines.find((line) => line.sku === sku)!;

describe('promotion kinds', () => {
  it('percent_off takes a percentage off every eligible line, rounding half up, and explains it', () => {
    const spring = promotion('SPRING10', {
      title: 'Jade Spring tea 10% off',
      kind: 'percent_off',
      rule: { percent: 10 },
      eligibility: { ...ANYONE, brands: ['Jade Spring'] },
    });
    const result = run([{ ...tea, qty: 1 }, chips], [spring]);
    expect(lineOf(result, 'TEA')).toMatchObject({
      grossMinor: 5250,
      discountMinor: 525,
      netMinor: 4725,
      promotions: [{ id: 'SPRING10', title: 'Jade Spring tea 10% off' }],
    });
    expect(lineOf(result, 'TEA').explanation).toBe(
      '1 × ¥52.50 = ¥52.50; 10% off (promotion SPRING10 “Jade Spring tea 10% off”): −¥5.25; net ¥47.25',
    );
    expect(lineOf(result, 'CHIPS')).toMatchObject({
      discountMinor: 0,
      promotions: [],
      explanation: '6 × ¥99.00 = ¥594.00; no promotion applies',
    });
    expect(result.totals).toEqual({ subtotalMinor: 5250 + 59400, discountMinor: 525, totalMinor: 5250 + 59400 - 525 });

    const half = run([{ ...tea, qty: 1, unitPriceMinor: 1001 }], [promotion('P', { kind: 'percent_off', rule: { percent: 12.5 } })]);
    expect(half.lines[0]!.discountMinor).toBe(125);
  });

  it('amount_off comes off per unit or once per line, never below zero', () => {
    const perUnit = run([tea], [promotion('U', { kind: 'amount_off', rule: { amountMinor: 200, per: 'unit' } })]);
    expect(perUnit.lines[0]!.discountMinor).toBe(2000);
    const perLine = run([tea], [promotion('L', { kind: 'amount_off', rule: { amountMinor: 200, per: 'line' } })]);
    expect(perLine.lines[0]!.discountMinor).toBe(200);
    const tooMuch = run([{ ...tea, qty: 1 }], [promotion('X', { kind: 'amount_off', rule: { amountMinor: 9999, per: 'unit' } })]);
    expect(tooMuch.lines[0]).toMatchObject({ discountMinor: 5250, netMinor: 0 });
    expect(tooMuch.lines[0]!.explanation).toContain("limited to the line's remaining price");
  });

  it('spend_threshold shares its amount over the eligible lines so that the shares add up exactly', () => {
    const lines = ['A', 'B', 'C'].map((sku) => ({ sku, qty: 1, unitPriceMinor: 100, brand: 'Panda', category: 'snacks' }));
    const spend = promotion('SPEND', { kind: 'spend_threshold', rule: { minSpendMinor: 300, amountOffMinor: 100, repeat: false } });
    const result = run(lines, [spend]);
    expect(result.lines.map((line) => line.discountMinor)).toEqual([34, 33, 33]);
    expect(result.totals.discountMinor).toBe(100);
    expect(result.applied).toEqual([expect.objectContaining({ id: 'SPEND', discountMinor: 100 })]);

    expect(run(lines.slice(0, 2), [spend]).totals.discountMinor).toBe(0);
    const repeating = promotion('REPEAT', { kind: 'spend_threshold', rule: { minSpendMinor: 100, amountOffMinor: 10, repeat: true } });
    expect(run(lines, [repeating]).totals.discountMinor).toBe(30);
  });

  it('spend_threshold counts what is left after the promotions applied before it', () => {
    const lines = [{ ...tea, qty: 1, unitPriceMinor: 10_000 }];
    const percent = promotion('P', { kind: 'percent_off', rule: { percent: 10 } });
    const spend = promotion('S', { kind: 'spend_threshold', rule: { minSpendMinor: 10_000, amountOffMinor: 1_000, repeat: false } });
    expect(run(lines, [percent, spend]).totals.discountMinor).toBe(1_000);
    expect(run(lines, [percent, { ...spend, priority: 1 }]).totals.discountMinor).toBe(1_000 + 900);
  });

  it('buy_x_get_y adds gifts of the same SKU per line, up to its maximum', () => {
    const gift = promotion('B10G1', { kind: 'buy_x_get_y', rule: { buyQty: 4, getQty: 1, maxGiftQty: 3 } });
    const result = run([tea, water], [gift]);
    expect(result.gifts).toEqual([
      { sku: 'TEA', qty: 2, promotionId: 'B10G1', explanation: expect.stringContaining('buy 4, get 1 free: 2 × TEA') },
      { sku: 'WATER', qty: 1, promotionId: 'B10G1', explanation: expect.stringContaining('1 × WATER') },
    ]);
    expect(result.totals.discountMinor).toBe(0);
    expect(lineOf(result, 'TEA').promotions).toEqual([{ id: 'B10G1', title: 'Promotion B10G1' }]);
    expect(result.applied).toEqual([expect.objectContaining({ id: 'B10G1', giftQty: 3, discountMinor: 0 })]);
  });

  it('buy_x_get_y of another SKU counts every eligible unit of the order', () => {
    const gift = promotion('G', {
      kind: 'buy_x_get_y',
      rule: { buyQty: 5, getQty: 1, giftSku: 'GLASS' },
      eligibility: { ...ANYONE, categories: ['beverages'] },
    });
    const result = run([tea, water, chips], [gift]);
    expect(result.gifts).toEqual([expect.objectContaining({ sku: 'GLASS', qty: 2, promotionId: 'G' })]);
    expect(lineOf(result, 'WATER').explanation).toContain('counts toward buy 5, get 1 × GLASS free');
    expect(lineOf(result, 'CHIPS').promotions).toEqual([]);
  });

  it('bundle_price sells whole bundles at the bundle price and leaves the rest at the line price', () => {
    const bundle = promotion('BUNDLE', {
      kind: 'bundle_price',
      rule: {
        items: [
          { sku: 'TEA', qty: 2 },
          { sku: 'CHIPS', qty: 1 },
        ],
        priceMinor: 15_000,
      },
    });
    const result = run(
      [
        { ...tea, qty: 5 },
        { ...chips, qty: 2 },
      ],
      [bundle],
    );
    // Two bundles: 4 tea + 2 chips = 21 000 + 19 800 = 40 800 regular, 30 000 bundled; the fifth tea is not in a bundle.
    expect(result.totals.discountMinor).toBe(40_800 - 30_000);
    expect(lineOf(result, 'TEA').discountMinor + lineOf(result, 'CHIPS').discountMinor).toBe(10_800);
    expect(lineOf(result, 'TEA').explanation).toContain('2 bundles of 2 × TEA + 1 × CHIPS for ¥150.00 each');
    expect(
      run(
        [
          { ...tea, qty: 5 },
          { ...chips, qty: 2 },
        ],
        [{ ...bundle, rule: { ...bundle.rule, maxBundles: 1 } } as Promotion],
      ).totals.discountMinor,
    ).toBe(20_400 - 15_000);
    expect(run([tea], [bundle]).applied).toEqual([]);
    const dearer = { ...bundle, rule: { ...bundle.rule, priceMinor: 99_999 } } as Promotion;
    expect(run([tea, chips], [dearer]).applied).toEqual([]);
  });

  it('tiered_quantity gives the unit discount of the highest break reached', () => {
    const volume = promotion('VOL', {
      kind: 'tiered_quantity',
      rule: {
        breaks: [
          { minQty: 5, unitOffMinor: 100 },
          { minQty: 10, unitOffMinor: 250 },
        ],
      },
    });
    const result = run([tea, water, { ...chips, qty: 5 }], [volume]);
    expect(lineOf(result, 'TEA').discountMinor).toBe(2_500);
    expect(lineOf(result, 'WATER').discountMinor).toBe(0);
    expect(lineOf(result, 'CHIPS').discountMinor).toBe(500);
  });
});

describe('eligibility', () => {
  const percent = promotion('P', { kind: 'percent_off', rule: { percent: 10 } });
  const applies = (candidate: Promotion, extra: Partial<ApplyPromotionsInput> = {}) => run([tea], [candidate], extra).applied.length === 1;

  it('holds from startsAt up to (not including) endsAt, or until it was ended', () => {
    expect(applies(percent, { now: new Date('2025-06-01T00:00:00Z') })).toBe(true);
    expect(applies(percent, { now: new Date('2025-05-31T23:59:59Z') })).toBe(false);
    expect(applies(percent, { now: new Date('2025-07-01T00:00:00Z') })).toBe(false);
    expect(applies({ ...percent, endedAt: '2025-06-10T00:00:00.000Z' })).toBe(false);
  });

  it('restricts by dealer, tier and the order region; an unknown tier or region is not in any list', () => {
    expect(applies({ ...percent, eligibility: { ...ANYONE, dealerIds: ['D-1'] } })).toBe(true);
    expect(applies({ ...percent, eligibility: { ...ANYONE, dealerIds: ['D-2'] } })).toBe(false);
    expect(applies({ ...percent, eligibility: { ...ANYONE, tiers: ['gold', 'platinum'] } })).toBe(true);
    expect(applies({ ...percent, eligibility: { ...ANYONE, tiers: ['silver'] } })).toBe(false);
    expect(applies({ ...percent, eligibility: { ...ANYONE, territories: ['CN-31'] } })).toBe(true);
    expect(applies({ ...percent, eligibility: { ...ANYONE, territories: ['CN-11'] } })).toBe(false);
    expect(applies({ ...percent, eligibility: { ...ANYONE, tiers: ['gold'] } }, { buyer: { dealerId: 'D-1' } })).toBe(false);
    expect(applies({ ...percent, eligibility: { ...ANYONE, territories: ['CN-31'] } }, { buyer: { dealerId: 'D-1' } })).toBe(false);
  });

  it('restricts lines by SKU, brand and category, all that are given', () => {
    const snacksOfPanda = { ...percent, eligibility: { ...ANYONE, brands: ['Panda'], categories: ['snacks'] } };
    const result = run([tea, chips], [snacksOfPanda]);
    expect(result.lines.map((line) => line.discountMinor > 0)).toEqual([false, true]);
    expect(run([tea, chips], [{ ...percent, eligibility: { ...ANYONE, skus: ['TEA'], categories: ['snacks'] } }]).applied).toEqual([]);
  });

  it('leaves out a capped promotion whose cap is reached, per dealer or in all, and says so', () => {
    const capped = { ...percent, caps: { perDealer: 1, total: 10 } };
    expect(run([tea], [capped], { usage: { P: { byDealer: 0, total: 9 } } }).applied).toEqual([
      expect.objectContaining({ id: 'P', capped: true }),
    ]);
    const mine = run([tea], [capped], { usage: { P: { byDealer: 1, total: 1 } } });
    expect(mine.applied).toEqual([]);
    expect(mine.capsReached).toEqual([{ id: 'P', title: 'Promotion P' }]);
    expect(run([tea], [capped], { usage: { P: { byDealer: 0, total: 10 } } }).capsReached).toHaveLength(1);
  });
});

describe('stacking', () => {
  const tenPercent = promotion('TEN', { kind: 'percent_off', rule: { percent: 10 } });
  const twentyPercent = promotion('TWENTY', { kind: 'percent_off', rule: { percent: 20 } });
  const fiveOff = promotion('FIVE', { kind: 'amount_off', rule: { amountMinor: 500, per: 'line' } });

  it('applies stackable promotions one after the other on the remaining price, percentages before amounts', () => {
    const result = run([{ ...tea, qty: 1, unitPriceMinor: 10_000 }], [fiveOff, tenPercent]);
    expect(result.applied.map((applied) => applied.id)).toEqual(['TEN', 'FIVE']);
    expect(result.lines[0]).toMatchObject({ discountMinor: 1_000 + 500, netMinor: 8_500 });
    expect(result.lines[0]!.promotions.map((ref) => ref.id)).toEqual(['TEN', 'FIVE']);
  });

  it('never combines an exclusive promotion with another on the same line', () => {
    const exclusive = { ...tenPercent, stackable: false };
    const result = run([tea, chips], [exclusive, { ...fiveOff, eligibility: { ...ANYONE } }]);
    expect(lineOf(result, 'TEA').promotions.map((ref) => ref.id)).toEqual(['TEN']);
    expect(lineOf(result, 'CHIPS').promotions.map((ref) => ref.id)).toEqual(['TEN']);

    const teaOnly = { ...exclusive, eligibility: { ...ANYONE, skus: ['TEA'] } };
    const mixed = run([tea, chips], [teaOnly, fiveOff]);
    expect(lineOf(mixed, 'TEA').promotions.map((ref) => ref.id)).toEqual(['TEN']);
    expect(lineOf(mixed, 'CHIPS').promotions.map((ref) => ref.id)).toEqual(['FIVE']);
  });

  it('picks the exclusive promotion worth most to the buyer among those of the same priority', () => {
    const result = run(
      [tea],
      [
        { ...tenPercent, stackable: false },
        { ...twentyPercent, stackable: false },
      ],
    );
    expect(result.applied.map((applied) => applied.id)).toEqual(['TWENTY']);
  });

  it('lets priority decide before value, between exclusive and stackable promotions alike', () => {
    const urgent = { ...tenPercent, stackable: false, priority: 5 };
    expect(run([tea], [urgent, { ...twentyPercent, stackable: false }]).applied.map((applied) => applied.id)).toEqual(['TEN']);
    // A higher-priority stackable promotion touches the line first; the exclusive one then stays out.
    const first = { ...fiveOff, priority: 5 };
    expect(run([tea], [first, { ...twentyPercent, stackable: false }]).applied.map((applied) => applied.id)).toEqual(['FIVE']);
  });

  it('values gifts with the given unit prices when exclusive promotions compete', () => {
    const glass = promotion('GLASS', { kind: 'buy_x_get_y', rule: { buyQty: 1, getQty: 1, giftSku: 'GLASS' }, stackable: false });
    const small = { ...tenPercent, stackable: false };
    expect(run([tea], [glass, small]).applied.map((applied) => applied.id)).toEqual(['TEN']);
    expect(run([tea], [glass, small], { giftUnitPrices: { GLASS: 1_000 } }).applied.map((applied) => applied.id)).toEqual(['GLASS']);
  });
});

describe('input checks', () => {
  it('refuses the same SKU on two lines: the caller merges them first', () => {
    expect(() => run([tea, tea], [])).toThrow(/more than one line/);
  });
});
