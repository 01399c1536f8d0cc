// Stock alerts decided on the write side: a SKU's available quantity in a warehouse crossing below
// its threshold alerts once per crossing (again only after it rose back), lots alert once per
// expiry tier on receipt and by the daily evaluation; a replay of the process and a restart of the
// server decide nothing new.
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockAlertStream } from '../../src/domain/notifications/stock-alerts.ts';
import { businessDayOf } from '../../src/domain/shared/calendar.ts';
import { createIntegrationMetrics } from '../../src/integrations/metrics.ts';
import { replayAdapter } from '../../src/integrations/replay.ts';
import { STOCK_ALERTS } from '../../src/processes/stock-alerts.ts';
import { stockWithLotsExpiringWithin } from '../../src/projections/inventory/queries.ts';
import { eventually, readModelsCaughtUp, restartTestApp, startTestApp, type TestApp } from '../support/app.ts';
import { createWarehouse } from '../support/fixtures.ts';
import { adapterPast } from '../integrations/order-partners.ts';

const DAY_MS = 86_400_000;
const inDays = (days: number) => businessDayOf(new Date(Date.now() + days * DAY_MS));

describe('stock alerts', () => {
  let app: TestApp;
  const ops = () => app.token('ops');

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-AL', 'CN-31');
  });
  afterAll(async () => {
    await app.stop();
  });

  async function product(sku: string, lowStockThreshold: number | null) {
    const created = await app.request('POST', '/v1/products', {
      token: ops(),
      body: { sku, name: `Alert ${sku}`, brand: 'B', category: 'tea', unit: 'case', basePriceMinor: 100, lowStockThreshold },
    });
    expect(created.status, created.text).toBe(201);
  }

  async function receive(sku: string, lot: string, qty: number, expiryDate = '2099-12-31') {
    const received = await app.request('POST', '/v1/stock/receipts', {
      token: ops(),
      body: { sku, warehouseId: 'WH-AL', lot, productionDate: '2026-01-01', expiryDate, qty },
    });
    expect(received.status, received.text).toBe(201);
    return received.body.position as string;
  }

  async function adjust(sku: string, lot: string, delta: number) {
    const adjusted = await app.request('POST', '/v1/stock/adjustments', {
      token: ops(),
      body: { sku, warehouseId: 'WH-AL', lot, delta, reason: 'count' },
    });
    expect(adjusted.status, adjusted.text).toBe(201);
    return adjusted.body.position as string;
  }

  const alerts = async (sku: string) =>
    (await app.running.infrastructure.store.readStream(stockAlertStream(sku, 'WH-AL'))).map((event) =>
      event.type === 'LotEnteredExpiryTier'
        ? `${event.type} ${String(event.data.lot)} ${String(event.data.tier)}`
        : `${event.type} ${String(event.data.available)}`,
    );

  /** The alerts once the process has looked at everything up to `position`. */
  async function alertsAfter(sku: string, position: string) {
    await adapterPast(app, STOCK_ALERTS, position);
    return alerts(sku);
  }

  it('alerts once per crossing below the threshold, again only after the stock rose back to it', async () => {
    await product('LOW-A', 10);
    await receive('LOW-A', 'L1', 30);
    await adjust('LOW-A', 'L1', -15);
    expect(await alertsAfter('LOW-A', await adjust('LOW-A', 'L1', -10))).toEqual(['StockFellBelowThreshold 5']);
    await adjust('LOW-A', 'L1', -2);
    expect(await alertsAfter('LOW-A', await receive('LOW-A', 'L2', 20))).toEqual(['StockFellBelowThreshold 5', 'StockRecovered 23']);
    expect(await alertsAfter('LOW-A', await adjust('LOW-A', 'L2', -20))).toEqual([
      'StockFellBelowThreshold 5',
      'StockRecovered 23',
      'StockFellBelowThreshold 3',
    ]);

    // Lowering the threshold below what is available takes the SKU out of its low state.
    const changed = await app.request('PATCH', '/v1/products/LOW-A', { token: ops(), body: { lowStockThreshold: 2 } });
    expect(changed.status, changed.text).toBe(200);
    expect(await alertsAfter('LOW-A', changed.body.position)).toEqual([
      'StockFellBelowThreshold 5',
      'StockRecovered 23',
      'StockFellBelowThreshold 3',
      'StockRecovered 3',
    ]);
  });

  it('leaves products without a threshold alone', async () => {
    await product('LOW-NONE', null);
    await receive('LOW-NONE', 'L1', 5);
    expect(await alertsAfter('LOW-NONE', await adjust('LOW-NONE', 'L1', -5))).toEqual([]);
  });

  it('alerts a lot received in an expiry tier at once, and each tier it enters as days pass, once', async () => {
    await product('EXP-A', null);
    await receive('EXP-A', 'SOON', 4, inDays(20));
    expect(await alertsAfter('EXP-A', await receive('EXP-A', 'LATER', 6, inDays(100)))).toEqual([
      'LotEnteredExpiryTier SOON red',
      'LotEnteredExpiryTier LATER blue',
    ]);
    const { db, stockAlerts } = app.running.infrastructure;
    // The daily evaluation finds its lots in the inventory read model, as the worker's does once caught up.
    await readModelsCaughtUp(app);
    const at = new Date(Date.now() + 20 * DAY_MS);
    const streams = await stockWithLotsExpiringWithin(db, businessDayOf(at), 180);
    expect(streams).toContainEqual({ sku: 'EXP-A', warehouseId: 'WH-AL' });
    await stockAlerts.evaluateExpiry(streams, at);
    await stockAlerts.evaluateExpiry(streams, at);
    expect(await alerts('EXP-A')).toEqual([
      'LotEnteredExpiryTier SOON red',
      'LotEnteredExpiryTier LATER blue',
      'LotEnteredExpiryTier LATER yellow',
    ]);
  });

  it('decides nothing new when the process replays every stock event, or the server restarts', async () => {
    const before = await Promise.all(['LOW-A', 'LOW-NONE', 'EXP-A'].map(alerts));
    const { db, store, locks, upcasting, adapters } = app.running.infrastructure;
    const adapter = adapters.find((candidate) => candidate.name === STOCK_ALERTS)!;
    const replayed = await replayAdapter(adapter, {
      from: '0',
      db,
      store,
      locks,
      upcasting,
      metrics: createIntegrationMetrics(new Registry()),
      logger: pino({ level: 'silent' }),
    });
    expect(replayed.deadLettered).toBe(0);
    expect(replayed.events).toBeGreaterThan(10);
    expect(await Promise.all(['LOW-A', 'LOW-NONE', 'EXP-A'].map(alerts))).toEqual(before);

    app = await restartTestApp(app);
    const head = await app.running.infrastructure.store.headPosition();
    await eventually(async () =>
      (await app.request('GET', `/v1/stock?minPosition=${head}`, { token: ops() })).status === 200 ? true : undefined,
    );
    expect(await alertsAfter('LOW-A', await adjust('LOW-A', 'L1', 1))).toEqual(before[0]);
    expect(await Promise.all(['LOW-A', 'LOW-NONE', 'EXP-A'].map(alerts))).toEqual(before);
  });
});
