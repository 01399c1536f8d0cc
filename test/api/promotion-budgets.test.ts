// Promotion budgets per region, against the real server: once a region's budget is spent the
// promotion no longer applies to orders delivered there (shown as not applied, with the reason),
// racing orders never overspend it, and cancellations give it back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedSince, startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';

let app: TestApp;
const ops = () => app.token('ops');
const window = () => ({ startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 86_400_000).toISOString() });

beforeAll(async () => {
  app = await startTestApp();
  await createWarehouse(app, 'WH-PB-E', 'CN-31');
  await createWarehouse(app, 'WH-PB-S', 'CN-44');
  for (const sku of ['PB-TEA', 'PB-RICE']) {
    await createProduct(app, { sku, basePriceMinor: 1_000 });
    await receiveStock(app, { sku, warehouseId: 'WH-PB-E', qty: 10_000 });
    await receiveStock(app, { sku, warehouseId: 'WH-PB-S', qty: 10_000 });
  }
  for (let index = 0; index < 12; index++) await createDealer(app, { id: `D-PB${index}`, territories: ['CN-31', 'CN-44'] });
});
afterAll(async () => {
  await app.stop();
});

const order = (dealer: number, sku: string, qty: number, regionCode = 'CN-31') =>
  app.request('POST', '/v1/orders', { token: app.token('dealer', `D-PB${dealer}`), body: { lines: [{ sku, qty }], regionCode } });

describe('promotion budgets per region', () => {
  it('refuses budgets for unknown regions, empty budgets and bad amounts, naming each field, writing nothing', async () => {
    const head = await app.running.infrastructure.store.headPosition();
    const bad = await app.request('POST', '/v1/promotions', {
      token: ops(),
      body: {
        title: 'Bad budgets',
        kind: 'percent_off',
        rule: { percent: 10 },
        ...window(),
        budgets: { 'CN-99': { maxUnits: 5 }, 'CN-98': { maxDiscountMinor: 100 } },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: any) => error.path).sort()).toEqual(['body.budgets.CN-98', 'body.budgets.CN-99']);
    const shapes = await app.request('POST', '/v1/promotions', {
      token: ops(),
      body: {
        title: 'Bad budgets',
        kind: 'percent_off',
        rule: { percent: 10 },
        ...window(),
        budgets: { 'CN-31': {}, 'CN-44': { maxUnits: -1 } },
      },
    });
    expect(shapes.status).toBe(400);
    expect(shapes.body.errors.map((error: any) => error.path).sort()).toEqual(['body.budgets.CN-31', 'body.budgets.CN-44.maxUnits']);
    expect(await appendedSince(app, head)).toEqual([]);
  });

  it('never grants more discount in a region than its budget, under racing orders; other regions are not limited', async () => {
    const created = await app.request('POST', '/v1/promotions', {
      token: ops(),
      body: {
        id: 'PB-TEA10',
        title: 'Tea 10% off',
        kind: 'percent_off',
        rule: { percent: 10 },
        ...window(),
        eligibility: { skus: ['PB-TEA'] },
        budgets: { 'CN-31': { maxDiscountMinor: 1_000 } },
      },
    });
    expect(created.status, created.text).toBe(201);
    // Each order of 3 takes 300 of discount: three fit in 1 000, the others are priced without it.
    const raced = await Promise.all(Array.from({ length: 10 }, (_, index) => order(index, 'PB-TEA', 3)));
    const discounted = raced.filter((response) => response.body.totals.discountMinor === 300);
    expect(discounted).toHaveLength(3);
    for (const response of raced.filter((candidate) => candidate.body.totals.discountMinor === 0)) {
      expect(response.body.promotionsNotApplied).toEqual([
        { id: 'PB-TEA10', title: 'Tea 10% off', reason: 'promotion_budget_exhausted', detail: expect.stringContaining('CN-31') },
      ]);
    }
    const shown = await app.request('GET', `/v1/promotions/PB-TEA10?minPosition=${raced.at(-1)!.body.position}`, { token: ops() });
    expect(shown.body.budgets).toEqual([
      {
        regionCode: 'CN-31',
        maxDiscountMinor: 1_000,
        maxUnits: null,
        usedDiscountMinor: 900,
        usedUnits: 9,
        remainingDiscountMinor: 100,
        remainingUnits: null,
      },
    ]);
    // Delivered to another region, the promotion applies without limit; a quote there shows it, here it warns.
    expect((await order(11, 'PB-TEA', 20, 'CN-44')).body.totals.discountMinor).toBe(2_000);
    const quote = await app.request('POST', '/v1/quotes', {
      token: app.token('dealer', 'D-PB11'),
      body: { lines: [{ sku: 'PB-TEA', qty: 3 }], regionCode: 'CN-31' },
    });
    expect(quote.body.promotionsNotApplied.map((promotion: any) => promotion.reason)).toEqual(['promotion_budget_exhausted']);

    // A cancellation gives its share back: the next order gets the discount again.
    const cancelled = await app.request('POST', `/v1/orders/${discounted[0]!.body.id}/cancel`, { token: ops() });
    expect(cancelled.body.status).toBe('cancelled');
    expect((await order(11, 'PB-TEA', 3)).body.totals.discountMinor).toBe(300);
  });

  it('counts gift units against a budget of units', async () => {
    const created = await app.request('POST', '/v1/promotions', {
      token: ops(),
      body: {
        id: 'PB-GIFT',
        title: 'Rice: buy 4 get 1',
        kind: 'buy_x_get_y',
        rule: { buyQty: 4, getQty: 1 },
        ...window(),
        eligibility: { skus: ['PB-RICE'] },
        budgets: { 'CN-44': { maxUnits: 12 } },
      },
    });
    expect(created.status, created.text).toBe(201);
    // 4 bought + 1 gift = 5 units each: two orders fit in 12, the third does not.
    const first = await order(0, 'PB-RICE', 4, 'CN-44');
    const second = await order(1, 'PB-RICE', 4, 'CN-44');
    const third = await order(2, 'PB-RICE', 4, 'CN-44');
    expect([first, second].map((response) => response.body.gifts.length)).toEqual([1, 1]);
    expect(third.body.gifts).toEqual([]);
    expect(third.body.promotionsNotApplied.map((promotion: any) => promotion.id)).toEqual(['PB-GIFT']);
  });
});
