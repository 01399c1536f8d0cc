// What `npm start` seeds into an empty database: the demo catalog, stock, dealers and promotions,
// then demo orders placed through the real review process, shipped and delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo-data.ts';
import { DEMO_USERS } from '../../src/demo-users.ts';
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
    const products = await app.request('GET', `/v1/products?limit=100&minPosition=${head}`, { token: app.token('dealer', 'D-1001') });
    expect(products.status).toBe(200);
    expect(products.body.items.length).toBeGreaterThanOrEqual(30);

    const mine = await app.request('GET', '/v1/orders', { token: app.token('dealer', 'D-1001') });
    expect(mine.body.items.map((order: any) => order.id).sort()).toEqual(['O-DEMO-0001', 'O-DEMO-0002', 'O-DEMO-0003']);
    const delivered = await app.request('GET', '/v1/orders/O-DEMO-0001', { token: app.token('dealer', 'D-1001') });
    expect(delivered.body.status).toBe('delivered');
    expect(delivered.body.shipments).toEqual([expect.objectContaining({ carrier: 'SF Express', status: 'delivered' })]);
    expect((await app.request('GET', '/v1/orders/O-DEMO-0002', { token: app.token('dealer', 'D-1001') })).body.status).toBe('shipped');

    const queue = await app.request('GET', '/v1/orders/review-queue', { token: app.token('ops') });
    const held = queue.body.items.find((order: any) => order.id === 'O-DEMO-0005');
    expect(held.review.reasons.map((reason: any) => reason.code)).toContain('territory_not_authorized');
    const prepay = await app.request('GET', '/v1/orders/O-DEMO-0006', { token: app.token('ops') });
    expect(prepay.body.status).toBe('awaiting_payment');

    const sales = await app.request('GET', '/v1/analytics/sales?groupBy=dealer', { token: app.token('analyst') });
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
