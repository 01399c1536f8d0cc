// The orders projection's set-based path (OrderPlaced and OrderReviewed folded) against its
// per-event path: random orders of a few dealers over several regions and repeated SKUs, reviews
// right away or later, broken up by cancellations and ops approvals; the same rows, or a failure
// on the same event. And what a page of orders costs.
import type { KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { NO_RESERVATIONS } from '../../src/domain/ordering/order.ts';
import { ordersProjection } from '../../src/projections/orders/projection.ts';
import { applyPageInTransaction, ensureCheckpoint } from '../../src/projections/runner.ts';
import { batchHarness, random, type Planned } from '../support/batch-harness.ts';

const DEALERS = ['D-1', 'D-2', 'D-3'];
const REGIONS = ['CN-31', 'CN-11', 'CN-44'];
const SKUS = ['TEA', 'CUP', 'RICE', 'OIL'];

type Order = { orderId: string; stream: string; status: 'placed' | 'approved' | 'on_hold' | 'rejected' | 'cancelled' };

const stream = (orderId: string) => `order-${orderId}`;

function placedData(
  orderId: string,
  dealerId: string,
  regionCode: string,
  lines: { sku: string; qty: unknown }[],
  options: { prepay?: unknown; totalMinor?: unknown } = {},
) {
  const subtotalMinor = lines.reduce((sum, line) => sum + (typeof line.qty === 'number' ? line.qty : 1) * 500, 0);
  return {
    orderId,
    dealerId,
    placedAt: '2025-03-01T10:00:00.000Z',
    channel: 'manual',
    regionCode,
    deliveryAddress: '88 Century Avenue, Shanghai',
    note: null,
    lines: lines.map(({ sku, qty }) => ({
      sku,
      name: sku,
      qty,
      unitPriceMinor: 500,
      priceBasis: 'base',
      grossMinor: 500,
      discountMinor: 0,
      netMinor: 500,
      promotions: [],
      explanation: '',
    })),
    gifts: [],
    totals: { subtotalMinor, discountMinor: 0, totalMinor: options.totalMinor ?? subtotalMinor, currency: 'CNY' },
    prepay: options.prepay ?? false,
    reorderOf: null,
  };
}

function reviewData(orderId: string, decision: unknown) {
  const held =
    decision === 'rejected'
      ? NO_RESERVATIONS
      : { stock: [{ sku: 'TEA', warehouseId: 'WH-1', qty: 2 }], creditMinor: 1_000, promotions: [] };
  const reasons = decision === 'approved' ? [] : [{ code: 'risk_score_high', detail: 'unusual' }];
  return { orderId, decision, reasons, risk: { score: decision === 'approved' ? 10 : 70, threshold: 60, factors: [] }, reservations: held };
}

/**
 * Orders placed and reviewed (approved, on hold, rejected; prepay or not; some totals of zero),
 * some reviews later than their order, with cancellations and ops approvals in between. `messy`
 * adds values PostgreSQL casts (numbers and booleans as strings, SKUs as numbers), others the
 * per-event path takes as they are (negative quantities, no lines on a rejected order, an unknown
 * decision) and, more rarely, what makes it fail: values it rejects, a review without its order,
 * an order placed twice.
 */
function plan(seed: number, count: number, messy: boolean): Planned[] {
  const { pick, chance, next } = random(seed);
  const orders: Order[] = [];
  const pending: Planned[] = [];
  const events: Planned[] = [];
  const odd = (p: number) => messy && chance(p);
  const fatal = (p: number) => messy && chance(p / 4);
  while (events.length < count) {
    const roll = next();
    if (roll < 0.6) {
      const orderId = `O-${seed}-${orders.length + 1}`;
      const lines = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({
        sku: fatal(0.01) ? (null as unknown as string) : odd(0.02) ? (7 as unknown as string) : pick(SKUS),
        qty: fatal(0.01) ? pick([2.5, null]) : odd(0.04) ? pick(['3', -4]) : 1 + Math.floor(next() * 20),
      }));
      const data: Record<string, unknown> = placedData(orderId, pick(DEALERS), pick(REGIONS), lines, {
        prepay: odd(0.03) ? 'true' : chance(0.3),
        totalMinor: odd(0.03) ? '400' : fatal(0.01) ? 1.5 : chance(0.1) ? 0 : undefined,
      });
      if (fatal(0.015)) data.regionCode = null;
      if (fatal(0.015)) data.placedAt = 'soon';
      if (odd(0.05)) delete data.note;
      const decision = fatal(0.015) ? null : odd(0.03) ? 'escalated' : pick(['approved', 'approved', 'on_hold', 'rejected']);
      if (decision === 'rejected' && odd(0.3)) data.lines = pick([null, 'none']);
      const order: Order = {
        orderId,
        stream: stream(orderId),
        status: decision === 'on_hold' || decision === 'rejected' ? decision : 'approved',
      };
      orders.push(order);
      events.push({ stream: order.stream, type: 'OrderPlaced', data });
      const review = { stream: order.stream, type: 'OrderReviewed', data: reviewData(orderId, decision) };
      if (chance(0.2)) pending.push(review);
      else events.push(review);
    } else if (roll < 0.75 && pending.length > 0) {
      events.push(pending.splice(Math.floor(next() * pending.length), 1)[0]!);
    } else if (roll < 0.85) {
      const held = orders.filter((order) => order.status === 'on_hold');
      if (held.length === 0) continue;
      const order = pick(held);
      order.status = 'approved';
      events.push({
        stream: order.stream,
        type: 'HeldOrderApproved',
        data: { orderId: order.orderId, note: 'ok', reservations: NO_RESERVATIONS },
      });
    } else if (roll < 0.95) {
      const open = orders.filter((order) => order.status === 'approved' || order.status === 'on_hold');
      if (open.length === 0) continue;
      const order = pick(open);
      order.status = 'cancelled';
      events.push({
        stream: order.stream,
        type: 'OrderCancelled',
        data: { orderId: order.orderId, reason: null, releasing: NO_RESERVATIONS },
      });
    } else if (fatal(0.2)) {
      // A review without its order, or an order placed again.
      const order = orders.length > 0 && chance(0.5) ? pick(orders) : undefined;
      const orderId = order?.orderId ?? `O-${seed}-ghost`;
      events.push(
        order && chance(0.5)
          ? { stream: order.stream, type: 'OrderPlaced', data: placedData(orderId, 'D-1', 'CN-31', [{ sku: 'TEA', qty: 1 }]) }
          : { stream: stream(orderId), type: 'OrderReviewed', data: reviewData(orderId, 'approved') },
      );
    }
  }
  return [...events, ...pending];
}

describe('the orders batch handler', () => {
  const harness = batchHarness();
  const { open, expectSameAsPerEvent } = harness;

  for (const [seed, messy] of [
    [31, false],
    [32, false],
    [33, false],
    [34, true],
    [35, true],
    [36, true],
    [38, true],
    [39, true],
    [41, true],
  ] as const) {
    it(
      `leaves the rows the per-event path leaves, and fails where it fails (seed ${seed}${messy ? ', messy' : ''})`,
      { timeout: 120_000 },
      async () => {
        await open(plan(seed, messy ? 80 : 150, messy));
        const reference = await expectSameAsPerEvent(ordersProjection);
        if (messy) return;
        expect(reference).toHaveProperty('rows');
        const { rows } = reference as { rows: Record<string, { regions?: string[] }[]> };
        expect(rows.dealer_history!.some((row) => row.regions!.length > 1)).toBe(true);
        expect(rows.dealer_sku_history!.length).toBeGreaterThan(0);
      },
    );
  }

  it('appends a dealer’s new regions in the order they come up, to a stored row that has some', async () => {
    const order = (n: number, regionCode: string, decision: string): Planned[] => [
      {
        stream: stream(`O-${n}`),
        type: 'OrderPlaced',
        data: placedData(`O-${n}`, 'D-1', regionCode, [
          { sku: 'TEA', qty: n },
          { sku: 'TEA', qty: 1 },
        ]),
      },
      { stream: stream(`O-${n}`), type: 'OrderReviewed', data: reviewData(`O-${n}`, decision) },
    ];
    await open([
      ...order(1, 'CN-31', 'approved'),
      ...order(2, 'CN-11', 'on_hold'),
      // The cancellation breaks the run: the fold before it is written first.
      { stream: stream('O-1'), type: 'OrderCancelled', data: { orderId: 'O-1', reason: null, releasing: NO_RESERVATIONS } },
      ...order(3, 'CN-44', 'rejected'),
      ...order(4, 'CN-11', 'approved'),
      ...order(5, 'CN-44', 'approved'),
      ...order(6, 'CN-31', 'approved'),
    ]);
    const reference = await expectSameAsPerEvent(ordersProjection);
    expect(reference).toMatchObject({
      rows: {
        dealer_history: [{ dealer_id: 'D-1', order_count: 5, regions: ['CN-31', 'CN-11', 'CN-44'] }],
        dealer_sku_history: [{ dealer_id: 'D-1', sku: 'TEA', order_count: 10, qty_sum: 1 + 2 + 4 + 5 + 6 + 5 }],
      },
    });
  });

  it('fails on a review whose order exists nowhere', async () => {
    const placed = { stream: stream('O-1'), type: 'OrderPlaced', data: placedData('O-1', 'D-1', 'CN-31', [{ sku: 'TEA', qty: 1 }]) };
    await open([placed, { stream: stream('O-2'), type: 'OrderReviewed', data: reviewData('O-2', 'approved') }]);
    expect(await expectSameAsPerEvent(ordersProjection)).toMatchObject({ failed: { position: '2' } });
  });

  it('fails on an order placed again, in the same fold or after it was written', async () => {
    const placed = { stream: stream('O-1'), type: 'OrderPlaced', data: placedData('O-1', 'D-1', 'CN-31', [{ sku: 'TEA', qty: 1 }]) };
    const others = [2, 3, 4, 5].map((n) => ({
      stream: stream(`O-${n}`),
      type: 'OrderPlaced',
      data: placedData(`O-${n}`, 'D-2', 'CN-11', [{ sku: 'CUP', qty: n }]),
    }));
    await open([placed, ...others, placed]);
    expect(await expectSameAsPerEvent(ordersProjection)).toMatchObject({ failed: { position: '6' } });
  });

  it('writes a page of 250 orders placed and reviewed with a handful of statements', { timeout: 120_000 }, async () => {
    const { pick, chance } = random(9);
    await open(
      Array.from({ length: 250 }, (_, index): Planned[] => {
        const orderId = `O-${index}`;
        const lines = [
          { sku: pick(SKUS), qty: 1 + (index % 7) },
          { sku: pick(SKUS), qty: 2 },
        ];
        return [
          {
            stream: stream(orderId),
            type: 'OrderPlaced',
            data: placedData(orderId, pick(DEALERS), pick(REGIONS), lines, { prepay: chance(0.3) }),
          },
          { stream: stream(orderId), type: 'OrderReviewed', data: reviewData(orderId, pick(['approved', 'on_hold', 'rejected'])) },
        ];
      }).flat(),
    );
    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        statements += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const { position } = await ensureCheckpoint(harness.db, ordersProjection.name);
    const page = await harness.store.readAll({ after: position, maxCount: 500, filter: ordersProjection.filter });
    expect(page.events).toHaveLength(500);
    await applyPageInTransaction(
      harness.db.withPlugin(counter),
      ordersProjection,
      ordersProjection.name,
      position,
      page,
      harness.upcasting,
      {
        onBatchRecovered: (failure) => expect.fail(`batch failed: ${failure.message}`),
      },
    );
    // The checkpoint's compare-and-set; orders, timeline, dealer history, dealer SKU history.
    expect(statements).toBe(5);
    const orders = await harness.db.selectFrom('orders.orders').select('id').execute();
    expect(orders).toHaveLength(250);
    expect(await expectSameAsPerEvent(ordersProjection)).toHaveProperty('rows');
  });
});
