// The payments v1 contract: which order events make a prepay order wait for its payment, and the
// payment request and cancellation they become.
import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../domain/ordering/order.ts';
import { lastWithOrder, placed, recorded, reservations, review } from '../../../test/support/order-history.ts';
import { PAYMENT_CANCELLATION_V1, PAYMENT_REQUEST_V1, paymentMessageFor } from './contract.ts';

const messageAfter = (events: OrderEvent[]) => {
  const { event, before, after } = lastWithOrder(events);
  return paymentMessageFor(event, before, after);
};

const prepaid: OrderEvent = { type: 'OrderPlaced', data: placed({ prepay: true }) };
const noCredit = { ...reservations, creditMinor: 0 };
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId: 'O-1', reason: null, releasing: noCredit } };

describe('payments contract v1', () => {
  it('requests the payment of a prepay order its review approves', () => {
    const events = [prepaid, review('approved', noCredit)];
    expect(messageAfter(events)).toEqual({
      path: 'payment-requests',
      body: {
        contract: PAYMENT_REQUEST_V1,
        requestId: recorded(events)[1]!.id,
        orderId: 'O-1',
        dealerId: 'D-1',
        amountMinor: 10_800,
        currency: 'CNY',
        requestedAt: '2026-03-02T04:00:01.000Z',
      },
    });
  });

  it('requests it when ops approve a held prepay order', () => {
    const approval: OrderEvent = { type: 'HeldOrderApproved', data: { orderId: 'O-1', note: null, reservations: noCredit } };
    expect(messageAfter([prepaid, review('on_hold', noCredit), approval])).toMatchObject({ body: { amountMinor: 10_800 } });
  });

  it('asks nothing for orders on credit, prepay orders with nothing to pay, or holds', () => {
    expect(messageAfter([{ type: 'OrderPlaced', data: placed() }, review('approved')])).toBeNull();
    const free = placed({ prepay: true, totals: { subtotalMinor: 0, discountMinor: 0, totalMinor: 0, currency: 'CNY' } });
    expect(messageAfter([{ type: 'OrderPlaced', data: free }, review('approved', noCredit)])).toBeNull();
    expect(messageAfter([prepaid, review('on_hold', noCredit)])).toBeNull();
  });

  it('cancels the payment request of an order cancelled while it waited, saying what was paid already', () => {
    const part: OrderEvent = {
      type: 'OrderPaymentRecorded',
      data: { orderId: 'O-1', dealerId: 'D-1', paymentId: 'P-1', amountMinor: 800, reference: 'P-1', paidAt: '2026-03-02T05:00:00.000Z' },
    };
    const events = [prepaid, review('approved', noCredit), part, cancelled];
    expect(messageAfter(events)).toEqual({
      path: 'payment-requests/O-1/cancellation',
      body: {
        contract: PAYMENT_CANCELLATION_V1,
        requestId: recorded(events)[3]!.id,
        orderId: 'O-1',
        dealerId: 'D-1',
        paidMinor: 800,
        currency: 'CNY',
        cancelledAt: '2026-03-02T04:00:03.000Z',
        reason: null,
      },
    });
    expect(messageAfter([{ type: 'OrderPlaced', data: placed() }, review('approved'), cancelled])).toBeNull();
  });
});
