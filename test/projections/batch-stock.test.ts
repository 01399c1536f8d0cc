// The stock reservations' set-based path (inventory, and analytics with its product fold) against
// the per-event path: on random stock histories, live pages of any size and rebuilds whose folds
// span pages leave exactly the rows the per-event path leaves, and fail on exactly the event it
// fails on; a page of reservations costs a few statements.
import { sql, type KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { analyticsProjection } from '../../src/projections/analytics/projection.ts';
import { inventoryProjection } from '../../src/projections/inventory/projection.ts';
import type { Projection } from '../../src/projections/projection.ts';
import { applyPageInTransaction, ensureCheckpoint } from '../../src/projections/runner.ts';
import { batchHarness, random, type Planned } from '../support/batch-harness.ts';

const SKUS = ['SKU-A', 'SKU-B', 'SKU-C'];
const WAREHOUSES = ['WH-1', 'WH-2', 'WH-3'];
/** Lot codes, each with its own dates wherever it is received. */
const LOTS: Record<string, { productionDate: string; expiryDate: string }> = {
  L1: { productionDate: '2024-06-01', expiryDate: '2025-06-01' },
  L2: { productionDate: '2024-09-01', expiryDate: '2025-03-01' },
  L3: { productionDate: '2024-12-01', expiryDate: '2026-01-01' },
};

const stream = (sku: string, warehouseId: string) => `stock-${sku}@${warehouseId}`;
const warehouse = (warehouseId: string): Planned => ({
  stream: `warehouse-${warehouseId}`,
  type: 'WarehouseRegistered',
  data: { warehouseId, name: `Warehouse ${warehouseId}`, regionCode: 'CN-31' },
});
const product = (sku: string): Planned => ({
  stream: `product-${sku}`,
  type: 'ProductRegistered',
  data: { sku, name: sku, brand: 'Jade', category: 'tea', unit: 'case', basePriceMinor: 100, currency: 'CNY' },
});
const reservation = (
  type: 'StockReserved' | 'StockReleased',
  sku: string,
  warehouseId: string,
  orderId: string,
  qty: unknown,
): Planned => ({
  stream: stream(sku, warehouseId),
  type,
  data: { sku, warehouseId, orderId, qty },
});
const receipt = (sku: string, warehouseId: string, lot: string, qty: number, receiptId: string): Planned => ({
  stream: stream(sku, warehouseId),
  type: 'StockReceived',
  data: { receiptId, sku, warehouseId, lot, ...LOTS[lot], qty },
});

/**
 * Stock histories over three SKUs in three warehouses, mostly reservations and releases (of
 * levels with a row or without one yet), among warehouse and product registrations, receipts,
 * picks, adjustments, transfers and write-offs. `messy` adds quantities PostgreSQL casts or
 * rejects ('7', 2.5, null, none), reservations without an order or a SKU, warehouses registered twice.
 */
function plan(seed: number, count: number, messy: boolean): Planned[] {
  const { pick, chance, next } = random(seed);
  const unregistered = { warehouses: [...WAREHOUSES], products: [...SKUS] };
  const quantity = (max: number) => 1 + Math.floor(next() * max);
  // Mostly a quantity the per-event path casts; now and then one it rejects (a release takes null as 0).
  const odd = () => (chance(0.7) ? '7' : pick([2.5, null, undefined]));
  const events: Planned[] = [];
  let operation = 0;
  while (events.length < count) {
    const sku = pick(SKUS);
    const warehouseId = pick(WAREHOUSES);
    const lot = pick(Object.keys(LOTS));
    const orderId = `O-${Math.floor(next() * 8)}`;
    const roll = next();
    operation += 1;
    if (roll < 0.06) {
      const registered = WAREHOUSES.filter((id) => !unregistered.warehouses.includes(id));
      const id = messy && registered.length > 0 && chance(0.1) ? pick(registered) : unregistered.warehouses.shift();
      if (id) events.push(warehouse(id));
    } else if (roll < 0.1) {
      const unknown = unregistered.products.shift();
      if (unknown) events.push(product(unknown));
      else events.push({ stream: `product-${sku}`, type: 'ProductUpdated', data: { sku, changes: { name: `${sku} ${operation}` } } });
    } else if (roll < 0.62) {
      const type = chance(0.65) ? 'StockReserved' : 'StockReleased';
      const event = reservation(type, sku, warehouseId, orderId, messy && chance(0.04) ? odd() : quantity(6));
      if (messy && chance(0.01)) delete event.data.orderId;
      if (messy && chance(0.005)) event.data.sku = null;
      events.push(event);
    } else if (roll < 0.75) {
      events.push(receipt(sku, warehouseId, lot, quantity(40), `R-${operation}`));
    } else if (roll < 0.83) {
      const qty = quantity(5);
      events.push({
        stream: stream(sku, warehouseId),
        type: 'StockPicked',
        data: {
          sku,
          warehouseId,
          orderId,
          shipmentId: `S-${operation}`,
          qty,
          fromReservation: Math.min(qty, quantity(5)),
          lots: [{ lot, qty, expiryDate: LOTS[lot]!.expiryDate }],
        },
      });
    } else if (roll < 0.9) {
      events.push({
        stream: stream(sku, warehouseId),
        type: 'StockAdjusted',
        data: { sku, warehouseId, adjustmentId: `A-${operation}`, lot, delta: chance(0.5) ? -quantity(3) : quantity(3), reason: 'count' },
      });
    } else if (roll < 0.96) {
      const toWarehouseId = pick(WAREHOUSES.filter((id) => id !== warehouseId));
      const transfer = { sku, lot, ...LOTS[lot], transferId: `T-${operation}`, qty: quantity(4) };
      events.push({ stream: stream(sku, warehouseId), type: 'StockTransferredOut', data: { ...transfer, warehouseId, toWarehouseId } });
      if (chance(0.8))
        events.push({
          stream: stream(sku, toWarehouseId),
          type: 'StockTransferredIn',
          data: { ...transfer, warehouseId: toWarehouseId, fromWarehouseId: warehouseId },
        });
    } else {
      const qty = quantity(3);
      events.push({
        stream: stream(sku, warehouseId),
        type: 'StockWrittenOff',
        data: { sku, warehouseId, writeOffId: `W-${operation}`, qty, lots: [{ lot, qty, expiryDate: LOTS[lot]!.expiryDate }] },
      });
    }
  }
  return events;
}

/** A plugin counting the statements run through it. */
function statementCounter(): { plugin: KyselyPlugin; count: () => number } {
  let count = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      count += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { plugin, count: () => count };
}

describe('stock reservation batch handlers', () => {
  const harness = batchHarness();
  const { open, expectSameAsPerEvent } = harness;

  for (const [seed, messy] of [
    [21, false],
    [22, false],
    [23, false],
    [24, true],
    [25, true],
    [26, true],
  ] as const) {
    it(
      `leave the rows the per-event path leaves, and fail where it fails (seed ${seed}${messy ? ', messy' : ''})`,
      { timeout: 120_000 },
      async () => {
        await open(plan(seed, messy ? 120 : 150, messy));
        for (const projection of [inventoryProjection, analyticsProjection]) {
          const reference = await expectSameAsPerEvent(projection);
          if (!messy) expect(reference, projection.name).toHaveProperty('rows');
        }
      },
    );
  }

  it('fold reservations of levels without a row yet, and a release, receipt and reservation in one page', async () => {
    const events = [
      warehouse('WH-1'),
      product('SKU-A'),
      reservation('StockReserved', 'SKU-A', 'WH-1', 'O-1', 3),
      reservation('StockReserved', 'SKU-A', 'WH-2', 'O-2', 2),
      { stream: 'product-SKU-A', type: 'ProductUpdated', data: { sku: 'SKU-A', changes: { name: 'Green tea' } } },
      reservation('StockReleased', 'SKU-A', 'WH-1', 'O-1', 3),
      receipt('SKU-A', 'WH-1', 'L1', 10, 'R-1'),
      reservation('StockReserved', 'SKU-A', 'WH-1', 'O-3', 4),
      reservation('StockReleased', 'SKU-B', 'WH-1', 'O-4', 1),
    ];
    await open(events);
    expect(await expectSameAsPerEvent(analyticsProjection)).toHaveProperty('rows');
    const reference = await expectSameAsPerEvent(inventoryProjection);
    expect(reference).toMatchObject({
      rows: {
        stock_levels: [
          {
            sku: 'SKU-A',
            warehouse_id: 'WH-1',
            on_hand: 10,
            reserved: 4,
            earliest_expiry: '2025-06-01',
            updated_at: new Date('2025-01-01T00:00:08Z'),
          },
          {
            sku: 'SKU-A',
            warehouse_id: 'WH-2',
            on_hand: 0,
            reserved: 2,
            earliest_expiry: null,
            updated_at: new Date('2025-01-01T00:00:04Z'),
          },
          {
            sku: 'SKU-B',
            warehouse_id: 'WH-1',
            on_hand: 0,
            reserved: -1,
            earliest_expiry: null,
            updated_at: new Date('2025-01-01T00:00:09Z'),
          },
        ],
        sku_totals: [
          { sku: 'SKU-A', on_hand: 10, reserved: 6, available: 6, earliest_expiry: '2025-06-01' },
          { sku: 'SKU-B', on_hand: 0, reserved: -1, available: 1, earliest_expiry: null },
        ],
      },
    });
    // Written by the batch (live pages of 500, the last run): ids in event order.
    const movements = await harness.db
      .selectFrom('inventory.movements')
      .select(['kind', 'sku', 'warehouse_id', 'reserved_delta', 'order_id'])
      .orderBy('id')
      .execute();
    expect(movements).toEqual([
      { kind: 'reservation', sku: 'SKU-A', warehouse_id: 'WH-1', reserved_delta: 3, order_id: 'O-1' },
      { kind: 'reservation', sku: 'SKU-A', warehouse_id: 'WH-2', reserved_delta: 2, order_id: 'O-2' },
      { kind: 'release', sku: 'SKU-A', warehouse_id: 'WH-1', reserved_delta: -3, order_id: 'O-1' },
      { kind: 'receipt', sku: 'SKU-A', warehouse_id: 'WH-1', reserved_delta: 0, order_id: null },
      { kind: 'reservation', sku: 'SKU-A', warehouse_id: 'WH-1', reserved_delta: 4, order_id: 'O-3' },
      { kind: 'release', sku: 'SKU-B', warehouse_id: 'WH-1', reserved_delta: -1, order_id: 'O-4' },
    ]);
  });

  it('fail on the reservation the per-event path fails on, after folding the ones before it', async () => {
    await open([
      reservation('StockReserved', 'SKU-A', 'WH-1', 'O-1', 3),
      reservation('StockReserved', 'SKU-A', 'WH-1', 'O-2', '7'),
      reservation('StockReleased', 'SKU-A', 'WH-1', 'O-1', '3'),
      reservation('StockReserved', 'SKU-B', 'WH-1', 'O-3', 2.5),
      reservation('StockReserved', 'SKU-A', 'WH-1', 'O-4', 1),
    ]);
    expect(await expectSameAsPerEvent(inventoryProjection)).toMatchObject({ failed: { position: '4' } });
    expect(await expectSameAsPerEvent(analyticsProjection)).toMatchObject({ failed: { position: '4' } });
  });

  it('write a page of 500 reservations with a few statements', { timeout: 120_000 }, async () => {
    const { pick, chance } = random(7);
    const events = Array.from({ length: 500 }, (_, index) =>
      reservation(chance(0.8) ? 'StockReserved' : 'StockReleased', pick(SKUS), pick(WAREHOUSES), `O-${index}`, 1 + (index % 5)),
    );
    await open(events);
    const statements: Record<string, number> = {};
    for (const projection of [inventoryProjection, analyticsProjection] satisfies Projection[]) {
      const counter = statementCounter();
      const db = harness.db.withPlugin(counter.plugin);
      const { position } = await ensureCheckpoint(harness.db, projection.name);
      const page = await harness.store.readAll({ after: position, maxCount: 500, filter: projection.filter });
      expect(page.events).toHaveLength(500);
      await applyPageInTransaction(db, projection, projection.name, position, page, harness.upcasting, {
        onBatchRecovered: (failure) => expect.fail(`batch failed: ${failure.message}`),
      });
      statements[projection.name] = counter.count();
    }
    // The checkpoint's compare-and-set, then inventory: levels, totals, movements; analytics: positions.
    expect(statements).toEqual({ inventory: 4, analytics: 2 });
    const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM inventory.movements`.execute(harness.db);
    expect(rows[0]!.count).toBe(500);
    expect(await expectSameAsPerEvent(inventoryProjection)).toHaveProperty('rows');
    expect(await expectSameAsPerEvent(analyticsProjection)).toHaveProperty('rows');
  });
});
