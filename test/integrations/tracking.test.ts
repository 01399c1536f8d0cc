// In-transit tracking through the signed logistics webhook: the order's shipment shows the latest
// location, ETA and exceptions, its timeline tells each report, a later ETA or an exception delays
// the shipment once, and the order as of an earlier instant shows what was known then.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { CREDIT_DEALER, LOGISTICS_SECRET, orderEvents, placeOrder, postWebhook, setUpCatalog } from './order-partners.ts';

describe('in-transit tracking', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ LOGISTICS_WEBHOOK_SECRET: LOGISTICS_SECRET });
    await setUpCatalog(app);
  });
  afterAll(async () => {
    await app.stop();
  });

  const tell = async (type: string, data: Record<string, unknown>, id = `trk-${randomUUID()}`) => {
    const response = await postWebhook(app, 'logistics', { id, type, data });
    expect(response.status, response.text).toBe(202);
    return response.body as { status: string; reason?: { code: string }; position: string };
  };

  async function shippedOrder(shipmentId: string): Promise<string> {
    const order = await placeOrder(app, CREDIT_DEALER, [{ sku: 'CUP', qty: 2 }]);
    expect((await tell('shipment.dispatched', { orderId: order.id, shipmentId })).status).toBe('accepted');
    return order.id;
  }

  const detail = async (orderId: string, query = '') => {
    const response = await app.request('GET', `/v1/orders/${orderId}${query}`, { token: app.token('dealer', CREDIT_DEALER) });
    expect(response.status, response.text).toBe(200);
    return response.body;
  };

  it('shows the latest location, ETA and exceptions on the shipment and in the timeline; asOf shows what was known then', async () => {
    const orderId = await shippedOrder('TRK-1');
    await tell('shipment.in_transit', { orderId, shipmentId: 'TRK-1', location: '杭州转运中心', eta: '2030-05-01T18:00:00+08:00' });
    const between = new Date().toISOString();
    await tell('shipment.in_transit', { orderId, shipmentId: 'TRK-1', location: 'Shanghai depot' });
    const last = await tell('shipment.exception', {
      orderId,
      shipmentId: 'TRK-1',
      reason: 'Road closed by snow',
      eta: '2030-05-02T10:00:00Z',
    });

    const now = await detail(orderId, `?minPosition=${last.position}`);
    expect(now.shipments[0]).toMatchObject({
      shipmentId: 'TRK-1',
      location: 'Shanghai depot',
      eta: '2030-05-02T10:00:00.000Z',
      exceptions: [{ reason: 'Road closed by snow', eta: '2030-05-02T10:00:00.000Z', reportedAt: expect.any(String) }],
    });
    const tracking = now.timeline.filter((entry: { event: string }) =>
      ['ShipmentInTransit', 'ShipmentExceptionReported', 'ShipmentDelayed'].includes(entry.event),
    );
    expect(tracking.map((entry: { event: string; detail: unknown }) => [entry.event, entry.detail])).toEqual([
      ['ShipmentInTransit', { shipmentId: 'TRK-1', location: '杭州转运中心', eta: '2030-05-01T10:00:00.000Z' }],
      ['ShipmentInTransit', { shipmentId: 'TRK-1', location: 'Shanghai depot', eta: '2030-05-01T10:00:00.000Z' }],
      ['ShipmentExceptionReported', { shipmentId: 'TRK-1', reason: 'Road closed by snow', eta: '2030-05-02T10:00:00.000Z' }],
      [
        'ShipmentDelayed',
        {
          shipmentId: 'TRK-1',
          cause: 'exception',
          previousEta: '2030-05-01T10:00:00.000Z',
          eta: '2030-05-02T10:00:00.000Z',
          reason: 'Road closed by snow',
        },
      ],
    ]);
    expect(tracking.length).toBeGreaterThan(0);
    expect(tracking.every((entry: { status: string }) => entry.status === 'shipped')).toBe(true);

    // Folded from the stream: the same shipment and timeline as the read model, as of then.
    const asOfNow = await detail(orderId, `?asOf=${encodeURIComponent(new Date().toISOString())}`);
    expect(asOfNow.shipments).toEqual(now.shipments);
    expect(asOfNow.timeline).toEqual(now.timeline);
    const asOfBetween = await detail(orderId, `?asOf=${encodeURIComponent(between)}`);
    expect(asOfBetween.shipments[0]).toMatchObject({ location: '杭州转运中心', eta: '2030-05-01T10:00:00.000Z', exceptions: [] });
  });

  it('delays a shipment once when its ETA moves later, and not for the same report told again or an earlier ETA', async () => {
    const orderId = await shippedOrder('TRK-2');
    await tell('shipment.in_transit', { orderId, shipmentId: 'TRK-2', eta: '2030-06-01T10:00:00Z' });
    const later = { orderId, shipmentId: 'TRK-2', location: 'Nanjing', eta: '2030-06-03T10:00:00Z' };
    const messageId = `trk-${randomUUID()}`;
    await tell('shipment.in_transit', later, messageId);
    expect((await tell('shipment.in_transit', later, messageId)).status).toBe('duplicate');
    await tell('shipment.in_transit', later);
    await tell('shipment.in_transit', { orderId, shipmentId: 'TRK-2', eta: '2030-06-02T10:00:00Z' });
    const delays = (await orderEvents(app, orderId)).filter((event) => event.type === 'ShipmentDelayed');
    expect(delays.map((event) => event.data)).toEqual([
      expect.objectContaining({
        cause: 'eta_later',
        previousEta: '2030-06-01T10:00:00.000Z',
        eta: '2030-06-03T10:00:00.000Z',
        dealerId: CREDIT_DEALER,
      }),
    ]);
  });

  it('rejects news of an unknown shipment, and refuses data a message type cannot carry with a 400', async () => {
    const orderId = await shippedOrder('TRK-3');
    expect(await tell('shipment.in_transit', { orderId, shipmentId: 'TRK-NONE', location: 'Nowhere' })).toMatchObject({
      status: 'rejected',
      reason: { code: 'shipment_not_found' },
    });
    const bad = await postWebhook(app, 'logistics', {
      type: 'shipment.exception',
      data: { orderId, shipmentId: 'TRK-3', eta: 'tomorrow' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['body.data.eta', 'body.data.reason']);
  });
});
