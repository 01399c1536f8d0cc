// Recommendations on a seeded history: a year's worth of habits in a few orders, recorded as they
// would have been (placed on past days), then GET /v1/recommendations for the dealer: the SKUs it is
// due to reorder, on promotion for it, ordered with what it ordered lately, popular in its region,
// each with its reason in words; never a discontinued SKU or one without stock.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PricedLine } from '../../src/domain/ordering/order.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createWarehouse } from '../support/fixtures.ts';
import { placed } from '../support/order-history.ts';
import { expectReadModelsToEqualRebuilds } from '../support/read-models.ts';

const DAY_MS = 86_400_000;

describe('recommendations', () => {
  let app: TestApp;
  const ops = () => app.token('ops');
  const now = Date.now();
  const daysAgo = (days: number) => new Date(now - days * DAY_MS).toISOString();

  const line = (sku: string, qty: number): PricedLine => ({
    sku,
    name: sku,
    qty,
    unitPriceMinor: 100,
    priceBasis: 'base',
    grossMinor: qty * 100,
    discountMinor: 0,
    netMinor: qty * 100,
    promotions: [],
    explanation: '',
  });

  /** An order placed `days` ago, as recorded then: placed and approved. */
  async function history(dealerId: string, regionCode: string, days: number, lines: [string, number][]): Promise<string> {
    const orderId = `O-${randomUUID()}`;
    const at = daysAgo(days);
    const metadata = { actor: 'seed', role: 'dealer', correlationId: orderId, causationId: null, occurredAt: at, schemaVersion: 1 };
    const priced = lines.map(([sku, qty]) => line(sku, qty));
    const total = priced.reduce((sum, item) => sum + item.netMinor, 0);
    const data = placed({
      orderId,
      dealerId,
      regionCode,
      placedAt: at,
      lines: priced,
      gifts: [],
      totals: { subtotalMinor: total, discountMinor: 0, totalMinor: total, currency: 'CNY' },
    });
    const appended = await app.running.infrastructure.store.appendToStream(`order-${orderId}`, [
      { id: randomUUID(), type: 'OrderPlaced', data, metadata },
      {
        id: randomUUID(),
        type: 'OrderReviewed',
        data: {
          orderId,
          decision: 'approved',
          reasons: [],
          risk: { score: 0, threshold: 60, factors: [] },
          reservations: { stock: [], creditMinor: 0, promotions: [] },
        },
        metadata,
      },
    ]);
    return appended.position;
  }

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-R', 'CN-31');
    for (const sku of ['R-COLA', 'R-CHIPS', 'R-SOY', 'R-NOODLE', 'R-MILK', 'R-TEA', 'R-GONE', 'R-EMPTY', 'R-PROMO', 'R-NORTH']) {
      const created = await app.request('POST', '/v1/products', {
        token: ops(),
        body: { sku, name: `Name of ${sku}`, brand: 'R', category: 'drinks', unit: 'case', basePriceMinor: 500 },
      });
      expect(created.status, created.text).toBe(201);
      if (sku === 'R-EMPTY') continue;
      const received = await app.request('POST', '/v1/stock/receipts', {
        token: ops(),
        body: { sku, warehouseId: 'WH-R', lot: 'L1', productionDate: '2026-01-01', expiryDate: '2099-12-31', qty: 100 },
      });
      expect(received.status, received.text).toBe(201);
    }
    expect((await app.request('PATCH', '/v1/products/R-GONE', { token: ops(), body: { active: false } })).status).toBe(200);
    expect(
      (await app.request('PUT', '/v1/products/R-SOY/prices', { token: ops(), body: { tiers: { gold: 450 }, dealers: { 'D-R1': 420 } } }))
        .status,
    ).toBe(200);
    await createDealer(app, { id: 'D-R1', tier: 'gold', territories: ['CN-31'] });
    await createDealer(app, { id: 'D-R2', territories: ['CN-31'] });
    await createDealer(app, { id: 'D-R3', territories: ['CN-11'] });
    await createDealer(app, { id: 'D-R4', territories: ['CN-11'] });
    for (const [id, dealerIds, skus] of [
      ['P-R1', ['D-R1'], ['R-PROMO']],
      ['P-R2', ['D-R2'], ['R-NOODLE']],
    ] as const) {
      const promotion = await app.request('POST', '/v1/promotions', {
        token: ops(),
        body: {
          id,
          title: `Promotion ${id}`,
          kind: 'percent_off',
          rule: { percent: 5 },
          startsAt: daysAgo(1),
          endsAt: daysAgo(-30),
          eligibility: { dealerIds, skus },
        },
      });
      expect(promotion.status, promotion.text).toBe(201);
    }

    // D-R1 orders cola (with two SKUs that cannot be recommended) every 7 days, last 14 days ago; chips twice lately.
    for (const days of [35, 28, 21, 14])
      await history('D-R1', 'CN-31', days, [
        ['R-COLA', 2],
        ['R-GONE', 1],
        ['R-EMPTY', 1],
      ]);
    for (const days of [10, 3]) await history('D-R1', 'CN-31', days, [['R-CHIPS', 1]]);
    // Others in its region buy chips with soy sauce (3 orders) or noodles (1), cola with milk (2), and a lot of tea.
    for (let n = 0; n < 3; n++)
      await history('D-R2', 'CN-31', 20, [
        ['R-CHIPS', 1],
        ['R-SOY', 1],
      ]);
    await history('D-R2', 'CN-31', 20, [
      ['R-CHIPS', 1],
      ['R-NOODLE', 1],
    ]);
    for (let n = 0; n < 2; n++)
      await history('D-R2', 'CN-31', 20, [
        ['R-COLA', 1],
        ['R-MILK', 1],
      ]);
    await history('D-R2', 'CN-31', 20, [['R-TEA', 50]]);
    const last = await history('D-R3', 'CN-11', 5, [['R-NORTH', 80]]);
    expect((await app.request('GET', `/v1/orders?minPosition=${last}`, { token: ops() })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
  });

  const recommend = async (dealerId: string, query = '', headers: Record<string, string> = {}) => {
    const response = await app.request('GET', `/v1/recommendations${query}`, { token: app.token('dealer', dealerId), headers });
    expect(response.status, response.text).toBe(200);
    return response.body.items as { sku: string; name: string; priceMinor: number; available: number; reason: string; detail: string }[];
  };

  it('recommends what the dealer is due to reorder, what is on promotion for it, what goes with its recent orders and what its region buys', async () => {
    const items = await recommend('D-R1');
    expect(items.map((item) => [item.sku, item.reason])).toEqual([
      ['R-COLA', 'due_to_reorder'],
      ['R-PROMO', 'promoted_for_you'],
      ['R-SOY', 'bought_together'],
      ['R-TEA', 'popular_in_region'],
      ['R-MILK', 'bought_together'],
      ['R-NOODLE', 'popular_in_region'],
    ]);
    expect(items[0]).toEqual({
      sku: 'R-COLA',
      name: 'Name of R-COLA',
      priceMinor: 500,
      available: 100,
      reason: 'due_to_reorder',
      detail: '您通常约每 7 天订购一次，距上次订购已 14 天。',
    });
    // Its contract price, over its tier's.
    expect(items[2]).toMatchObject({
      priceMinor: 420,
      detail: '常与您最近订购的 Name of R-CHIPS（R-CHIPS）一起购买，已有 3 个订单同时订购。',
    });
    expect(items[1]!.detail).toBe('您现在可享受促销：Promotion P-R1。');
    expect(items[3]!.detail).toMatch(/^CN-31 地区近期订购量第 1 的商品/);
  });

  it('never recommends a discontinued SKU or one without stock, even when due', async () => {
    const skus = (await recommend('D-R1', '?limit=50')).map((item) => item.sku);
    expect(skus).not.toContain('R-GONE');
    expect(skus).not.toContain('R-EMPTY');
    // Chips: ordered 3 days ago, every 7 days: not due yet; and its own SKUs are not "new in the region".
    expect(skus).not.toContain('R-CHIPS');
  });

  it('explains in English on request, keeps to the limit, and knows each dealer by its own history and territories', async () => {
    const english = await recommend('D-R1', '?limit=2', { 'accept-language': 'en' });
    expect(english.map((item) => item.detail)).toEqual([
      'You order this about every 7 days; you last ordered it 14 days ago.',
      'On promotion for you now: Promotion P-R1.',
    ]);
    // What its region buys that it has bought already is not news to it.
    expect(await recommend('D-R3')).toEqual([]);
    const newcomer = await recommend('D-R4');
    expect(newcomer.map((item) => [item.sku, item.reason])).toEqual([['R-NORTH', 'popular_in_region']]);
    // D-R2 bought everything of its region already; what is on promotion for it still is.
    expect((await recommend('D-R2')).map((item) => [item.sku, item.reason])).toEqual([['R-NOODLE', 'promoted_for_you']]);
  });

  it('is the same after a rebuild of its read model', async () => {
    await expectReadModelsToEqualRebuilds(app);
    expect((await recommend('D-R1')).map((item) => item.sku)).toEqual(['R-COLA', 'R-PROMO', 'R-SOY', 'R-TEA', 'R-MILK', 'R-NOODLE']);
  });
});
