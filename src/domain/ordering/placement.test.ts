import { describe, expect, it } from 'vitest';
import { productDecider, type ProductEvent, type ProductState } from '../catalog/product.ts';
import { creditLedgerDecider, type CreditEvent } from '../credit/credit-ledger.ts';
import type { Dealer } from '../dealers/dealer.ts';
import { stockDecider, type StockEvent } from '../inventory/stock.ts';
import { promotionDecider, type PromotionEvent } from '../promotions/promotion.ts';
import { fold } from '../shared/decider.ts';
import { allocateStock, decidePlacement, type PlacementFacts, type PlacementRequest, type StockSource } from './placement.ts';

const NOW = new Date('2026-06-01T04:00:00Z'); // 12:00 in Shanghai: no unusual-hour risk
const TODAY = '2026-06-01';

const product = (
  sku: string,
  basePriceMinor: number,
  extra: Partial<{ category: string; active: boolean; tiers: Record<string, number> }> = {},
): ProductState => {
  const events: ProductEvent[] = [
    {
      type: 'ProductRegistered',
      data: {
        sku,
        name: `Product ${sku}`,
        brand: 'Jade',
        category: extra.category ?? 'tea',
        gtin: null,
        unit: 'case',
        caseSize: null,
        shelfLifeDays: null,
        basePriceMinor,
        currency: 'CNY',
      },
    },
  ];
  if (extra.tiers) events.push({ type: 'ProductPricesSet', data: { sku, tiers: extra.tiers, dealers: {} } });
  if (extra.active === false) events.push({ type: 'ProductUpdated', data: { sku, changes: { active: false } } });
  return fold(productDecider, events);
};

const stock = (sku: string, warehouseId: string, regionCode: string, qty: number, reserved = 0): StockSource => {
  const events: StockEvent[] = [];
  if (qty > 0)
    events.push({
      type: 'StockReceived',
      data: {
        sku,
        warehouseId,
        receiptId: `R-${sku}-${warehouseId}`,
        lot: 'L1',
        productionDate: '2026-01-01',
        expiryDate: '2027-01-01',
        qty,
      },
    });
  if (reserved > 0) events.push({ type: 'StockReserved', data: { sku, warehouseId, orderId: 'O-OTHER', qty: reserved } });
  return { warehouseId, regionCode, state: fold(stockDecider, events) };
};

const credit = (limitMinor: number) =>
  fold(creditLedgerDecider, [{ type: 'CreditLimitSet', data: { dealerId: 'D-1', limitMinor } }] as CreditEvent[]);

const dealer: Dealer = {
  dealerId: 'D-1',
  name: 'Dealer',
  tier: 'gold',
  territories: ['CN-31'],
  paymentTermsDays: 30,
  prepay: false,
  status: 'active',
  suspensionReason: null,
  minRemainingDays: 0,
};

const facts = (overrides: Partial<PlacementFacts> = {}): PlacementFacts => ({
  dealer,
  credit: credit(1_000_000),
  products: new Map([
    ['TEA', product('TEA', 1_000)],
    ['RICE', product('RICE', 500, { category: 'staples', tiers: { gold: 450 } })],
  ]),
  stock: new Map([
    ['TEA', [stock('TEA', 'WH-N', 'CN-11', 100), stock('TEA', 'WH-E', 'CN-31', 8)]],
    ['RICE', [stock('RICE', 'WH-E', 'CN-31', 50)]],
  ]),
  promotions: [],
  history: { orderCount: 0, averageTotalMinor: 0, skuQuantities: {}, regionsUsed: [] },
  now: NOW,
  ...overrides,
});

const request = (lines: PlacementRequest['lines'], regionCode = 'CN-31'): PlacementRequest => ({
  orderId: 'O-1',
  dealerId: 'D-1',
  channel: 'manual',
  lines,
  regionCode,
  deliveryAddress: null,
  note: null,
  reorderOf: null,
  placedBy: null,
});

describe('order placement decided from stream states', () => {
  it('takes stock from the delivery region first, then the fullest warehouse, and reserves the total on credit', () => {
    const decision = decidePlacement(
      request([
        { sku: 'TEA', qty: 10 },
        { sku: 'RICE', qty: 4 },
      ]),
      facts(),
    );
    expect(decision.verdict.decision).toBe('approved');
    expect(decision.reservations.stock).toEqual([
      { sku: 'TEA', warehouseId: 'WH-E', qty: 8 },
      { sku: 'TEA', warehouseId: 'WH-N', qty: 2 },
      { sku: 'RICE', warehouseId: 'WH-E', qty: 4 },
    ]);
    // Tier price for rice: 4 × 4.50, tea at base: 10 × 10.00.
    expect(decision.placed.totals.totalMinor).toBe(11_800);
    expect(decision.reservations.creditMinor).toBe(11_800);
    expect(decision.placed.lines.map((line) => line.priceBasis)).toEqual(['base', 'tier']);
  });

  it('holds an order it cannot cover, keeping nothing reserved, and names what is available', () => {
    const decision = decidePlacement(request([{ sku: 'RICE', qty: 60 }]), facts());
    expect(decision.verdict.decision).toBe('on_hold');
    expect(decision.review.reasons).toEqual([{ code: 'insufficient_stock', detail: 'RICE: 60 ordered, 50 available' }]);
    expect(decision.reservations).toEqual({ stock: [], creditMinor: 0, promotions: [] });
  });

  it('counts stock reserved by other orders as unavailable', () => {
    const decision = decidePlacement(
      request([{ sku: 'RICE', qty: 10 }]),
      facts({ stock: new Map([['RICE', [stock('RICE', 'WH-E', 'CN-31', 50, 45)]]]) }),
    );
    expect(decision.review.reasons[0]).toEqual({ code: 'insufficient_stock', detail: 'RICE: 10 ordered, 5 available' });
  });

  it('holds for credit beyond what is available, reserving nothing', () => {
    const decision = decidePlacement(request([{ sku: 'TEA', qty: 5 }]), facts({ credit: credit(4_999) }));
    expect(decision.review.reasons.map((reason) => reason.code)).toEqual(['credit_limit_exceeded']);
    expect(decision.reservations.stock).toEqual([]);
  });

  it('reserves no credit for a prepay dealer', () => {
    const decision = decidePlacement(request([{ sku: 'TEA', qty: 5 }]), facts({ dealer: { ...dealer, prepay: true }, credit: credit(0) }));
    expect(decision.verdict.decision).toBe('approved');
    expect(decision.reservations.creditMinor).toBe(0);
    expect(decision.reservations.stock).toHaveLength(1);
  });

  it('rejects unknown, discontinued or suspended, reserving nothing', () => {
    const products = new Map([...facts().products, ['OLD', product('OLD', 100, { active: false })]]);
    const unknown = decidePlacement(
      request([
        { sku: 'TEA', qty: 1 },
        { sku: 'OLD', qty: 1 },
        { sku: 'NOPE', qty: 1 },
      ]),
      facts({ products }),
    );
    expect(unknown.verdict.decision).toBe('rejected');
    expect(unknown.cart.unknownSkus).toEqual(['OLD', 'NOPE']);
    expect(unknown.reservations).toEqual({ stock: [], creditMinor: 0, promotions: [] });
    const suspended = decidePlacement(request([{ sku: 'TEA', qty: 1 }]), facts({ dealer: { ...dealer, status: 'suspended' } }));
    expect(suspended.review.reasons.map((reason) => reason.code)).toEqual(['dealer_suspended']);
  });

  it('keeps reservations on a hold for territory, so ops can approve at once', () => {
    const decision = decidePlacement(request([{ sku: 'TEA', qty: 3 }], 'CN-11'), facts());
    expect(decision.review.reasons.map((reason) => reason.code)).toEqual(['territory_not_authorized']);
    expect(decision.reservations.stock).toEqual([{ sku: 'TEA', warehouseId: 'WH-N', qty: 3 }]);
  });

  it('applies a capped promotion until its cap is reached, and redeems it; gifts are reserved from stock too', () => {
    const created = (id: string, kind: string, rule: object, caps: object): PromotionEvent => ({
      type: 'PromotionCreated',
      data: {
        promotionId: id,
        title: id,
        kind,
        rule,
        startsAt: '2026-01-01T00:00:00.000Z',
        endsAt: '2027-01-01T00:00:00.000Z',
        eligibility: { tiers: [], territories: [], dealerIds: [], skus: ['TEA'], brands: [], categories: [] },
        stackable: true,
        priority: 0,
        caps,
      } as never,
    });
    const capped = fold(promotionDecider, [created('P-CAP', 'percent_off', { percent: 10 }, { perDealer: 1, total: null })]);
    const gift = fold(promotionDecider, [
      created('P-GIFT', 'buy_x_get_y', { buyQty: 5, getQty: 1, giftSku: 'RICE' }, { perDealer: null, total: null }),
    ]);
    if (!capped.exists || !gift.exists) throw new Error('promotions exist');
    const first = decidePlacement(request([{ sku: 'TEA', qty: 5 }]), facts({ promotions: [capped, gift] }));
    expect(first.cart.applied.map((promotion) => promotion.id).sort()).toEqual(['P-CAP', 'P-GIFT']);
    expect(first.reservations.promotions).toEqual(['P-CAP']);
    expect(first.reservations.stock).toEqual([
      { sku: 'TEA', warehouseId: 'WH-E', qty: 5 },
      { sku: 'RICE', warehouseId: 'WH-E', qty: 1 },
    ]);
    const used = fold(
      promotionDecider,
      [{ type: 'PromotionRedeemed', data: { promotionId: 'P-CAP', orderId: 'O-0', dealerId: 'D-1' } }],
      capped,
    );
    if (!used.exists) throw new Error('promotion exists');
    const second = decidePlacement(request([{ sku: 'TEA', qty: 5 }]), facts({ promotions: [used, gift] }));
    expect(second.cart.applied.map((promotion) => promotion.id)).toEqual(['P-GIFT']);
    expect(second.reservations.promotions).toEqual([]);

    // An uncapped promotion without budgets is never redeemed, whatever its id: `constructor` too.
    const named = fold(promotionDecider, [created('constructor', 'percent_off', { percent: 5 }, { perDealer: null, total: null })]);
    if (!named.exists) throw new Error('promotion exists');
    const third = decidePlacement(request([{ sku: 'TEA', qty: 5 }]), facts({ promotions: [named] }));
    expect(third.cart.applied.map((promotion) => promotion.id)).toEqual(['constructor']);
    expect(third.cart.budgetUses).toEqual({});
    expect(third.reservations.promotions).toEqual([]);
  });

  it('allocates nothing from an empty or expired warehouse', () => {
    const expired = stock('TEA', 'WH-X', 'CN-31', 10);
    expect(allocateStock('TEA', 5, [expired], 'CN-31', '2027-01-01')).toEqual({ reservations: [], allocated: 0 });
    expect(allocateStock('TEA', 5, [expired], 'CN-31', TODAY)).toEqual({
      reservations: [{ sku: 'TEA', warehouseId: 'WH-X', qty: 5 }],
      allocated: 5,
    });
  });
});
