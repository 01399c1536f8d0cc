import { describe, expect, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { fold } from '../shared/decider.ts';
import type { PlanShipment, ShipmentDispatchedData, ShipmentPlannedData } from './fulfillment.ts';
import { orderDecider, type OrderCommand, type OrderEvent, type OrderPlacedData, type PricedLine, type Reservations } from './order.ts';

const line = (sku: string, qty: number, netMinor: number): PricedLine => ({
  sku,
  name: sku,
  qty,
  unitPriceMinor: Math.round(netMinor / qty),
  priceBasis: 'base',
  grossMinor: netMinor,
  discountMinor: 0,
  netMinor,
  promotions: [],
  explanation: '',
});

/** TEA: 10 paid (9,000) and 1 gift; CHIPS: 3 for 2,000 (a price that does not divide by 3). */
const placed: OrderPlacedData = {
  orderId: 'O-1',
  dealerId: 'D-1',
  placedAt: '2026-03-02T04:00:00.000Z',
  channel: 'manual',
  regionCode: 'CN-31',
  deliveryAddress: null,
  note: null,
  lines: [line('TEA', 10, 9_000), line('CHIPS', 3, 2_000)],
  gifts: [{ sku: 'TEA', name: 'TEA', qty: 1, promotionId: 'P-1', explanation: 'gift' }],
  totals: { subtotalMinor: 11_000, discountMinor: 0, totalMinor: 11_000, currency: 'CNY' },
  prepay: false,
  reorderOf: null,
};
const held: Reservations = {
  stock: [
    { sku: 'TEA', warehouseId: 'WH-1', qty: 6 },
    { sku: 'TEA', warehouseId: 'WH-2', qty: 5 },
    { sku: 'CHIPS', warehouseId: 'WH-1', qty: 3 },
  ],
  creditMinor: 11_000,
  promotions: ['P-1'],
};
const risk = { score: 0, threshold: 60, factors: [] };
const NOW = '2026-03-03T08:00:00.000Z';
const LATER = '2026-03-04T08:00:00.000Z';

const approved = (order: OrderPlacedData = placed, decision: 'approved' | 'on_hold' = 'approved'): OrderEvent[] => [
  { type: 'OrderPlaced', data: order },
  { type: 'OrderReviewed', data: { orderId: order.orderId, decision, reasons: [], risk, reservations: held } },
];

const plan = (shipmentId: string, lines: { sku: string; qty: number }[], extra: Partial<PlanShipment> = {}): OrderCommand => ({
  type: 'PlanShipment',
  data: { shipmentId, lines, carrier: 'SF', trackingNumber: `T-${shipmentId}`, dueDate: '2026-04-02', now: NOW, ...extra },
});

const planned = (shipmentId: string, lines: ShipmentPlannedData['lines']): OrderEvent => ({
  type: 'ShipmentPlanned',
  data: {
    orderId: 'O-1',
    dealerId: 'D-1',
    shipmentId,
    lines,
    amountMinor: lines.reduce((total, item) => total + item.netMinor, 0),
    carrier: 'SF',
    trackingNumber: `T-${shipmentId}`,
    dueDate: '2026-04-02',
    plannedAt: NOW,
  },
});

const lotsFor = (item: { sku: string; qty: number }) => [{ lot: `L-${item.sku}`, qty: item.qty, expiryDate: '2027-01-01' }];

const dispatched = (event: OrderEvent, orderStatus: ShipmentDispatchedData['orderStatus']): OrderEvent => {
  if (event.type !== 'ShipmentPlanned') throw new Error('a plan is dispatched');
  const { plannedAt: _plannedAt, ...rest } = event.data;
  return {
    type: 'ShipmentDispatched',
    data: { ...rest, lines: rest.lines.map((item) => ({ ...item, lots: lotsFor(item) })), shippedAt: NOW, orderStatus },
  };
};

const dispatch = (event: OrderEvent): OrderCommand => {
  if (event.type !== 'ShipmentPlanned') throw new Error('a plan is dispatched');
  return {
    type: 'DispatchShipment',
    data: {
      shipmentId: event.data.shipmentId,
      picks: event.data.lines.map((item) => ({ sku: item.sku, warehouseId: item.warehouseId, lots: lotsFor(item) })),
      now: NOW,
    },
  };
};

const delivered = (shipmentId: string, orderStatus: 'partially_shipped' | 'shipped' | 'delivered'): OrderEvent => ({
  type: 'ShipmentDelivered',
  data: { orderId: 'O-1', dealerId: 'D-1', shipmentId, deliveredAt: LATER, receivedBy: 'Ms Li', orderStatus },
});
const deliver = (shipmentId: string, deliveredAt = LATER): OrderCommand => ({
  type: 'ConfirmDelivery',
  data: { shipmentId, deliveredAt, receivedBy: 'Ms Li', now: LATER },
});

/** The first shipment: 8 TEA (6 from WH-1, 2 from WH-2) and 1 CHIPS. */
const firstPlan = planned('S-1', [
  { sku: 'TEA', qty: 6, warehouseId: 'WH-1', netMinor: 5_400 },
  { sku: 'TEA', qty: 2, warehouseId: 'WH-2', netMinor: 1_800 },
  { sku: 'CHIPS', qty: 1, warehouseId: 'WH-1', netMinor: 666 },
]);
/** The rest: 3 TEA (2 paid, 1 gift) and 2 CHIPS. */
const secondPlan = planned('S-2', [
  { sku: 'TEA', qty: 3, warehouseId: 'WH-2', netMinor: 1_800 },
  { sku: 'CHIPS', qty: 2, warehouseId: 'WH-1', netMinor: 1_334 },
]);
const partlyShipped = [...approved(), firstPlan, dispatched(firstPlan, 'partially_shipped')];
const allShipped = [...partlyShipped, secondPlan, dispatched(secondPlan, 'shipped')];
const allDelivered = [...allShipped, delivered('S-1', 'shipped'), delivered('S-2', 'delivered')];

const spec = specification(orderDecider);
const stateOf = (events: OrderEvent[]) => {
  const state = fold(orderDecider, events);
  if (!state.exists) throw new Error('the order exists');
  return state;
};

describe('order fulfilment', () => {
  describe('planning a shipment', () => {
    it('splits a line over the warehouses the order reserved it in, valued at the net price', () => {
      spec
        .given(approved())
        .when(
          plan('S-1', [
            { sku: 'TEA', qty: 8 },
            { sku: 'CHIPS', qty: 1 },
          ]),
        )
        .then([firstPlan]);
    });

    it('values the rest so that a line sums to its net price exactly, gifts at nothing', () => {
      spec
        .given(partlyShipped)
        .when(
          plan('S-2', [
            { sku: 'TEA', qty: 3 },
            { sku: 'CHIPS', qty: 2 },
          ]),
        )
        .then([secondPlan]);
      const gift = spec
        .given([...partlyShipped, planned('S-2', [{ sku: 'TEA', qty: 2, warehouseId: 'WH-2', netMinor: 1_800 }])])
        .when(plan('S-3', [{ sku: 'TEA', qty: 1 }])).decision;
      expect(gift).toMatchObject([
        { type: 'ShipmentPlanned', data: { amountMinor: 0, lines: [{ sku: 'TEA', qty: 1, warehouseId: 'WH-2', netMinor: 0 }] } },
      ]);
    });

    it('counts planned shipments as shipped: no unit can ship twice', () => {
      spec
        .given([...approved(), firstPlan])
        .when(plan('S-2', [{ sku: 'TEA', qty: 4 }]))
        .thenRefused('exceeds_unshipped', 'rule');
      spec
        .given([...approved(), firstPlan])
        .when(plan('S-2', [{ sku: 'TEA', qty: 3 }]))
        .then([planned('S-2', [{ sku: 'TEA', qty: 3, warehouseId: 'WH-2', netMinor: 1_800 }])]);
    });

    it('refuses SKUs the order does not have', () => {
      spec
        .given(approved())
        .when(plan('S-1', [{ sku: 'COFFEE', qty: 1 }]))
        .thenRefused('sku_not_in_order', 'rule');
    });

    it('is idempotent by shipment id, and refuses the id for other lines', () => {
      spec
        .given([...approved(), firstPlan])
        .when(
          plan('S-1', [
            { sku: 'CHIPS', qty: 1 },
            { sku: 'TEA', qty: 8 },
          ]),
        )
        .thenNothing();
      spec
        .given([...approved(), firstPlan])
        .when(plan('S-1', [{ sku: 'TEA', qty: 7 }]))
        .thenRefused('shipment_conflict', 'conflict');
      spec
        .given(partlyShipped)
        .when(
          plan(
            'S-1',
            [
              { sku: 'TEA', qty: 8 },
              { sku: 'CHIPS', qty: 1 },
            ],
            { carrier: 'EMS' },
          ),
        )
        .thenRefused('shipment_conflict', 'conflict');
    });

    it('ships only approved (released) or partially shipped orders', () => {
      const request = plan('S-9', [{ sku: 'CHIPS', qty: 1 }]);
      spec.given(approved(placed, 'on_hold')).when(request).thenRefused('illegal_transition', 'conflict');
      spec
        .given([...approved(), { type: 'OrderCancelled', data: { orderId: 'O-1', reason: null, releasing: held } }])
        .when(request)
        .thenRefused('illegal_transition', 'conflict');
      spec.given(allShipped).when(request).thenRefused('illegal_transition', 'conflict');
      spec.given(allDelivered).when(request).thenRefused('illegal_transition', 'conflict');
      spec
        .given(partlyShipped)
        .when(request)
        .then([planned('S-9', [{ sku: 'CHIPS', qty: 1, warehouseId: 'WH-1', netMinor: 667 }])]);
    });

    it('refuses a prepay order until it is paid, with payment_required', () => {
      spec
        .given(approved({ ...placed, prepay: true }))
        .when(plan('S-1', [{ sku: 'TEA', qty: 1 }]))
        .thenRefused('payment_required', 'rule');
    });
  });

  describe('dispatching a planned shipment', () => {
    it('records the lots picked; the order is partially shipped and holds exactly what is left', () => {
      spec
        .given([...approved(), firstPlan])
        .when(dispatch(firstPlan))
        .then([dispatched(firstPlan, 'partially_shipped')]);
      const state = stateOf(partlyShipped);
      expect(state.status).toBe('partially_shipped');
      expect(state.reservations).toEqual({
        stock: [
          { sku: 'TEA', warehouseId: 'WH-2', qty: 3 },
          { sku: 'CHIPS', warehouseId: 'WH-1', qty: 2 },
        ],
        creditMinor: 11_000 - 7_866,
        promotions: ['P-1'],
      });
    });

    it('ships the order in full with the last units; it then holds no stock or credit', () => {
      spec
        .given([...partlyShipped, secondPlan])
        .when(dispatch(secondPlan))
        .then([dispatched(secondPlan, 'shipped')]);
      const state = stateOf(allShipped);
      expect(state.status).toBe('shipped');
      expect(state.reservations).toEqual({ stock: [], creditMinor: 0, promotions: ['P-1'] });
    });

    it('dispatches once, refuses picks that do not match the plan, and unknown shipments', () => {
      spec.given(partlyShipped).when(dispatch(firstPlan)).thenNothing();
      const short: OrderCommand = {
        type: 'DispatchShipment',
        data: {
          shipmentId: 'S-1',
          picks: [{ sku: 'TEA', warehouseId: 'WH-1', lots: [{ lot: 'L', qty: 5, expiryDate: '2027-01-01' }] }],
          now: NOW,
        },
      };
      spec
        .given([...approved(), firstPlan])
        .when(short)
        .thenRefused('pick_mismatch', 'conflict');
      spec.given(approved()).when(dispatch(firstPlan)).thenRefused('shipment_not_found', 'not_found');
    });
  });

  describe('cancellation', () => {
    it('is refused once a shipment is planned or dispatched', () => {
      spec
        .given([...approved(), firstPlan])
        .when({ type: 'CancelOrder', data: { reason: null } })
        .thenRefused('illegal_transition', 'conflict');
      spec
        .given(partlyShipped)
        .when({ type: 'CancelOrder', data: { reason: null } })
        .thenRefused('illegal_transition', 'conflict');
    });
  });

  describe('delivery', () => {
    it('delivers a dispatched shipment; the order stays shipped until every shipment is delivered', () => {
      spec
        .given(allShipped)
        .when(deliver('S-1'))
        .then([delivered('S-1', 'shipped')]);
      spec
        .given([...allShipped, delivered('S-1', 'shipped')])
        .when(deliver('S-2'))
        .then([delivered('S-2', 'delivered')]);
      expect(stateOf(allDelivered).status).toBe('delivered');
    });

    it('keeps a partially shipped order partially shipped when its shipments are delivered', () => {
      spec
        .given(partlyShipped)
        .when(deliver('S-1'))
        .then([delivered('S-1', 'partially_shipped')]);
    });

    it('changes nothing on a repeated confirmation', () => {
      spec
        .given([...partlyShipped, delivered('S-1', 'partially_shipped')])
        .when(deliver('S-1', LATER))
        .thenNothing();
    });

    it('refuses a shipment not yet dispatched (409), unknown, delivered before it shipped or in the future (422)', () => {
      spec
        .given([...approved(), firstPlan])
        .when(deliver('S-1'))
        .thenRefused('illegal_transition', 'conflict');
      spec.given(partlyShipped).when(deliver('S-7')).thenRefused('shipment_not_found', 'not_found');
      spec.given(partlyShipped).when(deliver('S-1', '2026-03-01T00:00:00.000Z')).thenRefused('delivered_before_shipped', 'rule');
      spec.given(partlyShipped).when(deliver('S-1', '2026-05-01T00:00:00.000Z')).thenRefused('delivery_in_future', 'rule');
    });
  });

  describe('completion', () => {
    const complete: OrderCommand = { type: 'CompleteOrder', data: { now: LATER } };

    it('completes a delivered order, once', () => {
      spec
        .given(allDelivered)
        .when(complete)
        .then([{ type: 'OrderCompleted', data: { orderId: 'O-1', dealerId: 'D-1', completedAt: LATER } }]);
      const completed: OrderEvent[] = [
        ...allDelivered,
        { type: 'OrderCompleted', data: { orderId: 'O-1', dealerId: 'D-1', completedAt: LATER } },
      ];
      expect(stateOf(completed)).toMatchObject({ status: 'completed', completedAt: LATER });
      spec.given(completed).when(complete).thenRefused('illegal_transition', 'conflict');
    });

    it('refuses an order not delivered yet, or with a return still open', () => {
      spec.given(allShipped).when(complete).thenRefused('illegal_transition', 'conflict');
      spec.given(partlyShipped).when(complete).thenRefused('illegal_transition', 'conflict');
      const returning: OrderEvent = {
        type: 'ReturnRequested',
        data: { orderId: 'O-1', dealerId: 'D-1', returnId: 'R-1', lines: [{ sku: 'TEA', qty: 1, reason: 'dented' }], requestedAt: LATER },
      };
      spec
        .given([...allDelivered, returning])
        .when(complete)
        .thenRefused('return_open', 'conflict');
    });
  });

  describe('prepay', () => {
    const prepaid = { ...placed, prepay: true };
    const prepayHeld: Reservations = { ...held, creditMinor: 0 };
    const prepayApproved: OrderEvent[] = [
      { type: 'OrderPlaced', data: prepaid },
      { type: 'OrderReviewed', data: { orderId: 'O-1', decision: 'approved', reasons: [], risk, reservations: prepayHeld } },
    ];
    const pay = (reference: string, amountMinor: number): OrderCommand => ({
      type: 'RecordOrderPayment',
      data: { paymentId: reference, reference, amountMinor, now: LATER },
    });
    const paid = (reference: string, amountMinor: number): OrderEvent => ({
      type: 'OrderPaymentRecorded',
      data: { orderId: 'O-1', dealerId: 'D-1', paymentId: reference, reference, amountMinor, paidAt: LATER },
    });
    const released: OrderEvent = { type: 'OrderReleased', data: { orderId: 'O-1', dealerId: 'D-1', releasedAt: LATER } };

    it('waits for payment once approved, and is released when paid in full', () => {
      expect(stateOf(prepayApproved)).toMatchObject({ status: 'awaiting_payment', released: false });
      spec
        .given(prepayApproved)
        .when(pay('BANK-1', 4_000))
        .then([paid('BANK-1', 4_000)]);
      spec
        .given([...prepayApproved, paid('BANK-1', 4_000)])
        .when(pay('BANK-2', 7_000))
        .then([paid('BANK-2', 7_000), released]);
      expect(stateOf([...prepayApproved, paid('BANK-1', 4_000), paid('BANK-2', 7_000), released])).toMatchObject({
        status: 'approved',
        released: true,
        paidMinor: 11_000,
      });
    });

    it('ships once released, charging nothing to credit', () => {
      const ready = [...prepayApproved, paid('BANK-1', 11_000), released];
      const decision = spec.given(ready).when(plan('S-1', [{ sku: 'CHIPS', qty: 3 }], { dueDate: null })).decision;
      expect(decision).toMatchObject([{ type: 'ShipmentPlanned', data: { amountMinor: 2_000, dueDate: null } }]);
    });

    it('waits for payment when approved by ops after a hold too; with nothing to pay it is released at once', () => {
      const heldThenApproved = (order: OrderPlacedData): OrderEvent[] => [
        { type: 'OrderPlaced', data: order },
        { type: 'OrderReviewed', data: { orderId: 'O-1', decision: 'on_hold', reasons: [], risk, reservations: prepayHeld } },
        { type: 'HeldOrderApproved', data: { orderId: 'O-1', note: null, reservations: prepayHeld } },
      ];
      expect(stateOf(heldThenApproved(prepaid))).toMatchObject({ status: 'awaiting_payment', released: false });
      const free = { ...prepaid, totals: { ...prepaid.totals, totalMinor: 0 } };
      expect(stateOf(heldThenApproved(free))).toMatchObject({ status: 'approved', released: true });
    });

    it('records a payment once by its reference, and refuses another amount under it', () => {
      spec
        .given([...prepayApproved, paid('BANK-1', 4_000)])
        .when(pay('BANK-1', 4_000))
        .thenNothing();
      spec
        .given([...prepayApproved, paid('BANK-1', 4_000)])
        .when(pay('BANK-1', 5_000))
        .thenRefused('payment_already_recorded', 'conflict');
    });

    it('refuses more than is due, a paid order, and orders on credit', () => {
      spec.given(prepayApproved).when(pay('BANK-1', 11_001)).thenRefused('payment_exceeds_due', 'rule');
      spec
        .given([...prepayApproved, paid('BANK-1', 11_000), released])
        .when(pay('BANK-2', 1))
        .thenRefused('illegal_transition', 'conflict');
      spec.given(approved()).when(pay('BANK-1', 1)).thenRefused('not_prepay', 'rule');
    });

    it('may be cancelled while it waits for payment', () => {
      spec
        .given(prepayApproved)
        .when({ type: 'CancelOrder', data: { reason: 'changed plans' } })
        .then([{ type: 'OrderCancelled', data: { orderId: 'O-1', reason: 'changed plans', releasing: prepayHeld } }]);
    });
  });
});
