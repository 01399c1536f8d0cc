// Every read model equals a rebuild of itself from position 0, row by row, after a business
// scenario that touches every projection (and while the API keeps serving): one projection at a
// time, and all of them in one pass over the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildProjections } from '../../src/projections/rebuild.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';
import { expectReadModelsToEqualRebuilds, snapshot, structure } from '../support/read-models.ts';

describe('rebuilding every projection', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    const ops = app.token('ops');
    await createWarehouse(app, 'WH-RB1', 'CN-31');
    await createWarehouse(app, 'WH-RB2', 'CN-11');
    for (const sku of ['RB-TEA', 'RB-CHIPS'])
      await createProduct(app, { sku, tiers: { gold: 800 }, category: sku === 'RB-TEA' ? 'beverages' : 'snacks' });
    await receiveStock(app, { sku: 'RB-TEA', warehouseId: 'WH-RB1', qty: 50, expiryDate: '2027-01-31' });
    await receiveStock(app, { sku: 'RB-TEA', warehouseId: 'WH-RB2', qty: 20, lot: 'RB-TEA-2' });
    await receiveStock(app, { sku: 'RB-CHIPS', warehouseId: 'WH-RB1', qty: 500 });
    await app.request('POST', '/v1/promotions', {
      token: ops,
      body: {
        id: 'RB-PROMO',
        title: 'Tea 5% off',
        kind: 'percent_off',
        rule: { percent: 5 },
        startsAt: '2020-01-01T00:00:00Z',
        endsAt: '2099-01-01T00:00:00Z',
        eligibility: { skus: ['RB-TEA'] },
      },
    });
    await createDealer(app, { id: 'D-RB1', territories: ['CN-31', 'CN-11'] });
    await createDealer(app, { id: 'D-RB2', tier: 'silver', creditLimitMinor: 20_000 });
    const last = await app.request('POST', '/v1/stock/adjustments', {
      token: ops,
      body: { sku: 'RB-CHIPS', warehouseId: 'WH-RB1', lot: 'LOT-RB-CHIPS-WH-RB1', delta: -3, reason: 'damaged' },
    });
    expect((await app.request('GET', `/v1/products?minPosition=${last.body.position}`, { token: ops })).status).toBe(200);

    const orders = [
      ['D-RB1', 'RB-TEA', 30, 'CN-31'],
      ['D-RB1', 'RB-TEA', 30, 'CN-11'],
      ['D-RB2', 'RB-CHIPS', 40, 'CN-31'],
      ['D-RB1', 'RB-CHIPS', 5, 'CN-44'],
    ] as const;
    const placed = [];
    for (const [dealerId, sku, qty, regionCode] of orders) {
      const response = await app.request('POST', '/v1/orders', {
        token: app.token('dealer', dealerId),
        body: { lines: [{ sku, qty }], regionCode },
      });
      expect(response.status).toBe(201);
      placed.push(response.body);
    }
    await app.request('POST', `/v1/orders/${placed[0].id}/cancel`, { token: ops });
    // The commercial terms: a shelf-life minimum, a regional promotion budget, a volume rebate on
    // shipped chips (shipped and partly returned).
    expect((await app.request('PUT', '/v1/dealers/D-RB2/shelf-life', { token: ops, body: { minRemainingDays: 30 } })).status).toBe(200);
    const budgeted = await app.request('POST', '/v1/promotions', {
      token: ops,
      body: {
        id: 'RB-BUDGET',
        title: 'Chips 10% off',
        kind: 'percent_off',
        rule: { percent: 10 },
        startsAt: '2020-01-01T00:00:00Z',
        endsAt: '2099-01-01T00:00:00Z',
        eligibility: { skus: ['RB-CHIPS'] },
        stackable: true,
        budgets: { 'CN-31': { maxDiscountMinor: 500 } },
      },
    });
    expect(budgeted.status, budgeted.text).toBe(201);
    const rebate = await app.request('POST', '/v1/rebate-programs', {
      token: ops,
      body: {
        id: 'RB-REBATE',
        title: 'Chips rebate',
        startsAt: '2020-01-01T00:00:00Z',
        endsAt: '2099-01-01T00:00:00Z',
        eligibility: { skus: ['RB-CHIPS'] },
        tiers: [{ fromMinor: 0, percent: 2 }],
      },
    });
    expect(rebate.status, rebate.text).toBe(201);
    const budgetedOrder = await app.request('POST', '/v1/orders', {
      token: app.token('dealer', 'D-RB1'),
      body: { lines: [{ sku: 'RB-CHIPS', qty: 10 }], regionCode: 'CN-31' },
    });
    expect(budgetedOrder.status, budgetedOrder.text).toBe(201);
    const shipped = await app.request('POST', `/v1/orders/${budgetedOrder.body.id}/shipments`, {
      token: ops,
      body: { lines: [{ sku: 'RB-CHIPS', qty: 10 }] },
    });
    expect(shipped.status, shipped.text).toBe(201);
    await app.request('POST', '/v1/dealers/D-RB2/payments', {
      token: app.token('finance'),
      body: { amountMinor: 1_000, reference: 'RB-PAY-1' },
    });
    await app.request('PUT', '/v1/dealers/D-RB1/tier', { token: ops, body: { tier: 'platinum' } });
    const buyer = await app.request('POST', '/v1/users', {
      token: app.token('admin'),
      body: {
        username: 'rb.buyer',
        displayName: 'Rebuilt buyer',
        password: 'rebuild passphrase',
        role: 'dealer',
        dealerId: 'D-RB1',
        dealerRole: 'buyer',
        spendingLimits: { perOrderMinor: 5_000 },
      },
    });
    await app.request('PATCH', `/v1/users/${buyer.body.id}`, {
      token: ops,
      body: { spendingLimits: { perMonthMinor: 9_000 }, status: 'disabled' },
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('gives the same rows as the live read models, for every projection', { timeout: 120_000 }, async () => {
    await expectReadModelsToEqualRebuilds(app);
  });

  it('gives the same rows and tables when every projection is rebuilt in one pass over the store', { timeout: 120_000 }, async () => {
    const { db, store, locks, upcasting, projections } = app.running.infrastructure;
    const head = await store.headPosition();
    expect((await app.request('GET', `/v1/orders?minPosition=${head}`, { token: app.token('ops') })).status).toBe(200);
    const before = new Map<string, unknown>();
    for (const projection of projections)
      before.set(projection.name, { rows: await snapshot(db, projection.schema), tables: await structure(db, projection.schema) });
    const progress = new Set<string>();
    const results = await rebuildProjections(projections, {
      db,
      store,
      locks,
      upcasting,
      batchSize: 3,
      onProgress: (name) => progress.add(name),
    });
    expect(Object.keys(results).sort()).toEqual(projections.map((projection) => projection.name).sort());
    expect([...progress].sort()).toEqual(Object.keys(results).sort());
    for (const projection of projections) {
      expect({ rows: await snapshot(db, projection.schema), tables: await structure(db, projection.schema) }, projection.name).toEqual(
        before.get(projection.name),
      );
      expect(BigInt(results[projection.name]!.position) >= BigInt(head), projection.name).toBe(true);
    }
  });
});
