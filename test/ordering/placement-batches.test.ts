// Placements that arrive together are decided one after the other in memory against the evolving
// states of the streams they share, and appended as one group. Property: on real PostgreSQL, a batch
// decides exactly as the same placements placed one by one (each appended before the next is
// decided), in the same order, for generated worlds of stock, credit, prices and capped promotions.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createPool } from '../../src/db/database.ts';
import { productDecider, productStream } from '../../src/domain/catalog/product.ts';
import { creditLedgerDecider, creditStream } from '../../src/domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream } from '../../src/domain/dealers/dealer.ts';
import { stockDecider, stockStream } from '../../src/domain/inventory/stock.ts';
import { warehouseDecider, warehouseStream } from '../../src/domain/inventory/warehouse.ts';
import { createPromotionSchema, promotionDecider, promotionStream } from '../../src/domain/promotions/promotion.ts';
import { createCommandHandler, type CommandContext, type CommandHandler } from '../../src/eventstore/command-handler.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createUpcasting } from '../../src/eventstore/upcasting.ts';
import { OrderPlacements, type Placed } from '../../src/processes/order-placement.ts';
import { createPromotion } from '../../src/processes/promotion-terms.ts';
import { receiveStock } from '../../src/processes/stock-movements.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// 12:00 in Shanghai: no unusual-hour risk factor.
const NOW = new Date('2026-06-01T04:00:00.000Z');
const REGIONS = ['CN-31', 'CN-44'] as const;
const WAREHOUSES = [
  { id: 'WH-PB1', regionCode: 'CN-31' },
  { id: 'WH-PB2', regionCode: 'CN-44' },
];

const context = (actor = 'property-test'): CommandContext => ({ actor, role: 'ops', correlationId: randomUUID(), now: NOW });

const worldArbitrary = fc
  .record({
    products: fc.array(
      fc.record({
        price: fc.integer({ min: 100, max: 2_000 }),
        goldPrice: fc.option(fc.integer({ min: 50, max: 2_000 }), { nil: undefined }),
      }),
      { minLength: 2, maxLength: 4 },
    ),
    dealers: fc.array(
      fc.record({
        limit: fc.integer({ min: 0, max: 60_000 }),
        prepay: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
        territories: fc.subarray([...REGIONS], { minLength: 1 }),
        tier: fc.constantFrom('gold', 'silver'),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    promotions: fc.array(
      fc.record({
        percent: fc.integer({ min: 5, max: 40 }),
        sku: fc.nat(),
        gift: fc.boolean(),
        caps: fc.oneof(
          fc.constant({}),
          fc.record({ perDealer: fc.integer({ min: 1, max: 2 }) }),
          fc.record({ total: fc.integer({ min: 1, max: 3 }) }),
        ),
      }),
      { maxLength: 2 },
    ),
  })
  .chain((world) =>
    fc.record({
      world: fc.constant(world),
      stock: fc.array(fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 2, maxLength: 2 }), {
        minLength: world.products.length,
        maxLength: world.products.length,
      }),
      orders: fc.array(
        fc.record({
          dealer: fc.integer({ min: 0, max: world.dealers.length - 1 }),
          lines: fc.uniqueArray(
            fc.record({ product: fc.integer({ min: 0, max: world.products.length }), qty: fc.integer({ min: 1, max: 12 }) }),
            {
              minLength: 1,
              maxLength: 3,
              selector: (line) => line.product,
            },
          ),
          region: fc.constantFrom(...REGIONS),
        }),
        { minLength: 4, maxLength: 24 },
      ),
    }),
  );

type Scenario = typeof worldArbitrary extends fc.Arbitrary<infer T> ? T : never;

describe('batched placements', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let store: PostgresEventStore;
  let commands: CommandHandler;
  let placements: OrderPlacements;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool(database.url, { max: 10 });
    store = new PostgresEventStore(pool);
    commands = createCommandHandler(store, { upcasting: createUpcasting([]) });
    placements = new OrderPlacements({ db: createDb(pool), store, commands });
    for (const { id, regionCode } of WAREHOUSES) {
      await commands.handle(
        warehouseDecider,
        warehouseStream(id),
        { type: 'RegisterWarehouse', data: { id, name: id, regionCode } },
        context(),
      );
    }
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await database.drop();
  });

  /** Writes the world with every id suffixed; answers the order requests to place in it. */
  async function build(scenario: Scenario, suffix: string) {
    const { world, stock, orders } = scenario;
    const sku = (index: number) => `PB${index}${suffix}`;
    const dealerId = (index: number) => `D-PB${index}${suffix}`;
    for (const [index, product] of world.products.entries()) {
      await commands.handle(
        productDecider,
        productStream(sku(index)),
        {
          type: 'RegisterProduct',
          data: {
            sku: sku(index),
            name: `P${index}`,
            brand: 'B',
            category: 'C',
            unit: 'case',
            basePriceMinor: product.price,
            currency: 'CNY',
          },
        },
        context(),
      );
      if (product.goldPrice !== undefined) {
        await commands.handle(
          productDecider,
          productStream(sku(index)),
          { type: 'SetProductPrices', data: { sku: sku(index), tiers: { gold: product.goldPrice }, dealers: {} } },
          context(),
        );
      }
      for (const [w, qty] of stock[index]!.entries()) {
        if (qty === 0) continue;
        const warehouseId = WAREHOUSES[w]!.id;
        const received = await receiveStock(
          commands,
          {
            sku: sku(index),
            warehouseId,
            receiptId: `R-${sku(index)}-${w}`,
            lot: 'L1',
            productionDate: '2026-01-01',
            expiryDate: '2099-01-01',
            qty,
          },
          context(),
        );
        expect(received.ok).toBe(true);
      }
    }
    for (const [index, dealer] of world.dealers.entries()) {
      const registration = {
        dealerId: dealerId(index),
        name: `Dealer ${index}`,
        tier: dealer.tier,
        territories: [...dealer.territories].sort(),
        paymentTermsDays: 30,
        prepay: dealer.prepay,
      };
      await commands.handle(dealerDecider, dealerStream(dealerId(index)), { type: 'RegisterDealer', data: registration }, context());
      await commands.handle(
        creditLedgerDecider,
        creditStream(dealerId(index)),
        { type: 'OpenCreditAccount', data: { dealerId: dealerId(index), limitMinor: dealer.limit } },
        context(),
      );
    }
    for (const [index, promotion] of world.promotions.entries()) {
      const target = sku(promotion.sku % world.products.length);
      const terms = createPromotionSchema.parse({
        id: `PB-PROMO${index}${suffix}`,
        title: `Promotion ${index}`,
        ...(promotion.gift
          ? { kind: 'buy_x_get_y', rule: { buyQty: 3, getQty: 1, giftSku: sku((promotion.sku + 1) % world.products.length) } }
          : { kind: 'percent_off', rule: { percent: promotion.percent } }),
        startsAt: '2026-05-01T00:00:00Z',
        endsAt: '2026-07-01T00:00:00Z',
        eligibility: { skus: [target] },
        stackable: true,
        caps: promotion.caps,
      });
      const created = await createPromotion(commands, { ...terms, id: terms.id! }, context());
      expect(created.ok).toBe(true);
    }
    return orders.map((order, index) => ({
      orderId: `O-PB${index}${suffix}`,
      dealerId: dealerId(order.dealer),
      channel: 'manual' as const,
      // Index world.products.length names a SKU that does not exist.
      lines: order.lines.map((line) => ({ sku: sku(line.product), qty: line.qty })),
      regionCode: order.region,
      deliveryAddress: null,
      note: null,
      reorderOf: null,
      placedBy: null,
    }));
  }

  /** What was decided, with the world's suffix taken out so that two worlds compare. */
  const decisionOf = (placed: Placed, suffix: string) => {
    const { status, reasons, order, reservations } = placed.state;
    return JSON.parse(
      JSON.stringify({ status, reasons, lines: order.lines, gifts: order.gifts, totals: order.totals, reservations }).replaceAll(
        suffix,
        '',
      ),
    );
  };

  /** Every stream the world's placements wrote to, as it stands. */
  async function streamsOf(scenario: Scenario, suffix: string) {
    const states: Record<string, unknown> = {};
    for (const index of scenario.world.products.keys()) {
      for (const { id } of WAREHOUSES) {
        const { state } = await commands.load(stockDecider, stockStream(`PB${index}${suffix}`, id));
        states[`stock ${index} ${id}`] = {
          reserved: state.reserved,
          reservations: [...state.reservations].map(([orderId, qty]) => [orderId.replace(suffix, ''), qty]).sort(),
        };
      }
    }
    for (const index of scenario.world.dealers.keys()) {
      const { state } = await commands.load(creditLedgerDecider, creditStream(`D-PB${index}${suffix}`));
      states[`credit ${index}`] = state.reservedMinor;
    }
    for (const index of scenario.world.promotions.keys()) {
      const { state } = await commands.load(promotionDecider, promotionStream(`PB-PROMO${index}${suffix}`));
      states[`promotion ${index}`] = state.exists ? Object.keys(state.redemptions).length : undefined;
    }
    return states;
  }

  it('decides a batch exactly as the same placements one by one', { timeout: 240_000 }, async () => {
    let run = 0;
    let batchedTogether = 0;
    const statuses = new Map<string, number>();
    let sharedStreams = 0;
    await fc.assert(
      fc.asyncProperty(worldArbitrary, async (scenario) => {
        run += 1;
        const [batchSuffix, oneSuffix] = [`-B${run}`, `-S${run}`];
        const batchRequests = await build(scenario, batchSuffix);
        const oneRequests = await build(scenario, oneSuffix);
        // Asked for in one turn: decided as one batch, in this order.
        const before = await store.headPosition();
        const batched = await Promise.all(batchRequests.map((request) => placements.place(request, context(`dealer:${request.dealerId}`))));
        const positions = new Set(batched.map((placed) => placed.position));
        if (positions.size === 1) batchedTogether += 1;
        for (const placed of batched) statuses.set(placed.state.status, (statuses.get(placed.state.status) ?? 0) + 1);
        const reservedOn = batched.flatMap((placed) => placed.state.reservations.stock.map((held) => `${held.sku}@${held.warehouseId}`));
        sharedStreams += reservedOn.length - new Set(reservedOn).size;
        expect(BigInt(await store.headPosition())).toBeGreaterThan(BigInt(before));
        const oneByOne: Placed[] = [];
        for (const request of oneRequests) oneByOne.push(await placements.place(request, context(`dealer:${request.dealerId}`)));
        expect(batched.map((placed) => decisionOf(placed, batchSuffix))).toEqual(oneByOne.map((placed) => decisionOf(placed, oneSuffix)));
        expect(await streamsOf(scenario, batchSuffix)).toEqual(await streamsOf(scenario, oneSuffix));
      }),
      { numRuns: 20, seed: 20_261_205 },
    );
    // The property was exercised on batches, not on placements that happened to go one at a time,
    // with placements contending for the same stock, and every kind of outcome.
    expect(batchedTogether).toBeGreaterThan(15);
    expect(sharedStreams).toBeGreaterThan(20);
    expect(Object.fromEntries(statuses)).toMatchObject({
      approved: expect.any(Number),
      on_hold: expect.any(Number),
      rejected: expect.any(Number),
    });
  });
});
