// Fulfilment, after-sales and the finance trail over the real HTTP server: partial shipments with
// FEFO lots charged to credit, deliveries and completion, returns with restock, quarantine and
// refunds, prepay release, the order as of any instant, and streamed exports.
import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/api/auth.ts';
import { EXPORT_CHUNK_SIZE } from '../../src/api/exports.ts';
import { creditLedgerDecider, creditStream } from '../../src/domain/credit/credit-ledger.ts';
import { dueDateFor } from '../../src/domain/dealers/dealer.ts';
import { stockDecider, stockStream } from '../../src/domain/inventory/stock.ts';
import { orderDecider, orderStream } from '../../src/domain/ordering/order.ts';
import type { CommandContext } from '../../src/eventstore/command-handler.ts';
import type { NewEvent } from '../../src/eventstore/port.ts';
import { eventually, startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, creditOf, receiveStock, stockOf } from '../support/fixtures.ts';
import { businessDayOf } from '../../src/domain/shared/calendar.ts';

describe('fulfilment, returns and the finance trail', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-FE', 'CN-31');
    await createWarehouse(app, 'WH-FN', 'CN-11');
    for (const sku of ['FUL-TEA', 'FUL-CHIPS', 'FUL-SPLIT', 'FUL-JAM'])
      await createProduct(app, { sku, basePriceMinor: 1_000, tiers: { gold: 900 } });
    await receiveStock(app, { sku: 'FUL-TEA', warehouseId: 'WH-FE', qty: 4, lot: 'TEA-EARLY', expiryDate: '2098-06-30' });
    await receiveStock(app, { sku: 'FUL-TEA', warehouseId: 'WH-FE', qty: 60, lot: 'TEA-LATE', expiryDate: '2099-12-31' });
    await receiveStock(app, { sku: 'FUL-CHIPS', warehouseId: 'WH-FE', qty: 100, lot: 'CHIPS-1' });
    await receiveStock(app, { sku: 'FUL-SPLIT', warehouseId: 'WH-FE', qty: 5, lot: 'SPLIT-E' });
    await receiveStock(app, { sku: 'FUL-SPLIT', warehouseId: 'WH-FN', qty: 10, lot: 'SPLIT-N' });
    await receiveStock(app, { sku: 'FUL-JAM', warehouseId: 'WH-FE', qty: 10, lot: 'JAM-A', expiryDate: '2098-01-31' });
    await receiveStock(app, { sku: 'FUL-JAM', warehouseId: 'WH-FE', qty: 10, lot: 'JAM-B', expiryDate: '2099-01-31' });
    await createDealer(app, { id: 'D-FUL', tier: 'gold', creditLimitMinor: 10_000_000, paymentTermsDays: 30 });
    await createDealer(app, { id: 'D-PRE', tier: 'gold', prepay: true, creditLimitMinor: 0 });
    const last = await createDealer(app, { id: 'D-OTH', tier: 'gold' });
    expect((await app.request('GET', `/v1/products?minPosition=${last}`, { token: app.token('ops') })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
  });

  const as = (role: Role, dealerId?: string) => app.token(role, dealerId);
  const dealer = (id = 'D-FUL') => as('dealer', id);
  const head = () => app.running.infrastructure.store.headPosition();

  async function place(lines: { sku: string; qty: number }[], dealerId = 'D-FUL') {
    const placed = await app.request('POST', '/v1/orders', { token: dealer(dealerId), body: { lines, regionCode: 'CN-31' } });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    return placed.body as { id: string; status: string; position: string; totals: { totalMinor: number } };
  }

  async function ship(orderId: string, lines: { sku: string; qty: number }[], extra: Record<string, unknown> = {}, expected = 201) {
    const shipped = await app.request('POST', `/v1/orders/${orderId}/shipments`, { token: as('ops'), body: { lines, ...extra } });
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(expected);
    return shipped.body;
  }

  async function deliver(orderId: string, shipmentId: string, expected = 200) {
    const done = await app.request('POST', `/v1/orders/${orderId}/deliveries`, {
      token: as('integration'),
      body: { shipmentId, receivedBy: 'Ms Wang' },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(expected);
    return done.body;
  }

  async function readOrder(orderId: string, position: string, token = as('finance')) {
    const read = await app.request('GET', `/v1/orders/${orderId}?minPosition=${position}`, { token });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    return read.body;
  }

  /** An order of D-FUL shipped in full and delivered. */
  async function deliveredOrder(lines: { sku: string; qty: number }[]) {
    const order = await place(lines);
    const shipment = await ship(order.id, lines);
    const done = await deliver(order.id, shipment.shipmentId);
    expect(done.orderStatus).toBe('delivered');
    return { order, shipment, position: done.position as string };
  }

  let journey: { orderId: string; position: string } | undefined;

  it('ships an order in parts with FEFO lots, charging credit as goods ship, then delivers and completes it', async () => {
    const order = await place([
      { sku: 'FUL-TEA', qty: 6 },
      { sku: 'FUL-CHIPS', qty: 4 },
      { sku: 'FUL-SPLIT', qty: 8 },
    ]);
    expect(order).toMatchObject({ status: 'approved', totals: { totalMinor: 18 * 900 } });
    expect(await creditOf(app, 'D-FUL', order.position)).toMatchObject({ reservedMinor: 16_200, outstandingMinor: 0 });

    const first = await ship(
      order.id,
      [
        { sku: 'FUL-TEA', qty: 5 },
        { sku: 'FUL-SPLIT', qty: 6 },
      ],
      { carrier: 'SF Express', trackingNumber: 'SF1001' },
    );
    expect(first).toMatchObject({
      orderId: order.id,
      status: 'dispatched',
      orderStatus: 'partially_shipped',
      carrier: 'SF Express',
      trackingNumber: 'SF1001',
      amountMinor: 11 * 900,
      dueDate: dueDateFor(new Date(), 30),
      deliveredAt: null,
    });
    expect(first.shipmentId).toMatch(/^S-/);
    expect(first.lines).toEqual([
      {
        sku: 'FUL-TEA',
        qty: 5,
        warehouseId: 'WH-FE',
        netMinor: 4_500,
        lots: [
          { lot: 'TEA-EARLY', qty: 4, expiryDate: '2098-06-30' },
          { lot: 'TEA-LATE', qty: 1, expiryDate: '2099-12-31' },
        ],
      },
      { sku: 'FUL-SPLIT', qty: 5, warehouseId: 'WH-FE', netMinor: 4_500, lots: [{ lot: 'SPLIT-E', qty: 5, expiryDate: '2099-12-31' }] },
      { sku: 'FUL-SPLIT', qty: 1, warehouseId: 'WH-FN', netMinor: 900, lots: [{ lot: 'SPLIT-N', qty: 1, expiryDate: '2099-12-31' }] },
    ]);
    expect(await creditOf(app, 'D-FUL', first.position)).toMatchObject({ reservedMinor: 16_200 - 9_900, outstandingMinor: 9_900 });
    expect(await stockOf(app, 'FUL-TEA', 'WH-FE', first.position)).toMatchObject({ onHand: 64 - 5, reserved: 1 });
    expect(await stockOf(app, 'FUL-SPLIT', 'WH-FN', first.position)).toMatchObject({ onHand: 9, reserved: 2 });
    const ledger = await app.request('GET', `/v1/dealers/D-FUL/ledger?minPosition=${first.position}`, { token: as('finance') });
    expect(ledger.body.items.find((entry: any) => entry.kind === 'charged')).toMatchObject({
      orderId: order.id,
      shipmentId: first.shipmentId,
      amountMinor: 9_900,
      dueDate: first.dueDate,
    });

    const cancel = await app.request('POST', `/v1/orders/${order.id}/cancel`, { token: dealer() });
    expect(cancel.status).toBe(409);
    expect(cancel.body.code).toBe('illegal_transition');

    const second = await ship(order.id, [
      { sku: 'FUL-TEA', qty: 1 },
      { sku: 'FUL-CHIPS', qty: 4 },
      { sku: 'FUL-SPLIT', qty: 2 },
    ]);
    expect(second).toMatchObject({ orderStatus: 'shipped', amountMinor: 7 * 900 });
    expect(await creditOf(app, 'D-FUL', second.position)).toMatchObject({ reservedMinor: 0, outstandingMinor: 16_200 });
    expect(await stockOf(app, 'FUL-TEA', 'WH-FE', second.position)).toMatchObject({ reserved: 0 });
    const more = await app.request('POST', `/v1/orders/${order.id}/shipments`, {
      token: as('ops'),
      body: { lines: [{ sku: 'FUL-TEA', qty: 1 }] },
    });
    expect(more.status).toBe(409);
    expect(more.body.code).toBe('illegal_transition');

    expect(await deliver(order.id, first.shipmentId)).toMatchObject({ status: 'delivered', receivedBy: 'Ms Wang', orderStatus: 'shipped' });
    const completeEarly = await app.request('POST', `/v1/orders/${order.id}/complete`, { token: as('finance') });
    expect(completeEarly.status).toBe(409);
    expect(await deliver(order.id, second.shipmentId)).toMatchObject({ orderStatus: 'delivered' });
    const again = await deliver(order.id, second.shipmentId);
    expect(again.orderStatus).toBe('delivered');

    const completed = await app.request('POST', `/v1/orders/${order.id}/complete`, { token: as('finance') });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(completed.body.status).toBe('completed');
    expect((await app.request('POST', `/v1/orders/${order.id}/complete`, { token: as('ops') })).status).toBe(409);

    const shown = await readOrder(order.id, completed.body.position, dealer());
    expect(shown.status).toBe('completed');
    expect(shown.completedAt).toMatch(/Z$/);
    expect(
      shown.shipments.map((shipment: any) => [shipment.shipmentId, shipment.status, shipment.carrier, shipment.trackingNumber]),
    ).toEqual([
      [first.shipmentId, 'delivered', 'SF Express', 'SF1001'],
      [second.shipmentId, 'delivered', null, null],
    ]);
    expect(shown.shipments[0].lines).toEqual(first.lines);
    expect(shown.shipments[0].deliveredAt).toMatch(/Z$/);
    expect(shown.timeline.map((entry: any) => entry.status)).toEqual([
      'placed',
      'approved',
      'approved',
      'partially_shipped',
      'partially_shipped',
      'shipped',
      'shipped',
      'delivered',
      'completed',
    ]);
    const history = await app.request('GET', `/v1/orders/${order.id}/history`, { token: as('finance') });
    expect(history.body.items.map((item: any) => item.type)).toEqual([
      'OrderPlaced',
      'OrderReviewed',
      'ShipmentPlanned',
      'ShipmentDispatched',
      'ShipmentPlanned',
      'ShipmentDispatched',
      'ShipmentDelivered',
      'ShipmentDelivered',
      'OrderCompleted',
    ]);
    expect(history.body.items[3].data).toMatchObject({
      orderId: order.id,
      dealerId: 'D-FUL',
      shipmentId: first.shipmentId,
      amountMinor: 9_900,
      carrier: 'SF Express',
      trackingNumber: 'SF1001',
    });
    expect(history.body.items[6].data).toMatchObject({
      orderId: order.id,
      dealerId: 'D-FUL',
      shipmentId: first.shipmentId,
      receivedBy: 'Ms Wang',
    });
    expect(history.body.items[8].data).toMatchObject({ orderId: order.id, dealerId: 'D-FUL' });
    journey = { orderId: order.id, position: completed.body.position };
  });

  it('answers the order as of any instant: before and after each event', async () => {
    const { orderId, position } = journey!;
    const history = (await app.request('GET', `/v1/orders/${orderId}/history`, { token: as('finance') })).body.items as {
      revision: number;
      occurredAt: string;
    }[];
    const current = await readOrder(orderId, position);
    const asOf = async (instant: number, token = as('finance')) =>
      app.request('GET', `/v1/orders/${orderId}?asOf=${encodeURIComponent(new Date(instant).toISOString())}`, { token });

    const placedAt = Date.parse(history[0]!.occurredAt);
    const before = await asOf(placedAt - 1);
    expect(before.status).toBe(404);
    // Events of one command share their instant: the state after each is the state after its last.
    const instants = [...new Set(history.map((event) => Date.parse(event.occurredAt)))];
    for (const instant of instants) {
      const lastAt = Math.max(...history.filter((event) => Date.parse(event.occurredAt) === instant).map((event) => event.revision));
      const after = await asOf(instant);
      expect(after.status).toBe(200);
      expect(after.body.version).toBe(lastAt);
      expect(after.body.status).toBe(current.timeline[lastAt].status);
      expect(after.body.timeline).toEqual(current.timeline.slice(0, lastAt + 1));
      const lastBefore = Math.max(-1, ...history.filter((event) => Date.parse(event.occurredAt) < instant).map((event) => event.revision));
      const justBefore = await asOf(instant - 1);
      if (lastBefore < 0) expect(justBefore.status).toBe(404);
      else expect(justBefore.body).toMatchObject({ version: lastBefore, status: current.timeline[lastBefore].status });
    }
    const midway = await asOf(Date.parse(history[3]!.occurredAt));
    expect(midway.body.shipments).toHaveLength(1);
    expect(midway.body.shipments[0]).toMatchObject({ status: 'dispatched', deliveredAt: null });

    const now = await asOf(Date.now());
    expect(now.body).toEqual({ ...current, asOf: now.body.asOf });
    expect((await asOf(Date.now(), dealer())).status).toBe(200);
    expect((await asOf(Date.now(), dealer('D-OTH'))).status).toBe(404);
    const bad = await app.request('GET', `/v1/orders/${orderId}?asOf=yesterday`, { token: as('finance') });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: any) => error.path)).toEqual(['query.asOf']);
  });

  it('completes a shipment an older version left half done (planned and picked step by step) when it is retried, picking nothing twice', async () => {
    const order = await place([{ sku: 'FUL-TEA', qty: 3 }]);
    const { commands } = app.running.infrastructure;
    const context = (): CommandContext => ({ actor: 'test', role: 'admin', correlationId: randomUUID(), now: new Date() });
    const shipmentId = `S-CRASH-${randomUUID().slice(0, 8)}`;
    const lines = [{ sku: 'FUL-TEA', qty: 3 }];
    // The first attempt planned and picked, then died before charging and recording the dispatch.
    const planned = await commands.handle(
      orderDecider,
      orderStream(order.id),
      {
        type: 'PlanShipment',
        data: {
          shipmentId,
          lines,
          carrier: null,
          trackingNumber: null,
          dueDate: dueDateFor(new Date(), 30),
          now: new Date().toISOString(),
        },
      },
      context(),
    );
    expect(planned.ok).toBe(true);
    const today = businessDayOf(new Date());
    const picked = await commands.handle(
      stockDecider,
      stockStream('FUL-TEA', 'WH-FE'),
      { type: 'PickStock', data: { sku: 'FUL-TEA', warehouseId: 'WH-FE', orderId: order.id, shipmentId, qty: 3, today } },
      context(),
    );
    expect(picked.ok && picked.events).toHaveLength(1);
    const stockAfterPick = await stockOf(app, 'FUL-TEA', 'WH-FE', picked.ok ? picked.position : undefined);

    // The order still holds its credit, and a planned shipment blocks cancellation.
    const ledger = await commands.load(creditLedgerDecider, creditStream('D-FUL'));
    expect(ledger.state.reservations.get(order.id)?.reservedMinor).toBe(2_700);
    expect((await app.request('POST', `/v1/orders/${order.id}/cancel`, { token: dealer() })).status).toBe(409);

    const retried = await ship(order.id, lines, { shipmentId });
    expect(retried).toMatchObject({ shipmentId, status: 'dispatched', orderStatus: 'shipped', amountMinor: 2_700 });
    expect(retried.lines[0].lots).toEqual(picked.ok && picked.events[0]?.type === 'StockPicked' ? picked.events[0].data.lots : []);
    expect(await stockOf(app, 'FUL-TEA', 'WH-FE', retried.position)).toMatchObject({ onHand: stockAfterPick.onHand });
    const again = await ship(order.id, lines, { shipmentId }, 200);
    expect(again.shipmentId).toBe(shipmentId);
    const other = await app.request('POST', `/v1/orders/${order.id}/shipments`, {
      token: as('ops'),
      body: { lines: [{ sku: 'FUL-TEA', qty: 2 }], shipmentId },
    });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('shipment_conflict');
  });

  it('ships each unit once when shipments race: the plans serialise on the order stream', async () => {
    const order = await place([{ sku: 'FUL-CHIPS', qty: 6 }]);
    const before = await stockOf(app, 'FUL-CHIPS', 'WH-FE', order.position);
    const racing = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        app.request('POST', `/v1/orders/${order.id}/shipments`, {
          token: as('integration'),
          body: { lines: [{ sku: 'FUL-CHIPS', qty: 6 }], shipmentId: `S-RACE-${order.id}-${index}` },
        }),
      ),
    );
    expect(
      racing.filter((response) => response.status === 201),
      JSON.stringify(racing.map((response) => response.body)),
    ).toHaveLength(1);
    // A loser planned alongside the winner finds nothing left to ship (422); one arriving after the
    // winner's dispatch finds the order shipped (409). Either way it writes nothing.
    for (const loser of racing.filter((response) => response.status !== 201)) {
      expect([loser.status, loser.body.code]).toEqual(
        expect.arrayContaining([loser.status === 409 ? 'illegal_transition' : 'exceeds_unshipped']),
      );
      expect([409, 422]).toContain(loser.status);
    }
    const winner = racing.find((response) => response.status === 201)!.body;
    expect(await stockOf(app, 'FUL-CHIPS', 'WH-FE', winner.position)).toMatchObject({
      onHand: before.onHand - 6,
      reserved: before.reserved - 6,
    });
    expect((await readOrder(order.id, winner.position)).shipments).toHaveLength(1);
  });

  it('replays a shipment by Idempotency-Key, and refuses what the order cannot ship with nothing written', async () => {
    const order = await place([{ sku: 'FUL-CHIPS', qty: 5 }]);
    const before = await head();
    const tooMany = await app.request('POST', `/v1/orders/${order.id}/shipments`, {
      token: as('ops'),
      body: { lines: [{ sku: 'FUL-CHIPS', qty: 6 }] },
    });
    expect([tooMany.status, tooMany.body.code]).toEqual([422, 'exceeds_unshipped']);
    const notInOrder = await app.request('POST', `/v1/orders/${order.id}/shipments`, {
      token: as('ops'),
      body: { lines: [{ sku: 'FUL-TEA', qty: 1 }] },
    });
    expect([notInOrder.status, notInOrder.body.code]).toEqual([422, 'sku_not_in_order']);
    const unknown = await app.request('POST', '/v1/orders/O-NOPE/shipments', {
      token: as('ops'),
      body: { lines: [{ sku: 'FUL-TEA', qty: 1 }] },
    });
    expect(unknown.status).toBe(404);
    expect(await head()).toBe(before);

    const headers = { 'idempotency-key': `ship-${order.id}` };
    const first = await app.request('POST', `/v1/orders/${order.id}/shipments`, {
      token: as('integration'),
      headers,
      body: { lines: [{ sku: 'FUL-CHIPS', qty: 2 }] },
    });
    expect(first.status).toBe(201);
    const replay = await app.request('POST', `/v1/orders/${order.id}/shipments`, {
      token: as('integration'),
      headers,
      body: { lines: [{ sku: 'FUL-CHIPS', qty: 2 }] },
    });
    expect(replay.body.shipmentId).toBe(first.body.shipmentId);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const orderNow = await readOrder(order.id, first.body.position);
    expect(orderNow.shipments).toHaveLength(1);

    const held = await place([{ sku: 'FUL-CHIPS', qty: 1 }], 'D-OTH');
    await app.request('POST', `/v1/orders/${held.id}/cancel`, { token: dealer('D-OTH') });
    const cancelled = await app.request('POST', `/v1/orders/${held.id}/shipments`, {
      token: as('ops'),
      body: { lines: [{ sku: 'FUL-CHIPS', qty: 1 }] },
    });
    expect([cancelled.status, cancelled.body.code]).toEqual([409, 'illegal_transition']);
  });

  it('returns goods: request, approve, receive into a lot or quarantine, refund as a credit note', async () => {
    const { order } = await deliveredOrder([
      { sku: 'FUL-JAM', qty: 12 },
      { sku: 'FUL-CHIPS', qty: 2 },
    ]);
    const jamBefore = await stockOf(app, 'FUL-JAM', 'WH-FE', await head());
    const creditBefore = await creditOf(app, 'D-FUL', await head());

    const tooMany = await app.request('POST', `/v1/orders/${order.id}/returns`, {
      token: dealer(),
      body: { lines: [{ sku: 'FUL-JAM', qty: 13, reason: 'broken' }] },
    });
    expect([tooMany.status, tooMany.body.code]).toEqual([422, 'exceeds_returnable']);
    expect(
      (
        await app.request('POST', `/v1/orders/${order.id}/returns`, {
          token: dealer('D-OTH'),
          body: { lines: [{ sku: 'FUL-JAM', qty: 1, reason: 'x' }] },
        })
      ).status,
    ).toBe(404);
    const requested = await app.request('POST', `/v1/orders/${order.id}/returns`, {
      token: dealer(),
      body: {
        lines: [
          { sku: 'FUL-JAM', qty: 3, reason: 'jars cracked' },
          { sku: 'FUL-CHIPS', qty: 1, reason: 'wrong flavour' },
        ],
      },
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const returnId = requested.body.returnId as string;
    expect(requested.body).toMatchObject({ orderId: order.id, status: 'requested', refund: null });
    const path = `/v1/orders/${order.id}/returns/${returnId}`;

    expect((await app.request('POST', `${path}/approve`, { token: dealer() })).status).toBe(403);
    expect(
      (
        await app.request('POST', `${path}/receive`, {
          token: as('ops'),
          body: { lines: [{ sku: 'FUL-JAM', qty: 1, warehouseId: 'WH-FE', lot: 'JAM-A', disposition: 'restock' }] },
        })
      ).status,
    ).toBe(409);
    const approved = await app.request('POST', `${path}/approve`, { token: as('ops') });
    expect(approved.body).toMatchObject({ status: 'approved', approvedAt: expect.stringMatching(/Z$/) });
    expect((await app.request('POST', `${path}/approve`, { token: as('ops') })).status).toBe(409);

    // 12 jars left as 10 of lot A and 2 of lot B: the lot must be named.
    const noLot = await app.request('POST', `${path}/receive`, {
      token: as('ops'),
      body: { lines: [{ sku: 'FUL-JAM', qty: 1, warehouseId: 'WH-FE', disposition: 'restock' }] },
    });
    expect([noLot.status, noLot.body.code]).toEqual([422, 'lot_required']);
    const receipt = {
      lines: [
        { sku: 'FUL-JAM', qty: 2, warehouseId: 'WH-FE', lot: 'JAM-A', disposition: 'restock' },
        { sku: 'FUL-JAM', qty: 1, warehouseId: 'WH-FE', lot: 'JAM-B', disposition: 'quarantine' },
        { sku: 'FUL-CHIPS', qty: 1, warehouseId: 'WH-FN', disposition: 'restock' },
      ],
    };
    const received = await app.request('POST', `${path}/receive`, { token: as('ops'), body: receipt });
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    expect(received.body.received).toEqual([
      { sku: 'FUL-JAM', qty: 2, warehouseId: 'WH-FE', lot: 'JAM-A', disposition: 'restock' },
      { sku: 'FUL-JAM', qty: 1, warehouseId: 'WH-FE', lot: 'JAM-B', disposition: 'quarantine' },
      { sku: 'FUL-CHIPS', qty: 1, warehouseId: 'WH-FN', lot: 'CHIPS-1', disposition: 'restock' },
    ]);
    // Restocked jars are on hand and sellable again; the quarantined one is not on hand.
    expect(await stockOf(app, 'FUL-JAM', 'WH-FE', received.body.position)).toMatchObject({
      onHand: jamBefore.onHand + 2,
      available: jamBefore.available + 2,
    });
    const chips = await stockOf(app, 'FUL-CHIPS', 'WH-FN', received.body.position);
    expect(chips).toMatchObject({ onHand: 1 });
    const lots = await app.request('GET', '/v1/stock?sku=FUL-CHIPS&warehouseId=WH-FN', { token: as('ops') });
    expect(lots.body.items[0].lots).toMatchObject([{ lot: 'CHIPS-1', qty: 1, expiryDate: '2099-12-31' }]);
    const receivedAgain = await app.request('POST', `${path}/receive`, { token: as('ops'), body: receipt });
    expect(receivedAgain.status).toBe(200);
    expect(await stockOf(app, 'FUL-JAM', 'WH-FE', await head())).toMatchObject({ onHand: jamBefore.onHand + 2 });

    const completeWhileOpen = await app.request('POST', `/v1/orders/${order.id}/complete`, { token: as('ops') });
    expect([completeWhileOpen.status, completeWhileOpen.body.code]).toEqual([409, 'return_open']);
    expect((await app.request('POST', `${path}/refund`, { token: as('analyst') })).status).toBe(403);
    const refunded = await app.request('POST', `${path}/refund`, { token: as('finance') });
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(200);
    expect(refunded.body.refund).toMatchObject({ amountMinor: 4 * 900, method: 'credit_note', creditNoteId: `CN-${returnId}` });
    expect(await creditOf(app, 'D-FUL', refunded.body.position)).toMatchObject({ outstandingMinor: creditBefore.outstandingMinor - 3_600 });
    const again = await app.request('POST', `${path}/refund`, { token: as('ops') });
    expect(again.status).toBe(200);
    const ledger = await app.request('GET', `/v1/dealers/D-FUL/ledger?limit=500&minPosition=${await head()}`, { token: as('finance') });
    const notes = ledger.body.items.filter((entry: any) => entry.kind === 'credit_note' && entry.orderId === order.id);
    expect(notes).toEqual([expect.objectContaining({ amountMinor: 3_600, creditNoteId: `CN-${returnId}` })]);

    const rejectedReturn = await app.request('POST', `/v1/orders/${order.id}/returns`, {
      token: as('ops'),
      body: { lines: [{ sku: 'FUL-JAM', qty: 9, reason: 'overstock' }] },
    });
    expect(rejectedReturn.status).toBe(201);
    const rejected = await app.request('POST', `/v1/orders/${order.id}/returns/${rejectedReturn.body.returnId}/reject`, {
      token: as('ops'),
      body: { reason: 'not faulty' },
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: 'not faulty' });
    expect(
      (await app.request('POST', `/v1/orders/${order.id}/returns/${rejectedReturn.body.returnId}/refund`, { token: as('finance') })).status,
    ).toBe(409);
    expect((await app.request('POST', `/v1/orders/${order.id}/returns/R-NOPE/approve`, { token: as('ops') })).status).toBe(404);

    const completed = await app.request('POST', `/v1/orders/${order.id}/complete`, { token: as('ops') });
    expect(completed.body.status).toBe('completed');
    const late = await app.request('POST', `/v1/orders/${order.id}/returns`, {
      token: dealer(),
      body: { lines: [{ sku: 'FUL-JAM', qty: 1, reason: 'late' }] },
    });
    expect([late.status, late.body.code]).toEqual([409, 'illegal_transition']);

    const shown = await readOrder(order.id, completed.body.position, dealer());
    expect(shown.returns.map((held: any) => [held.returnId, held.status])).toEqual([
      [returnId, 'refunded'],
      [rejectedReturn.body.returnId, 'rejected'],
    ]);
    const { position: _position, ...refundedView } = again.body;
    expect(shown.returns[0]).toEqual(refundedView);
  });

  it('holds a prepay order until it is paid, then ships it without touching credit; its refund is a payment refund', async () => {
    const order = await place([{ sku: 'FUL-CHIPS', qty: 3 }], 'D-PRE');
    expect(order.status).toBe('awaiting_payment');
    const early = await app.request('POST', `/v1/orders/${order.id}/shipments`, {
      token: as('ops'),
      body: { lines: [{ sku: 'FUL-CHIPS', qty: 3 }] },
    });
    expect([early.status, early.body.code]).toEqual([422, 'payment_required']);

    const part = await app.request('POST', `/v1/orders/${order.id}/payments`, {
      token: as('integration'),
      body: { amountMinor: 1_000, reference: 'BANK-P1' },
    });
    expect(part.status, JSON.stringify(part.body)).toBe(201);
    expect(part.body).toMatchObject({ paidMinor: 1_000, dueMinor: 1_700, released: false, orderStatus: 'awaiting_payment' });
    const same = await app.request('POST', `/v1/orders/${order.id}/payments`, {
      token: as('finance'),
      body: { amountMinor: 1_000, reference: 'BANK-P1' },
    });
    expect(same.status).toBe(200);
    const over = await app.request('POST', `/v1/orders/${order.id}/payments`, {
      token: as('finance'),
      body: { amountMinor: 1_701, reference: 'BANK-P2' },
    });
    expect([over.status, over.body.code]).toEqual([422, 'payment_exceeds_due']);
    const rest = await app.request('POST', `/v1/orders/${order.id}/payments`, {
      token: as('finance'),
      body: { amountMinor: 1_700, reference: 'BANK-P2' },
    });
    expect(rest.body).toMatchObject({ paidMinor: 2_700, dueMinor: 0, released: true, orderStatus: 'approved' });
    const history = await app.request('GET', `/v1/orders/${order.id}/history`, { token: as('finance') });
    expect(history.body.items.slice(2).map((item: any) => item.type)).toEqual([
      'OrderPaymentRecorded',
      'OrderPaymentRecorded',
      'OrderReleased',
    ]);
    expect(history.body.items[2].data).toMatchObject({ orderId: order.id, dealerId: 'D-PRE', paymentId: 'BANK-P1', amountMinor: 1_000 });

    const creditBefore = await creditOf(app, 'D-PRE', rest.body.position);
    const shipment = await ship(order.id, [{ sku: 'FUL-CHIPS', qty: 3 }]);
    expect(shipment).toMatchObject({ orderStatus: 'shipped', amountMinor: 2_700, dueDate: null });
    expect(await creditOf(app, 'D-PRE', shipment.position)).toEqual(creditBefore);
    await deliver(order.id, shipment.shipmentId);
    const requested = await app.request('POST', `/v1/orders/${order.id}/returns`, {
      token: dealer('D-PRE'),
      body: { lines: [{ sku: 'FUL-CHIPS', qty: 1, reason: 'stale' }] },
    });
    const path = `/v1/orders/${order.id}/returns/${requested.body.returnId}`;
    await app.request('POST', `${path}/approve`, { token: as('ops') });
    await app.request('POST', `${path}/receive`, {
      token: as('ops'),
      body: { lines: [{ sku: 'FUL-CHIPS', qty: 1, warehouseId: 'WH-FE', disposition: 'quarantine' }] },
    });
    const refunded = await app.request('POST', `${path}/refund`, { token: as('finance') });
    expect(refunded.body.refund).toMatchObject({ amountMinor: 900, method: 'payment_refund', creditNoteId: null });
    expect(await creditOf(app, 'D-PRE', refunded.body.position)).toEqual(creditBefore);

    const onCredit = await place([{ sku: 'FUL-CHIPS', qty: 1 }]);
    const wrong = await app.request('POST', `/v1/orders/${onCredit.id}/payments`, {
      token: as('finance'),
      body: { amountMinor: 900, reference: 'BANK-X' },
    });
    expect([wrong.status, wrong.body.code]).toEqual([422, 'not_prepay']);
  });

  it("lets only the right roles call each new route, and keeps dealers out of each other's orders", async () => {
    const { order, shipment } = await deliveredOrder([{ sku: 'FUL-CHIPS', qty: 1 }]);
    const routes: { method: string; path: string; body?: unknown; allowed: Role[] }[] = [
      {
        method: 'POST',
        path: `/v1/orders/${order.id}/shipments`,
        body: { lines: [{ sku: 'FUL-CHIPS', qty: 1 }] },
        allowed: ['ops', 'integration'],
      },
      {
        method: 'POST',
        path: `/v1/orders/${order.id}/deliveries`,
        body: { shipmentId: shipment.shipmentId },
        allowed: ['ops', 'integration'],
      },
      { method: 'POST', path: `/v1/orders/${order.id}/complete`, allowed: ['ops', 'finance'] },
      {
        method: 'POST',
        path: `/v1/orders/${order.id}/payments`,
        body: { amountMinor: 1, reference: 'R' },
        allowed: ['finance', 'integration'],
      },
      {
        method: 'POST',
        path: `/v1/orders/${order.id}/returns`,
        body: { lines: [{ sku: 'FUL-CHIPS', qty: 9, reason: 'x' }] },
        allowed: ['dealer', 'ops'],
      },
      { method: 'POST', path: `/v1/orders/${order.id}/returns/R-X/approve`, allowed: ['ops'] },
      { method: 'POST', path: `/v1/orders/${order.id}/returns/R-X/reject`, body: { reason: 'x' }, allowed: ['ops'] },
      {
        method: 'POST',
        path: `/v1/orders/${order.id}/returns/R-X/receive`,
        body: { lines: [{ sku: 'FUL-CHIPS', qty: 1, warehouseId: 'WH-FE', disposition: 'restock' }] },
        allowed: ['ops'],
      },
      { method: 'POST', path: `/v1/orders/${order.id}/returns/R-X/refund`, allowed: ['ops', 'finance'] },
      { method: 'GET', path: '/v1/exports/events?from=2999-01-01', allowed: ['finance'] },
      { method: 'GET', path: '/v1/exports/ledger?from=2999-01-01', allowed: ['finance'] },
    ];
    const wrong: string[] = [];
    for (const route of routes) {
      for (const role of ['dealer', 'ops', 'finance', 'analyst', 'integration', 'admin'] as Role[]) {
        const response = await app.request(route.method, route.path, {
          token: as(role, role === 'dealer' ? 'D-FUL' : undefined),
          body: route.body,
        });
        const allowed = role === 'admin' || route.allowed.includes(role);
        if (allowed === (response.status === 403) || response.status >= 500)
          wrong.push(`${role} ${route.method} ${route.path}: ${response.status}`);
      }
      const anonymous = await app.request(route.method, route.path, { body: route.body });
      if (anonymous.status !== 401) wrong.push(`anonymous ${route.path}: ${anonymous.status}`);
    }
    expect(wrong).toEqual([]);

    const stranger = dealer('D-OTH');
    const returnsOfOther = await app.request('POST', `/v1/orders/${order.id}/returns`, {
      token: stranger,
      body: { lines: [{ sku: 'FUL-CHIPS', qty: 1, reason: 'x' }] },
    });
    expect(returnsOfOther.status).toBe(404);
    expect((await app.request('GET', `/v1/orders/${order.id}?asOf=${new Date().toISOString()}`, { token: stranger })).status).toBe(404);
  });

  it('refuses bad input with 400 naming every invalid field, and writes nothing', async () => {
    const order = await place([{ sku: 'FUL-CHIPS', qty: 1 }]);
    const before = await head();
    const cases: { path: string; body: unknown; fields: string[] }[] = [
      {
        path: 'shipments',
        body: { lines: [{ sku: '', qty: 0 }], carrier: '', shipmentId: 'bad id' },
        fields: ['body.lines.0.sku', 'body.lines.0.qty', 'body.carrier', 'body.shipmentId'],
      },
      { path: 'shipments', body: { lines: [] }, fields: ['body.lines'] },
      { path: 'deliveries', body: { deliveredAt: 'tuesday' }, fields: ['body.shipmentId', 'body.deliveredAt'] },
      { path: 'payments', body: { amountMinor: -1, reference: '' }, fields: ['body.amountMinor', 'body.reference'] },
      { path: 'returns', body: { lines: [{ sku: 'FUL-CHIPS', qty: 1.5 }] }, fields: ['body.lines.0.qty', 'body.lines.0.reason'] },
      {
        path: 'returns/R-1/receive',
        body: { lines: [{ sku: 'FUL-CHIPS', qty: 1, warehouseId: 'WH-FE', disposition: 'burn', lot: 'no spaces' }] },
        fields: ['body.lines.0.disposition', 'body.lines.0.lot'],
      },
      { path: 'returns/R-1/reject', body: {}, fields: ['body.reason'] },
    ];
    for (const { path, body, fields } of cases) {
      const response = await app.request('POST', `/v1/orders/${order.id}/${path}`, { token: as('admin'), body });
      expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(400);
      expect(response.body.errors.map((error: any) => error.path).sort(), path).toEqual([...fields].sort());
    }
    const exportBad = await app.request('GET', '/v1/exports/ledger?format=xml&from=2026-02-01&to=2026-01-01', { token: as('finance') });
    expect(exportBad.status).toBe(400);
    expect(exportBad.body.errors.map((error: any) => error.path)).toEqual(['query.format']);
    const backwards = await app.request('GET', '/v1/exports/events?from=2026-02-01&to=2026-01-01', { token: as('finance') });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors.map((error: any) => error.path)).toEqual(['query.to']);
    expect(await head()).toBe(before);
  });

  it('documents every new route in a valid OpenAPI document', async () => {
    const document = (await app.request('GET', '/openapi.json')).body;
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    for (const path of [
      '/v1/orders/{id}/shipments',
      '/v1/orders/{id}/deliveries',
      '/v1/orders/{id}/complete',
      '/v1/orders/{id}/payments',
      '/v1/orders/{id}/returns',
      '/v1/orders/{id}/returns/{returnId}/approve',
      '/v1/orders/{id}/returns/{returnId}/reject',
      '/v1/orders/{id}/returns/{returnId}/receive',
      '/v1/orders/{id}/returns/{returnId}/refund',
      '/v1/exports/events',
      '/v1/exports/ledger',
    ]) {
      expect(document.paths[path], path).toBeDefined();
    }
    expect(document.paths['/v1/orders/{id}'].get.parameters.map((parameter: any) => parameter.name)).toContain('asOf');
  });

  describe('exports', () => {
    const PERIOD = { from: '2031-01-01', to: '2031-01-02' };
    const LEDGER_PERIOD = { from: '2032-01-01', to: '2032-01-02' };
    const ROWS = EXPORT_CHUNK_SIZE * 2 + 100;
    const tricky = 'a, "quoted"\nline';

    const metadata = (index: number, actor = 'exporter', year = 2031) => ({
      actor,
      role: 'admin',
      correlationId: `c-${index}`,
      causationId: null,
      occurredAt: new Date(Date.UTC(year, 0, 1, 0, 0, 0, index)).toISOString(),
      schemaVersion: 1,
    });

    async function appendInBatches(stream: string, events: NewEvent[]): Promise<string> {
      let position = '0';
      for (let start = 0; start < events.length; start += 200) {
        position = (await app.running.infrastructure.store.appendToStream(stream, events.slice(start, start + 200))).position;
      }
      return position;
    }

    it('streams every event of a period as NDJSON and CSV, in global order, over several chunks', async () => {
      const events: NewEvent[] = Array.from({ length: ROWS }, (_, index) => ({
        id: randomUUID(),
        type: index % 2 === 0 ? 'ExportProbeA' : 'ExportProbeB',
        data: { index, note: tricky, formula: '=SUM(A1:A9)' },
        metadata: metadata(index, index === 0 ? '=HYPERLINK("x")' : 'exporter'),
      }));
      await appendInBatches(`exportprobe-${randomUUID()}`, events);
      // An event after the period (`to` is a date: the whole day is in) is left out.
      await app.running.infrastructure.store.appendToStream(
        `exportprobe-${randomUUID()}`,
        [{ id: randomUUID(), type: 'ExportProbeA', data: { index: -1 }, metadata: metadata(0) }].map((event) => ({
          ...event,
          metadata: { ...event.metadata, occurredAt: '2031-01-03T00:00:00.000Z' },
        })),
      );

      // The export pages through the store a chunk at a time (the same store object the API uses).
      const { store } = app.running.infrastructure;
      const readAll = store.readAll.bind(store);
      const pages: (number | undefined)[] = [];
      store.readAll = (options) => {
        // Projections read through the same store, always with a filter; this export has none.
        if (!options?.filter) pages.push(options?.maxCount);
        return readAll(options);
      };
      let ndjson;
      try {
        ndjson = await app.request('GET', `/v1/exports/events?from=${PERIOD.from}&to=${PERIOD.to}`, { token: as('finance') });
      } finally {
        store.readAll = readAll;
      }
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(ROWS / EXPORT_CHUNK_SIZE));
      expect(new Set(pages)).toEqual(new Set([EXPORT_CHUNK_SIZE]));
      expect(ndjson.status).toBe(200);
      expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      expect(ndjson.headers.get('transfer-encoding')).toBe('chunked');
      expect(ndjson.headers.get('content-length')).toBeNull();
      const lines = ndjson.text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines).toHaveLength(ROWS);
      expect(lines.map((line) => line.data.index)).toEqual(events.map((_, index) => index));
      expect(lines[1]).toMatchObject({
        type: 'ExportProbeB',
        revision: 1,
        eventId: events[1]!.id,
        data: { note: tricky },
        metadata: events[1]!.metadata,
      });
      expect(lines.every((line, index) => index === 0 || BigInt(line.position) > BigInt(lines[index - 1].position))).toBe(true);

      const csv = await app.request('GET', `/v1/exports/events?from=${PERIOD.from}&to=${PERIOD.to}&format=csv`, { token: as('finance') });
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="events.csv"');
      const rows = parse<Record<string, string>>(csv.text, { columns: true });
      expect(rows).toHaveLength(ROWS);
      expect(Object.keys(rows[0]!)).toEqual([
        'position',
        'stream',
        'revision',
        'eventId',
        'type',
        'occurredAt',
        'actor',
        'role',
        'correlationId',
        'causationId',
        'schemaVersion',
        'data',
        'metadata',
      ]);
      expect(rows[0]!.actor).toBe('\'=HYPERLINK("x")');
      expect(JSON.parse(rows[7]!.data!)).toEqual({ index: 7, note: tricky, formula: '=SUM(A1:A9)' });
      expect(rows[7]!.eventId).toBe(events[7]!.id);

      const onlyB = await app.request('GET', `/v1/exports/events?from=${PERIOD.from}&to=${PERIOD.to}&types=ExportProbeB`, {
        token: as('finance'),
      });
      expect(onlyB.text.trimEnd().split('\n')).toHaveLength(ROWS / 2);
    });

    it('streams every ledger entry of a period as NDJSON and CSV, over several chunks', async () => {
      const dealerId = 'D-EXPORT';
      const events: NewEvent[] = [
        { id: randomUUID(), type: 'CreditLimitSet', data: { dealerId, limitMinor: 1_000 }, metadata: metadata(0, 'exporter', 2032) },
        ...Array.from({ length: ROWS }, (_, index) => ({
          id: randomUUID(),
          type: 'PaymentReceived',
          data: { dealerId, paymentId: `P-${index}`, amountMinor: index + 1, reference: index === 3 ? tricky : `ref-${index}` },
          metadata: metadata(index + 1, 'exporter', 2032),
        })),
      ];
      const position = await appendInBatches(`credit-${dealerId}`, events);
      // 1 100 payments each settle charges on their own (per event): on a busy machine that may take
      // longer than one read-your-writes wait (5 s, then 503), so wait on the condition itself.
      await eventually(
        async () =>
          (await app.request('GET', `/v1/dealers/${dealerId}/ledger?limit=1&minPosition=${position}`, { token: as('finance') })).status ===
          200
            ? true
            : undefined,
        45_000,
        'the ledger to include every payment',
      );

      const ndjson = await app.request('GET', `/v1/exports/ledger?from=${LEDGER_PERIOD.from}&to=${LEDGER_PERIOD.to}&dealerId=${dealerId}`, {
        token: as('finance'),
      });
      expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      const entries = ndjson.text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(entries).toHaveLength(ROWS + 1);
      expect(entries[0]).toMatchObject({ dealerId, kind: 'limit_set', amountMinor: 1_000 });
      expect(entries[ROWS]).toMatchObject({
        kind: 'payment',
        paymentId: `P-${ROWS - 1}`,
        amountMinor: ROWS,
        balanceAfterMinor: -(ROWS * (ROWS + 1)) / 2,
      });

      const csv = await app.request('GET', `/v1/exports/ledger?from=${LEDGER_PERIOD.from}&to=${LEDGER_PERIOD.to}&format=csv`, {
        token: as('finance'),
      });
      const rows = parse<Record<string, string>>(csv.text, { columns: true });
      expect(rows).toHaveLength(ROWS + 1);
      expect(rows[4]).toMatchObject({ dealerId, kind: 'payment', paymentId: 'P-3', reference: tricky, amountMinor: '4', orderId: '' });

      const none = await app.request('GET', '/v1/exports/ledger?from=2999-01-01&format=csv', { token: as('finance') });
      expect(none.text).toBe(`${Object.keys(rows[0]!).join(',')}\r\n`);
    });
  });
});
