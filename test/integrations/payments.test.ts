// The payment provider end to end, played by real local HTTP servers. Every prepay order approved
// and waiting for its money becomes one payment request under the approving event's id, and one
// cancellation (after it) if the order is cancelled unpaid — through flaky, slow and failing
// partners, dead letters and replays: none lost, none sent twice with other content, each order's
// messages in order. Signed `payment.succeeded` webhooks pay and release prepay orders (or pay a
// dealer's credit ledger), each payment once; forged, stale, invalid and refused ones change nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditStream } from '../../src/domain/credit/credit-ledger.ts';
import type { RetryPolicy } from '../../src/integrations/adapter.ts';
import { findDeadLetter, listDeadLetters, requestRetry } from '../../src/integrations/dead-letters.ts';
import { SHIPMENT_REQUEST_V1 } from '../../src/integrations/logistics/contract.ts';
import { createPaymentsAdapter } from '../../src/integrations/payments/adapter.ts';
import { PAYMENT_CANCELLATION_V1, PAYMENT_REQUEST_V1 } from '../../src/integrations/payments/contract.ts';
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
  type PlacedOrderBody,
  expectReplayFromPosition,
  partnerTestAdapter,
  expectEveryMessageOnceInOrder,
} from './order-partners.ts';
import { expectSameContentPerKey, ok, startPartner, type Behavior, type Partner } from './partner.ts';

describe('payment provider', () => {
  let payments: Partner;
  let logistics: Partner;
  let app: TestApp;
  const partners: Partner[] = [];

  beforeAll(async () => {
    payments = await startPartner();
    logistics = await startPartner();
    app = await startTestApp({
      PAYMENT_BASE_URL: payments.url,
      PAYMENT_WEBHOOK_SECRET: PAYMENT_SECRET,
      LOGISTICS_BASE_URL: logistics.url,
      LOGISTICS_WEBHOOK_SECRET: LOGISTICS_SECRET,
    });
    await eventually(() => checkpointOf(app, 'payments'), 10_000, 'the payments checkpoint');
    await eventually(() => checkpointOf(app, 'logistics'), 10_000, 'the logistics checkpoint');
    await setUpCatalog(app);
  });
  afterAll(async () => {
    await app.stop();
    await Promise.all([payments, logistics, ...partners].map((partner) => partner.close()));
  });

  async function partner(behavior: Behavior = ok) {
    const started = await startPartner(behavior);
    partners.push(started);
    return started;
  }

  /** The payments adapter under a test's name, timeout and retry budget, beside the application's own. */
  const testAdapter = (name: string, target: { url: string }, options: { timeoutMs?: number; retry?: Partial<RetryPolicy> } = {}) =>
    partnerTestAdapter(app, createPaymentsAdapter, name, target, options);

  const ops = () => app.token('ops');
  const cancel = (orderId: string) =>
    app.request('POST', `/v1/orders/${orderId}/cancel`, { token: ops(), body: { reason: 'ordered twice' } });
  const webhookStream = (id: string) => app.running.infrastructure.store.readStream(`webhook-payments-${id}`);
  const inboxRows = (id: string) =>
    app.running.infrastructure.db
      .selectFrom('integration.webhook_inbox')
      .select('message_id')
      .where('source', '=', 'payments')
      .where('message_id', '=', id)
      .execute();
  const callsFor = (target: Partner, orderId: string) => target.calls.filter((call) => call.payload?.orderId === orderId);
  const headPosition = () => app.running.infrastructure.store.headPosition();
  const paymentsReceived = async (reference: string) =>
    (await app.running.infrastructure.store.readStream(creditStream(CREDIT_DEALER))).filter(
      (event) => event.type === 'PaymentReceived' && event.data.paymentId === reference,
    );
  const succeeded = (order: PlacedOrderBody, data: Record<string, unknown> = {}): Message => ({
    id: `pay-${randomUUID()}`,
    type: 'payment.succeeded',
    data: {
      orderId: order.id,
      dealerId: order.dealerId,
      amountMinor: order.totals.totalMinor,
      currency: 'CNY',
      reference: `PSP-${randomUUID()}`,
      ...data,
    },
  });
  const awaitingPayment = async (
    lines = [
      { sku: 'CUP', qty: 5 },
      { sku: 'TEA', qty: 3 },
    ],
  ) => {
    const order = await placeOrder(app, PREPAY_DEALER, lines);
    expect(order.status).toBe('awaiting_payment');
    expect(order.totals.totalMinor).toBeGreaterThan(0);
    return order;
  };

  it('asks for the payment of each prepay order approved, keyed by the approving event, and of nothing on credit', async () => {
    const prepay = await awaitingPayment();
    const reviewed = await eventIdOf(app, prepay.id, 'OrderReviewed');
    const call = await acceptedCall(payments, reviewed);
    expect(call.path).toBe('/payment-requests');
    expect(call.payload).toEqual({
      contract: PAYMENT_REQUEST_V1,
      requestId: reviewed,
      orderId: prepay.id,
      dealerId: PREPAY_DEALER,
      amountMinor: prepay.totals.totalMinor,
      currency: 'CNY',
      requestedAt: expect.any(String),
    });

    // An order on credit is released at once: the provider has nothing to collect.
    const credit = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 2 }]);
    expect(credit.status).toBe('approved');

    // Held (outside the dealer's territories): no request until ops approve it.
    const held = await placeOrder(app, PREPAY_DEALER, [{ sku: 'CUP', qty: 3 }], { regionCode: 'CN-44' });
    expect(held.status).toBe('on_hold');
    await adapterPast(app, 'payments', await headPosition());
    expect(callsFor(payments, credit.id)).toEqual([]);
    expect(callsFor(payments, held.id)).toEqual([]);
    const approved = await app.request('POST', `/v1/orders/${held.id}/approve`, { token: ops(), body: {} });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const heldApproval = await eventIdOf(app, held.id, 'HeldOrderApproved');
    const heldCall = await acceptedCall(payments, heldApproval);
    expect(heldCall.path).toBe('/payment-requests');
    expect(heldCall.payload).toMatchObject({
      contract: PAYMENT_REQUEST_V1,
      requestId: heldApproval,
      orderId: held.id,
      amountMinor: held.totals.totalMinor,
    });

    await adapterPast(app, 'payments', await headPosition());
    for (const order of [prepay, held]) expect(callsFor(payments, order.id), order.id).toHaveLength(1);
    expect(callsFor(payments, credit.id)).toEqual([]);
    // Awaiting payment, neither went to the warehouse.
    await adapterPast(app, 'logistics', await headPosition());
    for (const order of [prepay, held]) expect(callsFor(logistics, order.id), order.id).toEqual([]);
  });

  it('cancels the payment request of an order cancelled while it waited, after the request, saying what was paid', async () => {
    const order = await awaitingPayment();
    const reviewed = await eventIdOf(app, order.id, 'OrderReviewed');
    await acceptedCall(payments, reviewed);
    const part = succeeded(order, { amountMinor: 700 });
    expect((await postWebhook(app, 'payments', part)).body.status).toBe('accepted');
    expect((await cancel(order.id)).status).toBe(200);
    const cancelled = await eventIdOf(app, order.id, 'OrderCancelled');
    const call = await acceptedCall(payments, cancelled);
    expect(call.path).toBe(`/payment-requests/${order.id}/cancellation`);
    expect(call.payload).toEqual({
      contract: PAYMENT_CANCELLATION_V1,
      requestId: cancelled,
      orderId: order.id,
      dealerId: PREPAY_DEALER,
      paidMinor: 700,
      currency: 'CNY',
      cancelledAt: expect.any(String),
      reason: 'ordered twice',
    });
    expect(acceptedPerOrder(payments).get(order.id)).toEqual([PAYMENT_REQUEST_V1, PAYMENT_CANCELLATION_V1]);

    // An order on credit, or a prepay order still held, never waited for a payment: its cancellation is nothing to the provider.
    const credit = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 1 }]);
    const held = await placeOrder(app, PREPAY_DEALER, [{ sku: 'CUP', qty: 1 }], { regionCode: 'CN-44' });
    for (const other of [credit, held]) expect((await cancel(other.id)).status).toBe(200);
    await adapterPast(app, 'payments', await headPosition());
    for (const other of [credit, held]) expect(callsFor(payments, other.id), other.id).toEqual([]);
  });

  it('releases a prepay order paid in full by a signed payment.succeeded webhook, each payment once', async () => {
    const order = await awaitingPayment();
    const message = succeeded(order);
    const reference = message.data.reference as string;
    const paid = await postWebhook(app, 'payments', message);
    expect(paid.status).toBe(202);
    expect(paid.body).toEqual({ id: message.id, status: 'accepted', position: expect.any(String) });

    const state = await orderState(app, order.id);
    expect(state).toMatchObject({ status: 'approved', released: true, paidMinor: order.totals.totalMinor });
    const history = await orderEvents(app, order.id);
    expect(history.slice(-2).map((event) => event.type)).toEqual(['OrderPaymentRecorded', 'OrderReleased']);
    expect(history.at(-2)!.data).toMatchObject({
      paymentId: reference,
      reference,
      amountMinor: order.totals.totalMinor,
      dealerId: PREPAY_DEALER,
    });
    expect(history.at(-1)!.metadata).toMatchObject({ actor: 'partner:payments', role: 'integration', correlationId: message.id });
    expect((await webhookStream(message.id!)).map((event) => event.type)).toEqual(['PaymentWebhookReceived']);
    const read = await app.request('GET', `/v1/orders/${order.id}?minPosition=${await headPosition()}`, { token: ops() });
    expect(read.body.status).toBe('approved');

    // Released, the order goes to the warehouse, keyed by the releasing event.
    const shipment = await acceptedCall(logistics, await eventIdOf(app, order.id, 'OrderReleased'));
    expect(shipment.payload).toMatchObject({ contract: SHIPMENT_REQUEST_V1, orderId: order.id, releasedBy: 'payment' });

    // The same message again, and the same payment under another message id: nothing more happens.
    expect((await postWebhook(app, 'payments', message)).body).toEqual({
      id: message.id,
      status: 'duplicate',
      position: expect.any(String),
    });
    expect((await postWebhook(app, 'payments', { ...message, id: `pay-${randomUUID()}` })).body.status).toBe('accepted');
    expect(await orderEvents(app, order.id)).toHaveLength(history.length);
    await adapterPast(app, 'logistics', await headPosition());
    expect(callsFor(logistics, order.id)).toHaveLength(1);
  });

  it('releases an order paid in parts only with the last part, and takes each part once however often it is told', async () => {
    const order = await awaitingPayment();
    const total = order.totals.totalMinor;
    const first = succeeded(order, { amountMinor: Math.floor(total / 2) });
    expect((await postWebhook(app, 'payments', first)).body.status).toBe('accepted');
    let state = await orderState(app, order.id);
    expect(state).toMatchObject({ status: 'awaiting_payment', released: false, paidMinor: Math.floor(total / 2) });
    const count = (await orderEvents(app, order.id)).length;

    // The first part told again under another message id: recorded once.
    expect((await postWebhook(app, 'payments', { ...first, id: `pay-${randomUUID()}` })).body.status).toBe('accepted');
    expect(await orderEvents(app, order.id)).toHaveLength(count);
    expect((await orderState(app, order.id)).paidMinor).toBe(Math.floor(total / 2));

    // The rest, delivered eight times at once.
    const rest = succeeded(order, { amountMinor: total - Math.floor(total / 2) });
    const raw = JSON.stringify(rest);
    const responses = await Promise.all(Array.from({ length: 8 }, () => postWebhook(app, 'payments', rest, { raw })));
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(202));
    expect(responses.filter((response) => response.body.status === 'accepted')).toHaveLength(1);
    expect(responses.filter((response) => response.body.status === 'duplicate')).toHaveLength(7);
    state = await orderState(app, order.id);
    expect(state).toMatchObject({ status: 'approved', released: true, paidMinor: total });
    const history = await orderEvents(app, order.id);
    expect(
      history
        .filter((event) => ['OrderPaymentRecorded', 'OrderReleased'].includes(event.type))
        .map((event) => [event.type, event.data.reference]),
    ).toEqual([
      ['OrderPaymentRecorded', first.data.reference],
      ['OrderPaymentRecorded', rest.data.reference],
      ['OrderReleased', undefined],
    ]);
    expect(await webhookStream(rest.id!)).toHaveLength(1);
    await acceptedCall(logistics, await eventIdOf(app, order.id, 'OrderReleased'));
  });

  it("pays the dealer's credit ledger when the payment names no order, or an order on credit, once", async () => {
    const credit = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 1 }]);
    const creditOf = async () => {
      const read = await app.request('GET', `/v1/dealers/${CREDIT_DEALER}/credit?minPosition=${await headPosition()}`, {
        token: app.token('finance'),
      });
      expect(read.status, JSON.stringify(read.body)).toBe(200);
      return read.body as { creditBalanceMinor: number; outstandingMinor: number };
    };
    const before = await creditOf();
    const orderEventCount = (await orderEvents(app, credit.id)).length;

    const onAccount: Message = {
      id: `pay-${randomUUID()}`,
      type: 'payment.succeeded',
      data: { dealerId: CREDIT_DEALER, amountMinor: 12_345, reference: `BANK-${randomUUID()}` },
    };
    const forOrder = succeeded(credit, { amountMinor: 5_000 });
    for (const message of [onAccount, forOrder]) {
      expect((await postWebhook(app, 'payments', message)).body, message.id).toEqual({
        id: message.id,
        status: 'accepted',
        position: expect.any(String),
      });
      // Told again under another message id: recorded once.
      expect((await postWebhook(app, 'payments', { ...message, id: `pay-${randomUUID()}` })).body.status).toBe('accepted');
      const received = await paymentsReceived(message.data.reference as string);
      expect(received, message.id).toHaveLength(1);
      expect(received[0]!.data).toEqual({
        dealerId: CREDIT_DEALER,
        paymentId: message.data.reference,
        amountMinor: message.data.amountMinor,
        reference: message.data.reference,
      });
      expect(received[0]!.metadata).toMatchObject({ actor: 'partner:payments', role: 'integration', correlationId: message.id });
    }
    // The order on credit itself is untouched: its invoice is settled on the ledger.
    expect(await orderEvents(app, credit.id)).toHaveLength(orderEventCount);
    const after = await creditOf();
    expect(after.creditBalanceMinor - after.outstandingMinor - (before.creditBalanceMinor - before.outstandingMinor)).toBe(12_345 + 5_000);
  });

  it('refuses forged, tampered and stale payment webhooks with 401, and they change nothing', async () => {
    const order = await awaitingPayment();
    const before = (await orderEvents(app, order.id)).length;
    const message = succeeded(order);
    const raw = JSON.stringify(message);
    const now = Math.floor(Date.now() / 1_000);
    const attempts = {
      forged: postWebhook(app, 'payments', message, { raw, secret: 'not-the-payment-secret-000' }),
      'the logistics secret': postWebhook(app, 'payments', message, { raw, secret: LOGISTICS_SECRET }),
      stale: postWebhook(app, 'payments', message, { raw, at: now - 301 }),
      tampered: app.request('POST', '/v1/webhooks/payments', {
        raw: raw.replace(`"dealerId":"${PREPAY_DEALER}"`, `"dealerId":"${CREDIT_DEALER}"`),
        headers: { 'content-type': 'application/json', 'x-signature': signWebhook(PAYMENT_SECRET, raw, now) },
      }),
    };
    for (const [label, attempt] of Object.entries(attempts)) {
      const response = await attempt;
      expect(response.status, label).toBe(401);
      expect(response.headers.get('content-type'), label).toContain('application/problem+json');
      expect(response.body.code, label).toBe('invalid_signature');
    }
    expect(await orderEvents(app, order.id)).toHaveLength(before);
    expect((await orderState(app, order.id)).status).toBe('awaiting_payment');
    expect(await webhookStream(message.id!)).toEqual([]);
    expect(await inboxRows(message.id!)).toEqual([]);
    // The genuine message still takes effect: the refused ones left nothing behind.
    expect((await postWebhook(app, 'payments', message, { raw })).body.status).toBe('accepted');
    expect((await orderState(app, order.id)).released).toBe(true);
  });

  it('records payment webhooks the business refuses, answers 202 rejected, and never applies them', async () => {
    const order = await awaitingPayment();
    const cancelledOrder = await awaitingPayment([{ sku: 'CUP', qty: 1 }]);
    expect((await cancel(cancelledOrder.id)).status).toBe(200);
    const paidPart = succeeded(order, { amountMinor: 100 });
    expect((await postWebhook(app, 'payments', paidPart)).body.status).toBe('accepted');
    const due = order.totals.totalMinor - 100;
    const cases: [Message, string][] = [
      [succeeded({ ...order, id: 'O-NOPE' }), 'order_not_found'],
      [succeeded(order, { dealerId: CREDIT_DEALER }), 'dealer_mismatch'],
      [succeeded(order, { amountMinor: 100, currency: 'USD' }), 'currency_mismatch'],
      [succeeded(order, { amountMinor: due + 1 }), 'payment_exceeds_due'],
      [succeeded(order, { amountMinor: 200, reference: paidPart.data.reference }), 'payment_already_recorded'],
      [succeeded(cancelledOrder), 'illegal_transition'],
      [
        {
          type: 'payment.succeeded',
          data: { dealerId: CREDIT_DEALER, amountMinor: 100, currency: 'USD', reference: `BANK-${randomUUID()}` },
        },
        'currency_mismatch',
      ],
      [
        { type: 'payment.succeeded', data: { dealerId: 'D-NOPE', amountMinor: 100, reference: `BANK-${randomUUID()}` } },
        'dealer_not_found',
      ],
      [{ type: 'payment.refunded', data: { orderId: order.id, dealerId: PREPAY_DEALER, amountMinor: 100 } }, 'unsupported_message_type'],
    ];
    for (const [message, code] of cases) {
      const id = `pay-${randomUUID()}`;
      const response = await postWebhook(app, 'payments', { ...message, id });
      expect(response.status, code).toBe(202);
      expect(response.body, code).toMatchObject({ id, status: 'rejected', reason: { code } });
      const events = await webhookStream(id);
      expect(
        events.map((event) => event.type),
        code,
      ).toEqual(['PaymentWebhookReceived', 'PaymentWebhookRejected']);
      expect(events[1]!.data, code).toMatchObject({ messageId: id, messageType: message.type, code });
      // Final: told again, it is a duplicate, not a second try.
      expect((await postWebhook(app, 'payments', { ...message, id })).body.status, code).toBe('duplicate');
    }
    expect(await orderState(app, order.id)).toMatchObject({ status: 'awaiting_payment', paidMinor: 100 });
    expect((await orderState(app, cancelledOrder.id)).paidMinor).toBe(0);
    for (const [message] of cases) {
      if (typeof message.data.reference === 'string') expect(await paymentsReceived(message.data.reference)).toEqual([]);
    }
    const feed = await app.request('GET', '/v1/feed?types=PaymentWebhookRejected&limit=500', { token: app.token('integration') });
    expect(feed.body.items.map((item: any) => item.data.code)).toEqual(expect.arrayContaining(cases.map(([, code]) => code)));
  });

  it('answers payment data it cannot read with 400 naming each field, writing nothing', async () => {
    const order = await awaitingPayment();
    const cases: [Message, string[]][] = [
      [
        { type: 'payment.succeeded', data: { orderId: order.id, amountMinor: -500, currency: 'cny' } },
        ['body.data.amountMinor', 'body.data.currency', 'body.data.dealerId', 'body.data.reference'],
      ],
      [
        { type: 'payment.succeeded', data: { orderId: order.id, dealerId: PREPAY_DEALER, amountMinor: 1.5, reference: '' } },
        ['body.data.amountMinor', 'body.data.reference'],
      ],
      [{ type: 'payment.failed', data: { orderId: order.id, amountMinor: 0 } }, ['body.data.amountMinor', 'body.data.dealerId']],
    ];
    for (const [message, paths] of cases) {
      const id = `pay-${randomUUID()}`;
      const response = await postWebhook(app, 'payments', { ...message, id });
      expect(response.status, id).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('validation_failed');
      expect(response.body.errors.map((error: any) => error.path).sort()).toEqual(paths);
      expect(await webhookStream(id)).toEqual([]);
      expect(await inboxRows(id)).toEqual([]);
    }
    expect(await orderState(app, order.id)).toMatchObject({ status: 'awaiting_payment', paidMinor: 0 });
  });

  it('gets every request and cancellation through a flaky, slow, throttling provider: each once, the same content, in order per order', async () => {
    // The first try of every message fails; some second tries are throttled (429 with Retry-After);
    // every fourth call answers after the client gave up.
    const flaky = await partner(({ call, callsForKey }) => {
      if (callsForKey === 1) return { status: 503 };
      if (callsForKey === 2 && call % 3 === 0) return { status: 429, headers: { 'retry-after': '1' } };
      return call % 4 === 0 ? { status: 200, delayMs: 400 } : { status: 200 };
    });
    await expectEveryMessageOnceInOrder(app, testAdapter('payments-flaky', flaky, { timeoutMs: 200 }), flaky, PREPAY_DEALER, [
      PAYMENT_REQUEST_V1,
      PAYMENT_CANCELLATION_V1,
    ]);
    for (const call of flaky.accepted) expect(call.payload.amountMinor ?? call.payload.paidMinor, call.key).toBeGreaterThanOrEqual(0);
    expect(flaky.calls.some((call) => call.callsForKey === 2 && call.call % 3 === 0)).toBe(true);
  });

  it("dead-letters a request after the retry budget while the provider is down, and delivers it on an operator's retry", async () => {
    const { db } = app.running.infrastructure;
    const down = await partner(() => ({ status: 503, headers: { 'retry-after': '1' } }));
    const run = await runAdapter(app, testAdapter('payments-down', down, { retry: { maxAttempts: 3 } }));
    try {
      const order = await awaitingPayment([{ sku: 'CUP', qty: 1 }]);
      const key = await eventIdOf(app, order.id, 'OrderReviewed');
      const [deadLetter] = await eventually(async () => {
        const rows = await listDeadLetters(db, { adapter: 'payments-down', limit: 10 });
        return rows.length === 1 ? rows : undefined;
      });
      expect(deadLetter).toMatchObject({
        eventId: key,
        eventType: 'OrderReviewed',
        streamId: `order-${order.id}`,
        attempts: 3,
        status: 'open',
      });
      expect(deadLetter!.lastError).toContain('HTTP 503');
      expect(down.calls.filter((call) => call.key === key)).toHaveLength(3);

      down.behave(ok);
      expect((await requestRetry(db, Number(deadLetter!.id))).outcome).toBe('requested');
      expect((await acceptedCall(down, key)).payload).toMatchObject({
        contract: PAYMENT_REQUEST_V1,
        orderId: order.id,
        requestId: key,
        amountMinor: order.totals.totalMinor,
      });
      await eventually(async () => ((await findDeadLetter(db, Number(deadLetter!.id)))?.status === 'delivered' ? true : undefined));
    } finally {
      await run.stop();
    }
    expectSameContentPerKey(down);

    // A provider that cannot be reached at all: not ready, and dead-lettered the same way.
    const gone = await startPartner();
    await gone.close();
    const unreachable = testAdapter('payments-unreachable', gone, { retry: { maxAttempts: 2 } });
    expect(await unreachable.ready!()).toBe(false);
    const unreachableRun = await runAdapter(app, unreachable);
    try {
      const order = await awaitingPayment([{ sku: 'CUP', qty: 1 }]);
      const [deadLetter] = await eventually(async () => {
        const rows = await listDeadLetters(db, { adapter: 'payments-unreachable', limit: 10 });
        return rows.length === 1 ? rows : undefined;
      });
      expect(deadLetter).toMatchObject({ eventId: await eventIdOf(app, order.id, 'OrderReviewed'), attempts: 2, status: 'open' });
      expect(deadLetter!.lastError).toContain('network error');
    } finally {
      await unreachableRun.stop();
    }
  });

  it('replays from a position: every request from there again, the same content under the same key', async () => {
    const target = await partner();
    const replayed = await expectReplayFromPosition(app, testAdapter('payments-replayed', target), target, PREPAY_DEALER);
    expect(replayed.every((call) => call.path === '/payment-requests')).toBe(true);
  });
});
