import { describe, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { NO_RESERVATIONS, orderDecider, type OrderEvent, type OrderPlacedData, type Reservations } from './order.ts';

const placed: OrderPlacedData = {
  orderId: 'O-1',
  dealerId: 'D-1',
  placedAt: '2026-03-02T04:00:00.000Z',
  channel: 'manual',
  regionCode: 'CN-31',
  deliveryAddress: null,
  note: null,
  lines: [],
  gifts: [],
  totals: { subtotalMinor: 1000, discountMinor: 0, totalMinor: 1000, currency: 'CNY' },
  prepay: false,
  reorderOf: null,
};
const held: Reservations = { stock: [{ sku: 'TEA', warehouseId: 'WH-1', qty: 2 }], creditMinor: 1000, promotions: [] };
const risk = { score: 0, threshold: 60, factors: [] };
const review = (decision: 'approved' | 'on_hold' | 'rejected', reservations = held) => ({ decision, reasons: [], risk, reservations });
const history = (decision: 'approved' | 'on_hold' | 'rejected', reservations = held): OrderEvent[] => [
  { type: 'OrderPlaced', data: placed },
  { type: 'OrderReviewed', data: { orderId: 'O-1', ...review(decision, reservations) } },
];
const spec = specification(orderDecider);

describe('order decider', () => {
  it('places an order together with its review decision', () => {
    spec
      .given()
      .when({ type: 'PlaceOrder', data: { placed, review: review('approved') } })
      .then(history('approved'));
  });

  it('never places the same order twice', () => {
    spec
      .given(history('approved'))
      .when({ type: 'PlaceOrder', data: { placed, review: review('approved') } })
      .thenRefused('order_exists', 'conflict');
  });

  it('lets ops approve or reject only held orders', () => {
    spec
      .given(history('on_hold', NO_RESERVATIONS))
      .when({ type: 'ApproveHeldOrder', data: { note: null, reservations: held } })
      .then([{ type: 'HeldOrderApproved', data: { orderId: 'O-1', note: null, reservations: held } }]);
    spec
      .given(history('approved'))
      .when({ type: 'ApproveHeldOrder', data: { note: null, reservations: held } })
      .thenRefused('illegal_transition', 'conflict');
    spec
      .given(history('rejected', NO_RESERVATIONS))
      .when({ type: 'RejectHeldOrder', data: { reason: 'x' } })
      .thenRefused('illegal_transition', 'conflict');
  });

  it('cancels an approved order, releasing what it holds', () => {
    spec
      .given(history('approved'))
      .when({ type: 'CancelOrder', data: { reason: 'changed my mind' } })
      .then([{ type: 'OrderCancelled', data: { orderId: 'O-1', reason: 'changed my mind', releasing: held } }]);
  });

  it('refuses to cancel twice, or an unknown order', () => {
    spec
      .given([...history('approved'), { type: 'OrderCancelled', data: { orderId: 'O-1', reason: null, releasing: held } }])
      .when({ type: 'CancelOrder', data: { reason: null } })
      .thenRefused('illegal_transition', 'conflict');
    spec
      .given()
      .when({ type: 'CancelOrder', data: { reason: null } })
      .thenRefused('order_not_found', 'not_found');
  });
});
