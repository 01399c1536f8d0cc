// Orders are decided from the write side. The same story of stock receipts, products, prices,
// promotions and dealer changes, each followed at once by orders, is told twice: first with no
// projection running at all (every read model stays empty), then with every read model caught up
// before each order. Every order is decided the same both times, for each input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionRunner } from '../../src/projections/runner.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

type Step = { what: string; order: unknown };

describe('order placement reads no read model', () => {
  let app: TestApp;
  let runner: ProjectionRunner | undefined;

  beforeAll(async () => {
    app = await startTestApp({}, { workers: false });
  });
  afterAll(async () => {
    await runner?.stop();
    await app.stop();
  });

  /** What decides an order, without what differs between the two tellings (ids, times, positions). */
  const decided = (order: any, suffix: string) =>
    JSON.parse(
      JSON.stringify({
        status: order.status,
        reasons: order.review.reasons,
        lines: order.lines.map((line: any) => ({
          sku: line.sku,
          qty: line.qty,
          unit: line.unitPriceMinor,
          basis: line.priceBasis,
          discount: line.discountMinor,
          promotions: line.promotions,
        })),
        gifts: order.gifts.map((gift: any) => ({ sku: gift.sku, qty: gift.qty })),
        totals: order.totals,
      }).replaceAll(suffix, ''),
    );

  /**
   * The story, with every id suffixed. `settled` runs after each command, before the orders that
   * follow it: nothing in the first telling, a wait for every read model in the second.
   */
  async function tell(suffix: string, settled: (position: string) => Promise<void>): Promise<Step[]> {
    const ops = app.token('ops');
    const steps: Step[] = [];
    const id = (name: string) => `${name}${suffix}`;
    const command = async (method: string, path: string, body?: unknown) => {
      const response = await app.request(method, path, { token: ops, body });
      expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      await settled(response.body.position);
    };
    const order = async (what: string, dealer: string, lines: { sku: string; qty: number }[], regionCode = 'CN-31') => {
      const placed = await app.request('POST', '/v1/orders', {
        token: app.token('dealer', id(dealer)),
        body: { lines: lines.map((line) => ({ ...line, sku: id(line.sku) })), regionCode },
      });
      expect(placed.status, JSON.stringify(placed.body)).toBe(201);
      steps.push({ what, order: decided(placed.body, suffix) });
      await settled(placed.body.position);
    };
    const product = (sku: string, basePriceMinor: number) =>
      command('POST', '/v1/products', {
        sku: id(sku),
        name: `Product ${sku}`,
        brand: 'Jade',
        category: 'snacks',
        unit: 'case',
        basePriceMinor,
      });
    const receive = (sku: string, warehouse: string, qty: number, lot = 'L1') =>
      command('POST', '/v1/stock/receipts', {
        sku: id(sku),
        warehouseId: id(warehouse),
        lot,
        productionDate: '2026-01-01',
        expiryDate: '2099-12-31',
        qty,
      });
    const dealer = (name: string, extra: Record<string, unknown> = {}) =>
      command('POST', '/v1/dealers', { id: id(name), name, tier: 'gold', territories: ['CN-31'], creditLimitMinor: 10_000_000, ...extra });

    // Stock received, in a warehouse first stocked, a moment before the orders.
    await command('POST', '/v1/warehouses', { id: id('WH-A'), name: 'A', regionCode: 'CN-31' });
    await product('TEA', 1_000);
    await dealer('D-1');
    await order('before any stock', 'D-1', [{ sku: 'TEA', qty: 1 }]);
    await receive('TEA', 'WH-A', 10);
    await order('right after the receipt', 'D-1', [{ sku: 'TEA', qty: 10 }]);
    await order('once it is all reserved', 'D-1', [{ sku: 'TEA', qty: 1 }]);
    await command('POST', '/v1/warehouses', { id: id('WH-B'), name: 'B', regionCode: 'CN-44' });
    await receive('TEA', 'WH-B', 5);
    await order('from a warehouse stocked a moment ago', 'D-1', [{ sku: 'TEA', qty: 5 }]);

    // A product registered, its prices set, then discontinued.
    await order('before the product exists', 'D-1', [{ sku: 'RICE', qty: 1 }]);
    await product('RICE', 800);
    await receive('RICE', 'WH-A', 100);
    await order('right after it is registered', 'D-1', [{ sku: 'RICE', qty: 2 }]);
    await command('PUT', `/v1/products/${id('RICE')}/prices`, { tiers: { gold: 700 }, dealers: { [id('D-1')]: 650 } });
    await order('right after its prices are set', 'D-1', [{ sku: 'RICE', qty: 2 }]);
    await command('PATCH', `/v1/products/${id('RICE')}`, { active: false });
    await order('right after it is discontinued', 'D-1', [{ sku: 'RICE', qty: 1 }]);

    // A capped promotion created, used up, ended.
    await product('CHIPS', 500);
    await receive('CHIPS', 'WH-A', 1_000);
    await dealer('D-2');
    const now = Date.now();
    await command('POST', '/v1/promotions', {
      id: id('PROMO'),
      title: 'Chips 20% off',
      kind: 'percent_off',
      rule: { percent: 20 },
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      eligibility: { skus: [id('CHIPS')] },
      caps: { perDealer: 2 },
    });
    await order('right after the promotion is created', 'D-2', [{ sku: 'CHIPS', qty: 10 }]);
    await order('with the promotion once more', 'D-2', [{ sku: 'CHIPS', qty: 10 }]);
    await order('once the dealer used it up', 'D-2', [{ sku: 'CHIPS', qty: 10 }]);
    await dealer('D-3');
    await command('POST', `/v1/promotions/${id('PROMO')}/end`);
    await order('right after the promotion ended', 'D-3', [{ sku: 'CHIPS', qty: 10 }]);

    // A dealer registered, its territories, credit limit and status changed.
    await dealer('D-4', { territories: ['CN-44'], creditLimitMinor: 5_000 });
    await order('outside the territories it was registered with', 'D-4', [{ sku: 'CHIPS', qty: 2 }]);
    await command('PUT', `/v1/dealers/${id('D-4')}/territories`, { territories: ['CN-31'] });
    await order('right after its territories changed', 'D-4', [{ sku: 'CHIPS', qty: 2 }]);
    await order('beyond its credit limit', 'D-4', [{ sku: 'CHIPS', qty: 8 }]);
    await command('PUT', `/v1/dealers/${id('D-4')}/credit-limit`, { creditLimitMinor: 50_000 });
    await order('right after its credit limit was raised', 'D-4', [{ sku: 'CHIPS', qty: 8 }]);
    await command('POST', `/v1/dealers/${id('D-4')}/suspend`);
    await order('right after it was suspended', 'D-4', [{ sku: 'CHIPS', qty: 1 }]);
    return steps;
  }

  it('decides every order the same with every read model empty as with every read model caught up', async () => {
    const ops = app.token('ops');
    const unread = await tell('-X', async () => undefined);
    // Nothing was projected: the read models are empty.
    expect((await app.request('GET', '/v1/products', { token: ops })).body.items).toEqual([]);
    expect((await app.request('GET', '/v1/orders', { token: ops })).body.items).toEqual([]);

    const { infrastructure } = app.running;
    runner = new ProjectionRunner({
      db: infrastructure.projectionDb,
      store: infrastructure.projectionStore,
      locks: infrastructure.locks,
      upcasting: infrastructure.upcasting,
      projections: infrastructure.projections,
      logger: infrastructure.logger,
    });
    runner.start();
    const caughtUp = async (position: string) => {
      const read = await app.request('GET', `/v1/projections?minPosition=${position}`, { token: app.token('admin') });
      expect(read.status).toBe(200);
    };
    const read = await tell('-Y', caughtUp);
    expect((await app.request('GET', '/v1/products', { token: ops })).body.items.length).toBeGreaterThan(0);

    expect(read.map((step) => step.what)).toEqual(unread.map((step) => step.what));
    for (const [index, step] of unread.entries()) expect(step.order, step.what).toEqual(read[index]!.order);
    // And the story is the one it means to be.
    const outcome = Object.fromEntries(unread.map((step) => [step.what, step.order as any]));
    expect(outcome['before any stock'].reasons).toEqual([{ code: 'insufficient_stock', detail: 'TEA: 1 ordered, 0 available' }]);
    expect(outcome['right after the receipt'].status).toBe('approved');
    expect(outcome['once it is all reserved'].status).toBe('on_hold');
    expect(outcome['from a warehouse stocked a moment ago'].status).toBe('approved');
    expect(outcome['before the product exists'].reasons.map((reason: any) => reason.code)).toEqual(['unknown_sku']);
    expect(outcome['right after it is registered'].lines[0]).toMatchObject({ unit: 800, basis: 'base' });
    expect(outcome['right after its prices are set'].lines[0]).toMatchObject({ unit: 650, basis: 'contract' });
    expect(outcome['right after it is discontinued'].status).toBe('rejected');
    expect(outcome['right after the promotion is created'].lines[0]).toMatchObject({
      discount: 1_000,
      promotions: [{ id: 'PROMO', title: 'Chips 20% off' }],
    });
    expect(outcome['with the promotion once more'].lines[0].discount).toBe(1_000);
    expect(outcome['once the dealer used it up'].lines[0].discount).toBe(0);
    expect(outcome['right after the promotion ended'].lines[0].discount).toBe(0);
    expect(outcome['outside the territories it was registered with'].reasons.map((reason: any) => reason.code)).toEqual([
      'territory_not_authorized',
    ]);
    expect(outcome['right after its territories changed'].status).toBe('approved');
    expect(outcome['beyond its credit limit'].reasons.map((reason: any) => reason.code)).toEqual(['credit_limit_exceeded']);
    expect(outcome['right after its credit limit was raised'].status).toBe('approved');
    expect(outcome['right after it was suspended'].reasons.map((reason: any) => reason.code)).toEqual(['dealer_suspended']);
  });
});
