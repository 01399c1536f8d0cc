// The stock invariant under concurrency, on real PostgreSQL: several command handlers (as several
// API replicas would have) race reservations, picks and releases on one SKU in one warehouse.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/database.ts';
import { fold } from '../../src/domain/shared/decider.ts';
import {
  stockDecider,
  stockLevel,
  stockStream,
  type StockCommand,
  type StockEvent,
  type StockState,
} from '../../src/domain/inventory/stock.ts';
import { createCommandHandler, type CommandContext, type CommandHandler } from '../../src/eventstore/command-handler.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createUpcasting } from '../../src/eventstore/upcasting.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addDays, businessDayOf } from '../../src/domain/shared/calendar.ts';

const day = (offset: number) => addDays(businessDayOf(new Date()), offset);
const today = day(0);
const context = (): CommandContext => ({ actor: 'test:race', role: 'admin', correlationId: randomUUID(), now: new Date() });

describe('stock under concurrency', () => {
  let database: TestDatabase;
  const pools: ReturnType<typeof createPool>[] = [];
  const stores: PostgresEventStore[] = [];
  let replicas: CommandHandler[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const upcasting = createUpcasting([]);
    replicas = Array.from({ length: 4 }, () => {
      const pool = createPool(database.url, { max: 4 });
      const store = new PostgresEventStore(pool);
      pools.push(pool);
      stores.push(store);
      return createCommandHandler(store, { upcasting });
    });
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(pools.map((pool) => pool.end()));
    await database.drop();
  });

  const on = (replica: number, stream: string, command: StockCommand) =>
    replicas[replica % replicas.length]!.handle(stockDecider, stream, command, context());

  async function stocked(sku: string): Promise<string> {
    const stream = stockStream(sku, 'WH-1');
    const lots = [
      { lot: 'A', expiryDate: day(100), qty: 200 },
      { lot: 'B', expiryDate: day(200), qty: 300 },
      { lot: 'EXPIRED', expiryDate: day(-1), qty: 100 },
    ];
    for (const lot of lots) {
      await on(0, stream, {
        type: 'ReceiveStock',
        data: { sku, warehouseId: 'WH-1', receiptId: `R-${lot.lot}`, productionDate: day(-300), ...lot },
      });
    }
    return stream;
  }

  async function stateOf(stream: string): Promise<{ state: StockState; events: StockEvent[] }> {
    const recorded = await stores[0]!.readStream(stream);
    const events = recorded.map((event) => ({ type: event.type, data: event.data }) as StockEvent);
    return { state: fold(stockDecider, events), events };
  }

  it('never reserves more than available, yet sells the stock, with hundreds of concurrent reservations on four replicas', async () => {
    const sku = 'RACE-RES';
    const stream = await stocked(sku);
    const orders = Array.from({ length: 400 }, (_, i) => ({ orderId: `O-${i}`, qty: 1 + ((i * 7) % 5) }));
    // The first 40 orders also arrive a second time, at another replica.
    const requests = [
      ...orders.map((order, i) => ({ ...order, replica: i })),
      ...orders.slice(0, 40).map((order, i) => ({ ...order, replica: i + 1 })),
    ];
    const results = await Promise.all(
      requests.map(({ orderId, qty, replica }) =>
        on(replica, stream, { type: 'ReserveStock', data: { sku, warehouseId: 'WH-1', orderId, qty, today } }),
      ),
    );

    const { state, events } = await stateOf(stream);
    const reservations = events.filter((event) => event.type === 'StockReserved');
    const reservedOrders = reservations.map((event) => event.data.orderId);
    expect(new Set(reservedOrders).size).toBe(reservedOrders.length);
    const reserved = reservations.reduce((total, event) => total + event.data.qty, 0);
    expect(reserved).toBeLessThanOrEqual(500);
    expect(state.reserved).toBe(reserved);

    const refused = results.filter((result) => !result.ok);
    for (const result of refused) expect(!result.ok && result.refusal.code).toBe('insufficient_stock');
    expect(refused.length).toBeGreaterThan(0);
    // Sold out, not refused wholesale: what is left is less than any refused order asked for.
    const refusedQty = requests.filter((_, i) => !results[i]!.ok).map((request) => request.qty);
    expect(stockLevel(state, today).available).toBeLessThan(Math.min(...refusedQty));
    expect(reserved).toBeGreaterThan(500 - 5);
  });

  it('picks, releases and reserves concurrently without a lot going negative, first expiry first, never from expired lots', async () => {
    const sku = 'RACE-PICK';
    const stream = await stocked(sku);
    const holders = Array.from({ length: 60 }, (_, i) => ({ orderId: `H-${i}`, qty: 5 }));
    for (const [i, holder] of holders.entries())
      await on(i, stream, { type: 'ReserveStock', data: { sku, warehouseId: 'WH-1', ...holder, today } });

    const commands: StockCommand[] = [
      // Holders ship (some asking for more than they reserved), a few release, newcomers reserve and ship.
      ...holders.map(({ orderId }, i): StockCommand =>
        i % 6 === 0
          ? { type: 'ReleaseStock', data: { sku, warehouseId: 'WH-1', orderId } }
          : { type: 'PickStock', data: { sku, warehouseId: 'WH-1', orderId, shipmentId: `S-${orderId}`, qty: i % 4 === 0 ? 8 : 5, today } },
      ),
      ...Array.from({ length: 80 }, (_, i): StockCommand => ({
        type: 'ReserveStock',
        data: { sku, warehouseId: 'WH-1', orderId: `N-${i}`, qty: 4, today },
      })),
      ...Array.from({ length: 80 }, (_, i): StockCommand => ({
        type: 'PickStock',
        data: { sku, warehouseId: 'WH-1', orderId: `N-${i}`, shipmentId: `S-N-${i}`, qty: 4, today },
      })),
      // The same shipments again: picked once.
      ...holders.slice(1, 20).map(({ orderId }, i): StockCommand => ({
        type: 'PickStock',
        data: { sku, warehouseId: 'WH-1', orderId, shipmentId: `S-${orderId}`, qty: (i + 1) % 4 === 0 ? 8 : 5, today },
      })),
    ];
    const results = await Promise.all(commands.map((command, i) => on(i, stream, command)));
    for (const result of results.filter((r) => !r.ok)) expect(!result.ok && result.refusal.code).toBe('insufficient_stock');

    const { state, events } = await stateOf(stream);
    const lots = Object.fromEntries([...state.lots.values()].map((lot) => [lot.lot, lot.qty]));
    for (const qty of Object.values(lots)) expect(qty).toBeGreaterThanOrEqual(0);
    expect(lots.EXPIRED).toBe(100);
    const picks = events.filter((event) => event.type === 'StockPicked');
    expect(new Set(picks.map((event) => event.data.shipmentId)).size).toBe(picks.length);
    const picked = picks.reduce((total, event) => total + event.data.qty, 0);
    expect(lots.A! + lots.B!).toBe(500 - picked);
    // First expiry first out: B (expiring later) was touched, so A must be empty.
    expect(lots.B).toBeLessThan(300);
    expect(lots.A).toBe(0);
    expect(state.reserved).toBeGreaterThanOrEqual(0);
    expect(state.reserved).toBeLessThanOrEqual(stockLevel(state, today).sellable);
  });
});
