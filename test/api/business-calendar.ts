// The edges of the business day, shared by the Shanghai and the Berlin test files (one time zone
// per process): orders placed a minute either side of a business midnight that is not the UTC
// one, counted on their business day by analytics and in their business month against a buyer's
// limit; a lot expiring at the start of a business day; a ledger period given as business days.
// Dated facts are decided with a chosen `now` (the command context's clock), never by waiting.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { creditLedgerDecider, creditStream } from '../../src/domain/credit/credit-ledger.ts';
import { stockDecider, stockLevel, stockStream } from '../../src/domain/inventory/stock.ts';
import { stockAlertStream } from '../../src/domain/notifications/stock-alerts.ts';
import { businessDayOf } from '../../src/domain/shared/calendar.ts';
import type { CommandContext } from '../../src/eventstore/command-handler.ts';
import { caughtUp } from '../analytics/scenario.ts';
import type { TestApp } from '../support/app.ts';
import { createUser, signIn } from '../support/accounts.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';

export const context = (now: Date): CommandContext => ({
  actor: 'calendar-test',
  role: 'ops',
  correlationId: randomUUID(),
  causationId: null,
  now,
});

export type Fixture = { dealerId: string; buyerId: string; sku: string; warehouseId: string };

/** A warehouse, a product at 1 000 a unit with plenty of stock, a dealer and its buyer allowed 15 000 a month. */
export async function setUp(app: TestApp, name: string): Promise<Fixture> {
  const fixture = { dealerId: `D-${name}`, sku: `${name}-TEA`, warehouseId: `WH-${name}` };
  await createWarehouse(app, fixture.warehouseId, 'CN-31');
  await createProduct(app, { sku: fixture.sku, basePriceMinor: 1_000 });
  await receiveStock(app, { sku: fixture.sku, warehouseId: fixture.warehouseId, qty: 10_000 });
  await createDealer(app, { id: fixture.dealerId, creditLimitMinor: 100_000_000 });
  const ownerName = `${name.toLowerCase()}.owner`;
  await createUser(app, { username: ownerName, role: 'dealer', dealerId: fixture.dealerId, dealerRole: 'owner' });
  const owner = await signIn(app, ownerName);
  const buyer = await createUser(
    app,
    { username: `${name.toLowerCase()}.buyer`, role: 'dealer', dealerRole: 'buyer', spendingLimits: { perMonthMinor: 15_000 } },
    owner.accessToken,
  );
  return { ...fixture, buyerId: buyer.id };
}

/** The buyer's order of `qty` units (1 000 each) placed at `at`: its status and position. */
export async function placeAt(app: TestApp, fixture: Fixture, orderId: string, qty: number, at: Date) {
  const placed = await app.running.infrastructure.placements.place(
    {
      orderId,
      dealerId: fixture.dealerId,
      channel: 'manual',
      lines: [{ sku: fixture.sku, qty }],
      regionCode: 'CN-31',
      deliveryAddress: null,
      note: null,
      reorderOf: null,
      placedBy: { userId: fixture.buyerId, dealerRole: 'buyer' },
    },
    context(at),
  );
  return { status: placed.state.status, position: placed.position! };
}

/** Orders placed per business day in [from, to), as the analytics API counts them. */
export async function placedPerDay(app: TestApp, position: string, from: string, to: string): Promise<Record<string, number>> {
  await caughtUp(app, position);
  const report = await app.request('GET', `/v1/analytics/orders?groupBy=day&from=${from}&to=${to}`, { token: app.token('analyst') });
  expect(report.status, report.text).toBe(200);
  return {
    timeZone: report.body.timeZone,
    ...Object.fromEntries(report.body.items.filter((item: any) => item.placed > 0).map((item: any) => [item.key, item.placed])),
  };
}

/**
 * The expiry tier alerts of a lot of `expiryDate` evaluated at each instant (the daily evaluation,
 * with its clock): `tier daysLeft today` each.
 */
export async function tiersAt(app: TestApp, fixture: Fixture, lot: string, expiryDate: string, instants: Date[]): Promise<string[]> {
  await receiveStock(app, { sku: fixture.sku, warehouseId: fixture.warehouseId, qty: 5, lot, expiryDate });
  const { stockAlerts, store } = app.running.infrastructure;
  const stream = { sku: fixture.sku, warehouseId: fixture.warehouseId };
  for (const at of instants) await stockAlerts.evaluateExpiry([stream], at);
  const events = await store.readStream(stockAlertStream(fixture.sku, fixture.warehouseId));
  // The last alerts: those of the evaluations (a lot received within the tiers is alerted at once).
  return events
    .filter((event) => event.type === 'LotEnteredExpiryTier' && event.data.lot === lot)
    .slice(-instants.length)
    .map((event) => `${String(event.data.tier)} ${String(event.data.daysLeft)} ${String(event.data.today)}`);
}

/** Units of the fixture's product sellable at `at` (lots expiring after its business day), as placement and reservations count them. */
export async function sellableAt(app: TestApp, fixture: Fixture, at: Date): Promise<number> {
  const { state } = await app.running.infrastructure.commands.load(stockDecider, stockStream(fixture.sku, fixture.warehouseId));
  return stockLevel(state, businessDayOf(at)).sellable;
}

/** Records a payment at each instant; answers the payment ids, in order. */
export async function paymentsAt(app: TestApp, dealerId: string, instants: Date[]): Promise<string> {
  const { commands } = app.running.infrastructure;
  let position = '0';
  for (const [index, at] of instants.entries()) {
    const paymentId = `PAY-${index + 1}`;
    const recorded = await commands.handle(
      creditLedgerDecider,
      creditStream(dealerId),
      { type: 'RecordPayment', data: { dealerId, paymentId, amountMinor: 100 * (index + 1), reference: paymentId } },
      context(at),
    );
    expect(recorded.ok).toBe(true);
    if (recorded.ok && recorded.position) position = recorded.position;
  }
  return position;
}

/** The payments in the dealer's statement for `query`, and the time zone the statement names. */
export async function statement(app: TestApp, dealerId: string, query: string, position: string) {
  const answer = await app.request('GET', `/v1/dealers/${dealerId}/ledger?${query}&minPosition=${position}`, {
    token: app.token('finance'),
  });
  expect(answer.status, answer.text).toBe(200);
  return {
    timeZone: answer.body.timeZone,
    payments: answer.body.items.filter((entry: any) => entry.kind === 'payment').map((entry: any) => entry.paymentId),
  };
}
