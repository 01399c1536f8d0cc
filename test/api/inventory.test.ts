// The inventory slice end to end over HTTP: warehouses, receipts with lots, adjustments,
// transfers, write-offs; stock levels, expiry tiers, low stock, movements; catalog availability.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { stockDecider, stockStream } from '../../src/domain/inventory/stock.ts';
import type { CommandContext } from '../../src/eventstore/command-handler.ts';
import { createLogger } from '../../src/logger.ts';
import { openInfrastructure, start, type Infrastructure, type Running } from '../../src/main.ts';
import { rebuildProjection } from '../../src/projections/rebuild.ts';
import { STOCK_ALERTS } from '../../src/processes/stock-alerts.ts';
import { appendedSince, request, startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app.ts';
import { adapterPast } from '../integrations/order-partners.ts';
import { addDays, businessDayOf, startOfBusinessDay } from '../../src/domain/shared/calendar.ts';

/** A business day `offset` days from today. */
const day = (offset: number) => addDays(businessDayOf(new Date()), offset);

const context = (): CommandContext => ({ actor: 'test:ordering', role: 'admin', correlationId: randomUUID(), now: new Date() });

describe('inventory API', () => {
  let app: TestApp;
  let ops: string;

  beforeAll(async () => {
    app = await startTestApp();
    ops = app.token('ops');
    for (const [id, regionCode] of [
      ['WH-A', 'CN-31'],
      ['WH-B', 'CN-11'],
    ] as const) {
      const created = await app.request('POST', '/v1/warehouses', { token: ops, body: { id, name: `Warehouse ${id}`, regionCode } });
      expect(created.status).toBe(201);
    }
  });
  afterAll(async () => {
    await app.stop();
  });

  async function product(sku: string, extra: Record<string, unknown> = {}) {
    const created = await app.request('POST', '/v1/products', {
      token: ops,
      body: { sku, name: `Oolong Tea ${sku}`, brand: 'Jade Spring', category: 'beverages', unit: 'case', basePriceMinor: 1000, ...extra },
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  async function receive(
    sku: string,
    warehouseId: string,
    lot: string,
    qty: number,
    expiresIn: number,
    extra: Record<string, unknown> = {},
  ) {
    const received = await app.request('POST', '/v1/stock/receipts', {
      token: ops,
      body: { sku, warehouseId, lot, productionDate: day(expiresIn - 365), expiryDate: day(expiresIn), qty, ...extra },
    });
    expect(received.status, received.text).toBe(201);
    return received.body;
  }

  async function reserve(sku: string, warehouseId: string, orderId: string, qty: number) {
    const { commands } = app.running.infrastructure;
    return commands.handle(
      stockDecider,
      stockStream(sku, warehouseId),
      { type: 'ReserveStock', data: { sku, warehouseId, orderId, qty, today: day(0) } },
      context(),
    );
  }

  async function stockOf(sku: string, warehouseId: string, position: string) {
    const page = await app.request('GET', `/v1/stock?sku=${sku}&warehouseId=${warehouseId}&minPosition=${position}`, { token: ops });
    expect(page.status).toBe(200);
    return page.body.items[0];
  }

  it('registers warehouses and lists them to staff', async () => {
    const duplicate = await app.request('POST', '/v1/warehouses', { token: ops, body: { id: 'WH-A', name: 'Again', regionCode: 'CN-31' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('warehouse_exists');
    const created = await app.request('POST', '/v1/warehouses', {
      token: ops,
      body: { id: 'WH-LIST', name: 'Listed', regionCode: 'CN-44' },
    });
    const list = await app.request('GET', `/v1/warehouses?minPosition=${created.body.position}`, { token: app.token('analyst') });
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(expect.objectContaining({ id: 'WH-LIST', name: 'Listed', regionCode: 'CN-44' }));
  });

  it('receives lots per warehouse and shows on hand, reserved and available with lots and tiers; the catalog sums warehouses', async () => {
    await product('INV-1');
    await receive('INV-1', 'WH-A', 'L-LATE', 40, 200);
    await receive('INV-1', 'WH-A', 'L-SOON', 10, 20);
    const last = await receive('INV-1', 'WH-B', 'L-B', 25, 100);
    expect(last).toMatchObject({
      sku: 'INV-1',
      warehouseId: 'WH-B',
      lot: 'L-B',
      qty: 25,
      stock: { onHand: 25, reserved: 0, available: 25 },
    });
    expect(last.position).toMatch(/^\d+$/);

    const reserved = await reserve('INV-1', 'WH-A', 'O-1', 15);
    expect(reserved.ok).toBe(true);
    const a = await stockOf('INV-1', 'WH-A', reserved.ok ? reserved.position! : '0');
    expect(a).toEqual({
      sku: 'INV-1',
      warehouseId: 'WH-A',
      onHand: 50,
      reserved: 15,
      available: 35,
      lots: [
        { lot: 'L-SOON', productionDate: day(20 - 365), expiryDate: day(20), qty: 10, daysLeft: 20, expiryTier: 'red' },
        { lot: 'L-LATE', productionDate: day(200 - 365), expiryDate: day(200), qty: 40, daysLeft: 200, expiryTier: null },
      ],
    });

    const catalog = await app.request('GET', '/v1/products/INV-1', { token: app.token('dealer', 'D-1') });
    expect(catalog.body.available).toBe(35 + 25);
    const listed = await app.request('GET', '/v1/products?q=INV-1', { token: app.token('dealer', 'D-1') });
    expect(listed.body.items.find((item: any) => item.sku === 'INV-1').available).toBe(60);
  });

  it('filters the catalog to products in stock, not counting expired lots or reserved stock', async () => {
    await product('STK-IN');
    await product('STK-NONE');
    await product('STK-EXPIRED');
    await product('STK-RESERVED');
    await receive('STK-IN', 'WH-A', 'L1', 5, 60);
    await receive('STK-EXPIRED', 'WH-A', 'L1', 5, -1);
    await receive('STK-RESERVED', 'WH-B', 'L1', 5, 60);
    const reserved = await reserve('STK-RESERVED', 'WH-B', 'O-ALL', 5);
    const position = reserved.ok ? reserved.position! : '0';
    const all = await app.request('GET', `/v1/products?q=STK-&minPosition=${position}`, { token: ops });
    expect(Object.fromEntries(all.body.items.map((item: any) => [item.sku, item.available]))).toEqual({
      'STK-IN': 5,
      'STK-NONE': 0,
      'STK-EXPIRED': 0,
      'STK-RESERVED': 0,
    });
    const inStock = await app.request('GET', '/v1/products?q=STK-&inStock=true', { token: app.token('dealer', 'D-1') });
    expect(inStock.body.items.map((item: any) => item.sku)).toEqual(['STK-IN']);
  });

  it('refuses receipts for unknown SKUs and warehouses, and receives a receipt id once', async () => {
    await product('RCPT-1');
    const unknownSku = await app.request('POST', '/v1/stock/receipts', {
      token: ops,
      body: { sku: 'NOPE-1', warehouseId: 'WH-A', lot: 'L1', productionDate: day(-10), expiryDate: day(100), qty: 5 },
    });
    expect(unknownSku.status).toBe(422);
    expect(unknownSku.body.code).toBe('unknown_sku');
    const unknownWarehouse = await app.request('POST', '/v1/stock/receipts', {
      token: ops,
      body: { sku: 'RCPT-1', warehouseId: 'WH-NOPE', lot: 'L1', productionDate: day(-10), expiryDate: day(100), qty: 5 },
    });
    expect(unknownWarehouse.status).toBe(422);
    expect(unknownWarehouse.body.code).toBe('unknown_warehouse');

    await receive('RCPT-1', 'WH-A', 'L1', 5, 100, { receiptId: 'GRN-1' });
    const again = await receive('RCPT-1', 'WH-A', 'L1', 5, 100, { receiptId: 'GRN-1' });
    expect(again.stock.onHand).toBe(5);
    const reused = await app.request('POST', '/v1/stock/receipts', {
      token: ops,
      body: { receiptId: 'GRN-1', sku: 'RCPT-1', warehouseId: 'WH-A', lot: 'L1', productionDate: day(-265), expiryDate: day(100), qty: 9 },
    });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('receipt_conflict');

    const body = { sku: 'RCPT-1', warehouseId: 'WH-A', lot: 'L2', productionDate: day(-10), expiryDate: day(100), qty: 7 };
    const first = await app.request('POST', '/v1/stock/receipts', { token: ops, headers: { 'idempotency-key': 'rcpt-key-1' }, body });
    const replay = await app.request('POST', '/v1/stock/receipts', { token: ops, headers: { 'idempotency-key': 'rcpt-key-1' }, body });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect((await stockOf('RCPT-1', 'WH-A', replay.body.position)).onHand).toBe(12);

    const otherDates = await app.request('POST', '/v1/stock/receipts', { token: ops, body: { ...body, expiryDate: day(120) } });
    expect(otherDates.status).toBe(422);
    expect(otherDates.body.code).toBe('lot_mismatch');
  });

  it('adjusts a lot with a reason, never below zero nor into reserved stock, and records the movement', async () => {
    await product('ADJ-1');
    await receive('ADJ-1', 'WH-A', 'L1', 10, 100);
    const down = await app.request('POST', '/v1/stock/adjustments', {
      token: ops,
      body: { sku: 'ADJ-1', warehouseId: 'WH-A', lot: 'L1', delta: -2, reason: 'damaged in handling' },
    });
    expect(down.status).toBe(201);
    expect(down.body).toMatchObject({ delta: -2, reason: 'damaged in handling', stock: { onHand: 8, available: 8 } });

    const negative = await app.request('POST', '/v1/stock/adjustments', {
      token: ops,
      body: { sku: 'ADJ-1', warehouseId: 'WH-A', lot: 'L1', delta: -9, reason: 'count' },
    });
    expect(negative.status).toBe(422);
    expect(negative.body.code).toBe('insufficient_stock');

    const reserved = await reserve('ADJ-1', 'WH-A', 'O-ADJ', 6);
    const intoReserved = await app.request('POST', '/v1/stock/adjustments', {
      token: ops,
      body: { sku: 'ADJ-1', warehouseId: 'WH-A', lot: 'L1', delta: -3, reason: 'count' },
    });
    expect(intoReserved.status).toBe(422);
    expect(intoReserved.body.code).toBe('stock_reserved');
    expect(intoReserved.body.detail).toContain('6 of ADJ-1 at WH-A is reserved and 2 available');

    const unknownLot = await app.request('POST', '/v1/stock/adjustments', {
      token: ops,
      body: { sku: 'ADJ-1', warehouseId: 'WH-A', lot: 'L9', delta: 3, reason: 'found' },
    });
    expect(unknownLot.status).toBe(404);

    const history = await app.request(
      'GET',
      `/v1/stock/movements?sku=ADJ-1&warehouseId=WH-A&minPosition=${reserved.ok ? reserved.position : ''}`,
      { token: app.token('finance') },
    );
    expect(history.status).toBe(200);
    expect(history.body.items.map((item: any) => [item.kind, item.lot, item.qty, item.reservedDelta, item.reason])).toEqual([
      ['receipt', 'L1', 10, 0, null],
      ['adjustment', 'L1', -2, 0, 'damaged in handling'],
      ['reservation', null, 0, 6, null],
    ]);
    expect(history.body.items[1]).toMatchObject({ actor: 'ops-user', reference: down.body.adjustmentId });
    // A period is days or instants, as everywhere: a day `to` includes the whole business day.
    const today = await app.request('GET', `/v1/stock/movements?sku=ADJ-1&warehouseId=WH-A&from=${day(0)}&to=${day(0)}`, { token: ops });
    expect(today.body.items).toHaveLength(3);
    // Ids are strings (API.md conventions).
    for (const item of today.body.items) expect(item.id).toMatch(/^\d+$/);
    const tomorrow = await app.request('GET', `/v1/stock/movements?sku=ADJ-1&warehouseId=WH-A&from=${day(1)}`, { token: ops });
    expect(tomorrow.body.items).toEqual([]);
    const instants = await app.request(
      'GET',
      `/v1/stock/movements?sku=ADJ-1&warehouseId=WH-A&from=${startOfBusinessDay(day(0)).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`,
      { token: ops },
    );
    expect(instants.body.items).toHaveLength(3);
  });

  it('transfers a lot with its dates, once per transfer id, and completes a half-done transfer', async () => {
    await product('TRF-1');
    await receive('TRF-1', 'WH-A', 'L1', 20, 90);
    const moved = await app.request('POST', '/v1/stock/transfers', {
      token: ops,
      body: { transferId: 'T-1', sku: 'TRF-1', fromWarehouseId: 'WH-A', toWarehouseId: 'WH-B', lot: 'L1', qty: 8 },
    });
    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({ transferId: 'T-1', expiryDate: day(90), qty: 8 });
    const retried = await app.request('POST', '/v1/stock/transfers', {
      token: ops,
      body: { transferId: 'T-1', sku: 'TRF-1', fromWarehouseId: 'WH-A', toWarehouseId: 'WH-B', lot: 'L1', qty: 8 },
    });
    expect(retried.status).toBe(201);

    // A transfer that stopped after leaving the source: the retry brings it in, and takes nothing more.
    const { commands } = app.running.infrastructure;
    await commands.handle(
      stockDecider,
      stockStream('TRF-1', 'WH-A'),
      {
        type: 'TransferOut',
        data: { sku: 'TRF-1', warehouseId: 'WH-A', transferId: 'T-2', toWarehouseId: 'WH-B', lot: 'L1', qty: 5, today: day(0) },
      },
      context(),
    );
    const completed = await app.request('POST', '/v1/stock/transfers', {
      token: ops,
      body: { transferId: 'T-2', sku: 'TRF-1', fromWarehouseId: 'WH-A', toWarehouseId: 'WH-B', lot: 'L1', qty: 5 },
    });
    expect(completed.status).toBe(201);

    const source = await stockOf('TRF-1', 'WH-A', completed.body.position);
    const destination = await stockOf('TRF-1', 'WH-B', completed.body.position);
    expect(source.onHand).toBe(7);
    expect(destination.lots).toEqual([
      { lot: 'L1', productionDate: day(90 - 365), expiryDate: day(90), qty: 13, daysLeft: 90, expiryTier: 'yellow' },
    ]);

    const tooMuch = await app.request('POST', '/v1/stock/transfers', {
      token: ops,
      body: { sku: 'TRF-1', fromWarehouseId: 'WH-A', toWarehouseId: 'WH-B', lot: 'L1', qty: 8 },
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.code).toBe('insufficient_stock');
    const nowhere = await app.request('POST', '/v1/stock/transfers', {
      token: ops,
      body: { sku: 'TRF-1', fromWarehouseId: 'WH-A', toWarehouseId: 'WH-NOPE', lot: 'L1', qty: 1 },
    });
    expect(nowhere.status).toBe(422);
    expect(nowhere.body.code).toBe('unknown_warehouse');
  });

  it('lists lots by expiry tier and writes off expired lots', async () => {
    await product('EXP-1');
    await receive('EXP-1', 'WH-A', 'GONE', 3, -2);
    await receive('EXP-1', 'WH-A', 'RED', 4, 10);
    await receive('EXP-1', 'WH-A', 'YELLOW', 5, 60);
    await receive('EXP-1', 'WH-B', 'BLUE', 6, 150);
    const last = await receive('EXP-1', 'WH-B', 'GREEN', 7, 400);
    const tier = async (name?: string) => {
      const page = await app.request('GET', `/v1/stock/expiring?sku=EXP-1${name ? `&tier=${name}` : ''}&minPosition=${last.position}`, {
        token: ops,
      });
      expect(page.status).toBe(200);
      return page.body.items.map((item: any) => [item.lot, item.expiryTier]);
    };
    expect(await tier('red')).toEqual([['RED', 'red']]);
    expect(await tier('yellow')).toEqual([['YELLOW', 'yellow']]);
    expect(await tier('blue')).toEqual([['BLUE', 'blue']]);
    expect(await tier('expired')).toEqual([['GONE', 'expired']]);
    expect(await tier()).toEqual([
      ['GONE', 'expired'],
      ['RED', 'red'],
      ['YELLOW', 'yellow'],
      ['BLUE', 'blue'],
    ]);

    const written = await app.request('POST', '/v1/stock/write-offs', { token: ops, body: { sku: 'EXP-1' } });
    expect(written.status).toBe(201);
    expect(written.body.items).toEqual([
      { sku: 'EXP-1', warehouseId: 'WH-A', qty: 3, lots: [{ lot: 'GONE', qty: 3, expiryDate: day(-2) }] },
    ]);
    const again = await app.request('POST', '/v1/stock/write-offs', { token: ops, body: { sku: 'EXP-1', warehouseId: 'WH-A' } });
    expect(again.body.items).toEqual([]);
    const stock = await stockOf('EXP-1', 'WH-A', written.body.position);
    expect(stock).toMatchObject({ onHand: 9, available: 9 });
    expect(await tier('expired')).toEqual([]);
  });

  it('pages expiring lots with a cursor', async () => {
    await product('EXP-PAGE');
    let last: any;
    for (let i = 1; i <= 5; i++) last = await receive('EXP-PAGE', 'WH-A', `P${i}`, 1, i * 5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await app.request(
        'GET',
        `/v1/stock/expiring?sku=EXP-PAGE&tier=red&limit=2&minPosition=${last.position}${cursor ? `&cursor=${cursor}` : ''}`,
        { token: ops },
      );
      seen.push(...page.body.items.map((item: any) => item.lot));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
  });

  it('lists SKUs whose available total is below their threshold', async () => {
    await product('LOW-1', { lowStockThreshold: 50 });
    await product('LOW-2', { lowStockThreshold: 10 });
    await product('LOW-3');
    const patched = await app.request('PATCH', '/v1/products/LOW-3', { token: ops, body: { lowStockThreshold: 5 } });
    expect(patched.body.lowStockThreshold).toBe(5);
    await receive('LOW-1', 'WH-A', 'L1', 30, 100);
    await receive('LOW-1', 'WH-B', 'L1', 15, 100);
    const last = await receive('LOW-2', 'WH-A', 'L1', 30, 100);
    const low = await app.request('GET', `/v1/stock/low?minPosition=${last.position}&limit=500`, { token: app.token('analyst') });
    expect(low.status).toBe(200);
    const mine = low.body.items.filter((item: any) => item.sku.startsWith('LOW-'));
    expect(mine).toEqual([
      { sku: 'LOW-1', name: 'Oolong Tea LOW-1', threshold: 50, onHand: 45, reserved: 0, available: 45 },
      { sku: 'LOW-3', name: 'Oolong Tea LOW-3', threshold: 5, onHand: 0, reserved: 0, available: 0 },
    ]);
  });

  it('picks first expiry first out at shipment, from lots that have not expired', async () => {
    await product('FEFO-1');
    await receive('FEFO-1', 'WH-A', 'EXPIRED', 50, -1);
    await receive('FEFO-1', 'WH-A', 'LATE', 30, 300);
    await receive('FEFO-1', 'WH-A', 'EARLY', 10, 40);
    await receive('FEFO-1', 'WH-A', 'MIDDLE', 10, 120);
    await reserve('FEFO-1', 'WH-A', 'O-FEFO', 25);
    const { commands } = app.running.infrastructure;
    const picked = await commands.handle(
      stockDecider,
      stockStream('FEFO-1', 'WH-A'),
      { type: 'PickStock', data: { sku: 'FEFO-1', warehouseId: 'WH-A', orderId: 'O-FEFO', shipmentId: 'S-1', qty: 25, today: day(0) } },
      context(),
    );
    expect(picked.ok && picked.events[0]!.data).toMatchObject({
      fromReservation: 25,
      lots: [
        { lot: 'EARLY', qty: 10, expiryDate: day(40) },
        { lot: 'MIDDLE', qty: 10, expiryDate: day(120) },
        { lot: 'LATE', qty: 5, expiryDate: day(300) },
      ],
    });
    const stock = await stockOf('FEFO-1', 'WH-A', picked.ok ? picked.position! : '0');
    expect(stock).toMatchObject({ onHand: 75, reserved: 0, available: 25 });
    expect(stock.lots.map((lot: any) => [lot.lot, lot.qty])).toEqual([
      ['EXPIRED', 50],
      ['LATE', 25],
    ]);
    const movements = await app.request('GET', '/v1/stock/movements?sku=FEFO-1', { token: ops });
    expect(
      movements.body.items
        .filter((item: any) => item.kind === 'pick')
        .map((item: any) => [item.lot, item.qty, item.reservedDelta, item.orderId]),
    ).toEqual([
      ['EARLY', -10, -10, 'O-FEFO'],
      ['MIDDLE', -10, -10, 'O-FEFO'],
      ['LATE', -5, -5, 'O-FEFO'],
    ]);
  });

  it('rejects bad input naming every bad field, and writes nothing', async () => {
    // The lots received above near their expiry are alerted by a process of their own: let it finish.
    await adapterPast(app, STOCK_ALERTS, await app.running.infrastructure.store.headPosition());
    const before = await app.running.infrastructure.store.headPosition();
    const receipt = await app.request('POST', '/v1/stock/receipts', {
      token: ops,
      body: { sku: 'bad sku', warehouseId: 'WH@A', lot: '', productionDate: '2025-13-01', expiryDate: 'soon', qty: 0 },
    });
    expect(receipt.status).toBe(400);
    expect(receipt.headers.get('content-type')).toContain('application/problem+json');
    expect(receipt.body.errors.map((error: any) => error.path)).toEqual(
      expect.arrayContaining(['body.sku', 'body.warehouseId', 'body.lot', 'body.productionDate', 'body.expiryDate', 'body.qty']),
    );
    const backwards = await app.request('POST', '/v1/stock/receipts', {
      token: ops,
      body: { sku: 'INV-1', warehouseId: 'WH-A', lot: 'L1', productionDate: day(10), expiryDate: day(5), qty: 1 },
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([{ path: 'body.expiryDate', message: 'must be after productionDate' }]);
    const adjustment = await app.request('POST', '/v1/stock/adjustments', {
      token: ops,
      body: { sku: 'INV-1', warehouseId: 'WH-A', lot: 'L1', delta: 0, reason: ' ' },
    });
    expect(adjustment.status).toBe(400);
    expect(adjustment.body.errors.map((error: any) => error.path)).toEqual(expect.arrayContaining(['body.delta', 'body.reason']));
    const transfer = await app.request('POST', '/v1/stock/transfers', {
      token: ops,
      body: { sku: 'INV-1', fromWarehouseId: 'WH-A', toWarehouseId: 'WH-A', lot: 'L1', qty: 1 },
    });
    expect(transfer.status).toBe(400);
    expect(transfer.body.errors).toEqual([{ path: 'body.toWarehouseId', message: 'must differ from fromWarehouseId' }]);
    const negativeQty = await app.request('POST', '/v1/stock/transfers', {
      token: ops,
      body: { sku: 'INV-1', fromWarehouseId: 'WH-A', lot: 'L1', qty: -1 },
    });
    expect(negativeQty.body.errors.map((error: any) => error.path)).toEqual(expect.arrayContaining(['body.toWarehouseId', 'body.qty']));
    const warehouse = await app.request('POST', '/v1/warehouses', { token: ops, body: { id: 'a@b', name: '', regionCode: 'cn' } });
    expect(warehouse.body.errors.map((error: any) => error.path)).toEqual(
      expect.arrayContaining(['body.id', 'body.name', 'body.regionCode']),
    );
    const tier = await app.request('GET', '/v1/stock/expiring?tier=green', { token: ops });
    expect(tier.status).toBe(400);
    expect(tier.body.errors.map((error: any) => error.path)).toEqual(['query.tier']);
    const movements = await app.request('GET', '/v1/stock/movements?from=yesterday', { token: ops });
    expect(movements.body.errors.map((error: any) => error.path)).toEqual(['query.from']);
    expect(await appendedSince(app, before)).toEqual([]);
  });

  it('lets ops and integration receive, ops adjust and transfer, staff read; dealers see stock only through the catalog', async () => {
    const body = { sku: 'INV-1', warehouseId: 'WH-A', lot: 'L-ROLE', productionDate: day(-10), expiryDate: day(100), qty: 1 };
    expect((await app.request('POST', '/v1/stock/receipts', { token: app.token('integration'), body })).status).toBe(201);
    expect((await app.request('POST', '/v1/stock/receipts', { token: app.token('finance'), body })).status).toBe(403);
    expect((await app.request('POST', '/v1/stock/receipts', { token: app.token('dealer', 'D-1'), body })).status).toBe(403);
    const adjustment = { sku: 'INV-1', warehouseId: 'WH-A', lot: 'L-ROLE', delta: 1, reason: 'found' };
    expect((await app.request('POST', '/v1/stock/adjustments', { token: app.token('integration'), body: adjustment })).status).toBe(403);
    expect((await app.request('POST', '/v1/stock/adjustments', { token: app.token('admin'), body: adjustment })).status).toBe(201);
    const transfer = { sku: 'INV-1', fromWarehouseId: 'WH-A', toWarehouseId: 'WH-B', lot: 'L-ROLE', qty: 1 };
    expect((await app.request('POST', '/v1/stock/transfers', { token: app.token('analyst'), body: transfer })).status).toBe(403);
    expect((await app.request('POST', '/v1/stock/write-offs', { token: app.token('finance'), body: {} })).status).toBe(403);
    expect(
      (
        await app.request('POST', '/v1/warehouses', {
          token: app.token('integration'),
          body: { id: 'WH-X', name: 'X', regionCode: 'CN-1' },
        })
      ).status,
    ).toBe(403);
    for (const path of ['/v1/stock', '/v1/stock/expiring', '/v1/stock/low', '/v1/stock/movements', '/v1/warehouses']) {
      for (const role of ['ops', 'finance', 'analyst', 'integration'] as const) {
        expect((await app.request('GET', path, { token: app.token(role) })).status, `${role} ${path}`).toBe(200);
      }
      expect((await app.request('GET', path, { token: app.token('dealer', 'D-1') })).status, `dealer ${path}`).toBe(403);
      expect((await app.request('GET', path)).status).toBe(401);
    }
  });

  it('rebuilds the inventory read model from the events to the same stock, lots and movements', async () => {
    const { db, store, locks, upcasting, projections } = app.running.infrastructure;
    const head = await store.headPosition();
    const snapshot = async () => {
      const stock = await app.request('GET', `/v1/stock?limit=500&minPosition=${head}`, { token: ops });
      const movements = await app.request('GET', `/v1/stock/movements?limit=500&minPosition=${head}`, { token: ops });
      const catalog = await app.request('GET', '/v1/products?limit=500', { token: ops });
      return {
        stock: stock.body.items,
        movements: movements.body.items.map(({ id: _id, ...movement }: any) => movement),
        available: catalog.body.items.map((item: any) => [item.sku, item.available]),
      };
    };
    const before = await snapshot();
    expect(before.stock.length).toBeGreaterThan(10);
    await rebuildProjection(
      projections.find((projection) => projection.name === 'inventory')!,
      { db, store, locks, upcasting },
    );
    expect(await snapshot()).toEqual(before);
  });

  describe('racing requests on two API replicas', () => {
    let infrastructure: Infrastructure;
    let replica: Running;

    beforeAll(async () => {
      const config = loadConfig({
        NODE_ENV: 'test',
        DATABASE_URL: app.database.url,
        PORT: '0',
        HOST: '127.0.0.1',
        DEMO_DATA: 'false',
        LOG_LEVEL: 'silent',
        JWT_SECRET: TEST_JWT_SECRET,
      });
      infrastructure = await openInfrastructure(config, createLogger(config), { migrate: false });
      replica = await start(infrastructure, { api: true, workers: false, seed: false });
    });
    afterAll(async () => {
      await replica.stop();
      await infrastructure.close();
    });

    it('never drives a lot negative with concurrent transfers and adjustments out of it', async () => {
      await product('RACE-LOT');
      await receive('RACE-LOT', 'WH-A', 'L1', 50, 100);
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const url = i % 2 === 0 ? app.url : replica.url!;
          return i % 3 === 0
            ? request(url, 'POST', '/v1/stock/adjustments', {
                token: ops,
                body: { sku: 'RACE-LOT', warehouseId: 'WH-A', lot: 'L1', delta: -3, reason: `breakage ${i}` },
              })
            : request(url, 'POST', '/v1/stock/transfers', {
                token: ops,
                body: { sku: 'RACE-LOT', fromWarehouseId: 'WH-A', toWarehouseId: 'WH-B', lot: 'L1', qty: 3 },
              });
        }),
      );
      const statuses = results.map((result) => result.status);
      expect(statuses.filter((status) => status !== 201 && status !== 422)).toEqual([]);
      const accepted = results.filter((result) => result.status === 201);
      // Exactly as many as the lot holds: none beyond it, and none refused while stock was left.
      expect(accepted).toHaveLength(16);
      for (const refused of results.filter((result) => result.status === 422)) expect(refused.body.code).toBe('insufficient_stock');
      const position = accepted.map((result) => result.body.position as string).reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
      const source = await stockOf('RACE-LOT', 'WH-A', position);
      const moved = accepted.filter((result) => 'transferId' in result.body).length;
      expect(source.lots).toEqual([expect.objectContaining({ lot: 'L1', qty: 2 })]);
      expect((await stockOf('RACE-LOT', 'WH-B', position)).onHand).toBe(3 * moved);
    });
  });
});
