// The ordering invariants under racing real requests: no oversell (and the stock is sold), no
// credit overrun (and the credit is used), one order per Idempotency-Key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditLedgerDecider, creditStream } from '../../src/domain/credit/credit-ledger.ts';
import { stockDecider, stockLevel, stockStream } from '../../src/domain/inventory/stock.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';
import { businessDayOf } from '../../src/domain/shared/calendar.ts';

describe('ordering under concurrency', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-R1', 'CN-31');
    await createWarehouse(app, 'WH-R2', 'CN-11');
    await createProduct(app, { sku: 'HOT-1', basePriceMinor: 1_000 });
    await createProduct(app, { sku: 'PLENTY', basePriceMinor: 1_000 });
    await receiveStock(app, { sku: 'HOT-1', warehouseId: 'WH-R1', qty: 23 });
    await receiveStock(app, { sku: 'HOT-1', warehouseId: 'WH-R2', qty: 7 });
    const last = await receiveStock(app, { sku: 'PLENTY', warehouseId: 'WH-R1', qty: 100_000 });
    for (let i = 0; i < 40; i++) await createDealer(app, { id: `D-R${i}`, creditLimitMinor: 10_000_000 });
    await createDealer(app, { id: 'D-CREDIT', creditLimitMinor: 50_000 });
    expect((await app.request('GET', `/v1/stock?minPosition=${last}`, { token: app.token('ops') })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
  });

  const commands = () => app.running.infrastructure.commands;

  it('never oversells a scarce SKU, and sells all of it', async () => {
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        app.request('POST', '/v1/orders', {
          token: app.token('dealer', `D-R${i}`),
          body: { lines: [{ sku: 'HOT-1', qty: 1 + (i % 3) }], regionCode: 'CN-31' },
        }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(40).fill(201));
    const approved = responses.filter((response) => response.body.status === 'approved');
    const held = responses.filter((response) => response.body.status === 'on_hold');
    expect(approved.length + held.length).toBe(40);
    for (const response of held) expect(response.body.review.reasons.map((reason: any) => reason.code)).toEqual(['insufficient_stock']);
    const sold = approved.reduce((sum, response) => sum + response.body.lines[0].qty, 0);
    const today = businessDayOf(new Date());
    let reserved = 0;
    let available = 0;
    for (const warehouse of ['WH-R1', 'WH-R2']) {
      const { state } = await commands().load(stockDecider, stockStream('HOT-1', warehouse));
      const level = stockLevel(state, today);
      reserved += level.reserved;
      available += level.available;
    }
    expect(reserved).toBe(sold);
    expect(reserved).toBeLessThanOrEqual(30);
    // Sold, not refused wholesale: what is left is less than the smallest order that was held.
    // 40 orders of 1-3 for 30 on hand: some must be held, or the guard below would hold vacuously.
    expect(held.length).toBeGreaterThan(0);
    const smallestHeld = Math.min(...held.map((response) => response.body.lines[0].qty));
    expect(available).toBeLessThan(smallestHeld);
  });

  it("never overruns a dealer's credit, and uses it", async () => {
    const token = app.token('dealer', 'D-CREDIT');
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        app.request('POST', '/v1/orders', { token, body: { lines: [{ sku: 'PLENTY', qty: 2 + (i % 5) }], regionCode: 'CN-31' } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(30).fill(201));
    const approved = responses.filter((response) => response.body.status === 'approved');
    const held = responses.filter((response) => response.body.status === 'on_hold');
    for (const response of held) expect(response.body.review.reasons.map((reason: any) => reason.code)).toContain('credit_limit_exceeded');
    const committed = approved.reduce((sum, response) => sum + response.body.totals.totalMinor, 0);
    const { state } = await commands().load(creditLedgerDecider, creditStream('D-CREDIT'));
    expect(state.reservedMinor).toBe(committed);
    expect(state.reservedMinor + Math.max(0, state.balanceMinor)).toBeLessThanOrEqual(state.limitMinor);
    expect(held.length).toBeGreaterThan(0);
    const smallestHeld = Math.min(...held.map((response) => response.body.totals.totalMinor));
    expect(state.limitMinor - state.reservedMinor).toBeLessThan(smallestHeld);
  });

  it('makes one order of one Idempotency-Key, however many times it races', async () => {
    const token = app.token('dealer', 'D-R1');
    const headers = { 'idempotency-key': 'race-order-key' };
    const responses = await Promise.all(
      Array.from({ length: 15 }, () =>
        app.request('POST', '/v1/orders', { token, headers, body: { lines: [{ sku: 'PLENTY', qty: 3 }], regionCode: 'CN-31' } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(15).fill(201));
    const ids = new Set(responses.map((response) => response.body.id));
    expect(ids.size).toBe(1);
    const { state } = await commands().load(stockDecider, stockStream('PLENTY', 'WH-R1'));
    expect(state.reservations.get([...ids][0])).toBe(3);
  });
});
