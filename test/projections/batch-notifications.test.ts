// The notifications projection's set-based path against its per-event path: orders placed and
// reviewed folded, between the other notifications, reads and subscriptions handled per event,
// leave exactly the rows the per-event path leaves and fail on the same event.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notificationsProjection } from '../../src/projections/notifications/projection.ts';
import { batchHarness, random, type Planned } from '../support/batch-harness.ts';

/**
 * Orders of three dealers placed and reviewed (approved, held, rejected), held orders decided,
 * shipped and delivered; readers marking notifications read; a subscription. `messy` adds what
 * makes the per-event path fail or look up nothing: an order placed twice, a review of an order
 * never placed, a dealer id that is not text.
 */
function planNotifications(seed: number, count: number, messy: boolean): Planned[] {
  const { pick, chance, next } = random(seed);
  const placed: { orderId: string; dealerId: string }[] = [];
  const events: Planned[] = [];
  let serial = 0;
  while (events.length < count) {
    serial += 1;
    const roll = next();
    if (placed.length === 0 || roll < 0.35) {
      const orderId = messy && chance(0.02) && placed.length > 0 ? pick(placed).orderId : `O-${seed}-${serial}`;
      const dealerId = messy && chance(0.01) ? (42 as unknown as string) : pick(['D-1', 'D-2', 'D-3']);
      placed.push({ orderId, dealerId });
      events.push({
        stream: `order-${orderId}`,
        type: 'OrderPlaced',
        data: { orderId, dealerId, placedAt: '2025-01-01T00:00:00Z', lines: [] },
      });
      continue;
    }
    const { orderId, dealerId } = messy && chance(0.03) ? { orderId: `O-NEVER-${serial}`, dealerId: 'D-1' } : pick(placed);
    const stream = `order-${orderId}`;
    if (roll < 0.7) {
      const decision = pick(['approved', 'on_hold', 'rejected']);
      events.push({
        stream,
        type: 'OrderReviewed',
        data: { orderId, decision, reasons: decision === 'approved' ? [] : [{ code: 'insufficient_stock', detail: 'short' }] },
      });
    } else if (roll < 0.78) {
      events.push({ stream, type: pick(['HeldOrderApproved', 'HeldOrderRejected']), data: { orderId, note: 'ok', reason: 'no' } });
    } else if (roll < 0.86) {
      events.push({
        stream,
        type: 'ShipmentDispatched',
        data: {
          orderId,
          dealerId,
          shipmentId: `S-${serial}`,
          carrier: 'SF',
          trackingNumber: null,
          orderStatus: 'shipped',
          lines: [{ sku: 'TEA', qty: 1, lots: [] }],
        },
      });
    } else if (roll < 0.96) {
      events.push({
        stream: `inbox-reader-${serial % 3}`,
        type: 'NotificationRead',
        data: { reader: `reader-${serial % 3}`, notificationId: randomUUID(), readAt: '2025-01-02T00:00:00Z' },
      });
    } else {
      events.push({
        stream: 'subscriptions-~staff',
        type: 'SubscriptionCreated',
        data: {
          subscriptionId: `SUB-${serial}`,
          dealerId: null,
          url: 'https://example.com/hook',
          events: ['stock.low'],
          secretHint: '…abcd',
          createdBy: 'ops',
          createdAt: '2025-01-01T00:00:00Z',
        },
      });
    }
  }
  return events;
}

describe('the notifications batch handler', () => {
  const { open, expectSameAsPerEvent } = batchHarness();

  for (const [seed, messy] of [
    [51, false],
    [52, false],
    [53, true],
    [54, true],
    [55, true],
  ] as const) {
    it(
      `leaves the rows the per-event path leaves, and fails where it fails (seed ${seed}${messy ? ', messy' : ''})`,
      { timeout: 60_000 },
      async () => {
        await open(planNotifications(seed, 150, messy));
        const reference = await expectSameAsPerEvent(notificationsProjection);
        if (!messy) expect(reference).toHaveProperty('rows');
      },
    );
  }

  it('tells an order event that does not name its dealer by the order it is about, placed in the same fold or before', async () => {
    await open([
      { stream: 'order-O-1', type: 'OrderPlaced', data: { orderId: 'O-1', dealerId: 'D-1' } },
      { stream: 'order-O-2', type: 'OrderPlaced', data: { orderId: 'O-2', dealerId: 'D-2' } },
      { stream: 'order-O-1', type: 'OrderReviewed', data: { orderId: 'O-1', decision: 'on_hold', reasons: [] } },
      { stream: 'order-O-2', type: 'OrderReviewed', data: { orderId: 'O-2', decision: 'approved', reasons: [] } },
    ]);
    const reference = await expectSameAsPerEvent(notificationsProjection);
    expect(reference).toMatchObject({
      rows: {
        items: [
          expect.objectContaining({ type: 'order.on_hold', dealer_id: 'D-1', order_id: 'O-1', for_staff: true }),
          expect.objectContaining({ type: 'order.approved', dealer_id: 'D-2', order_id: 'O-2', for_staff: false }),
        ],
      },
    });
  });
});
