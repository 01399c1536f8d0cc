// An Idempotency-Key means one request: the same key on another route, by another user of the
// dealer, or by staff acting for it is refused with 422 (writing nothing), never answered with
// whatever the key made first. Only the same caller repeating the same request gets the replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';

describe('Idempotency-Key scope', () => {
  let app: TestApp;
  const head = () => app.running.infrastructure.store.headPosition();
  const order = { lines: [{ sku: 'IK-1', qty: 1 }], regionCode: 'CN-31' };

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-IK', 'CN-31');
    await createProduct(app, { sku: 'IK-1' });
    await receiveStock(app, { sku: 'IK-1', warehouseId: 'WH-IK', qty: 100 });
    const created = await createDealer(app, { id: 'D-IK' });
    // Orders are priced from the read models: wait until they have the product and its stock.
    expect((await app.request('GET', `/v1/products?minPosition=${created}`, { token: app.token('ops') })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('refuses an order key reused by another user of the dealer, on another route, or by staff for the dealer', async () => {
    const alice = app.token('dealer', 'D-IK', 'alice');
    const headers = { 'idempotency-key': 'po-2026-001' };
    const first = await app.request('POST', '/v1/orders', { token: alice, headers, body: order });
    expect(first.status, first.text).toBe(201);
    const before = await head();

    const bob = await app.request('POST', '/v1/orders', { token: app.token('dealer', 'D-IK', 'bob'), headers, body: order });
    const reorder = await app.request('POST', `/v1/orders/${first.body.id}/reorder`, { token: alice, headers, body: {} });
    const onBehalf = await app.request('POST', '/v1/orders', { token: app.token('ops'), headers, body: { ...order, dealerId: 'D-IK' } });
    for (const response of [bob, reorder, onBehalf]) {
      expect(response.status, response.text).toBe(422);
      expect(response.body.code).toBe('idempotency_key_reused');
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await head()).toBe(before);

    const again = await app.request('POST', '/v1/orders', { token: alice, headers, body: order });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('refuses a shipment key reused by another operator on the same order', async () => {
    const placed = await app.request('POST', '/v1/orders', { token: app.token('dealer', 'D-IK'), body: order });
    expect(placed.body.status).toBe('approved');
    const headers = { 'idempotency-key': 'pick-list-7' };
    const shipped = await app.request('POST', `/v1/orders/${placed.body.id}/shipments`, {
      token: app.token('ops', undefined, 'ops-a'),
      headers,
      body: { lines: order.lines },
    });
    expect(shipped.status, shipped.text).toBe(201);
    const other = await app.request('POST', `/v1/orders/${placed.body.id}/shipments`, {
      token: app.token('ops', undefined, 'ops-b'),
      headers,
      body: { lines: order.lines },
    });
    expect(other.status, other.text).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  });

  it("refuses one caller's key reused on another route", async () => {
    const ops = app.token('ops', undefined, 'ops-routes');
    const headers = { 'idempotency-key': 'setup-1' };
    expect(
      (await app.request('POST', '/v1/warehouses', { token: ops, headers, body: { id: 'WH-IK-2', name: 'Two', regionCode: 'CN-31' } }))
        .status,
    ).toBe(201);
    const product = await app.request('POST', '/v1/products', {
      token: ops,
      headers,
      body: { sku: 'IK-2', name: 'Two', brand: 'B', category: 'c', unit: 'case', basePriceMinor: 1 },
    });
    expect(product.status).toBe(422);
    expect(product.body.code).toBe('idempotency_key_reused');
  });
});
