// The analytics order facts' set-based path (OrderPlaced and OrderReviewed folded, beside products
// and reservations) against the per-event path: random orders with promotions and gifts, reviews
// with and without stock, products registered and renamed in between; the same rows, or a
// failure on the same event. And what a page of orders costs.
import { sql, type KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { analyticsProjection } from '../../src/projections/analytics/projection.ts';
import { applyPageInTransaction, ensureCheckpoint } from '../../src/projections/runner.ts';
import { batchHarness, random, type Planned } from '../support/batch-harness.ts';
import { sequentialScans } from '../support/statistics.ts';

const SKUS = ['TEA', 'CUP', 'RICE', 'OIL', 'SOY'];
const PROMOTIONS: Record<string, string> = {
  'P-PCT': 'percent_off',
  'P-AMT': 'amount_off',
  'P-GIFT': 'buy_x_get_y',
  'P-BUNDLE': 'bundle_price',
};
const WAREHOUSES = ['WH-1', 'WH-2'];
const NONE = { stock: [], creditMinor: 0, promotions: [] };

const orderStream = (orderId: string) => `order-${orderId}`;

const registration = (sku: string, name = sku): Planned => ({
  stream: `product-${sku}`,
  type: 'ProductRegistered',
  data: { sku, name, brand: 'Jade', category: 'tea', unit: 'case', basePriceMinor: 100, currency: 'CNY' },
});
const rename = (sku: string, changes: Record<string, unknown>): Planned => ({
  stream: `product-${sku}`,
  type: 'ProductUpdated',
  data: { sku, changes },
});
const promotion = (promotionId: string): Planned => ({
  stream: `promotion-${promotionId}`,
  type: 'PromotionCreated',
  data: {
    promotionId,
    title: promotionId,
    kind: PROMOTIONS[promotionId],
    startsAt: '2025-01-01T00:00:00.000Z',
    endsAt: '2026-01-01T00:00:00.000Z',
    stackable: true,
  },
});

type Line = { sku: unknown; qty: unknown; unitPriceMinor?: number; promotions?: unknown[] };

function placed(orderId: string, lines: Line[], gifts: { sku: unknown; qty: unknown; promotionId: unknown }[] = []): Planned {
  const priced = lines.map(({ sku, qty, unitPriceMinor = 500, promotions = [] }) => {
    const grossMinor = (typeof qty === 'number' ? qty : 1) * unitPriceMinor;
    const discountMinor = promotions.length > 0 ? Math.floor(grossMinor / 10) + 1 : 0;
    return {
      sku,
      name: String(sku),
      qty,
      unitPriceMinor,
      priceBasis: 'base',
      grossMinor,
      discountMinor,
      netMinor: grossMinor - discountMinor,
      promotions: promotions.map((id) => ({ id, title: String(id) })),
      explanation: '',
    };
  });
  const subtotalMinor = priced.reduce((sum, line) => sum + line.grossMinor, 0);
  const discountMinor = priced.reduce((sum, line) => sum + line.discountMinor, 0);
  return {
    stream: orderStream(orderId),
    type: 'OrderPlaced',
    data: {
      orderId,
      dealerId: 'D-1',
      placedAt: '2025-03-01T10:00:00.000Z',
      channel: 'manual',
      regionCode: 'CN-31',
      deliveryAddress: null,
      note: null,
      lines: priced,
      gifts: gifts.map((gift) => ({ ...gift, name: String(gift.sku), explanation: '' })),
      totals: { subtotalMinor, discountMinor, totalMinor: subtotalMinor - discountMinor, currency: 'CNY' },
      prepay: false,
      reorderOf: null,
    },
  };
}

function reviewed(orderId: string, decision: unknown, stock: { sku: unknown; warehouseId: unknown; qty: unknown }[] = []): Planned {
  return {
    stream: orderStream(orderId),
    type: 'OrderReviewed',
    data: {
      orderId,
      decision,
      reasons: decision === 'approved' ? [] : [{ code: 'insufficient_stock', detail: 'short' }],
      risk: { score: 10, threshold: 60, factors: [] },
      reservations: { stock, creditMinor: 0, promotions: [] },
    },
  };
}

type Order = { orderId: string; status: 'approved' | 'on_hold' | 'rejected' | 'cancelled' };

/**
 * Orders over five SKUs (registered before, after or never) with stacked promotions (kinds known
 * or not yet) and gifts, reviewed right away or later (approved, on hold, rejected; stock reserved
 * in one or two warehouses, a SKU twice, or none), among renames, reservations, ops approvals and
 * cancellations. `messy` adds what PostgreSQL casts (numbers as strings), what the per-event path
 * takes as it is (a review of an order placed nowhere, or before its placement), and, more rarely,
 * what makes it fail: values it rejects, an order placed twice, a review without a decision.
 */
function plan(seed: number, count: number, messy: boolean): Planned[] {
  const { pick, chance, next } = random(seed);
  const odd = (p: number) => messy && chance(p);
  const fatal = (p: number) => messy && chance(p / 4);
  const unregistered = [...SKUS];
  const uncreated = Object.keys(PROMOTIONS);
  const orders: Order[] = [];
  const pending: Planned[] = [];
  const events: Planned[] = [];
  const stock = (): { sku: unknown; warehouseId: unknown; qty: unknown }[] =>
    chance(0.35)
      ? []
      : Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({
          sku: pick(SKUS.slice(0, 3)),
          warehouseId: pick(WAREHOUSES),
          qty: odd(0.05) ? '2' : 1 + Math.floor(next() * 5),
        }));
  while (events.length < count) {
    const roll = next();
    if (roll < 0.08 && unregistered.length > 0) {
      events.push(registration(unregistered.splice(Math.floor(next() * unregistered.length), 1)[0]!));
    } else if (roll < 0.16) {
      const changes: Record<string, unknown> = { name: `${pick(SKUS)} ${Math.floor(next() * 100)}` };
      if (chance(0.3)) changes.brand = pick(['Jade', 'Lotus']);
      if (chance(0.3)) changes.category = pick(['tea', 'snacks']);
      events.push(rename(pick(SKUS), changes));
    } else if (roll < 0.2 && uncreated.length > 0) {
      events.push(promotion(uncreated.shift()!));
    } else if (roll < 0.6) {
      const orderId = `O-${seed}-${orders.length + 1}`;
      const lines = Array.from({ length: 1 + Math.floor(next() * 3) }, (): Line => ({
        sku: fatal(0.02) ? null : pick(SKUS),
        qty: fatal(0.02) ? 2.5 : odd(0.04) ? '3' : 1 + Math.floor(next() * 9),
        unitPriceMinor: 100 + Math.floor(next() * 800),
        promotions: Object.keys(PROMOTIONS)
          .filter(() => chance(0.25))
          .map((id) => (fatal(0.02) ? null : id)),
      }));
      const gifts = lines.some((line) => line.promotions!.includes('P-GIFT'))
        ? [{ sku: pick(SKUS), qty: chance(0.5) ? 1 : 2, promotionId: 'P-GIFT' }]
        : [];
      const event = placed(orderId, lines, gifts);
      if (fatal(0.03)) event.data.placedAt = 'soon';
      if (odd(0.03)) (event.data.totals as Record<string, unknown>).subtotalMinor = '400';
      const decision = pick(['approved', 'approved', 'on_hold', 'rejected']);
      const order: Order = { orderId, status: decision as Order['status'] };
      orders.push(order);
      const review = reviewed(orderId, fatal(0.03) ? null : decision, decision === 'rejected' ? [] : stock());
      if (odd(0.05)) {
        // Reviewed before it is placed: the review finds no row (its allocations stay).
        events.push(review, event);
      } else {
        events.push(event);
        if (chance(0.25)) pending.push(review);
        else events.push(review);
      }
    } else if (roll < 0.7 && pending.length > 0) {
      events.push(pending.splice(Math.floor(next() * pending.length), 1)[0]!);
    } else if (roll < 0.78) {
      const sku = pick(SKUS);
      const warehouseId = pick(WAREHOUSES);
      events.push({
        stream: `stock-${sku}@${warehouseId}`,
        type: 'StockReserved',
        data: { sku, warehouseId, orderId: `O-${seed}-${orders.length}`, qty: 1 + Math.floor(next() * 4) },
      });
    } else if (roll < 0.86) {
      const held = orders.filter((order) => order.status === 'on_hold');
      if (held.length === 0) continue;
      const order = pick(held);
      order.status = 'approved';
      events.push({
        stream: orderStream(order.orderId),
        type: 'HeldOrderApproved',
        data: { orderId: order.orderId, note: null, reservations: { ...NONE, stock: stock() } },
      });
    } else if (roll < 0.94) {
      const open = orders.filter((order) => order.status === 'approved' || order.status === 'on_hold');
      if (open.length === 0) continue;
      const order = pick(open);
      order.status = 'cancelled';
      events.push({
        stream: orderStream(order.orderId),
        type: 'OrderCancelled',
        data: { orderId: order.orderId, reason: null, releasing: NONE },
      });
    } else if (messy) {
      // A review of an order placed nowhere, or (rarely) an order placed again.
      const again = orders.length > 0 && fatal(0.4);
      const orderId = again ? pick(orders).orderId : `O-${seed}-ghost-${events.length}`;
      events.push(again ? placed(orderId, [{ sku: 'TEA', qty: 1 }]) : reviewed(orderId, 'approved', stock()));
    }
  }
  return [...events, ...pending];
}

describe('the analytics order facts batch handler', () => {
  const harness = batchHarness();
  const { open, expectSameAsPerEvent } = harness;

  for (const [seed, messy] of [
    [51, false],
    [52, false],
    [53, false],
    [54, true],
    [55, true],
    [57, true],
    [58, true],
    [63, true],
    [65, true],
  ] as const) {
    it(
      `leaves the rows the per-event path leaves, and fails where it fails (seed ${seed}${messy ? ', messy' : ''})`,
      { timeout: 120_000 },
      async () => {
        await open(plan(seed, messy ? 90 : 150, messy));
        const reference = await expectSameAsPerEvent(analyticsProjection);
        if (messy) return;
        expect(reference).toHaveProperty('rows');
        const { rows } = reference as { rows: Record<string, Record<string, unknown>[]> };
        expect(rows.orders!.some((row) => row.first_decision !== null)).toBe(true);
        expect(rows.order_lines!.some((row) => row.is_gift)).toBe(true);
        expect(rows.order_lines!.some((row) => row.product_name !== null)).toBe(true);
        expect(rows.promotion_usage!.length).toBeGreaterThan(0);
        expect(rows.order_allocations!.length).toBeGreaterThan(0);
      },
    );
  }

  it('names the lines of orders placed before and after a rename by the new name, the rename in the same page or the page before', async () => {
    await open([
      // Rebuilt in pages of 7: a page of products (two: the fold stays open), then a page of orders.
      registration('TEA', 'Tea'),
      registration('CUP', 'Cup'),
      rename('CUP', { brand: 'Lotus' }),
      rename('TEA', { name: 'Black tea' }),
      rename('CUP', { name: 'Mug' }),
      rename('TEA', { category: 'beverages' }),
      rename('CUP', { category: 'kitchen' }),
      placed('O-1', [{ sku: 'TEA', qty: 2 }]),
      reviewed('O-1', 'approved', [{ sku: 'TEA', warehouseId: 'WH-1', qty: 2 }]),
      placed('O-2', [
        { sku: 'CUP', qty: 1 },
        { sku: 'TEA', qty: 1 },
      ]),
      reviewed('O-2', 'approved'),
      placed('O-3', [{ sku: 'CUP', qty: 3 }]),
      reviewed('O-3', 'on_hold'),
      placed('O-4', [{ sku: 'TEA', qty: 4 }]),
      // Live in one page: orders, a rename, orders.
      rename('TEA', { name: 'Green tea' }),
      placed('O-5', [{ sku: 'TEA', qty: 5 }]),
      reviewed('O-5', 'approved'),
    ]);
    const reference = await expectSameAsPerEvent(analyticsProjection);
    const tea = { sku: 'TEA', product_name: 'Green tea', brand: 'Jade', category: 'beverages' };
    const cup = { sku: 'CUP', product_name: 'Mug', brand: 'Lotus', category: 'kitchen' };
    expect(reference).toMatchObject({
      rows: {
        order_lines: [
          { order_id: 'O-1', ...tea },
          { order_id: 'O-2', line_no: 1, ...cup },
          { order_id: 'O-2', line_no: 2, ...tea },
          { order_id: 'O-3', ...cup },
          { order_id: 'O-4', ...tea },
          { order_id: 'O-5', ...tea },
        ],
      },
    });
  });

  it('updates orders placed in an earlier page, and leaves those placed nowhere (or only later) as the per-event path does', async () => {
    // Live pages of 5: the reviews come in the second page.
    await open([
      registration('TEA'),
      ...[1, 2, 3, 4].map((n) => placed(`O-${n}`, [{ sku: 'TEA', qty: n }])),
      reviewed('O-1', 'approved', [
        { sku: 'TEA', warehouseId: 'WH-1', qty: 1 },
        { sku: 'TEA', warehouseId: 'WH-1', qty: 2 },
      ]),
      reviewed('O-2', 'on_hold', [{ sku: 'TEA', warehouseId: 'WH-2', qty: 2 }]),
      reviewed('O-2', 'rejected'),
      reviewed('O-9', 'approved', [{ sku: 'TEA', warehouseId: 'WH-1', qty: 9 }]),
      reviewed('O-5', 'rejected', [{ sku: 'TEA', warehouseId: 'WH-2', qty: 5 }]),
      placed('O-5', [{ sku: 'TEA', qty: 5 }]),
    ]);
    const reference = await expectSameAsPerEvent(analyticsProjection);
    const at = (second: number) => new Date(Date.parse('2025-01-01T00:00:00Z') + second * 1_000);
    expect(reference).toMatchObject({
      rows: {
        orders: [
          { order_id: 'O-1', status: 'approved', first_decision: 'approved', first_reasons: [], approved_at: at(6), rejected_at: null },
          {
            order_id: 'O-2',
            status: 'rejected',
            first_decision: 'rejected',
            first_reasons: ['insufficient_stock'],
            approved_at: null,
            rejected_at: at(8),
          },
          { order_id: 'O-3', status: 'placed', first_decision: null },
          { order_id: 'O-4', status: 'placed', first_decision: null },
          { order_id: 'O-5', status: 'placed', first_decision: null, rejected_at: null },
        ],
        order_allocations: [
          { order_id: 'O-1', sku: 'TEA', warehouse_id: 'WH-1', qty: 3 },
          { order_id: 'O-2', sku: 'TEA', warehouse_id: 'WH-2', qty: 2 },
          { order_id: 'O-5', sku: 'TEA', warehouse_id: 'WH-2', qty: 5 },
          { order_id: 'O-9', sku: 'TEA', warehouse_id: 'WH-1', qty: 9 },
        ],
      },
    });
  });

  it('replaces what a review stored for an order not placed yet when the order is placed and reviewed in one later page', async () => {
    // Live pages of 5: O-7's first review is in the first page, its placement and second review in the second.
    await open([
      registration('TEA'),
      reviewed('O-7', 'approved', [{ sku: 'TEA', warehouseId: 'WH-1', qty: 7 }]),
      ...[1, 2, 3].map((n) => placed(`O-${n}`, [{ sku: 'TEA', qty: n }])),
      placed('O-7', [{ sku: 'TEA', qty: 7 }]),
      reviewed('O-7', 'approved', [{ sku: 'TEA', warehouseId: 'WH-2', qty: 7 }]),
      reviewed('O-1', 'approved', [{ sku: 'TEA', warehouseId: 'WH-1', qty: 1 }]),
    ]);
    expect(await expectSameAsPerEvent(analyticsProjection)).toMatchObject({
      rows: {
        order_allocations: [
          { order_id: 'O-1', sku: 'TEA', warehouse_id: 'WH-1', qty: 1 },
          { order_id: 'O-7', sku: 'TEA', warehouse_id: 'WH-2', qty: 7 },
        ],
      },
    });
  });

  it('fails on an order placed again, in the same fold or after it was written', async () => {
    await open([
      placed('O-1', [{ sku: 'TEA', qty: 1 }]),
      ...[2, 3, 4, 5].map((n) => placed(`O-${n}`, [{ sku: 'CUP', qty: n }])),
      reviewed('O-1', 'approved'),
      placed('O-1', [{ sku: 'TEA', qty: 1 }]),
    ]);
    expect(await expectSameAsPerEvent(analyticsProjection)).toMatchObject({ failed: { position: '7' } });
  });

  it('deletes the allocations of a page of orders by key from a table that grew without being analyzed', async () => {
    const master = [...SKUS.map((sku) => registration(sku))];
    const orders = Array.from({ length: 40 }, (_, index): Planned[] => [
      placed(`O-${index}`, [{ sku: SKUS[index % SKUS.length], qty: 1 }]),
      reviewed(`O-${index}`, 'approved', [{ sku: SKUS[index % SKUS.length], warehouseId: 'WH-1', qty: 1 }]),
    ]).flat();
    await open([...master, ...orders]);
    const { db } = harness;
    // A fresh database's tables have no statistics until autovacuum first analyzes them (kept off here).
    await sql`ALTER TABLE analytics_facts.order_allocations SET (autovacuum_enabled = false)`.execute(db);
    await sql`INSERT INTO analytics_facts.order_allocations (order_id, sku, warehouse_id, qty)
      SELECT 'EARLIER-' || n, 'TEA', 'WH-1', 1 FROM generate_series(1, 20000) AS n`.execute(db);
    const { position } = await ensureCheckpoint(db, analyticsProjection.name);
    const first = await harness.store.readAll({ after: position, maxCount: master.length, filter: analyticsProjection.filter });
    await applyPageInTransaction(db, analyticsProjection, analyticsProjection.name, position, first, harness.upcasting);

    const page = await harness.store.readAll({ after: first.checkpoint, maxCount: 500, filter: analyticsProjection.filter });
    expect(page.events).toHaveLength(80);
    // One connection for the page and the count: a session's scans are counted once it flushes them.
    await db.connection().execute(async (session) => {
      const before = await sequentialScans(session, 'analytics_facts.order_allocations');
      await applyPageInTransaction(session, analyticsProjection, analyticsProjection.name, first.checkpoint, page, harness.upcasting, {
        onBatchRecovered: (failure) => expect.fail(`batch failed: ${failure.message}`),
      });
      expect(await sequentialScans(session, 'analytics_facts.order_allocations')).toBe(before);
    });
    const { rows } = await sql<{ count: string }>`SELECT count(*) FROM analytics_facts.order_allocations`.execute(db);
    expect(Number(rows[0]!.count)).toBe(20040);
  });

  it('writes a page of 250 orders placed and reviewed with a handful of statements', { timeout: 120_000 }, async () => {
    const { pick, chance } = random(59);
    const master = [...SKUS.map((sku) => registration(sku)), ...Object.keys(PROMOTIONS).map(promotion)];
    const orders = Array.from({ length: 250 }, (_, index): Planned[] => {
      const orderId = `O-${index}`;
      const lines = [pick(SKUS), pick(SKUS)].map((sku): Line => ({
        sku,
        qty: 1 + (index % 7),
        promotions: Object.keys(PROMOTIONS).filter(() => chance(0.3)),
      }));
      const gifts = lines.some((line) => line.promotions!.includes('P-GIFT')) ? [{ sku: pick(SKUS), qty: 1, promotionId: 'P-GIFT' }] : [];
      const decision = pick(['approved', 'on_hold', 'rejected']);
      return [
        placed(orderId, lines, gifts),
        reviewed(orderId, decision, decision === 'rejected' ? [] : [{ sku: lines[0]!.sku, warehouseId: pick(WAREHOUSES), qty: 2 }]),
      ];
    }).flat();
    await open([...master, ...orders]);
    const { position } = await ensureCheckpoint(harness.db, analyticsProjection.name);
    const first = await harness.store.readAll({ after: position, maxCount: master.length, filter: analyticsProjection.filter });
    await applyPageInTransaction(harness.db, analyticsProjection, analyticsProjection.name, position, first, harness.upcasting);

    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        statements += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const page = await harness.store.readAll({ after: first.checkpoint, maxCount: 500, filter: analyticsProjection.filter });
    expect(page.events).toHaveLength(500);
    await applyPageInTransaction(
      harness.db.withPlugin(counter),
      analyticsProjection,
      analyticsProjection.name,
      first.checkpoint,
      page,
      harness.upcasting,
      {
        onBatchRecovered: (failure) => expect.fail(`batch failed: ${failure.message}`),
      },
    );
    // The checkpoint's compare-and-set; products and promotions read; orders, order lines,
    // promotion usage, allocations (delete by key between two SETs of enable_seqscan, insert) written.
    expect(statements).toBe(10);
    const written = await harness.db.selectFrom('analytics_facts.orders').select('order_id').execute();
    expect(written).toHaveLength(250);
    expect(await expectSameAsPerEvent(analyticsProjection)).toHaveProperty('rows');
  });
});
