// Order placement end to end: pricing, the automated review, holds with reasons, ops decisions,
// cancellation, quotes, CSV import and reorders, over the real HTTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealerOrderHistory } from '../../src/projections/orders/queries.ts';
import { appendedSince, startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, creditOf, receiveStock, stockOf } from '../support/fixtures.ts';
import { addDays, businessDayOf } from '../../src/domain/shared/calendar.ts';

describe('orders', () => {
  let app: TestApp;
  let last = '0';

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-E', 'CN-31');
    await createWarehouse(app, 'WH-N', 'CN-11');
    for (const sku of ['ORD-TEA', 'ORD-CHIPS', 'ORD-RARE']) await createProduct(app, { sku, basePriceMinor: 1_000, tiers: { gold: 900 } });
    await receiveStock(app, { sku: 'ORD-TEA', warehouseId: 'WH-E', qty: 100 });
    await receiveStock(app, { sku: 'ORD-TEA', warehouseId: 'WH-N', qty: 50 });
    await receiveStock(app, { sku: 'ORD-CHIPS', warehouseId: 'WH-E', qty: 200 });
    last = await receiveStock(app, { sku: 'ORD-RARE', warehouseId: 'WH-N', qty: 5 });
    await createDealer(app, { id: 'D-ORD', tier: 'gold', territories: ['CN-31', 'CN-11'], creditLimitMinor: 1_000_000 });
    await createDealer(app, { id: 'D-POOR', tier: 'silver', creditLimitMinor: 5_000 });
    last = await createDealer(app, { id: 'D-OTHER' });
    // Let read models (catalog, stock) catch up before ordering.
    expect((await app.request('GET', `/v1/products?minPosition=${last}`, { token: app.token('ops') })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
  });

  const dealer = (id = 'D-ORD') => app.token('dealer', id);

  it('approves a good order at once, reserving stock and credit, and shows it to its dealer', async () => {
    const placed = await app.request('POST', '/v1/orders', {
      token: dealer(),
      body: {
        lines: [
          { sku: 'ORD-TEA', qty: 10 },
          { sku: 'ORD-CHIPS', qty: 5 },
        ],
        regionCode: 'CN-31',
        note: 'back door',
      },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body).toMatchObject({
      dealerId: 'D-ORD',
      status: 'approved',
      review: { decision: 'approved', reasons: [] },
      totals: { subtotalMinor: 13_500, discountMinor: 0, totalMinor: 13_500, currency: 'CNY' },
      note: 'back door',
      channel: 'manual',
    });
    expect(placed.body.review.riskFactors).toBeUndefined();
    expect(placed.body.lines[0]).toMatchObject({ sku: 'ORD-TEA', qty: 10, unitPriceMinor: 900, priceBasis: 'tier', netMinor: 9_000 });
    expect(placed.body.position).toMatch(/^\d+$/);

    const shown = await app.request('GET', `/v1/orders/${placed.body.id}?minPosition=${placed.body.position}`, { token: dealer() });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id: placed.body.id, status: 'approved', shipments: [] });
    expect(shown.body.timeline.map((entry: any) => entry.status)).toEqual(['placed', 'approved']);
    expect(await stockOf(app, 'ORD-TEA', 'WH-E', placed.body.position)).toMatchObject({ reserved: 10 });
    expect(await creditOf(app, 'D-ORD', placed.body.position)).toMatchObject({ reservedMinor: 13_500 });

    const otherDealer = await app.request('GET', `/v1/orders/${placed.body.id}`, { token: dealer('D-OTHER') });
    expect(otherDealer.status).toBe(404);
    const list = await app.request('GET', '/v1/orders', { token: dealer() });
    expect(list.body.items.map((order: any) => order.id)).toContain(placed.body.id);
    const othersList = await app.request('GET', '/v1/orders', { token: dealer('D-OTHER') });
    expect(othersList.body.items.map((order: any) => order.id)).not.toContain(placed.body.id);
  });

  it('splits a line over warehouses, preferring the delivery region', async () => {
    const placed = await app.request('POST', '/v1/orders', {
      token: dealer(),
      body: { lines: [{ sku: 'ORD-TEA', qty: 120 }], regionCode: 'CN-11' },
    });
    expect(placed.body.status).toBe('approved');
    expect(await stockOf(app, 'ORD-TEA', 'WH-N', placed.body.position)).toMatchObject({ reserved: 50, available: 0 });
    const east = await stockOf(app, 'ORD-TEA', 'WH-E', placed.body.position);
    expect(east.reserved).toBe(10 + 70);
    const cancelled = await app.request('POST', `/v1/orders/${placed.body.id}/cancel`, { token: dealer(), body: { reason: 'too much' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await stockOf(app, 'ORD-TEA', 'WH-N', cancelled.body.position)).toMatchObject({ reserved: 0, available: 50 });
  });

  it('holds an order when stock falls short, saying why, and keeps nothing reserved', async () => {
    const placed = await app.request('POST', '/v1/orders', {
      token: dealer(),
      body: { lines: [{ sku: 'ORD-RARE', qty: 8 }], regionCode: 'CN-31' },
    });
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe('on_hold');
    expect(placed.body.review.reasons).toEqual([{ code: 'insufficient_stock', detail: 'ORD-RARE: 8 ordered, 5 available' }]);
    expect(await stockOf(app, 'ORD-RARE', 'WH-N', placed.body.position)).toMatchObject({ reserved: 0, available: 5 });

    const queue = await app.request('GET', `/v1/orders/review-queue?minPosition=${placed.body.position}`, { token: app.token('ops') });
    const queued = queue.body.items.find((order: any) => order.id === placed.body.id);
    expect(queued.review.reasons[0].code).toBe('insufficient_stock');

    const refused = await app.request('POST', `/v1/orders/${placed.body.id}/approve`, { token: app.token('ops') });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('insufficient_stock');
    const received = await receiveStock(app, { sku: 'ORD-RARE', warehouseId: 'WH-E', qty: 10, lot: 'RARE-2' });
    // Ops approve once they see the stock (the process looks for stock where the read model shows it).
    await stockOf(app, 'ORD-RARE', 'WH-E', received);
    const approved = await app.request('POST', `/v1/orders/${placed.body.id}/approve`, {
      token: app.token('ops'),
      body: { note: 'stock arrived' },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('approved');
    const again = await app.request('POST', `/v1/orders/${placed.body.id}/approve`, { token: app.token('ops') });
    expect(again.status).toBe(409);
  });

  it('holds an order over the credit limit and releases its stock', async () => {
    const placed = await app.request('POST', '/v1/orders', {
      token: dealer('D-POOR'),
      body: { lines: [{ sku: 'ORD-CHIPS', qty: 10 }], regionCode: 'CN-31' },
    });
    expect(placed.body.status).toBe('on_hold');
    expect(placed.body.review.reasons.map((reason: any) => reason.code)).toEqual(['credit_limit_exceeded']);
    expect(await creditOf(app, 'D-POOR', placed.body.position)).toMatchObject({ reservedMinor: 0 });
    const rejected = await app.request('POST', `/v1/orders/${placed.body.id}/reject`, {
      token: app.token('ops'),
      body: { reason: 'pay first' },
    });
    expect(rejected.body.status).toBe('rejected');
  });

  it('holds an order outside the territories but keeps its reservations, so approval is instant', async () => {
    const placed = await app.request('POST', '/v1/orders', {
      token: dealer('D-OTHER'),
      body: { lines: [{ sku: 'ORD-CHIPS', qty: 3 }], regionCode: 'CN-44' },
    });
    expect(placed.body.status).toBe('on_hold');
    expect(placed.body.review.reasons.map((reason: any) => reason.code)).toEqual(['territory_not_authorized']);
    expect(await creditOf(app, 'D-OTHER', placed.body.position)).toMatchObject({ reservedMinor: 2_700 });
    const approved = await app.request('POST', `/v1/orders/${placed.body.id}/approve`, { token: app.token('ops') });
    expect(approved.body.status).toBe('approved');
    const dealerApproving = await app.request('POST', `/v1/orders/${placed.body.id}/approve`, { token: dealer('D-OTHER') });
    expect(dealerApproving.status).toBe(403);
  });

  it('lets ops reject a held order without giving a reason (API.md names no body), releasing its holdings', async () => {
    const placed = await app.request('POST', '/v1/orders', {
      token: dealer('D-OTHER'),
      body: { lines: [{ sku: 'ORD-CHIPS', qty: 2 }], regionCode: 'CN-44' },
    });
    expect(placed.body.status).toBe('on_hold');
    const rejected = await app.request('POST', `/v1/orders/${placed.body.id}/reject`, { token: app.token('ops') });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    const history = await app.request('GET', `/v1/orders/${placed.body.id}/history`, { token: app.token('finance') });
    expect(history.body.items.find((event: any) => event.type === 'HeldOrderRejected').data.reason).toBe('No reason given');
  });

  it('lists orders placed on the days from and to name, both whole', async () => {
    const placed = await app.request('POST', '/v1/orders', {
      token: dealer(),
      body: { lines: [{ sku: 'ORD-CHIPS', qty: 1 }], regionCode: 'CN-31' },
    });
    const today = businessDayOf(new Date());
    const listed = await app.request('GET', `/v1/orders?from=${today}&to=${today}&minPosition=${placed.body.position}`, {
      token: dealer(),
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((order: any) => order.id)).toContain(placed.body.id);
    const yesterday = addDays(businessDayOf(new Date()), -1);
    const before = await app.request('GET', `/v1/orders?to=${yesterday}`, { token: dealer() });
    expect(before.body.items.map((order: any) => order.id)).not.toContain(placed.body.id);
  });

  it('rejects orders of a suspended dealer and orders with unknown SKUs', async () => {
    const unknown = await app.request('POST', '/v1/orders', {
      token: dealer(),
      body: { lines: [{ sku: 'NO-SUCH-SKU', qty: 1 }], regionCode: 'CN-31' },
    });
    expect(unknown.body.status).toBe('rejected');
    expect(unknown.body.review.reasons[0].code).toBe('unknown_sku');
    await createDealer(app, { id: 'D-SUSP' });
    expect((await app.request('POST', '/v1/dealers/D-SUSP/suspend', { token: app.token('ops'), body: { reason: 'unpaid' } })).status).toBe(
      200,
    );
    const suspended = await app.request('POST', '/v1/orders', {
      token: dealer('D-SUSP'),
      body: { lines: [{ sku: 'ORD-TEA', qty: 1 }], regionCode: 'CN-31' },
    });
    expect(suspended.body.status).toBe('rejected');
    expect(suspended.body.review.reasons.map((reason: any) => reason.code)).toEqual(['dealer_suspended']);
  });

  it("refuses to cancel twice, or to let a dealer cancel another dealer's order", async () => {
    const placed = await app.request('POST', '/v1/orders', {
      token: dealer(),
      body: { lines: [{ sku: 'ORD-CHIPS', qty: 1 }], regionCode: 'CN-31' },
    });
    expect((await app.request('POST', `/v1/orders/${placed.body.id}/cancel`, { token: dealer('D-OTHER') })).status).toBe(404);
    expect((await app.request('POST', `/v1/orders/${placed.body.id}/cancel`, { token: app.token('ops') })).status).toBe(200);
    const twice = await app.request('POST', `/v1/orders/${placed.body.id}/cancel`, { token: dealer() });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('illegal_transition');
  });

  it('quotes a cart with warnings and writes nothing', async () => {
    const before = await app.running.infrastructure.store.headPosition();
    const quote = await app.request('POST', '/v1/quotes', {
      token: dealer('D-POOR'),
      body: {
        lines: [
          { sku: 'ORD-CHIPS', qty: 9_999 },
          { sku: 'GHOST', qty: 1 },
        ],
        regionCode: 'CN-44',
      },
    });
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    expect(quote.body.warnings.map((warning: any) => warning.code).sort()).toEqual([
      'credit_limit_exceeded',
      'insufficient_stock',
      'territory_not_authorized',
      'unknown_sku',
    ]);
    expect(quote.body.lines).toHaveLength(1);
    expect(await appendedSince(app, before)).toEqual([]);
  });

  it('imports an order from CSV, naming bad lines', async () => {
    const csv = 'sku,qty\nORD-TEA,2\nORD-CHIPS,3\nORD-TEA,1\n';
    const placed = await app.request('POST', '/v1/orders/import?regionCode=CN-31', {
      token: dealer(),
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.channel).toBe('csv');
    expect(placed.body.lines.map((line: any) => [line.sku, line.qty])).toEqual([
      ['ORD-TEA', 3],
      ['ORD-CHIPS', 3],
    ]);

    const before = await app.running.infrastructure.store.headPosition();
    const bad = await app.request('POST', '/v1/orders/import', {
      token: dealer(),
      raw: 'sku,qty\nORD-TEA,two\n,4\nORD-CHIPS,-1\nA,1,extra\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: any) => error.path)).toEqual(['line 2.qty', 'line 3.sku', 'line 4.qty', 'line 5']);
    const header = await app.request('POST', '/v1/orders/import', {
      token: dealer(),
      raw: 'product,amount\nX,1\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(header.status).toBe(400);
    expect(header.body.errors[0].path).toBe('line 1');
    const json = await app.request('POST', '/v1/orders/import', { token: dealer(), body: { lines: [{ sku: 'ORD-TEA', qty: 1 }] } });
    expect(json.status).toBe(415);
    expect(json.body).toMatchObject({ status: 415 });
    expect(await appendedSince(app, before)).toEqual([]);
  });

  it('reorders the same lines as a new order', async () => {
    const first = await app.request('POST', '/v1/orders', {
      token: dealer(),
      body: { lines: [{ sku: 'ORD-CHIPS', qty: 4 }], regionCode: 'CN-31' },
    });
    const again = await app.request('POST', `/v1/orders/${first.body.id}/reorder`, { token: dealer() });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body).toMatchObject({ channel: 'reorder', reorderOf: first.body.id, status: 'approved' });
    expect(again.body.id).not.toBe(first.body.id);
    expect(again.body.lines.map((line: any) => [line.sku, line.qty])).toEqual([['ORD-CHIPS', 4]]);
  });

  it('lets ops order on behalf of a dealer, naming it', async () => {
    const missing = await app.request('POST', '/v1/orders', {
      token: app.token('ops'),
      body: { lines: [{ sku: 'ORD-CHIPS', qty: 1 }], regionCode: 'CN-31' },
    });
    expect(missing.status).toBe(400);
    const placed = await app.request('POST', '/v1/orders', {
      token: app.token('ops'),
      body: { dealerId: 'D-ORD', lines: [{ sku: 'ORD-CHIPS', qty: 1 }], regionCode: 'CN-31' },
    });
    expect(placed.body).toMatchObject({ dealerId: 'D-ORD', channel: 'on_behalf' });
    // Staff see the risk factors; at night (00-06 in China) the unusual-hour factor is among them.
    expect(placed.body.review.riskFactors.filter((factor: any) => factor.rule !== 'unusual_hour')).toEqual([]);
    const dealerNamingOther = await app.request('POST', '/v1/orders', {
      token: dealer(),
      body: { dealerId: 'D-OTHER', lines: [{ sku: 'ORD-CHIPS', qty: 1 }], regionCode: 'CN-31' },
    });
    expect(dealerNamingOther.status).toBe(404);
  });

  it('keeps one order per Idempotency-Key, and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': 'order-key-1' };
    const body = { lines: [{ sku: 'ORD-CHIPS', qty: 2 }], regionCode: 'CN-31' };
    const first = await app.request('POST', '/v1/orders', { token: dealer(), headers, body });
    const second = await app.request('POST', '/v1/orders', { token: dealer(), headers, body });
    expect(second.body.id).toBe(first.body.id);
    const other = await app.request('POST', '/v1/orders', { token: dealer(), headers, body: { ...body, note: 'different' } });
    expect(other.status).toBe(422);
  });

  it('serves the full history of an order to finance and its dealer, with actors', async () => {
    const placed = await app.request('POST', '/v1/orders', {
      token: dealer(),
      body: { lines: [{ sku: 'ORD-CHIPS', qty: 1 }], regionCode: 'CN-31' },
    });
    await app.request('POST', `/v1/orders/${placed.body.id}/cancel`, { token: app.token('ops', undefined, 'ops-alice') });
    const history = await app.request('GET', `/v1/orders/${placed.body.id}/history`, { token: app.token('finance') });
    expect(history.body.items.map((item: any) => item.type)).toEqual(['OrderPlaced', 'OrderReviewed', 'OrderCancelled']);
    expect(history.body.items[2].metadata).toMatchObject({ actor: 'ops-alice', role: 'ops' });
    expect((await app.request('GET', `/v1/orders/${placed.body.id}/history`, { token: dealer() })).status).toBe(200);
    expect((await app.request('GET', `/v1/orders/${placed.body.id}/history`, { token: dealer('D-OTHER') })).status).toBe(404);
    expect((await app.request('GET', `/v1/orders/${placed.body.id}/history`, { token: app.token('analyst') })).status).toBe(403);
  });

  it('rejects bad orders with every invalid field, writing nothing', async () => {
    const before = await app.running.infrastructure.store.headPosition();
    const bad = await app.request('POST', '/v1/orders', {
      token: dealer(),
      body: { lines: [{ sku: '', qty: 0 }, { qty: 1.5 }], regionCode: 'cn 31' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: any) => error.path)).toEqual(
      expect.arrayContaining(['body.lines.0.sku', 'body.lines.0.qty', 'body.lines.1.sku', 'body.lines.1.qty', 'body.regionCode']),
    );
    expect(await appendedSince(app, before)).toEqual([]);
  });

  it('keeps the order history the risk rules read: counts, totals, regions in order, per-SKU quantities', async () => {
    await createDealer(app, { id: 'D-HIST', tier: 'gold', territories: ['CN-31', 'CN-11'], creditLimitMinor: 1_000_000 });
    const place = (lines: { sku: string; qty: number }[], regionCode: string) =>
      app.request('POST', '/v1/orders', { token: dealer('D-HIST'), body: { lines, regionCode } });
    expect(await dealerOrderHistory(app.running.infrastructure.db, 'D-HIST', ['ORD-TEA'])).toEqual({
      orderCount: 0,
      averageTotalMinor: 0,
      regionsUsed: [],
      skuQuantities: {},
    });
    const first = await place(
      [
        { sku: 'ORD-TEA', qty: 2 },
        { sku: 'ORD-CHIPS', qty: 1 },
      ],
      'CN-11',
    );
    const second = await place([{ sku: 'ORD-TEA', qty: 4 }], 'CN-31');
    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await app.request('GET', `/v1/orders?minPosition=${second.body.position}`, { token: dealer('D-HIST') })).status).toBe(200);
    const history = await dealerOrderHistory(app.running.infrastructure.db, 'D-HIST', ['ORD-TEA', 'ORD-CHIPS', 'ORD-RARE']);
    expect(history).toEqual({
      orderCount: 2,
      averageTotalMinor: (first.body.totals.totalMinor + second.body.totals.totalMinor) / 2,
      regionsUsed: ['CN-11', 'CN-31'],
      skuQuantities: { 'ORD-TEA': { averageQty: 3, orders: 2 }, 'ORD-CHIPS': { averageQty: 1, orders: 1 } },
    });
  });
});
