// The analytics API against hand-computed figures of a small scenario (test/analytics/scenario.ts):
// sales booked and shipped by every grouping, bestsellers, order decisions, promotion uplift,
// inventory turnover and expiry risk, replenishment; then a live order placed over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { buildScenario, caughtUp, day } from './scenario.ts';

describe('analytics API', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await buildScenario(app);
  });
  afterAll(async () => {
    await app.stop();
  });

  const get = async (path: string, role: 'analyst' | 'ops' | 'finance' = 'analyst') => {
    const response = await app.request('GET', path, { token: app.token(role) });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };

  // Booked: O1, O2, O3, O4 (approved after its hold), O8, O9. Not: O5 (rejected after a hold),
  // O6 (approved, then cancelled), O7 (rejected).
  //   O1 d-20 D-1 CN-31  A 10 × 900                      = 9 000
  //   O2 d-15 D-2 CN-11  A 4 × 1 000 + B 10 × 500        = 4 000 + 5 000
  //   O3 d-8  D-1 CN-31  A 20 × 900 − 1 800 (P-SUMMER)   = 16 200; B 10 × 500 = 5 000 (P-GIFT) + 1 free B
  //   O4 d-6  D-2 CN-11  A 5 × 1 000 − 500 (P-SUMMER)    = 4 500
  //   O8 d-2  D-1 CN-31  C 6 × 2 000                     = 12 000
  //   O9 d-1  D-2 CN-11  A 6 × 1 000                     = 6 000
  // Shipped: S1 d-19 (O1) A 10 = 9 000; S2 d-7 (O3) A 20 = 16 200, B 11 = 5 000. Refund d-2 (O3): 1 000.
  it('reports booked and shipped sales over the last 30 days by default, day by day', async () => {
    const report = await get('/v1/analytics/sales');
    expect(report).toMatchObject({ from: day(-29), to: day(1), groupBy: 'day', currency: 'CNY', nextCursor: null });
    expect(report.totals).toEqual({
      orders: 6,
      qty: 10 + 14 + 30 + 5 + 6 + 6,
      giftQty: 1,
      grossMinor: 64_000,
      discountMinor: 2_300,
      netMinor: 61_700,
      shippedQty: 41,
      shippedNetMinor: 30_200,
      refundedMinor: 1_000,
    });
    expect(report.items).toHaveLength(30);
    expect(report.items[0].key).toBe(day(-29));
    const byDay = Object.fromEntries(report.items.map((item: any) => [item.key, item]));
    expect(byDay[day(-8)]).toMatchObject({
      orders: 1,
      qty: 30,
      giftQty: 1,
      grossMinor: 23_000,
      discountMinor: 1_800,
      netMinor: 21_200,
      shippedQty: 0,
    });
    expect(byDay[day(-7)]).toMatchObject({ orders: 0, qty: 0, netMinor: 0, shippedQty: 31, shippedNetMinor: 21_200 });
    expect(byDay[day(-19)]).toMatchObject({ orders: 0, shippedQty: 10, shippedNetMinor: 9_000 });
    expect(byDay[day(-2)]).toMatchObject({ orders: 1, qty: 6, netMinor: 12_000, refundedMinor: 1_000 });
    // Rejected and cancelled orders are no sales.
    expect(byDay[day(-5)]).toMatchObject({ orders: 0, qty: 0, netMinor: 0 });
    expect(byDay[day(-4)]).toMatchObject({ orders: 0, qty: 0, netMinor: 0 });
  });

  it('groups sales by SKU, category, dealer, region and brand', async () => {
    const bySku = await get('/v1/analytics/sales?groupBy=sku');
    expect(bySku.items).toEqual([
      {
        key: 'A-COLA',
        name: 'Product A-COLA',
        orders: 5,
        qty: 45,
        giftQty: 0,
        grossMinor: 42_000,
        discountMinor: 2_300,
        netMinor: 39_700,
        shippedQty: 30,
        shippedNetMinor: 25_200,
        refundedMinor: null,
      },
      {
        key: 'C-TEA',
        name: 'Product C-TEA',
        orders: 1,
        qty: 6,
        giftQty: 0,
        grossMinor: 12_000,
        discountMinor: 0,
        netMinor: 12_000,
        shippedQty: 0,
        shippedNetMinor: 0,
        refundedMinor: null,
      },
      {
        key: 'B-CHIPS',
        name: 'Product B-CHIPS',
        orders: 2,
        qty: 20,
        giftQty: 1,
        grossMinor: 10_000,
        discountMinor: 0,
        netMinor: 10_000,
        shippedQty: 11,
        shippedNetMinor: 5_000,
        refundedMinor: null,
      },
    ]);

    const byCategory = await get('/v1/analytics/sales?groupBy=category');
    expect(byCategory.items.map((item: any) => [item.key, item.orders, item.qty, item.netMinor, item.shippedQty])).toEqual([
      ['beverages', 6, 51, 51_700, 30],
      ['snacks', 2, 20, 10_000, 11],
    ]);

    const byDealer = await get('/v1/analytics/sales?groupBy=dealer');
    expect(byDealer.items).toEqual([
      {
        key: 'D-1',
        name: 'Dealer D-1',
        orders: 3,
        qty: 46,
        giftQty: 1,
        grossMinor: 44_000,
        discountMinor: 1_800,
        netMinor: 42_200,
        shippedQty: 41,
        shippedNetMinor: 30_200,
        refundedMinor: 1_000,
      },
      {
        key: 'D-2',
        name: 'Dealer D-2',
        orders: 3,
        qty: 25,
        giftQty: 0,
        grossMinor: 20_000,
        discountMinor: 500,
        netMinor: 19_500,
        shippedQty: 0,
        shippedNetMinor: 0,
        refundedMinor: 0,
      },
    ]);

    const byRegion = await get('/v1/analytics/sales?groupBy=region');
    expect(byRegion.items.map((item: any) => [item.key, item.netMinor, item.refundedMinor])).toEqual([
      ['CN-31', 42_200, 1_000],
      ['CN-11', 19_500, 0],
    ]);

    const byBrand = await get('/v1/analytics/sales?groupBy=brand');
    expect(byBrand.items.map((item: any) => [item.key, item.netMinor])).toEqual([
      ['Fizz', 39_700],
      ['Leaf', 12_000],
      ['Crunch', 10_000],
    ]);
  });

  it('filters sales by range and dimension, and pages them', async () => {
    // Placed d-10 … d-4: O3 and O4 (O5, O6, O7 are no sales); S2 left on d-7.
    const week = await get(`/v1/analytics/sales?groupBy=sku&from=${day(-10)}&to=${day(-3)}`);
    expect(week.totals).toMatchObject({
      orders: 2,
      qty: 35,
      giftQty: 1,
      grossMinor: 28_000,
      discountMinor: 2_300,
      netMinor: 25_700,
      shippedQty: 31,
      refundedMinor: 0,
    });
    expect(week.items.map((item: any) => [item.key, item.qty, item.netMinor])).toEqual([
      ['A-COLA', 25, 20_700],
      ['B-CHIPS', 10, 5_000],
    ]);

    const cola = await get('/v1/analytics/sales?groupBy=dealer&sku=A-COLA');
    expect(cola.items.map((item: any) => [item.key, item.qty, item.netMinor, item.refundedMinor])).toEqual([
      ['D-1', 30, 25_200, null],
      ['D-2', 15, 14_500, null],
    ]);
    expect(cola.totals.refundedMinor).toBeNull();

    const page1 = await get('/v1/analytics/sales?groupBy=sku&limit=2');
    expect(page1.items.map((item: any) => item.key)).toEqual(['A-COLA', 'C-TEA']);
    const page2 = await get(`/v1/analytics/sales?groupBy=sku&limit=2&cursor=${page1.nextCursor}`);
    expect(page2).toMatchObject({ items: [{ key: 'B-CHIPS' }], nextCursor: null });

    expect((await get('/v1/analytics/sales?currency=USD')).totals).toMatchObject({ orders: 0, netMinor: 0 });
  });

  it('ranks bestsellers by units or revenue, booked or shipped', async () => {
    const byQty = await get('/v1/analytics/bestsellers');
    expect(byQty.items.map((item: any) => [item.rank, item.sku, item.qty, item.netMinor])).toEqual([
      [1, 'A-COLA', 45, 39_700],
      [2, 'B-CHIPS', 20, 10_000],
      [3, 'C-TEA', 6, 12_000],
    ]);
    expect(byQty.items[0]).toMatchObject({ brand: 'Fizz', category: 'beverages', orders: 5, shareOfQty: 0.6338, shareOfNetMinor: 0.6434 });

    const byRevenue = await get('/v1/analytics/bestsellers?by=revenue&limit=2');
    expect(byRevenue.items.map((item: any) => item.sku)).toEqual(['A-COLA', 'C-TEA']);
    expect(byRevenue.nextCursor).not.toBeNull();

    const shipped = await get('/v1/analytics/bestsellers?basis=shipped');
    expect(shipped.items.map((item: any) => [item.sku, item.qty, item.netMinor, item.shareOfQty])).toEqual([
      ['A-COLA', 30, 25_200, 0.7317],
      ['B-CHIPS', 11, 5_000, 0.2683],
    ]);
  });

  it('counts orders by outcome, with the approval rate and the time to decision', async () => {
    // Automatic: approved O1 O2 O3 O6 O8 O9 (0 s), rejected O7 (0 s). Held: O4 approved 2 h later,
    // O5 rejected 30 min later. Decision seconds [0 × 7, 1 800, 7 200].
    const report = await get('/v1/analytics/orders', 'ops');
    expect(report.totals).toEqual({
      placed: 9,
      approvedAutomatically: 6,
      held: 2,
      rejectedAutomatically: 1,
      approvedAfterHold: 1,
      rejectedAfterHold: 1,
      approved: 7,
      rejected: 2,
      cancelled: 1,
      onHold: 0,
      approvalRate: 0.7778,
      automaticApprovalRate: 0.6667,
      decisionSeconds: { average: 1_000, median: 0, p90: 2_880 },
      heldDecisionSeconds: { average: 4_500, median: 4_500 },
    });
    expect(report.items.find((item: any) => item.key === day(-6))).toMatchObject({
      placed: 1,
      held: 1,
      approvedAfterHold: 1,
      decisionSeconds: { average: 7_200 },
    });

    const byDealer = await get('/v1/analytics/orders?groupBy=dealer');
    expect(
      byDealer.items.map((item: any) => [
        item.key,
        item.name,
        item.placed,
        item.approved,
        item.rejected,
        item.cancelled,
        item.approvalRate,
      ]),
    ).toEqual([
      ['D-1', 'Dealer D-1', 5, 3, 2, 0, 0.6],
      ['D-2', 'Dealer D-2', 4, 4, 0, 1, 1],
    ]);
  });

  it('measures promotions: orders, revenue and discount, and the uplift against the 28 days before', async () => {
    const report = await get('/v1/analytics/promotions', 'finance');
    expect(report.items.map((item: any) => item.promotionId)).toEqual(['P-SUMMER', 'P-GIFT']);
    const [summer, gift] = report.items;
    // P-SUMMER ran d-10 00:00 until its early end d-3 00:00: 7 days. O6 used it but was cancelled.
    // During: A-COLA booked 25 units / 20 700 → 3.5714 / day, 2 957.14 / day.
    // Baseline d-38 … d-11: O1 10 + O2 4 = 14 units / 13 000 → 0.5 / day, 464.29 / day.
    expect(summer).toMatchObject({
      kind: 'percent_off',
      active: false,
      endedAt: `${day(-3)}T00:00:00.000Z`,
      windowEnd: `${day(-3)}T00:00:00.000Z`,
      windowDays: 7,
      orders: 2,
      qty: 25,
      giftQty: 0,
      grossMinor: 23_000,
      discountMinor: 2_300,
      netMinor: 20_700,
      promotedSkus: ['A-COLA'],
      uplift: {
        baselineDays: 28,
        duringDailyQty: 3.5714,
        baselineDailyQty: 0.5,
        qtyUplift: 6.1429,
        duringDailyNetMinor: 2_957.1429,
        baselineDailyNetMinor: 464.2857,
        revenueUplift: 5.3692,
      },
    });
    // P-GIFT ran d-30 … d-1 (29 days): O3's chips and its free bag. B-CHIPS sold 20 in the window; none before.
    expect(gift).toMatchObject({
      kind: 'buy_x_get_y',
      windowDays: 29,
      orders: 1,
      qty: 10,
      giftQty: 1,
      discountMinor: 0,
      netMinor: 5_000,
      promotedSkus: ['B-CHIPS'],
      uplift: { duringDailyQty: 0.6897, baselineDailyQty: 0, qtyUplift: null, revenueUplift: null },
    });

    const older = await get(`/v1/analytics/promotions?from=${day(-60)}&to=${day(-31)}`);
    expect(older.items).toEqual([]);
  });

  it('reports inventory: stock and value, turnover, days of cover and expiry risk by tier', async () => {
    const report = await get('/v1/analytics/inventory');
    expect(report).toMatchObject({ from: day(-29), to: day(1), days: 30 });
    // A-COLA@WH-E: 60 received d-40; 10 picked d-19, 20 picked d-7, 5 sent to WH-N d-1 → 25.
    // End-of-day on hand over d-29 … today: 10 × 60 + 12 × 50 + 6 × 30 + 2 × 25 = 1 430 → 47.6667.
    // Booked demand on WH-E: 10 + 4 + 20 + 5 + 6 = 45 → 1.5 / day.
    const items = Object.fromEntries(report.items.map((item: any) => [`${item.sku}@${item.warehouseId}`, item]));
    expect(items['A-COLA@WH-E']).toMatchObject({
      onHand: 25,
      reserved: 0,
      available: 25,
      inTransit: 0,
      valueMinor: 25_000,
      shippedQty: 30,
      averageOnHand: 47.6667,
      turnover: 0.6294,
      demandQty: 45,
      averageDailyDemand: 1.5,
      daysOfCover: 16.6667,
    });
    expect(items['A-COLA@WH-N']).toMatchObject({ onHand: 0, inTransit: 5, averageOnHand: 0, turnover: null, daysOfCover: null });
    // B-CHIPS: 50, then 39 from d-7, 35 from d-3: 22 × 50 + 4 × 39 + 4 × 35 = 1 396 → 46.5333; demand 10 + 11 (with the gift).
    expect(items['B-CHIPS@WH-E']).toMatchObject({
      onHand: 35,
      available: 35,
      shippedQty: 11,
      averageOnHand: 46.5333,
      turnover: 0.2364,
      demandQty: 21,
      daysOfCover: 50,
    });
    expect(items['B-CHIPS@WH-E'].expiry.yellow).toEqual({ lots: 1, qty: 35, valueMinor: 17_500 });
    // C-TEA: lot L4 (10) expired two days ago and is not sellable; 6 reserved for O8.
    expect(items['C-TEA@WH-N']).toMatchObject({
      onHand: 50,
      reserved: 6,
      available: 34,
      valueMinor: 100_000,
      shippedQty: 0,
      turnover: 0,
      demandQty: 6,
      daysOfCover: 170,
    });
    expect(report.totals).toEqual({ onHand: 110, available: 94, valueMinor: 142_500 });
    expect(report.expiry).toEqual([
      { tier: 'expired', lots: 1, qty: 10, valueMinor: 20_000 },
      { tier: 'red', lots: 0, qty: 0, valueMinor: 0 },
      { tier: 'yellow', lots: 1, qty: 35, valueMinor: 17_500 },
      { tier: 'blue', lots: 1, qty: 40, valueMinor: 80_000 },
    ]);

    const snacks = await get('/v1/analytics/inventory?category=snacks');
    expect(snacks.items.map((item: any) => item.sku)).toEqual(['B-CHIPS']);
  });

  it('suggests replenishment with every input shown', async () => {
    const report = await get('/v1/analytics/replenishment', 'ops');
    expect(report.parameters).toEqual({ windowDays: 28, leadTimeDays: 7, reviewPeriodDays: 7, serviceLevel: 0.95, z: 1.6449, trend: true });
    expect(report.formula).toContain('reorderPoint = forecastDailyDemand × leadTimeDays + safetyStock');
    const items = Object.fromEntries(report.items.map((item: any) => [`${item.sku}@${item.warehouseId}`, item]));
    // A-COLA@WH-E, demand d-28 … d-1: 10 (d-20), 4 (d-15) | 20 (d-8), 5 (d-6), 6 (d-1).
    // average 45/28 = 1.6071; halves 14/14 = 1, 31/14 = 2.2143; forecast 1.6071 + 1.2143 = 2.8214;
    // σ = √(577/28 − 1.6071²) = 4.2455; safety = 1.6449 × 4.2455 × √7 = 18.4759;
    // reorder point = 2.8214 × 7 + 18.4759 = 38.2259; cycle = 2.8214 × 7 = 19.75; ⌈38.2259 + 19.75 − 25⌉ = 33.
    expect(items['A-COLA@WH-E']).toEqual({
      sku: 'A-COLA',
      name: 'Product A-COLA',
      category: 'beverages',
      warehouseId: 'WH-E',
      inputs: {
        from: day(-28),
        to: day(0),
        demandQty: 45,
        averageDailyDemand: 1.6071,
        earlierDailyDemand: 1,
        recentDailyDemand: 2.2143,
        trendPerDay: 0.0867,
        forecastDailyDemand: 2.8214,
        demandStdDev: 4.2455,
        onHand: 25,
        reserved: 0,
        available: 25,
        onOrder: 0,
      },
      safetyStock: 18.4759,
      reorderPoint: 38.2259,
      cycleDemand: 19.75,
      targetLevel: 57.9759,
      stockPosition: 25,
      reorderNow: true,
      suggestedQty: 33,
    });
    // B-CHIPS: 10 | 11 → forecast 0.8214, σ 2.7075, reorder point 17.5325, target 23.2825 < 35 available.
    expect(items['B-CHIPS@WH-E']).toMatchObject({ reorderPoint: 17.5325, targetLevel: 23.2825, reorderNow: false, suggestedQty: 0 });
    expect(items['A-COLA@WH-N']).toMatchObject({
      inputs: { demandQty: 0, onOrder: 5 },
      stockPosition: 5,
      reorderPoint: 0,
      reorderNow: false,
      suggestedQty: 0,
    });

    const reorder = await get('/v1/analytics/replenishment?reorderOnly=true');
    expect(reorder.items.map((item: any) => `${item.sku}@${item.warehouseId}`)).toEqual(['A-COLA@WH-E']);

    // C-TEA with 30 days lead time at 99 %: 0.6429 × 30 + 2.3263 × 1.1135 × √30 = 33.4734; ⌈33.4734 + 4.5 − 34⌉ = 4.
    const tea = await get('/v1/analytics/replenishment?sku=C-TEA&leadTimeDays=30&serviceLevel=0.99');
    expect(tea.parameters.z).toBe(2.3263);
    expect(tea.items).toHaveLength(1);
    expect(tea.items[0]).toMatchObject({ safetyStock: 14.1876, reorderPoint: 33.4734, suggestedQty: 4, reorderNow: false });

    // Without trend the forecast is the moving average: 1.6071 × 7 + 18.4759 = 29.7259; ⌈29.7259 + 11.25 − 25⌉ = 16.
    const flat = await get('/v1/analytics/replenishment?sku=A-COLA&warehouseId=WH-E&trend=false');
    expect(flat.items[0]).toMatchObject({ inputs: { forecastDailyDemand: 1.6071 }, reorderPoint: 29.7259, suggestedQty: 16 });

    // As of ten days ago the window is d-38 … d-11: O1's 10 and O2's 4 units, both in the recent half (d-24 …).
    const earlier = await get(`/v1/analytics/replenishment?sku=A-COLA&warehouseId=WH-E&asOf=${day(-10)}`);
    expect(earlier.items[0].inputs).toMatchObject({
      from: day(-38),
      to: day(-10),
      demandQty: 14,
      earlierDailyDemand: 0,
      recentDailyDemand: 1,
      forecastDailyDemand: 1.5,
    });
  });

  it('refuses bad parameters with 400 naming each field, and other roles with 403', async () => {
    const analyst = app.token('analyst');
    const inverted = await app.request('GET', `/v1/analytics/sales?from=${day(0)}&to=${day(-5)}`, { token: analyst });
    expect(inverted.status).toBe(400);
    expect(inverted.body.errors).toEqual([{ path: 'query.to', message: expect.stringContaining('end after it starts') }]);

    const bad = await app.request('GET', '/v1/analytics/sales?groupBy=week&from=yesterday', { token: analyst });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: any) => error.path).sort()).toEqual(['query.from', 'query.groupBy']);

    const tooLong = await app.request('GET', `/v1/analytics/orders?from=2020-01-01&to=${day(0)}`, { token: analyst });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0].path).toBe('query.from');

    const ancient = await app.request('GET', '/v1/analytics/replenishment?asOf=0001-01-01', { token: analyst });
    expect(ancient.status).toBe(400);
    expect(ancient.body.errors).toEqual([{ path: 'query.asOf', message: 'must be between 2000-01-01 and 2999-12-31' }]);

    const future = await app.request('GET', `/v1/analytics/inventory?to=${day(10)}`, { token: analyst });
    expect(future.status).toBe(400);
    expect(future.body.errors[0].path).toBe('query.to');

    const odd = await app.request('GET', '/v1/analytics/replenishment?windowDays=15&serviceLevel=2&leadTimeDays=-1', { token: analyst });
    expect(odd.status).toBe(400);
    expect(odd.body.errors.map((error: any) => error.path).sort()).toEqual([
      'query.leadTimeDays',
      'query.serviceLevel',
      'query.windowDays',
    ]);

    for (const path of ['/v1/analytics/sales', '/v1/analytics/replenishment']) {
      expect((await app.request('GET', path, { token: app.token('dealer', 'D-1') })).status).toBe(403);
      expect((await app.request('GET', path, { token: app.token('integration') })).status).toBe(403);
      expect((await app.request('GET', path)).status).toBe(401);
    }
  });

  it('counts an order placed over HTTP today in the live figures', async () => {
    const before = await get('/v1/analytics/sales?groupBy=sku&sku=B-CHIPS');
    const placed = await app.request('POST', '/v1/orders', {
      token: app.token('dealer', 'D-1'),
      body: { lines: [{ sku: 'B-CHIPS', qty: 2 }], regionCode: 'CN-31' },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.status).toBe('approved');
    await caughtUp(app, placed.body.position);

    const after = await get('/v1/analytics/sales?groupBy=sku&sku=B-CHIPS');
    expect(after.totals.orders - before.totals.orders).toBe(1);
    expect(after.totals.qty - before.totals.qty).toBe(2);
    expect(after.totals.netMinor - before.totals.netMinor).toBe(1_000);
    const todayFigures = await get(`/v1/analytics/sales?from=${day(0)}&to=${day(1)}`);
    expect(todayFigures.items).toEqual([expect.objectContaining({ key: day(0), orders: 1, qty: 2, netMinor: 1_000 })]);

    // Its reservation moves stock and demand: available 35 − 2.
    const stock = await get('/v1/analytics/inventory?sku=B-CHIPS');
    expect(stock.items[0]).toMatchObject({ reserved: 2, available: 33, demandQty: 23 });
    const orders = await get(`/v1/analytics/orders?from=${day(0)}&to=${day(1)}`);
    expect(orders.totals).toMatchObject({ placed: 1, approvedAutomatically: 1, approvalRate: 1 });

    // Shipped and delivered through the fulfilment API: shipped figures, picks and the order's status follow.
    const shipped = await app.request('POST', `/v1/orders/${placed.body.id}/shipments`, {
      token: app.token('ops'),
      body: { lines: [{ sku: 'B-CHIPS', qty: 2 }], carrier: 'SF Express' },
    });
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(201);
    await caughtUp(app, shipped.body.position);
    const todayShipped = await get(`/v1/analytics/sales?from=${day(0)}&to=${day(1)}`);
    expect(todayShipped.totals).toMatchObject({ shippedQty: 2, shippedNetMinor: 1_000 });
    expect((await get('/v1/analytics/inventory?sku=B-CHIPS')).items[0]).toMatchObject({
      onHand: 33,
      reserved: 0,
      available: 33,
      shippedQty: 13,
    });
    const delivered = await app.request('POST', `/v1/orders/${placed.body.id}/deliveries`, {
      token: app.token('ops'),
      body: { shipmentId: shipped.body.shipmentId, receivedBy: 'Mr Wang' },
    });
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    await caughtUp(app, delivered.body.position);
    const [fact] = await app.running.infrastructure.db
      .selectFrom('analytics.orders')
      .select(['status', 'booked'])
      .where('order_id', '=', placed.body.id)
      .execute();
    expect(fact).toEqual({ status: 'delivered', booked: true });
  });
});
