// A dealer's buyers order within the limits their owner sets: an order over the per-order limit, or
// one taking the month's orders over the monthly limit, waits for the owner (reserving nothing),
// who approves it (the automated review runs then) or rejects it. Decided on the write side: racing
// buyer orders never take the month over its limit together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedSince, startTestApp, type TestApp } from '../support/app.ts';
import { createUser, signIn, type SignedIn } from '../support/accounts.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';

let app: TestApp;
let owner: SignedIn;
let buyer: SignedIn;
let racer: SignedIn;
let otherOwner: SignedIn;

beforeAll(async () => {
  app = await startTestApp();
  await createWarehouse(app, 'WH-BL', 'CN-31');
  await createProduct(app, { sku: 'BL-TEA', basePriceMinor: 1_000 });
  await receiveStock(app, { sku: 'BL-TEA', warehouseId: 'WH-BL', qty: 10_000 });
  await createDealer(app, { id: 'D-BL', creditLimitMinor: 100_000_000 });
  await createDealer(app, { id: 'D-BL2' });
  await createUser(app, { username: 'bl.owner', role: 'dealer', dealerId: 'D-BL', dealerRole: 'owner' });
  await createUser(app, { username: 'bl2.owner', role: 'dealer', dealerId: 'D-BL2', dealerRole: 'owner' });
  owner = await signIn(app, 'bl.owner');
  otherOwner = await signIn(app, 'bl2.owner');
  // The owner creates its buyers, with their limits.
  await createUser(
    app,
    { username: 'bl.buyer', role: 'dealer', dealerRole: 'buyer', spendingLimits: { perOrderMinor: 10_000, perMonthMinor: 25_000 } },
    owner.accessToken,
  );
  await createUser(
    app,
    { username: 'bl.racer', role: 'dealer', dealerRole: 'buyer', spendingLimits: { perMonthMinor: 10_000 } },
    owner.accessToken,
  );
  buyer = await signIn(app, 'bl.buyer');
  racer = await signIn(app, 'bl.racer');
});
afterAll(async () => {
  await app.stop();
});

const order = (who: SignedIn, qty: number) =>
  app.request('POST', '/v1/orders', { token: who.accessToken, body: { lines: [{ sku: 'BL-TEA', qty }], regionCode: 'CN-31' } });
const reserved = async (position: string) => {
  const stock = await app.request('GET', `/v1/stock?sku=BL-TEA&minPosition=${position}`, { token: app.token('ops') });
  expect(stock.status).toBe(200);
  return stock.body.items[0].reserved as number;
};

describe('buyer spending limits', () => {
  it('places a buyer order within its limits as any order; the owner is never limited', async () => {
    const within = await order(buyer, 8);
    expect([within.status, within.body.status]).toEqual([201, 'approved']);
    const big = await order(owner, 50);
    expect(big.body.status).toBe('approved');
  });

  it('holds a buyer order over the per-order limit for the owner, reserving nothing; the owner approves it and the review runs then', async () => {
    const before = await reserved(await app.running.infrastructure.store.headPosition());
    const over = await order(buyer, 11);
    expect(over.status).toBe(201);
    expect(over.body.status).toBe('awaiting_dealer_approval');
    expect(over.body.review.decision).toBe('awaiting_dealer_approval');
    expect(over.body.review.reasons).toEqual([{ code: 'buyer_limit_exceeded', detail: expect.stringContaining('per order') }]);
    expect(await reserved(over.body.position)).toBe(before);

    // Not the buyer's to approve, nor another dealer's.
    expect((await app.request('POST', `/v1/orders/${over.body.id}/dealer-approve`, { token: buyer.accessToken })).status).toBe(403);
    expect((await app.request('POST', `/v1/orders/${over.body.id}/dealer-approve`, { token: otherOwner.accessToken })).status).toBe(404);
    expect((await app.request('POST', `/v1/orders/${over.body.id}/approve`, { token: owner.accessToken })).status).toBe(403);

    const approved = await app.request('POST', `/v1/orders/${over.body.id}/dealer-approve`, {
      token: owner.accessToken,
      body: { note: 'big week' },
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ id: over.body.id, status: 'approved', review: { decision: 'approved', reasons: [] } });
    expect(await reserved(approved.body.position)).toBe(before + 11);
    const again = await app.request('POST', `/v1/orders/${over.body.id}/dealer-approve`, { token: owner.accessToken });
    expect([again.status, again.body.code]).toEqual([409, 'illegal_transition']);

    // Who placed and who approved, in the order's timeline.
    const detail = await app.request('GET', `/v1/orders/${over.body.id}?minPosition=${approved.body.position}`, {
      token: owner.accessToken,
    });
    const actors = Object.fromEntries(detail.body.timeline.map((entry: any) => [entry.status, entry.actor]));
    expect(actors.awaiting_dealer_approval).toBe(buyer.user.id);
    expect(actors.dealer_approved).toBe(owner.user.id);
  });

  it("counts the month's orders: one that would take the month over its limit waits; the owner rejects it; a cancellation gives its amount back", async () => {
    // 8 000 and 11 000 so far this month, of 25 000 allowed: 6 000 fit, 8 000 do not.
    const over = await order(buyer, 8);
    expect(over.body.status).toBe('awaiting_dealer_approval');
    expect(over.body.review.reasons[0].detail).toContain('per month');
    const rejected = await app.request('POST', `/v1/orders/${over.body.id}/dealer-reject`, {
      token: owner.accessToken,
      body: { reason: 'not this month' },
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      review: { reasons: [{ code: 'dealer_rejected', detail: 'not this month' }] },
    });
    const fits = await order(buyer, 6);
    expect(fits.body.status).toBe('approved');
    const me = await app.request('GET', '/v1/me', { token: buyer.accessToken });
    expect(me.body.spending).toEqual({ month: expect.stringMatching(/^\d{4}-\d{2}$/), spentMinor: 25_000, timeZone: 'Asia/Shanghai' });
    expect(me.body.user.spendingLimits).toEqual({ perOrderMinor: 10_000, perMonthMinor: 25_000 });
    // 25 000 used: nothing more fits, until an order is cancelled.
    expect((await order(buyer, 1)).body.status).toBe('awaiting_dealer_approval');
    const cancelled = await app.request('POST', `/v1/orders/${fits.body.id}/cancel`, { token: buyer.accessToken });
    expect(cancelled.body.status).toBe('cancelled');
    expect((await order(buyer, 5)).body.status).toBe('approved');
  });

  it('never lets racing buyer orders take the month over its limit together', async () => {
    // 10 000 a month; twelve orders of 3 000 at once: three fit.
    const raced = await Promise.all(Array.from({ length: 12 }, () => order(racer, 3)));
    expect(raced.every((response) => response.status === 201)).toBe(true);
    const statuses = raced.map((response) => response.body.status);
    expect(statuses.filter((status) => status === 'approved')).toHaveLength(3);
    expect(statuses.filter((status) => status === 'awaiting_dealer_approval')).toHaveLength(9);
  });

  it('refuses bad answers naming the field, and writes nothing', async () => {
    const waiting = await order(buyer, 30);
    expect(waiting.body.status).toBe('awaiting_dealer_approval');
    const head = await app.running.infrastructure.store.headPosition();
    const bad = await app.request('POST', `/v1/orders/${waiting.body.id}/dealer-reject`, {
      token: owner.accessToken,
      body: { reason: 42 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: any) => error.path)).toEqual(['body.reason']);
    expect(await appendedSince(app, head)).toEqual([]);
  });
});
