// Volume rebates against the real server: a program's basis is the net value of eligible lines
// shipped in its period, less their returns; a dealer sees its tier and how far the next one is;
// finance settles an ended program once, as one credit note per dealer, however often it is asked.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedSince, eventually, startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';

let app: TestApp;
const ops = () => app.token('ops');
const finance = () => app.token('finance');
/** Long enough to ship and return within it on a loaded machine; the settlement waits for its end. */
const PERIOD_MS = 15_000;
let endsAt = '';

beforeAll(async () => {
  app = await startTestApp();
  await createWarehouse(app, 'WH-RB', 'CN-31');
  await createProduct(app, { sku: 'RB-TEA', basePriceMinor: 10_000, brand: 'Jade', category: 'tea' });
  await createProduct(app, { sku: 'RB-SALT', basePriceMinor: 1_000, brand: 'Sea', category: 'salt' });
  for (const sku of ['RB-TEA', 'RB-SALT']) await receiveStock(app, { sku, warehouseId: 'WH-RB', qty: 1_000 });
  await createDealer(app, { id: 'D-RB1', tier: 'gold' });
  await createDealer(app, { id: 'D-RB2', tier: 'silver' });
});
afterAll(async () => {
  await app.stop();
});

async function shipOrder(dealerId: string, lines: { sku: string; qty: number }[]) {
  const placed = await app.request('POST', '/v1/orders', { token: app.token('dealer', dealerId), body: { lines, regionCode: 'CN-31' } });
  expect(placed.body.status).toBe('approved');
  const shipped = await app.request('POST', `/v1/orders/${placed.body.id}/shipments`, { token: ops(), body: { lines } });
  expect(shipped.status, shipped.text).toBe(201);
  const delivered = await app.request('POST', `/v1/orders/${placed.body.id}/deliveries`, {
    token: ops(),
    body: { shipmentId: shipped.body.shipmentId },
  });
  expect(delivered.status, delivered.text).toBeLessThan(300);
  return placed.body.id as string;
}

describe('volume rebates', () => {
  it('refuses overlapping tiers and a period that ends before it starts, naming each field, writing nothing', async () => {
    const head = await app.running.infrastructure.store.headPosition();
    const now = Date.now();
    const bad = await app.request('POST', '/v1/rebate-programs', {
      token: ops(),
      body: {
        title: 'Bad',
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now - 1).toISOString(),
        tiers: [
          { fromMinor: 100, percent: 1 },
          { fromMinor: 100, percent: 2 },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: any) => error.path).sort()).toEqual(['body.endsAt', 'body.tiers']);
    expect((await app.request('POST', '/v1/rebate-programs', { token: app.token('dealer', 'D-RB1'), body: {} })).status).toBe(403);
    expect(await appendedSince(app, head)).toEqual([]);
  });

  it('accrues shipped eligible value, takes returns back, shows the tier and the next one, and settles once after the end', async () => {
    const now = Date.now();
    endsAt = new Date(now + PERIOD_MS).toISOString();
    const created = await app.request('POST', '/v1/rebate-programs', {
      token: ops(),
      body: {
        id: 'RB-TEA-Q4',
        title: 'Tea volume rebate',
        startsAt: new Date(now - 86_400_000).toISOString(),
        endsAt,
        eligibility: { categories: ['tea'], tiers: ['gold'] },
        tiers: [
          { fromMinor: 0, percent: 1 },
          { fromMinor: 100_000, percent: 2 },
          { fromMinor: 500_000, percent: 3 },
        ],
      },
    });
    expect(created.status, created.text).toBe(201);

    // 12 tea (120 000) and salt (not eligible) for the gold dealer; tea for the silver one (not eligible).
    const order = await shipOrder('D-RB1', [
      { sku: 'RB-TEA', qty: 12 },
      { sku: 'RB-SALT', qty: 5 },
    ]);
    await shipOrder('D-RB2', [{ sku: 'RB-TEA', qty: 50 }]);
    // Two tea come back and are refunded: the basis loses their 20 000.
    const requested = await app.request('POST', `/v1/orders/${order}/returns`, {
      token: app.token('dealer', 'D-RB1'),
      body: { lines: [{ sku: 'RB-TEA', qty: 2, reason: 'damaged' }] },
    });
    expect(requested.status, requested.text).toBe(201);
    const path = `/v1/orders/${order}/returns/${requested.body.returnId}`;
    expect((await app.request('POST', `${path}/approve`, { token: ops() })).status).toBe(200);
    expect(
      (
        await app.request('POST', `${path}/receive`, {
          token: ops(),
          body: { lines: [{ sku: 'RB-TEA', qty: 2, warehouseId: 'WH-RB', disposition: 'restock' }] },
        })
      ).status,
    ).toBe(200);
    expect((await app.request('POST', `${path}/refund`, { token: finance() })).status).toBe(200);

    const standing = await app.request('GET', '/v1/dealers/D-RB1/rebates', { token: app.token('dealer', 'D-RB1') });
    expect(standing.body.items).toEqual([
      expect.objectContaining({
        programId: 'RB-TEA-Q4',
        basisMinor: 100_000,
        tierPercent: 2,
        accruedMinor: 2_000,
        settledMinor: 0,
        nextTier: { fromMinor: 500_000, percent: 3, missingMinor: 400_000 },
      }),
    ]);
    expect((await app.request('GET', '/v1/dealers/D-RB1/rebates', { token: app.token('dealer', 'D-RB2') })).status).toBe(404);
    expect((await app.request('GET', '/v1/dealers/D-RB2/rebates', { token: finance() })).body.items).toEqual([]);

    const early = await app.request('POST', '/v1/rebate-programs/RB-TEA-Q4/settle', { token: finance() });
    expect([early.status, early.body.code]).toEqual([409, 'rebate_program_not_ended']);
    expect((await app.request('POST', '/v1/rebate-programs/RB-TEA-Q4/settle', { token: ops() })).status).toBe(403);

    // Once it has ended, racing settlements credit the dealer once.
    await eventually(() => (Date.now() > Date.parse(endsAt) ? true : undefined), PERIOD_MS + 10_000, 'the program to end');
    const settled = await Promise.all(
      Array.from({ length: 5 }, () => app.request('POST', '/v1/rebate-programs/RB-TEA-Q4/settle', { token: finance() })),
    );
    expect(settled.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    for (const response of settled) {
      expect(response.body.settlements).toEqual([
        { dealerId: 'D-RB1', basisMinor: 100_000, percent: 2, amountMinor: 2_000, creditNoteId: 'RB-RB-TEA-Q4' },
      ]);
    }
    const head = settled.map((response) => response.body.position).reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
    const ledger = await app.request('GET', `/v1/dealers/D-RB1/ledger?minPosition=${head}`, { token: finance() });
    expect(ledger.status).toBe(200);
    const rebates = ledger.body.items.filter((entry: any) => JSON.stringify(entry).includes('RB-RB-TEA-Q4'));
    expect(rebates).toHaveLength(1);
    const again = await app.request('POST', '/v1/rebate-programs/RB-TEA-Q4/settle', { token: finance() });
    expect(again.status).toBe(200);
    expect(BigInt(again.body.position)).toBeLessThanOrEqual(BigInt(await app.running.infrastructure.store.headPosition()));
    expect((await app.request('GET', '/v1/dealers/D-RB1/rebates', { token: finance() })).body.items[0]).toMatchObject({
      settledMinor: 2_000,
    });

    // Analysts read the same per program and dealer.
    const { rows } = await sql<{
      dealer_id: string;
      basis_minor: string;
      tier_percent: string;
      accrued_minor: string;
      settled_minor: string;
    }>`
      SELECT dealer_id, basis_minor::text, tier_percent::text, accrued_minor::text, settled_minor::text FROM analytics.rebates WHERE program_id = 'RB-TEA-Q4'`.execute(
      app.running.infrastructure.db,
    );
    expect(rows).toEqual([{ dealer_id: 'D-RB1', basis_minor: '100000', tier_percent: '2', accrued_minor: '2000', settled_minor: '2000' }]);
  }, 90_000);
});
