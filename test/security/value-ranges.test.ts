// What a command may carry is what every read model can store: dates PostgreSQL cannot hold and
// prices whose products with a quantity leave exact integers are refused at the door (400,
// nothing written), and the largest order that is accepted prices exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_QUANTITY, MAX_UNIT_PRICE_MINOR } from '../../src/domain/shared/values.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';

describe('value ranges at the API', () => {
  let app: TestApp;
  let ops: string;
  const head = () => app.running.infrastructure.store.headPosition();

  beforeAll(async () => {
    app = await startTestApp();
    ops = app.token('ops');
    await createWarehouse(app, 'WH-R', 'CN-31');
    await createProduct(app, { sku: 'R-1' });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('refuses receipt dates outside 1900-9999 with 400 naming them, writing nothing', async () => {
    const before = await head();
    const receipt = { sku: 'R-1', warehouseId: 'WH-R', lot: 'L-0', productionDate: '0000-01-01', expiryDate: '10000-01-01', qty: 1 };
    const response = await app.request('POST', '/v1/stock/receipts', { token: ops, body: receipt });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(
      expect.arrayContaining(['body.productionDate', 'body.expiryDate']),
    );
    expect(await head()).toBe(before);
  });

  it('refuses a promotion window whose end, in UTC, is past 9999', async () => {
    const promotion = {
      title: 'Forever',
      kind: 'percent_off',
      rule: { percent: 5 },
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '9999-12-31T23:00:00-05:00',
    };
    const response = await app.request('POST', '/v1/promotions', { token: ops, body: promotion });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'body.endsAt' })]);
  });

  it('refuses unit prices above the maximum in products and price lists', async () => {
    const product = await app.request('POST', '/v1/products', {
      token: ops,
      body: { sku: 'R-HUGE', name: 'Huge', brand: 'B', category: 'c', unit: 'case', basePriceMinor: 1_000_000_000_000 },
    });
    expect(product.status).toBe(400);
    expect(product.body.errors).toEqual([expect.objectContaining({ path: 'body.basePriceMinor' })]);
    const prices = await app.request('PUT', '/v1/products/R-1/prices', { token: ops, body: { tiers: { gold: MAX_UNIT_PRICE_MINOR + 1 } } });
    expect(prices.status).toBe(400);
  });

  it('prices the largest quantities at the highest price exactly, in a quote and an order', async () => {
    const skus = ['R-MAX-1', 'R-MAX-2', 'R-MAX-3'];
    for (const sku of skus) {
      await createProduct(app, { sku, basePriceMinor: MAX_UNIT_PRICE_MINOR });
      await receiveStock(app, { sku, warehouseId: 'WH-R', qty: MAX_QUANTITY });
    }
    const created = await createDealer(app, { id: 'D-R', creditLimitMinor: 1_000_000_000_000 });
    // Quotes price from the catalog read model: wait until it has the products.
    expect((await app.request('GET', `/v1/products?minPosition=${created}`, { token: ops })).status).toBe(200);
    const dealer = app.token('dealer', 'D-R');
    const lines = skus.map((sku) => ({ sku, qty: MAX_QUANTITY }));
    const total = skus.length * MAX_QUANTITY * MAX_UNIT_PRICE_MINOR;
    const quote = await app.request('POST', '/v1/quotes', { token: dealer, body: { lines, regionCode: 'CN-31' } });
    expect(quote.status, quote.text).toBe(200);
    expect(quote.body.totals.totalMinor).toBe(total);
    const order = await app.request('POST', '/v1/orders', { token: dealer, body: { lines, regionCode: 'CN-31' } });
    expect(order.status, order.text).toBe(201);
    expect(order.body.totals.totalMinor).toBe(total);
    // Over the credit limit: held, with its reason, rather than a failure.
    expect(order.body.review.reasons.map((reason: { code: string }) => reason.code)).toContain('credit_limit_exceeded');
  });
});
