// History endpoints show a dealer no more than the main views do: not the risk model behind a
// review, not other tiers' or dealers' prices, not which staff user did what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';

type Entry = { type: string; data: Record<string, any>; metadata: Record<string, unknown>; actor: string | null };

describe('history as a dealer sees it', () => {
  let app: TestApp;
  let dealer: string;

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-H', 'CN-31');
    // Large enough for the first-large-order risk rule to fire.
    await createProduct(app, { sku: 'H-1', basePriceMinor: 1_000_000 });
    await receiveStock(app, { sku: 'H-1', warehouseId: 'WH-H', qty: 100 });
    await createDealer(app, { id: 'D-H', tier: 'gold', creditLimitMinor: 100_000_000 });
    await createDealer(app, { id: 'D-OTHER', tier: 'silver' });
    const prices = await app.request('PUT', '/v1/products/H-1/prices', {
      token: app.token('ops', undefined, 'ops-carol'),
      body: { tiers: { gold: 900_000, silver: 950_000, platinum: 800_000 }, dealers: { 'D-H': 850_000, 'D-OTHER': 700_000 } },
    });
    expect(prices.status).toBe(200);
    // Orders are priced from the read models: wait until they have the prices.
    expect((await app.request('GET', `/v1/products?minPosition=${prices.body.position}`, { token: app.token('ops') })).status).toBe(200);
    dealer = app.token('dealer', 'D-H', 'buyer-dan');
  });
  afterAll(async () => {
    await app.stop();
  });

  const history = async (path: string, token: string) => {
    const response = await app.request<{ items: Entry[] }>('GET', path, { token });
    expect(response.status, response.text).toBe(200);
    return response.body.items;
  };

  it("shows a product's price changes with the dealer's own tier and contract price only, and no staff ids", async () => {
    const items = await history('/v1/products/H-1/history', dealer);
    const priced = items.find((item) => item.type === 'ProductPricesSet')!;
    expect(priced.data.tiers).toEqual({ gold: 900_000 });
    expect(priced.data.dealers).toEqual({ 'D-H': 850_000 });
    expect(JSON.stringify(items)).not.toContain('ops-carol');
    expect(priced).toMatchObject({ actor: null, metadata: { role: 'ops' } });
    // Staff still see everything.
    const staff = await history('/v1/products/H-1/history', app.token('ops'));
    expect(staff.find((item) => item.type === 'ProductPricesSet')!).toMatchObject({
      actor: 'ops-carol',
      data: { tiers: { gold: 900_000, silver: 950_000, platinum: 800_000 }, dealers: { 'D-H': 850_000, 'D-OTHER': 700_000 } },
    });
  });

  it("shows an order's review with its score and reasons but not the risk rules, and no staff ids", async () => {
    const placed = await app.request('POST', '/v1/orders', {
      token: dealer,
      body: { lines: [{ sku: 'H-1', qty: 2 }], regionCode: 'CN-31' },
    });
    expect(placed.status, placed.text).toBe(201);
    const id: string = placed.body.id;
    const cancelled = await app.request('POST', `/v1/orders/${id}/cancel`, {
      token: app.token('ops', undefined, 'ops-erin'),
      body: { reason: 'duplicate' },
    });
    expect(cancelled.status, cancelled.text).toBe(200);

    const staff = await history(`/v1/orders/${id}/history`, app.token('ops'));
    const staffReview = staff.find((item) => item.type === 'OrderReviewed')!;
    expect(staffReview.data.risk.factors.length).toBeGreaterThan(0);

    const items = await history(`/v1/orders/${id}/history`, dealer);
    const review = items.find((item) => item.type === 'OrderReviewed')!;
    expect(review.data.risk).toEqual({ score: staffReview.data.risk.score });
    expect(review.data.reasons).toEqual(staffReview.data.reasons);
    expect(items.find((item) => item.type === 'OrderPlaced')!.actor).toBe('buyer-dan');
    expect(items.find((item) => item.type === 'OrderCancelled')!).toMatchObject({ actor: null, metadata: { role: 'ops' } });
    expect(JSON.stringify(items)).not.toContain('ops-erin');

    // The order's own timeline tells the dealer the same.
    const detail = await app.request('GET', `/v1/orders/${id}?minPosition=${cancelled.body.position}`, { token: dealer });
    expect(JSON.stringify(detail.body.timeline)).not.toContain('ops-erin');
    const asOf = await app.request('GET', `/v1/orders/${id}?asOf=${new Date().toISOString()}`, { token: dealer });
    expect(JSON.stringify(asOf.body.timeline)).not.toContain('ops-erin');
  });
});
