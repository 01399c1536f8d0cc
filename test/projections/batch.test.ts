// The set-based (batch) path of the projections against their per-event path: on random event
// sequences, live pages of any size and rebuilds whose folds span pages leave exactly the rows the
// per-event path leaves, and fail on exactly the event the per-event path fails on.
import { describe, expect, it } from 'vitest';
import { analyticsProjection } from '../../src/projections/analytics/projection.ts';
import { catalogProjection } from '../../src/projections/catalog/projection.ts';
import { RebuildFailedError, rebuildProjections } from '../../src/projections/rebuild.ts';
import { batchHarness, failure, random, type Outcome, type Planned } from '../support/batch-harness.ts';
import { snapshot } from '../support/read-models.ts';

/**
 * Product events (and a few orders, for analytics) over a dozen SKUs: updates and prices of
 * products not registered yet, GTINs taken, released and taken again, names and keywords in
 * Chinese and Latin (search documents). `messy` adds what makes
 * the per-event path fail or PostgreSQL cast: registrations twice, GTINs still held, nulls
 * where none may go, numbers as strings.
 */
function plan(seed: number, count: number, messy: boolean): Planned[] {
  const { pick, chance, next } = random(seed);
  const skus = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L'].map((letter) => `SKU-${letter}`);
  const gtins = Array.from({ length: messy ? 10 : 40 }, (_, index) => `69000000000${String(index).padStart(2, '0')}`);
  const registered = new Set<string>();
  const held = new Map<string, string>(); // gtin → sku, as far as a clean plan knows
  const freeGtin = () => {
    const gtin = pick(gtins);
    return messy || !held.has(gtin) ? gtin : undefined;
  };
  const events: Planned[] = [];
  let order = 0;
  while (events.length < count) {
    const sku = pick(skus);
    const stream = `product-${sku}`;
    const roll = next();
    if ((!registered.has(sku) && roll < 0.5) || (messy && registered.has(sku) && roll < 0.02)) {
      const gtin = chance(0.7) ? freeGtin() : undefined;
      if (gtin) held.set(gtin, sku);
      registered.add(sku);
      events.push({
        stream,
        type: 'ProductRegistered',
        data: {
          sku,
          name: `${sku} ${pick(['Tea', 'Chips', 'Noodles', '统一绿茶 500毫升', '海天金标生抽'])}`,
          brand: pick(['Jade', 'Panda']),
          category: pick(['beverages', 'snacks']),
          ...(gtin && { gtin }),
          unit: 'case',
          ...(chance(0.7) && { caseSize: pick([6, 12, 24]) }),
          ...(chance(0.5) && { shelfLifeDays: 365 }),
          basePriceMinor: 1_000 + Math.floor(next() * 1_000),
          currency: 'CNY',
          ...(chance(0.5) && { lowStockThreshold: chance(0.3) ? null : 10 }),
          ...(chance(0.3) && { keywords: messy && chance(0.2) ? pick([null, ['ok', 5]]) : pick([[], ['绿茶'], ['lvcha', 'green tea']]) }),
        },
      });
    } else if (roll < 0.72) {
      const changes: Record<string, unknown> = {};
      if (chance(0.4))
        changes.name = messy && chance(0.05) ? null : `${sku} ${pick(['Green Tea', 'Oolong', 'Crisps'])} ${Math.floor(next() * 100)}`;
      if (chance(0.2)) changes.brand = pick(['Jade', 'Panda', 'Lotus', '康师傅']);
      if (chance(0.15)) changes.keywords = messy && chance(0.1) ? null : pick([[], ['方便面'], ['ht', '酱油']]);
      if (chance(0.2)) changes.category = pick(['beverages', 'snacks', 'noodles']);
      if (chance(0.25)) {
        const mine = [...held].find(([, owner]) => owner === sku)?.[0];
        const gtin = chance(0.3) ? null : freeGtin();
        if (gtin !== undefined && registered.has(sku)) {
          if (mine) held.delete(mine);
          if (gtin) held.set(gtin, sku);
          changes.gtin = gtin;
        }
      }
      if (chance(0.2)) changes.unit = pick(['case', 'box']);
      if (chance(0.2)) changes.caseSize = messy && chance(0.2) ? '12' : pick([6, 12, null]);
      if (chance(0.15)) changes.shelfLifeDays = pick([180, null]);
      if (chance(0.3)) changes.basePriceMinor = 900 + Math.floor(next() * 500);
      if (chance(0.15)) changes.lowStockThreshold = pick([5, null]);
      if (chance(0.15)) changes.active = chance(0.5);
      events.push({ stream, type: 'ProductUpdated', data: { sku, changes } });
    } else if (roll < 0.9) {
      const tiers = Object.fromEntries(
        ['gold', 'silver', 'platinum'].filter(() => chance(0.7)).map((tier) => [tier, 500 + Math.floor(next() * 500)]),
      );
      const dealers = Object.fromEntries(
        ['D-1', 'D-2'].filter(() => chance(0.3)).map((dealer) => [dealer, 400 + Math.floor(next() * 400)]),
      );
      events.push({ stream, type: 'ProductPricesSet', data: { sku, tiers, dealers } });
    } else {
      order += 1;
      const lines = [sku, pick(skus)].map((lineSku) => ({
        sku: lineSku,
        qty: 2,
        unitPriceMinor: 100,
        grossMinor: 200,
        discountMinor: 0,
        netMinor: 200,
        promotions: [],
      }));
      events.push({
        stream: `order-${seed}-${order}`,
        type: 'OrderPlaced',
        data: {
          orderId: `O-${seed}-${order}`,
          dealerId: 'D-1',
          regionCode: 'CN-31',
          channel: 'web',
          placedAt: '2025-03-01T10:00:00.000Z',
          totals: { currency: 'CNY', subtotalMinor: 400, discountMinor: 0, totalMinor: 400 },
          lines,
          gifts: [],
        },
      });
    }
  }
  return events;
}

describe('batch handlers', () => {
  const harness = batchHarness();
  const { open, expectSameAsPerEvent } = harness;

  for (const [seed, messy] of [
    [1, false],
    [2, false],
    [3, false],
    [4, true],
    [5, true],
    [6, true],
  ] as const) {
    it(
      `leave the rows the per-event path leaves, and fail where it fails (seed ${seed}${messy ? ', messy' : ''})`,
      { timeout: 60_000 },
      async () => {
        await open(plan(seed, messy ? 60 : 120, messy));
        const projections = [catalogProjection, analyticsProjection];
        const references = new Map<string, Outcome>();
        for (const projection of projections) {
          const reference = await expectSameAsPerEvent(projection);
          if (!messy) expect(reference, projection.name).toHaveProperty('rows');
          references.set(projection.name, reference);
        }
        // Both in one pass over the store: one failing leaves the other rebuilt.
        let failures: Map<string, Outcome> = new Map();
        try {
          await rebuildProjections(projections, {
            db: harness.db,
            store: harness.store,
            locks: harness.locks,
            upcasting: harness.upcasting,
            batchSize: 9,
            foldKeys: 5,
          });
        } catch (error) {
          expect(error).toBeInstanceOf(RebuildFailedError);
          const failed = error as RebuildFailedError;
          failures = new Map(failed.projections.map((name, index) => [name, failure(failed.errors[index])]));
        }
        for (const projection of projections) {
          const outcome = failures.get(projection.name) ?? { rows: await snapshot(harness.db, projection.schema) };
          expect(outcome, `${projection.name}: one pass with the others`).toEqual(references.get(projection.name));
        }
      },
    );
  }

  const registration = (sku: string, gtin: string) => ({
    stream: `product-${sku}`,
    type: 'ProductRegistered',
    data: { sku, name: sku, brand: 'Jade', category: 'tea', gtin, unit: 'case', basePriceMinor: 100, currency: 'CNY' },
  });
  const move = (sku: string, gtin: string | null) => ({
    stream: `product-${sku}`,
    type: 'ProductUpdated',
    data: { sku, changes: { gtin } },
  });

  it('catch a GTIN taken while another product still held it, even when it lets go later in the same fold', async () => {
    await open([registration('SKU-A', '111'), registration('SKU-B', '111'), move('SKU-A', '222')]);
    const reference = await expectSameAsPerEvent(catalogProjection);
    expect(reference).toMatchObject({ failed: { position: '2' } });
    expect((reference as { failed: { message: string } }).failed.message).toContain('products_gtin_key');
  });

  it('catch a GTIN taken while a product written before the fold still held it', async () => {
    const others = ['SKU-C', 'SKU-D', 'SKU-E', 'SKU-F'].map((sku, index) => registration(sku, `90${index}`));
    // Live pages of 5: the first page writes SKU-A; the second takes its GTIN, then moves SKU-A away.
    await open([registration('SKU-A', '111'), ...others, registration('SKU-B', '111'), move('SKU-A', '222')]);
    const reference = await expectSameAsPerEvent(catalogProjection);
    expect(reference).toMatchObject({ failed: { position: '6' } });
  });

  it('let a GTIN pass from one product to another within a fold', async () => {
    await open([
      registration('SKU-A', '111'),
      registration('SKU-B', '222'),
      move('SKU-A', '333'),
      move('SKU-B', '111'),
      move('SKU-A', '222'),
    ]);
    const reference = await expectSameAsPerEvent(catalogProjection);
    expect(reference).toHaveProperty('rows');
  });
});
