// A dealer's minimum remaining shelf life, against the real server: its orders reserve and ship
// only lots expiring late enough (first expiry, first out among those), held when those cannot
// cover them, and racing orders never get a reservation served from a lot too close to expiry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockDecider, stockStream, reservationsServable } from '../../src/domain/inventory/stock.ts';
import { addDays, businessDayOf } from '../../src/domain/shared/calendar.ts';
import { STOCK_ALERTS } from '../../src/processes/stock-alerts.ts';
import { appendedSince, startTestApp, type TestApp } from '../support/app.ts';
import { adapterPast } from '../integrations/order-partners.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';

let app: TestApp;
const ops = () => app.token('ops');
const day = (offset: number) => addDays(businessDayOf(new Date()), offset);

beforeAll(async () => {
  app = await startTestApp();
  await createWarehouse(app, 'WH-SL', 'CN-31');
  await createProduct(app, { sku: 'SL-MILK', basePriceMinor: 500 });
  await receiveStock(app, { sku: 'SL-MILK', warehouseId: 'WH-SL', qty: 10, lot: 'SHORT', expiryDate: day(20) });
  await receiveStock(app, { sku: 'SL-MILK', warehouseId: 'WH-SL', qty: 10, lot: 'LONG', expiryDate: day(300) });
  await createDealer(app, { id: 'D-SL' });
  await createDealer(app, { id: 'D-PLAIN' });
  // The receipts' expiry alerts are appended in the background: let them land before the tests
  // compare the store's head before and after refused commands.
  await adapterPast(app, STOCK_ALERTS, await app.running.infrastructure.store.headPosition());
});
afterAll(async () => {
  await app.stop();
});

const order = (dealerId: string, qty: number) =>
  app.request('POST', '/v1/orders', {
    token: app.token('dealer', dealerId),
    body: { lines: [{ sku: 'SL-MILK', qty }], regionCode: 'CN-31' },
  });
const ship = async (orderId: string, qty: number) => {
  const shipped = await app.request('POST', `/v1/orders/${orderId}/shipments`, {
    token: ops(),
    body: { lines: [{ sku: 'SL-MILK', qty }] },
  });
  expect(shipped.status, shipped.text).toBe(201);
  return shipped.body.lines[0].lots as { lot: string; qty: number }[];
};

describe('minimum remaining shelf life', () => {
  it('is set by ops, shown with the dealer, and refused out of range naming the field', async () => {
    const head = await app.running.infrastructure.store.headPosition();
    for (const body of [{ minRemainingDays: -1 }, { minRemainingDays: 3_651 }, { minRemainingDays: 1.5 }, {}]) {
      const bad = await app.request('PUT', '/v1/dealers/D-SL/shelf-life', { token: ops(), body });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((error: any) => error.path)).toEqual(['body.minRemainingDays']);
    }
    expect(await appendedSince(app, head)).toEqual([]);
    expect(
      (await app.request('PUT', '/v1/dealers/D-SL/shelf-life', { token: app.token('dealer', 'D-SL'), body: { minRemainingDays: 1 } }))
        .status,
    ).toBe(403);
    const set = await app.request('PUT', '/v1/dealers/D-SL/shelf-life', { token: ops(), body: { minRemainingDays: 60 } });
    expect(set.status).toBe(200);
    expect(set.body.minRemainingDays).toBe(60);
    const shown = await app.request('GET', `/v1/dealers/D-SL?minPosition=${set.body.position}`, { token: app.token('dealer', 'D-SL') });
    expect(shown.body.minRemainingDays).toBe(60);
  });

  it('holds an order the eligible lots cannot cover, naming the eligible quantity; a quote warns the same', async () => {
    const held = await order('D-SL', 12);
    expect(held.body.status).toBe('on_hold');
    expect(held.body.review.reasons).toEqual([
      { code: 'insufficient_stock', detail: 'SL-MILK: 12 ordered, 10 available with at least 60 days of shelf life left' },
    ]);
    const quote = await app.request('POST', '/v1/quotes', {
      token: app.token('dealer', 'D-SL'),
      body: { lines: [{ sku: 'SL-MILK', qty: 12 }] },
    });
    expect(quote.body.warnings.map((warning: any) => warning.code)).toEqual(['insufficient_stock']);
    // Without a minimum, all 20 units count.
    const plainQuote = await app.request('POST', '/v1/quotes', {
      token: app.token('dealer', 'D-PLAIN'),
      body: { lines: [{ sku: 'SL-MILK', qty: 12 }] },
    });
    expect(plainQuote.body.warnings).toEqual([]);
  });

  it('ships a dealer with a minimum only from eligible lots, and a dealer without one first expiry first out', async () => {
    const mine = await order('D-SL', 4);
    expect(mine.body.status).toBe('approved');
    const plain = await order('D-PLAIN', 4);
    expect(plain.body.status).toBe('approved');
    expect(await ship(plain.body.id, 4)).toEqual([expect.objectContaining({ lot: 'SHORT', qty: 4 })]);
    expect(await ship(mine.body.id, 4)).toEqual([expect.objectContaining({ lot: 'LONG', qty: 4 })]);
  });

  it('never serves a racing reservation from a lot too close to expiry', async () => {
    // 6 of LONG are left: twenty orders of one unit race for them, from dealers that all need 60 days.
    const dealers = Array.from({ length: 20 }, (_, index) => `D-SLR${index}`);
    for (const dealerId of dealers) {
      await createDealer(app, { id: dealerId });
      expect(
        (await app.request('PUT', `/v1/dealers/${dealerId}/shelf-life`, { token: ops(), body: { minRemainingDays: 60 } })).status,
      ).toBe(200);
    }
    const raced = await Promise.all(dealers.map((dealerId) => order(dealerId, 1)));
    const approved = raced.filter((response) => response.body.status === 'approved');
    expect(approved).toHaveLength(6);
    expect(raced.filter((response) => response.body.status === 'on_hold')).toHaveLength(14);
    const { state } = await app.running.infrastructure.commands.load(stockDecider, stockStream('SL-MILK', 'WH-SL'));
    expect(reservationsServable(state, businessDayOf(new Date()))).toBe(true);
    for (const response of approved) expect(await ship(response.body.id, 1)).toEqual([expect.objectContaining({ lot: 'LONG' })]);
  });
});
