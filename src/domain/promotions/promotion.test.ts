import { describe, expect, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { createPromotionSchema, promotionDecider, type PromotionCreatedData, type PromotionEvent } from './promotion.ts';

const spec = specification(promotionDecider);

const terms = {
  title: 'Spring tea 10% off',
  kind: 'percent_off',
  rule: { percent: 10 },
  startsAt: '2025-06-01T08:00:00+08:00',
  endsAt: '2025-07-01T00:00:00Z',
  eligibility: { brands: ['Jade Spring', 'Jade Spring'], tiers: ['gold'] },
};

const recorded: PromotionCreatedData = {
  promotionId: 'SPRING10',
  title: 'Spring tea 10% off',
  kind: 'percent_off',
  rule: { percent: 10 },
  startsAt: '2025-06-01T00:00:00.000Z',
  endsAt: '2025-07-01T00:00:00.000Z',
  eligibility: { tiers: ['gold'], territories: [], dealerIds: [], skus: [], brands: ['Jade Spring'], categories: [] },
  stackable: false,
  priority: 0,
  caps: { perDealer: null, total: null },
};

const created: PromotionEvent = { type: 'PromotionCreated', data: recorded };
const capped: PromotionEvent = { type: 'PromotionCreated', data: { ...recorded, caps: { perDealer: 1, total: 2 } } };
const redeemed = (orderId: string, dealerId: string): PromotionEvent => ({
  type: 'PromotionRedeemed',
  data: { promotionId: 'SPRING10', orderId, dealerId },
});
const NOW = '2025-06-15T00:00:00.000Z';

describe('promotion decider', () => {
  it('records a new promotion in UTC, with its lists deduplicated and its caps explicit', () => {
    const data = createPromotionSchema.parse(terms);
    spec
      .given()
      .when({ type: 'CreatePromotion', data: { ...data, id: 'SPRING10' } })
      .then([created]);
  });

  it('refuses to create a promotion id twice', () => {
    const data = createPromotionSchema.parse(terms);
    spec
      .given([created])
      .when({ type: 'CreatePromotion', data: { ...data, id: 'SPRING10' } })
      .thenRefused('promotion_exists', 'conflict');
  });

  it('ends a promotion early, once; ending one that is over changes nothing', () => {
    spec
      .given([created])
      .when({ type: 'EndPromotion', data: { now: NOW, reason: 'stock ran out' } })
      .then([{ type: 'PromotionEnded', data: { promotionId: 'SPRING10', endedAt: NOW, reason: 'stock ran out' } }]);
    spec
      .given([created, { type: 'PromotionEnded', data: { promotionId: 'SPRING10', endedAt: NOW, reason: null } }])
      .when({ type: 'EndPromotion', data: { now: NOW, reason: null } })
      .thenNothing();
    spec
      .given([created])
      .when({ type: 'EndPromotion', data: { now: '2025-07-01T00:00:00.000Z', reason: null } })
      .thenNothing();
    spec
      .given()
      .when({ type: 'EndPromotion', data: { now: NOW, reason: null } })
      .thenRefused('promotion_not_found', 'not_found');
  });

  it('does not count orders on an uncapped promotion', () => {
    spec
      .given([created])
      .when({ type: 'RedeemPromotion', data: { orderId: 'O-1', dealerId: 'D-1', now: NOW } })
      .thenNothing();
  });

  it('counts the orders of a capped promotion, once per order', () => {
    spec
      .given([capped])
      .when({ type: 'RedeemPromotion', data: { orderId: 'O-1', dealerId: 'D-1', now: NOW } })
      .then([redeemed('O-1', 'D-1')]);
    spec
      .given([capped, redeemed('O-1', 'D-1')])
      .when({ type: 'RedeemPromotion', data: { orderId: 'O-1', dealerId: 'D-1', now: NOW } })
      .thenNothing();
  });

  it('refuses a redemption beyond the cap per dealer or in all', () => {
    spec
      .given([capped, redeemed('O-1', 'D-1')])
      .when({ type: 'RedeemPromotion', data: { orderId: 'O-2', dealerId: 'D-1', now: NOW } })
      .thenRefused('promotion_cap_reached', 'rule');
    spec
      .given([capped, redeemed('O-1', 'D-1')])
      .when({ type: 'RedeemPromotion', data: { orderId: 'O-2', dealerId: 'D-2', now: NOW } })
      .then([redeemed('O-2', 'D-2')]);
    spec
      .given([capped, redeemed('O-1', 'D-1'), redeemed('O-2', 'D-2')])
      .when({ type: 'RedeemPromotion', data: { orderId: 'O-3', dealerId: 'D-3', now: NOW } })
      .thenRefused('promotion_cap_reached', 'rule');
  });

  it('refuses a redemption outside the promotion window', () => {
    spec
      .given([capped])
      .when({ type: 'RedeemPromotion', data: { orderId: 'O-1', dealerId: 'D-1', now: '2025-05-01T00:00:00.000Z' } })
      .thenRefused('promotion_not_active');
  });

  it('releases the redemption of a cancelled order, which frees the cap', () => {
    const released: PromotionEvent = {
      type: 'PromotionRedemptionReleased',
      data: { promotionId: 'SPRING10', orderId: 'O-1', dealerId: 'D-1' },
    };
    spec
      .given([capped, redeemed('O-1', 'D-1')])
      .when({ type: 'ReleasePromotion', data: { orderId: 'O-1' } })
      .then([released]);
    spec
      .given([capped, redeemed('O-1', 'D-1'), released])
      .when({ type: 'ReleasePromotion', data: { orderId: 'O-1' } })
      .thenNothing();
    spec
      .given([capped, redeemed('O-1', 'D-1'), released])
      .when({ type: 'RedeemPromotion', data: { orderId: 'O-2', dealerId: 'D-1', now: NOW } })
      .then([redeemed('O-2', 'D-1')]);
    spec
      .given([capped])
      .when({ type: 'ReleasePromotion', data: { orderId: 'constructor' } })
      .thenNothing();
  });
});

describe('promotion terms', () => {
  const pathsOf = (input: unknown) => {
    const parsed = createPromotionSchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
  };

  it('checks the rule against the kind, and the window', () => {
    expect(pathsOf({ ...terms, kind: 'amount_off', endsAt: '2025-05-01T00:00:00Z' })).toEqual(
      expect.arrayContaining(['rule.amountMinor', 'rule', 'endsAt']),
    );
    expect(pathsOf({ ...terms, rule: { percent: 120 } })).toEqual(['rule.percent']);
    expect(pathsOf({ ...terms, startsAt: terms.endsAt })).toEqual(['endsAt']);
  });

  it('names the common fields even when the kind is unknown', () => {
    expect(pathsOf({ ...terms, kind: 'free_lunch', title: '', startsAt: 'soon' })).toEqual(
      expect.arrayContaining(['kind', 'title', 'startsAt']),
    );
  });

  it('checks rules in depth', () => {
    const breaks = {
      ...terms,
      kind: 'tiered_quantity',
      rule: {
        breaks: [
          { minQty: 10, unitOffMinor: 100 },
          { minQty: 5, unitOffMinor: 50 },
        ],
      },
    };
    expect(pathsOf(breaks)).toEqual(['rule.breaks']);
    const bundle = {
      ...terms,
      kind: 'bundle_price',
      rule: {
        items: [
          { sku: 'A', qty: 1 },
          { sku: 'A', qty: 1 },
        ],
        priceMinor: 100,
      },
    };
    expect(pathsOf(bundle)).toEqual(['rule.items']);
    const spend = { ...terms, kind: 'spend_threshold', rule: { minSpendMinor: 100, amountOffMinor: 200 } };
    expect(pathsOf(spend)).toEqual(['rule.amountOffMinor']);
    expect(createPromotionSchema.parse({ ...terms, kind: 'amount_off', rule: { amountMinor: 100 } }).rule).toEqual({
      amountMinor: 100,
      per: 'unit',
    });
  });
});
