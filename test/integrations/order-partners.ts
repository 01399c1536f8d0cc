// What the logistics and payments tests share: a catalog with stock, a credit and a prepay dealer,
// placing orders, signed partner webhooks, and running a partner adapter on the application's
// store with a test's own name, timeout and retry budget.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { expect } from 'vitest';
import { orderDecider, orderStream, type PlacedOrder } from '../../src/domain/ordering/order.ts';
import { comparePositions } from '../../src/eventstore/port.ts';
import type { Adapter, RetryPolicy } from '../../src/integrations/adapter.ts';
import type { OrderEventRef } from '../../src/integrations/order-as-of.ts';
import type { OrderPartnerOptions } from '../../src/integrations/order-partner.ts';
import { replayAdapter } from '../../src/integrations/replay.ts';
import { DeliveryRunner } from '../../src/integrations/delivery-runner.ts';
import { createIntegrationMetrics } from '../../src/integrations/metrics.ts';
import { signWebhook } from '../../src/integrations/webhooks/signature.ts';
import { eventually, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';
import { acceptedKeys, expectSameContentPerKey, type Partner, type PartnerCall } from './partner.ts';

export const PAYMENT_SECRET = 'test-payment-secret-0123456789';
export const LOGISTICS_SECRET = 'test-logistics-secret-0123456789';

/** A credit dealer (with a buy-5-get-1 promotion on TEA) and a prepay dealer, both in CN-31. */
export const CREDIT_DEALER = 'D-CREDIT';
export const PREPAY_DEALER = 'D-PREPAY';

export async function setUpCatalog(app: TestApp): Promise<void> {
  await createWarehouse(app, 'WH-E', 'CN-31');
  await createProduct(app, { sku: 'TEA', basePriceMinor: 1_000 });
  await createProduct(app, { sku: 'CUP', basePriceMinor: 400 });
  await receiveStock(app, { sku: 'TEA', warehouseId: 'WH-E', qty: 5_000 });
  await receiveStock(app, { sku: 'CUP', warehouseId: 'WH-E', qty: 5_000 });
  await createDealer(app, { id: CREDIT_DEALER, creditLimitMinor: 100_000_000 });
  await createDealer(app, { id: PREPAY_DEALER, prepay: true, creditLimitMinor: 0 });
  const promotion = await app.request('POST', '/v1/promotions', {
    token: app.token('ops'),
    body: {
      id: 'TEA-5-1',
      title: 'Buy 5 TEA, get 1 free',
      kind: 'buy_x_get_y',
      rule: { buyQty: 5, getQty: 1 },
      startsAt: '2020-01-01T00:00:00Z',
      endsAt: '2099-01-01T00:00:00Z',
      eligibility: { skus: ['TEA'], dealerIds: [CREDIT_DEALER] },
    },
  });
  expect(promotion.status, JSON.stringify(promotion.body)).toBe(201);
  // Pricing reads the catalog and promotions from the read models.
  expect((await app.request('GET', `/v1/products?minPosition=${promotion.body.position}`, { token: app.token('ops') })).status).toBe(200);
}

export type PlacedOrderBody = {
  id: string;
  status: string;
  dealerId: string;
  position: string;
  totals: { totalMinor: number; currency: string };
};

export async function placeOrder(
  app: TestApp,
  dealerId: string,
  lines: { sku: string; qty: number }[],
  extra: { regionCode?: string; deliveryAddress?: string } = {},
): Promise<PlacedOrderBody> {
  const placed = await app.request('POST', '/v1/orders', {
    token: app.token('dealer', dealerId),
    body: { lines, regionCode: 'CN-31', ...extra },
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  return placed.body;
}

/** The order as its stream says now. */
export async function orderState(app: TestApp, orderId: string): Promise<PlacedOrder> {
  const { state } = await app.running.infrastructure.commands.load(orderDecider, orderStream(orderId));
  if (!state.exists) throw new Error(`Order ${orderId} does not exist`);
  return state;
}

export const orderEvents = (app: TestApp, orderId: string) => app.running.infrastructure.store.readStream(orderStream(orderId));

/** The id of the order's first event of `type`. */
export async function eventIdOf(app: TestApp, orderId: string, type: string): Promise<string> {
  const event = (await orderEvents(app, orderId)).find((candidate) => candidate.type === type);
  if (!event) throw new Error(`Order ${orderId} has no ${type}`);
  return event.id;
}

export type Message = { id?: string; type: string; occurredAt?: string; data: Record<string, unknown> };

/** Posts a partner message signed with `secret` at `at` (unix seconds, default now). */
export function postWebhook(
  app: TestApp,
  source: 'payments' | 'logistics',
  message: Message,
  options: { secret?: string; at?: number; raw?: string } = {},
) {
  const raw = options.raw ?? JSON.stringify({ id: `msg-${randomUUID()}`, ...message });
  const secret = options.secret ?? (source === 'payments' ? PAYMENT_SECRET : LOGISTICS_SECRET);
  return app.request('POST', `/v1/webhooks/${source}`, {
    raw,
    headers: { 'content-type': 'application/json', 'x-signature': signWebhook(secret, raw, options.at ?? Math.floor(Date.now() / 1_000)) },
  });
}

/** The first accepted call for `key`, once the partner has it. */
export const acceptedCall = (partner: Partner, key: string, timeoutMs = 15_000): Promise<PartnerCall> =>
  eventually(() => partner.accepted.find((call) => call.key === key), timeoutMs, `the partner to accept ${key}`);

export async function checkpointOf(app: TestApp, adapter: string): Promise<string | undefined> {
  const row = await app.running.infrastructure.db
    .selectFrom('integration.checkpoints')
    .select('position')
    .where('adapter', '=', adapter)
    .executeTakeFirst();
  return row?.position;
}

/** Waits until the adapter has dealt with every event up to `position`. */
export const adapterPast = (app: TestApp, adapter: string, position: string) =>
  eventually(
    async () => {
      const checkpoint = await checkpointOf(app, adapter);
      return checkpoint !== undefined && BigInt(checkpoint) >= BigInt(position) ? checkpoint : undefined;
    },
    15_000,
    `${adapter} to pass ${position}`,
  );

/** Runs `adapter` beside the application's own adapters; resolves once it has its checkpoint. */
export async function runAdapter(app: TestApp, adapter: Adapter): Promise<{ stop: () => Promise<void> }> {
  const { db, store, locks, upcasting } = app.running.infrastructure;
  const runner = new DeliveryRunner({
    db,
    store,
    locks,
    upcasting,
    adapters: [adapter],
    metrics: createIntegrationMetrics(new Registry()),
    logger: pino({ level: 'silent' }),
    batchSize: 50,
    idleRetryMs: 50,
    retryPollMs: 50,
  });
  runner.start();
  await eventually(() => checkpointOf(app, adapter.name), 10_000, `the checkpoint of ${adapter.name}`);
  return { stop: () => runner.stop() };
}

/** Per order, the kinds of message the partner first accepted, in the order it accepted them. */
export function acceptedPerOrder(partner: Partner): Map<string, string[]> {
  const seen = new Set<string>();
  const perOrder = new Map<string, string[]>();
  for (const call of partner.accepted) {
    if (seen.has(call.key)) continue;
    seen.add(call.key);
    const { orderId, contract } = call.payload as { orderId: string; contract: string };
    perOrder.set(orderId, [...(perOrder.get(orderId) ?? []), contract]);
  }
  return perOrder;
}

/** A partner adapter (logistics, payments) on the application's store under a test's name, timeout and retry budget. */
export function partnerTestAdapter(
  app: TestApp,
  create: (options: OrderPartnerOptions) => Adapter<OrderEventRef>,
  name: string,
  target: { url: string },
  options: { timeoutMs?: number; retry?: Partial<RetryPolicy> } = {},
): Adapter<OrderEventRef> {
  const { store, upcasting } = app.running.infrastructure;
  const adapter = create({
    baseUrl: target.url,
    store,
    upcasting,
    timeoutMs: options.timeoutMs ?? 2_000,
    retry: { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 40, ...options.retry },
  });
  return { ...adapter, name };
}

/**
 * Runs `adapter` while six orders of `dealerId` are placed, then replays it from the third
 * order's review: exactly the last four are sent again, each the same content under the same key.
 * Returns the replayed calls.
 */
export async function expectReplayFromPosition(app: TestApp, adapter: Adapter, target: Partner, dealerId: string): Promise<PartnerCall[]> {
  const { db, store, locks, upcasting } = app.running.infrastructure;
  const run = await runAdapter(app, adapter);
  let reviewed: { id: string; position: string }[];
  try {
    const orders = await Promise.all(Array.from({ length: 6 }, (_, n) => placeOrder(app, dealerId, [{ sku: 'CUP', qty: n + 1 }])));
    reviewed = await Promise.all(
      orders.map(async (order) => (await orderEvents(app, order.id)).find((event) => event.type === 'OrderReviewed')!),
    );
    reviewed.sort((a, b) => comparePositions(a.position, b.position));
    await eventually(
      () => (reviewed.every((event) => acceptedKeys(target).has(event.id)) ? true : undefined),
      15_000,
      'the first deliveries',
    );
  } finally {
    await run.stop();
  }
  const before = target.calls.length;
  const from = reviewed[2]!.position;
  const result = await replayAdapter(adapter, {
    from,
    db,
    store,
    locks,
    upcasting,
    metrics: createIntegrationMetrics(new Registry()),
    logger: pino({ level: 'silent' }),
  });
  const replayed = target.calls.slice(before);
  expect(replayed.map((call) => call.key).sort()).toEqual(
    reviewed
      .slice(2)
      .map((event) => event.id)
      .sort(),
  );
  expect(result).toMatchObject({ events: 4, delivered: 4, deadLettered: 0 });
  expect(replayed.every((call) => call.callsForKey === 2)).toBe(true);
  expectSameContentPerKey(target);
  return replayed;
}

/**
 * Runs `adapter` against a flaky partner while twelve orders of `dealerId` are placed and four of
 * them cancelled: every request and cancellation arrives, each the same content under its key, and
 * per order in the order they happened (`contracts`: the request's, then the cancellation's).
 */
export async function expectEveryMessageOnceInOrder(
  app: TestApp,
  adapter: Adapter,
  flaky: Partner,
  dealerId: string,
  contracts: [string, string],
): Promise<void> {
  const run = await runAdapter(app, adapter);
  let orders: PlacedOrderBody[];
  let expected: string[];
  try {
    orders = await Promise.all(Array.from({ length: 12 }, (_, n) => placeOrder(app, dealerId, [{ sku: 'CUP', qty: n + 1 }])));
    for (const order of orders.slice(0, 4)) {
      const cancelled = await app.request('POST', `/v1/orders/${order.id}/cancel`, {
        token: app.token('ops'),
        body: { reason: 'ordered twice' },
      });
      expect(cancelled.status).toBe(200);
    }
    expected = [
      ...(await Promise.all(orders.map((order) => eventIdOf(app, order.id, 'OrderReviewed')))),
      ...(await Promise.all(orders.slice(0, 4).map((order) => eventIdOf(app, order.id, 'OrderCancelled')))),
    ];
    await eventually(() => (expected.every((key) => acceptedKeys(flaky).has(key)) ? true : undefined), 30_000, 'every message');
  } finally {
    await run.stop();
  }
  expect(acceptedKeys(flaky)).toEqual(new Set(expected));
  expectSameContentPerKey(flaky);
  const perOrder = acceptedPerOrder(flaky);
  orders.forEach((order, n) => {
    expect(perOrder.get(order.id), order.id).toEqual(n < 4 ? contracts : [contracts[0]]);
  });
  expect(flaky.calls.some((call) => call.callsForKey > 1)).toBe(true);
}
