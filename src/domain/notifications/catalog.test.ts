import { describe, expect, it } from 'vitest';
import { NOTIFICATION_SOURCES, NOTIFICATION_TYPES, notificationOf, sourceTypesOf, withDealer } from './catalog.ts';
import { notificationText } from './texts.ts';

const reasons = [{ code: 'insufficient_stock', detail: 'TEA at WH-1: 5 requested, 2 available' }];

describe('the notification catalog', () => {
  it('gives each notifying event its type and facts, and nothing for other events', () => {
    expect(notificationOf({ type: 'OrderReviewed', data: { orderId: 'O-1', decision: 'on_hold', reasons } })).toEqual({
      type: 'order.on_hold',
      facts: { orderId: 'O-1', dealerId: null, reasons, reason: null },
    });
    expect(notificationOf({ type: 'OrderRejectedByDealer', data: { orderId: 'O-2', reason: 'too much' } })).toMatchObject({
      type: 'order.rejected',
      facts: { reasons: [{ code: 'dealer_rejected', detail: 'too much' }], reason: 'too much' },
    });
    expect(
      notificationOf({
        type: 'ShipmentDispatched',
        data: {
          orderId: 'O-1',
          dealerId: 'D-1',
          shipmentId: 'S-1',
          carrier: 'SF',
          trackingNumber: 'T',
          orderStatus: 'shipped',
          lines: [{ sku: 'TEA', qty: 2, lots: [] }],
        },
      }),
    ).toEqual({
      type: 'order.shipped',
      facts: {
        orderId: 'O-1',
        dealerId: 'D-1',
        shipmentId: 'S-1',
        carrier: 'SF',
        trackingNumber: 'T',
        orderStatus: 'shipped',
        lines: [{ sku: 'TEA', qty: 2 }],
      },
    });
    expect(notificationOf({ type: 'OrderPlaced', data: { orderId: 'O-1' } })).toBeNull();
    expect(notificationOf({ type: 'StockRecovered', data: { sku: 'TEA' } })).toBeNull();
  });

  it('names for every type the events it comes from, and for a subscription the events to follow', () => {
    const covered = new Set(Object.values(NOTIFICATION_SOURCES).flat());
    expect([...covered].sort()).toEqual([...NOTIFICATION_TYPES].sort());
    expect(sourceTypesOf(['order.rejected']).sort()).toEqual(['HeldOrderRejected', 'OrderRejectedByDealer', 'OrderReviewed']);
    expect(sourceTypesOf(['stock.low'])).toEqual(['StockFellBelowThreshold']);
  });

  it('fills in the dealer an order event did not name, and leaves stock notifications alone', () => {
    const held = notificationOf({ type: 'OrderReviewed', data: { orderId: 'O-1', decision: 'approved', reasons: [] } })!;
    expect(withDealer(held, 'D-9').facts).toMatchObject({ dealerId: 'D-9' });
    const low = notificationOf({ type: 'StockFellBelowThreshold', data: { sku: 'TEA', warehouseId: 'WH-1', available: 3, threshold: 5 } })!;
    expect(withDealer(low, 'D-9')).toEqual(low);
  });
});

describe('notification texts', () => {
  it('tells each type in Chinese and in English, with where to look', () => {
    const delayed = notificationOf({
      type: 'ShipmentDelayed',
      data: {
        orderId: 'O-1',
        dealerId: 'D-1',
        shipmentId: 'S-1',
        cause: 'exception',
        previousEta: null,
        eta: '2030-05-01T10:00:00.000Z',
        reason: 'Road closed',
      },
    })!;
    expect(notificationText(delayed, 'zh')).toEqual({
      title: '货件延误',
      body: '订单 O-1 的货件 S-1 运输异常：Road closed，预计 2030-05-01 18:00 送达。',
      link: '/v1/orders/O-1',
    });
    expect(notificationText(delayed, 'en').body).toBe(
      'Shipment S-1 of order O-1 ran into a problem: Road closed; now expected on 2030-05-01 18:00 (Asia/Shanghai).',
    );
    const expiring = notificationOf({
      type: 'LotEnteredExpiryTier',
      data: {
        sku: 'TEA',
        warehouseId: 'WH-1',
        lot: 'L-1',
        expiryDate: '2026-04-01',
        tier: 'red',
        daysLeft: 20,
        qty: 7,
        today: '2026-03-12',
      },
    })!;
    expect(notificationText(expiring, 'zh')).toEqual({
      title: '临期预警（红色）',
      body: '仓库 WH-1 的商品 TEA 批次 L-1（7 件）将于 2026-04-01 到期，剩余 20 天。',
      link: '/v1/stock/expiring?tier=red&sku=TEA&warehouseId=WH-1',
    });
    const held = notificationOf({ type: 'OrderReviewed', data: { orderId: 'O-1', decision: 'on_hold', reasons } })!;
    expect(notificationText(held, 'en').body).toBe('Order O-1 is on hold for review: insufficient stock.');
    for (const type of NOTIFICATION_TYPES) expect(type).toMatch(/^(order|shipment|stock)\./);
  });
});
