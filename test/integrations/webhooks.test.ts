// Partner webhooks over the real server: signatures (valid, forged, tampered, stale, missing),
// and a repeated delivery, even concurrent ones, having one effect.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/integrations/webhooks/signature.ts';
import { receiveWebhook, webhookEventId } from '../../src/integrations/webhooks/inbox.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

const PAYMENT_SECRET = 'test-payment-secret-0123456789';
const LOGISTICS_SECRET = 'test-logistics-secret-0123456789';
const now = () => Math.floor(Date.now() / 1_000);

describe('partner webhooks', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ PAYMENT_WEBHOOK_SECRET: PAYMENT_SECRET, LOGISTICS_WEBHOOK_SECRET: LOGISTICS_SECRET });
  });
  afterAll(async () => {
    await app.stop();
  });

  function post(source: 'payments' | 'logistics', raw: string, signature: string | undefined, contentType = 'application/json') {
    return app.request('POST', `/v1/webhooks/${source}`, {
      raw,
      headers: { 'content-type': contentType, ...(signature !== undefined && { 'x-signature': signature }) },
    });
  }

  const message = (id: string, extra: object = {}) =>
    JSON.stringify({ id, type: 'payment.failed', data: { dealerId: 'D-1', amountMinor: 1200 }, ...extra });
  const streamOf = (source: string, id: string) => app.running.infrastructure.store.readStream(`webhook-${source}-${id}`);

  it('accepts a validly signed message once and records it as an event', async () => {
    const id = `pay-${randomUUID()}`;
    const body = message(id, { occurredAt: '2025-06-01T10:00:00Z' });
    const first = await post('payments', body, signWebhook(PAYMENT_SECRET, body, now()));
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id, status: 'accepted', position: expect.stringMatching(/^\d+$/) });

    const again = await post('payments', body, signWebhook(PAYMENT_SECRET, body, now() - 10));
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ id, status: 'duplicate', position: expect.stringMatching(/^\d+$/) });

    const events = await streamOf('payments', id);
    expect(events.map((event) => event.type)).toEqual(['PaymentWebhookReceived', 'PaymentFailureReported']);
    // Like every command response, the position covers the events the message wrote.
    for (const event of events) expect(BigInt(event.position)).toBeLessThanOrEqual(BigInt(first.body.position));
    expect(events[0]).toMatchObject({
      id: webhookEventId('payments', id, 0),
      type: 'PaymentWebhookReceived',
      data: {
        messageId: id,
        messageType: 'payment.failed',
        occurredAt: '2025-06-01T10:00:00Z',
        data: { dealerId: 'D-1', amountMinor: 1200 },
      },
      metadata: { actor: 'partner:payments', role: 'integration', correlationId: id },
    });
  });

  it('has one effect when the same message arrives many times at once', async () => {
    const id = `pay-${randomUUID()}`;
    const body = message(id);
    const responses = await Promise.all(Array.from({ length: 8 }, () => post('payments', body, signWebhook(PAYMENT_SECRET, body, now()))));
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(202));
    expect(responses.filter((response) => response.body.status === 'accepted')).toHaveLength(1);
    expect(await streamOf('payments', id)).toHaveLength(2);
  });

  it('refuses forged, tampered, stale, future, missing and cross-partner signatures with 401', async () => {
    const id = `pay-${randomUUID()}`;
    const body = message(id);
    const cases: [string, string | undefined, string][] = [
      ['forged', signWebhook('someone-elses-secret-000', body, now()), body],
      ['tampered', signWebhook(PAYMENT_SECRET, body, now()), body.replace('1200', '9900')],
      ['stale', signWebhook(PAYMENT_SECRET, body, now() - 301), body],
      ['future', signWebhook(PAYMENT_SECRET, body, now() + 400), body],
      ['missing', undefined, body],
      ['malformed', 'sha256=abc', body],
      ['logistics secret', signWebhook(LOGISTICS_SECRET, body, now()), body],
    ];
    for (const [label, signature, raw] of cases) {
      const response = await post('payments', raw, signature);
      expect(response.status, label).toBe(401);
      expect(response.headers.get('content-type'), label).toContain('application/problem+json');
      expect(response.body.code, label).toBe('invalid_signature');
    }
    expect(await streamOf('payments', id)).toHaveLength(0);
  });

  it('verifies logistics messages under the logistics secret', async () => {
    const id = `ship-${randomUUID()}`;
    const body = JSON.stringify({ id, type: 'shipment.delivered', data: { orderId: 'NO-SUCH-ORDER', shipmentId: 'S-1' } });
    expect((await post('logistics', body, signWebhook(PAYMENT_SECRET, body, now()))).status).toBe(401);
    const response = await post('logistics', body, signWebhook(LOGISTICS_SECRET, body, now()));
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ id, status: 'rejected', reason: { code: 'order_not_found' } });
    const [event] = await streamOf('logistics', id);
    expect(event).toMatchObject({ type: 'LogisticsWebhookReceived', data: { messageType: 'shipment.delivered' } });
  });

  it('answers a signed but invalid body with 400, and other media types with 415', async () => {
    const notJson = '{"id": ';
    const broken = await post('payments', notJson, signWebhook(PAYMENT_SECRET, notJson, now()));
    expect(broken.status).toBe(400);
    const noId = JSON.stringify({ type: 'payment.settled', data: {} });
    const invalid = await post('payments', noId, signWebhook(PAYMENT_SECRET, noId, now()));
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error: any) => error.path)).toEqual(['body.id']);
    const text = 'id=1';
    expect((await post('payments', text, signWebhook(PAYMENT_SECRET, text, now()), 'text/plain')).status).toBe(415);
  });

  it('runs a failed effect again on the next delivery, and then never again', async () => {
    const { db, store, commands } = app.running.infrastructure;
    const message = { id: `pay-${randomUUID()}`, type: 'payment.settled', data: {} };
    const context = { source: 'payments' as const, store, commands, now: new Date() };
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls === 1) throw new Error('the ledger is unavailable');
      return { status: 'accepted' as const };
    };
    await expect(receiveWebhook(db, message, flaky, context)).rejects.toThrow('the ledger is unavailable');
    expect(await receiveWebhook(db, message, flaky, context)).toEqual({ status: 'accepted' });
    expect(await receiveWebhook(db, message, flaky, context)).toEqual({ status: 'duplicate' });
    expect(calls).toBe(2);
  });

  it('leaves JSON parsing of every other route alone', async () => {
    const response = await app.request('POST', '/v1/products', {
      token: app.token('ops'),
      raw: '{"sku": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_body');
  });
});
