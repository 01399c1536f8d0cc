// What `npm start` seeds into an empty database: the demo catalog, stock, dealers and promotions,
// then demo orders placed through the real review process, shipped and delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/data.ts';
import { DEMO_USERS } from '../../src/demo/users.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('demo data', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({}, { seed: true });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('seeds a catalog, and orders with every kind of outcome to look at', async () => {
    const { store } = app.running.infrastructure;
    const head = await store.headPosition();
    const products = await app.request('GET', `/v1/products?limit=500&minPosition=${head}`, { token: app.token('dealer', 'D-1001') });
    expect(products.status).toBe(200);
    expect(products.body.items.length).toBeGreaterThanOrEqual(300);
    // A Chinese catalog: names, brands and categories in Chinese, GTIN-13 barcodes under 69.
    for (const product of products.body.items) {
      expect(product.name).toMatch(/\p{Script=Han}/u);
      expect(product.gtin).toMatch(/^69\d{11}$/);
    }
    const found = await app.request('GET', `/v1/products?q=${encodeURIComponent('海天 生抽')}`, { token: app.token('dealer', 'D-1001') });
    expect(found.body.items[0]).toMatchObject({ sku: 'CND-HT-01', name: '海天金标生抽酱油1.28L×6瓶', brand: '海天', category: '调味品' });
    const scanned = await app.request('GET', `/v1/products/by-gtin/${found.body.items[0].gtin}`, { token: app.token('dealer', 'D-1001') });
    expect(scanned.body.sku).toBe('CND-HT-01');

    const mine = await app.request('GET', `/v1/orders?minPosition=${head}`, { token: app.token('dealer', 'D-1001') });
    expect(mine.body.items.map((order: any) => order.id).sort()).toEqual(['O-DEMO-0001', 'O-DEMO-0002', 'O-DEMO-0003', 'O-DEMO-0007']);
    const delivered = await app.request('GET', '/v1/orders/O-DEMO-0001', { token: app.token('dealer', 'D-1001') });
    expect(delivered.body.status).toBe('delivered');
    expect(delivered.body.shipments).toEqual([expect.objectContaining({ carrier: 'SF Express', status: 'delivered' })]);
    expect((await app.request('GET', '/v1/orders/O-DEMO-0002', { token: app.token('dealer', 'D-1001') })).body.status).toBe('shipped');

    const queue = await app.request('GET', `/v1/orders/review-queue?minPosition=${head}`, { token: app.token('ops') });
    const held = queue.body.items.find((order: any) => order.id === 'O-DEMO-0005');
    expect(held.review.reasons.map((reason: any) => reason.code)).toContain('territory_not_authorized');
    const prepay = await app.request('GET', '/v1/orders/O-DEMO-0006', { token: app.token('ops') });
    expect(prepay.body.status).toBe('awaiting_payment');
    // The demo buyer's order above the buyer's limit waits for the owner.
    const overLimit = await app.request('GET', '/v1/orders/O-DEMO-0007', { token: app.token('dealer', 'D-1001') });
    expect(overLimit.body.status).toBe('awaiting_dealer_approval');

    const sales = await app.request('GET', `/v1/analytics/sales?groupBy=dealer&minPosition=${head}`, { token: app.token('analyst') });
    expect(sales.status).toBe(200);
    expect(sales.body.items.map((row: any) => row.key ?? row.dealerId)).toEqual(expect.arrayContaining(['D-1001', 'D-1003']));
  });

  it('seeds users who sign in with the passwords npm start prints: a dealer owner, a buyer with limits, ops, finance, admin', async () => {
    const signedIn = [];
    for (const { username, password } of DEMO_USERS) {
      const response = await app.request('POST', '/v1/auth/login', { body: { username, password } });
      expect(response.status, username).toBe(200);
      signedIn.push(response.body.user);
    }
    expect(signedIn.map((user) => [user.role, user.dealerId, user.dealerRole])).toEqual([
      ['dealer', 'D-1001', 'owner'],
      ['dealer', 'D-1001', 'buyer'],
      ['ops', undefined, undefined],
      ['finance', undefined, undefined],
      ['admin', undefined, undefined],
    ]);
    expect(signedIn[1].spendingLimits).toEqual({ perOrderMinor: expect.any(Number), perMonthMinor: expect.any(Number) });
  });

  it('seeds nothing into a store that has events', async () => {
    const { store, commands } = app.running.infrastructure;
    // The demo lots near their expiry are alerted once the worker has looked at them.
    await app.running.dailyExpiry?.firstEvaluation;
    const head = await store.headPosition();
    expect(await seedDemoData({ store, commands })).toBeUndefined();
    expect(await store.headPosition()).toBe(head);
  });
});
