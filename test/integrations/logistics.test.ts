// The logistics provider end to end, played by real local HTTP servers. Every order released to the
// warehouse becomes one shipment request under the releasing event's id — through flaky, slow and
// failing partners, dead letters and replays: none lost, none sent twice with other content, each
// order's messages in order. Signed tracking webhooks ship and deliver orders through the real
// shipment process, each fact once; forged, stale and refused ones change nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditStream } from '../../src/domain/credit/credit-ledger.ts';
import type { RetryPolicy } from '../../src/integrations/adapter.ts';
import { findDeadLetter, listDeadLetters, requestRetry } from '../../src/integrations/dead-letters.ts';
import { createLogisticsAdapter } from '../../src/integrations/logistics/adapter.ts';
import { SHIPMENT_CANCELLATION_V1, SHIPMENT_REQUEST_V1 } from '../../src/integrations/logistics/contract.ts';
import { signWebhook } from '../../src/integrations/webhooks/signature.ts';
import { eventually, startTestApp, type TestApp } from '../support/app.ts';
import {
  CREDIT_DEALER,
  LOGISTICS_SECRET,
  PAYMENT_SECRET,
  PREPAY_DEALER,
  acceptedCall,
  acceptedPerOrder,
  adapterPast,
  checkpointOf,
  eventIdOf,
  orderEvents,
  orderState,
  placeOrder,
  postWebhook,
  runAdapter,
  setUpCatalog,
  type Message,
  expectReplayFromPosition,
  partnerTestAdapter,
  expectEveryMessageOnceInOrder,
} from './order-partners.ts';
import { expectSameContentPerKey, ok, startPartner, type Behavior, type Partner } from './partner.ts';

describe('logistics provider', () => {
  let logistics: Partner;
  let app: TestApp;
  const partners: Partner[] = [];

  beforeAll(async () => {
    logistics = await startPartner();
    app = await startTestApp({
      LOGISTICS_BASE_URL: logistics.url,
      LOGISTICS_WEBHOOK_SECRET: LOGISTICS_SECRET,
      PAYMENT_WEBHOOK_SECRET: PAYMENT_SECRET,
    });
    await eventually(() => checkpointOf(app, 'logistics'), 10_000, 'the logistics checkpoint');
    await setUpCatalog(app);
  });
  afterAll(async () => {
    await app.stop();
    await Promise.all([logistics, ...partners].map((partner) => partner.close()));
  });

  async function partner(behavior: Behavior = ok) {
    const started = await startPartner(behavior);
    partners.push(started);
    return started;
  }

  /** The logistics adapter under a test's name, timeout and retry budget, beside the application's own. */
  const testAdapter = (name: string, target: { url: string }, options: { timeoutMs?: number; retry?: Partial<RetryPolicy> } = {}) =>
    partnerTestAdapter(app, createLogisticsAdapter, name, target, options);

  const ops = () => app.token('ops');
  const cancel = (orderId: string) =>
    app.request('POST', `/v1/orders/${orderId}/cancel`, { token: ops(), body: { reason: 'ordered twice' } });
  const webhookStream = (id: string) => app.running.infrastructure.store.readStream(`webhook-logistics-${id}`);

  it('asks for one shipment per order released to the warehouse, keyed by the releasing event', async () => {
    const approved = await placeOrder(
      app,
      CREDIT_DEALER,
      [
        { sku: 'TEA', qty: 10 },
        { sku: 'CUP', qty: 2 },
      ],
      { deliveryAddress: '88 Century Avenue' },
    );
    expect(approved.status).toBe('approved');
    const reviewed = await eventIdOf(app, approved.id, 'OrderReviewed');
    const call = await acceptedCall(logistics, reviewed);
    expect(call.path).toBe('/shipment-requests');
    expect(call.payload).toEqual({
      contract: SHIPMENT_REQUEST_V1,
      requestId: reviewed,
      orderId: approved.id,
      dealerId: CREDIT_DEALER,
      releasedAt: expect.any(String),
      releasedBy: 'review',
      delivery: { regionCode: 'CN-31', address: '88 Century Avenue' },
      note: null,
      lines: [
        { sku: 'TEA', name: 'Product TEA', qty: 12, orderedQty: 10, giftQty: 2, warehouses: [{ warehouseId: 'WH-E', qty: 12 }] },
        { sku: 'CUP', name: 'Product CUP', qty: 2, orderedQty: 2, giftQty: 0, warehouses: [{ warehouseId: 'WH-E', qty: 2 }] },
      ],
      gifts: [{ sku: 'TEA', name: 'Product TEA', qty: 2, promotionId: 'TEA-5-1' }],
    });

    // Held (outside the dealer's territories), then approved by ops.
    const held = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 3 }], { regionCode: 'CN-44' });
    expect(held.status).toBe('on_hold');
    expect((await app.request('POST', `/v1/orders/${held.id}/approve`, { token: ops(), body: {} })).status).toBe(200);
    const heldCall = await acceptedCall(logistics, await eventIdOf(app, held.id, 'HeldOrderApproved'));
    expect(heldCall.payload).toMatchObject({
      releasedBy: 'ops_approval',
      delivery: { regionCode: 'CN-44' },
      lines: [{ sku: 'CUP', qty: 3 }],
    });

    // A prepay order is approved but released only once paid in full.
    const prepay = await placeOrder(app, PREPAY_DEALER, [{ sku: 'CUP', qty: 5 }]);
    expect(prepay.status).toBe('awaiting_payment');
    await adapterPast(app, 'logistics', prepay.position);
    const prepayReviewed = await eventIdOf(app, prepay.id, 'OrderReviewed');
    expect(logistics.calls.filter((candidate) => candidate.key === prepayReviewed)).toEqual([]);
    const paid = await app.request('POST', `/v1/orders/${prepay.id}/payments`, {
      token: app.token('finance'),
      body: { amountMinor: prepay.totals.totalMinor, reference: 'BANK-1' },
    });
    expect(paid.body.released).toBe(true);
    const prepayCall = await acceptedCall(logistics, await eventIdOf(app, prepay.id, 'OrderReleased'));
    expect(prepayCall.payload).toMatchObject({
      releasedBy: 'payment',
      orderId: prepay.id,
      dealerId: PREPAY_DEALER,
      lines: [{ sku: 'CUP', qty: 5 }],
    });

    for (const order of [approved, held, prepay])
      expect(logistics.calls.filter((candidate) => candidate.payload?.orderId === order.id)).toHaveLength(1);
  });

  it('tells the provider when a released order is cancelled, after its shipment request', async () => {
    const order = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 1 }]);
    expect((await cancel(order.id)).status).toBe(200);
    const cancelled = await eventIdOf(app, order.id, 'OrderCancelled');
    const call = await acceptedCall(logistics, cancelled);
    expect(call.path).toBe(`/shipment-requests/${order.id}/cancellation`);
    expect(call.payload).toEqual({
      contract: SHIPMENT_CANCELLATION_V1,
      requestId: cancelled,
      orderId: order.id,
      dealerId: CREDIT_DEALER,
      cancelledAt: expect.any(String),
      reason: 'ordered twice',
    });
    expect(acceptedPerOrder(logistics).get(order.id)).toEqual([SHIPMENT_REQUEST_V1, SHIPMENT_CANCELLATION_V1]);

    // A held order was never released: its cancellation is nothing to the warehouse.
    const held = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 1 }], { regionCode: 'CN-44' });
    expect((await cancel(held.id)).status).toBe(200);
    await adapterPast(app, 'logistics', await app.running.infrastructure.store.headPosition());
    expect(logistics.calls.filter((candidate) => candidate.payload?.orderId === held.id)).toEqual([]);
  });

  it('ships and delivers an order from signed tracking webhooks, each fact once', async () => {
    const { store } = app.running.infrastructure;
    const order = await placeOrder(app, CREDIT_DEALER, [
      { sku: 'TEA', qty: 4 },
      { sku: 'CUP', qty: 3 },
    ]);
    const first = {
      id: `trk-${randomUUID()}`,
      type: 'shipment.dispatched',
      data: { orderId: order.id, shipmentId: 'LP-1', carrier: 'SF Express', trackingNumber: 'SF100', lines: [{ sku: 'TEA', qty: 4 }] },
    };
    const dispatched = await postWebhook(app, 'logistics', first);
    expect(dispatched.status).toBe(202);
    expect(dispatched.body).toEqual({ id: first.id, status: 'accepted', position: expect.any(String) });
    let state = await orderState(app, order.id);
    expect(state.status).toBe('partially_shipped');
    expect(state.shipments).toEqual([
      expect.objectContaining({ shipmentId: 'LP-1', status: 'dispatched', carrier: 'SF Express', trackingNumber: 'SF100' }),
    ]);
    const count = (await orderEvents(app, order.id)).length;

    // The same message again, and the same fact under another message id: nothing more happens.
    expect((await postWebhook(app, 'logistics', first)).body.status).toBe('duplicate');
    expect((await postWebhook(app, 'logistics', { ...first, id: `trk-${randomUUID()}` })).body.status).toBe('accepted');
    expect(await orderEvents(app, order.id)).toHaveLength(count);

    // The rest, told without lines, delivered eight times at once.
    const rest = { id: `trk-${randomUUID()}`, type: 'shipment.dispatched', data: { orderId: order.id, shipmentId: 'LP-2' } };
    const raw = JSON.stringify(rest);
    const responses = await Promise.all(Array.from({ length: 8 }, () => postWebhook(app, 'logistics', rest, { raw })));
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(202));
    expect(responses.filter((response) => response.body.status === 'accepted')).toHaveLength(1);
    state = await orderState(app, order.id);
    expect(state.status).toBe('shipped');
    expect(state.shipments.find((shipment) => shipment.shipmentId === 'LP-2')!.lines.map((line) => [line.sku, line.qty])).toEqual([
      ['CUP', 3],
    ]);
    const history = await orderEvents(app, order.id);
    expect(history.filter((event) => event.type === 'ShipmentDispatched').map((event) => event.data.shipmentId)).toEqual(['LP-1', 'LP-2']);
    expect(history.at(-1)!.metadata).toMatchObject({ actor: 'partner:logistics', role: 'integration', correlationId: rest.id });
    const charges = (await store.readStream(creditStream(CREDIT_DEALER))).filter(
      (event) => event.type === 'CreditCharged' && event.data.orderId === order.id,
    );
    expect(charges.map((event) => event.data.shipmentId)).toEqual(['LP-1', 'LP-2']);

    // Delivered once every shipment is; a repeated confirmation under another id changes nothing.
    for (const shipmentId of ['LP-1', 'LP-2', 'LP-2']) {
      const delivered = await postWebhook(app, 'logistics', {
        type: 'shipment.delivered',
        occurredAt: new Date().toISOString(),
        data: { orderId: order.id, shipmentId, receivedBy: 'Ms Wang' },
      });
      expect(delivered.body.status).toBe('accepted');
    }
    expect((await orderEvents(app, order.id)).filter((event) => event.type === 'ShipmentDelivered')).toHaveLength(2);
    const read = await app.request('GET', `/v1/orders/${order.id}?minPosition=${await store.headPosition()}`, { token: ops() });
    expect(read.body.status).toBe('delivered');
    expect(read.body.shipments.map((shipment: any) => [shipment.shipmentId, shipment.status, shipment.receivedBy])).toEqual([
      ['LP-1', 'delivered', 'Ms Wang'],
      ['LP-2', 'delivered', 'Ms Wang'],
    ]);
  });

  it('refuses forged, tampered and stale tracking webhooks with 401, and they change nothing', async () => {
    const order = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 2 }]);
    const before = (await orderEvents(app, order.id)).length;
    const message = { id: `trk-${randomUUID()}`, type: 'shipment.dispatched', data: { orderId: order.id, shipmentId: 'LP-F' } };
    const raw = JSON.stringify(message);
    const now = Math.floor(Date.now() / 1_000);
    const attempts = {
      forged: postWebhook(app, 'logistics', message, { raw, secret: 'not-the-logistics-secret' }),
      'the payments secret': postWebhook(app, 'logistics', message, { raw, secret: PAYMENT_SECRET }),
      stale: postWebhook(app, 'logistics', message, { raw, at: now - 301 }),
      tampered: app.request('POST', '/v1/webhooks/logistics', {
        raw: raw.replace('LP-F', 'LP-G'),
        headers: { 'content-type': 'application/json', 'x-signature': signWebhook(LOGISTICS_SECRET, raw, now) },
      }),
    };
    for (const [label, attempt] of Object.entries(attempts)) expect((await attempt).status, label).toBe(401);
    expect(await orderEvents(app, order.id)).toHaveLength(before);
    expect(await webhookStream(message.id)).toEqual([]);
    // The genuine message still takes effect: the refused ones left nothing behind.
    expect((await postWebhook(app, 'logistics', message, { raw })).body.status).toBe('accepted');
    expect((await orderState(app, order.id)).status).toBe('shipped');
  });

  it('records tracking webhooks the business refuses, answers 202 rejected, and never applies them', async () => {
    const held = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 1 }], { regionCode: 'CN-44' });
    const prepay = await placeOrder(app, PREPAY_DEALER, [{ sku: 'CUP', qty: 1 }]);
    const approved = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 1 }]);
    const cases: [Message, string][] = [
      [{ type: 'shipment.dispatched', data: { orderId: 'O-NOPE', shipmentId: 'LP-R1' } }, 'order_not_found'],
      [{ type: 'shipment.dispatched', data: { orderId: held.id, shipmentId: 'LP-R2' } }, 'illegal_transition'],
      [{ type: 'shipment.dispatched', data: { orderId: prepay.id, shipmentId: 'LP-R3' } }, 'payment_required'],
      [
        { type: 'shipment.dispatched', data: { orderId: approved.id, shipmentId: 'LP-R4', lines: [{ sku: 'TEA', qty: 1 }] } },
        'sku_not_in_order',
      ],
      [{ type: 'shipment.delivered', data: { orderId: approved.id, shipmentId: 'LP-NONE' } }, 'shipment_not_found'],
      [{ type: 'shipment.returned', data: { orderId: approved.id } }, 'unsupported_message_type'],
    ];
    for (const [message, code] of cases) {
      const id = `trk-${randomUUID()}`;
      const response = await postWebhook(app, 'logistics', { id, ...message });
      expect(response.status, code).toBe(202);
      expect(response.body, code).toMatchObject({ id, status: 'rejected', reason: { code } });
      const events = await webhookStream(id);
      expect(
        events.map((event) => event.type),
        code,
      ).toEqual(['LogisticsWebhookReceived', 'LogisticsWebhookRejected']);
      expect(events[1]!.data, code).toMatchObject({ messageId: id, messageType: message.type, code });
      // Final: told again, it is a duplicate, not a second try.
      expect((await postWebhook(app, 'logistics', { id, ...message })).body.status, code).toBe('duplicate');
    }
    for (const order of [held, prepay, approved]) expect((await orderState(app, order.id)).shipments).toEqual([]);
    const feed = await app.request('GET', '/v1/feed?types=LogisticsWebhookRejected&limit=500', { token: app.token('integration') });
    expect(feed.body.items.map((item: any) => item.data.code)).toEqual(expect.arrayContaining(cases.map(([, code]) => code)));
  });

  it('answers tracking data it cannot read with 400 naming each field, writing nothing', async () => {
    const id = `trk-${randomUUID()}`;
    const response = await postWebhook(app, 'logistics', {
      id,
      type: 'shipment.dispatched',
      data: { shipmentId: '', lines: [{ sku: 'TEA', qty: 0 }] },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.errors.map((error: any) => error.path).sort()).toEqual([
      'body.data.lines.0.qty',
      'body.data.orderId',
      'body.data.shipmentId',
    ]);
    expect(await webhookStream(id)).toEqual([]);
    const inbox = await app.running.infrastructure.db
      .selectFrom('integration.webhook_inbox')
      .select('message_id')
      .where('message_id', '=', id)
      .execute();
    expect(inbox).toEqual([]);
  });

  it('gets every release and cancellation through a flaky, slow partner: each once, the same content, in order per order', async () => {
    // The first try of every message fails; every fourth call answers after the client gave up.
    const flaky = await partner(({ call, callsForKey }) =>
      callsForKey === 1 ? { status: 503 } : call % 4 === 0 ? { status: 200, delayMs: 400 } : { status: 200 },
    );
    await expectEveryMessageOnceInOrder(app, testAdapter('logistics-flaky', flaky, { timeoutMs: 200 }), flaky, CREDIT_DEALER, [
      SHIPMENT_REQUEST_V1,
      SHIPMENT_CANCELLATION_V1,
    ]);
  });

  it("dead-letters a release after the retry budget while the partner keeps failing, and delivers it on an operator's retry", async () => {
    const { db } = app.running.infrastructure;
    const failing = await partner(() => ({ status: 500 }));
    const run = await runAdapter(app, testAdapter('logistics-failing', failing, { retry: { maxAttempts: 3 } }));
    try {
      const order = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 1 }]);
      const key = await eventIdOf(app, order.id, 'OrderReviewed');
      const [deadLetter] = await eventually(async () => {
        const rows = await listDeadLetters(db, { adapter: 'logistics-failing', limit: 10 });
        return rows.length === 1 ? rows : undefined;
      });
      expect(deadLetter).toMatchObject({
        eventId: key,
        eventType: 'OrderReviewed',
        streamId: `order-${order.id}`,
        attempts: 3,
        status: 'open',
      });
      expect(deadLetter!.lastError).toContain('HTTP 500');
      expect(failing.calls.filter((call) => call.key === key)).toHaveLength(3);

      failing.behave(ok);
      expect((await requestRetry(db, Number(deadLetter!.id))).outcome).toBe('requested');
      expect((await acceptedCall(failing, key)).payload).toMatchObject({ orderId: order.id, requestId: key });
      await eventually(async () => ((await findDeadLetter(db, Number(deadLetter!.id)))?.status === 'delivered' ? true : undefined));
    } finally {
      await run.stop();
    }
    expectSameContentPerKey(failing);
  });

  it('reports a partner that is down as not ready, and dead-letters what cannot reach it', async () => {
    const { db } = app.running.infrastructure;
    const down = await startPartner();
    await down.close();
    const adapter = testAdapter('logistics-down', down, { retry: { maxAttempts: 2 } });
    expect(await adapter.ready!()).toBe(false);
    const ready = await app.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.logistics).toBe(true);

    const run = await runAdapter(app, adapter);
    try {
      const order = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 1 }]);
      const key = await eventIdOf(app, order.id, 'OrderReviewed');
      const [deadLetter] = await eventually(async () => {
        const rows = await listDeadLetters(db, { adapter: 'logistics-down', limit: 10 });
        return rows.length === 1 ? rows : undefined;
      });
      expect(deadLetter).toMatchObject({ eventId: key, attempts: 2, status: 'open' });
      expect(deadLetter!.lastError).toContain('network error');
    } finally {
      await run.stop();
    }
  });

  it('replays from a position: every release from there again, the same content under the same key', async () => {
    const target = await partner();
    const replayed = await expectReplayFromPosition(app, testAdapter('logistics-replayed', target), target, CREDIT_DEALER);
    expect(replayed.every((call) => call.path === '/shipment-requests')).toBe(true);
  });
});
