// The logistics v1 contract: which order events release an order to the warehouse, and the
// shipment request and cancellation they become.
import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../domain/ordering/order.ts';
import { lastWithOrder, placed, recorded, reservations, review } from '../../../test/support/order-history.ts';
import { SHIPMENT_CANCELLATION_V1, SHIPMENT_REQUEST_V1, logisticsMessageFor } from './contract.ts';

const messageAfter = (events: OrderEvent[]) => {
  const { event, before, after } = lastWithOrder(events);
  return logisticsMessageFor(event, before, after);
};

const paid = (amountMinor: number, paymentId: string): OrderEvent => ({
  type: 'OrderPaymentRecorded',
  data: { orderId: 'O-1', dealerId: 'D-1', paymentId, amountMinor, reference: paymentId, paidAt: '2026-03-02T05:00:00.000Z' },
});
const released: OrderEvent = { type: 'OrderReleased', data: { orderId: 'O-1', dealerId: 'D-1', releasedAt: '2026-03-02T05:00:00.000Z' } };
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId: 'O-1', reason: 'duplicate order', releasing: reservations } };

describe('logistics contract v1', () => {
  it('asks for a shipment when the review approves an order: lines per SKU with gifts and reserved warehouses', () => {
    const events: OrderEvent[] = [{ type: 'OrderPlaced', data: placed() }, review('approved')];
    const message = messageAfter(events);
    expect(message).toEqual({
      path: 'shipment-requests',
      body: {
        contract: SHIPMENT_REQUEST_V1,
        requestId: recorded(events)[1]!.id,
        orderId: 'O-1',
        dealerId: 'D-1',
        releasedAt: '2026-03-02T04:00:01.000Z',
        releasedBy: 'review',
        delivery: { regionCode: 'CN-31', address: '88 Century Avenue, Shanghai' },
        note: 'Dock 3',
        lines: [
          {
            sku: 'TEA',
            name: 'Green tea',
            qty: 12,
            orderedQty: 10,
            giftQty: 2,
            warehouses: [
              { warehouseId: 'WH-E', qty: 8 },
              { warehouseId: 'WH-N', qty: 4 },
            ],
          },
          { sku: 'CUP', name: 'Cup', qty: 2, orderedQty: 2, giftQty: 0, warehouses: [{ warehouseId: 'WH-E', qty: 2 }] },
        ],
        gifts: [{ sku: 'TEA', name: 'Green tea', qty: 2, promotionId: 'BUY5' }],
      },
    });
    // A pure function of the history: a retry or a replay sends the same body.
    expect(messageAfter(events)).toEqual(message);
  });

  it('asks for a shipment when ops approve a held order, with the reservations the approval made', () => {
    const approval: OrderEvent = { type: 'HeldOrderApproved', data: { orderId: 'O-1', note: null, reservations } };
    const message = messageAfter([
      { type: 'OrderPlaced', data: placed() },
      review('on_hold', { stock: [], creditMinor: 0, promotions: [] }),
      approval,
    ]);
    expect(message?.body).toMatchObject({
      releasedBy: 'ops_approval',
      lines: [{ sku: 'TEA', warehouses: [{ qty: 8 }, { qty: 4 }] }, { sku: 'CUP' }],
    });
  });

  it('waits for a prepay order to be paid in full: its approval and a part payment are no release', () => {
    const prepay = placed({ prepay: true });
    const approvedUnpaid: OrderEvent[] = [{ type: 'OrderPlaced', data: prepay }, review('approved', { ...reservations, creditMinor: 0 })];
    expect(messageAfter(approvedUnpaid)).toBeNull();
    expect(messageAfter([...approvedUnpaid, paid(800, 'P-1')])).toBeNull();
    const paidInFull = [...approvedUnpaid, paid(800, 'P-1'), paid(10_000, 'P-2'), released];
    expect(messageAfter(paidInFull)).toMatchObject({
      path: 'shipment-requests',
      body: { releasedBy: 'payment', requestId: recorded(paidInFull)[4]!.id },
    });
  });

  it('cancels the shipment request of a released order, and only of one', () => {
    const approved: OrderEvent[] = [{ type: 'OrderPlaced', data: placed() }, review('approved')];
    expect(messageAfter([...approved, cancelled])).toEqual({
      path: 'shipment-requests/O-1/cancellation',
      body: {
        contract: SHIPMENT_CANCELLATION_V1,
        requestId: recorded([...approved, cancelled])[2]!.id,
        orderId: 'O-1',
        dealerId: 'D-1',
        cancelledAt: '2026-03-02T04:00:02.000Z',
        reason: 'duplicate order',
      },
    });
    expect(messageAfter([{ type: 'OrderPlaced', data: placed() }, review('on_hold'), cancelled])).toBeNull();
    expect(messageAfter([{ type: 'OrderPlaced', data: placed({ prepay: true }) }, review('approved'), cancelled])).toBeNull();
  });

  it('sends nothing for a hold', () => {
    expect(messageAfter([{ type: 'OrderPlaced', data: placed() }, review('on_hold')])).toBeNull();
  });
});
