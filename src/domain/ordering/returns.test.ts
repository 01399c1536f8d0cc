import { describe, expect, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { fold } from '../shared/decider.ts';
import { orderDecider, type OrderCommand, type OrderEvent, type OrderPlacedData, type Reservations } from './order.ts';
import type { ReceivedLine, ReturnLine } from './order-state.ts';
import type { ReceiveLineInput } from './returns.ts';

/** TEA: 4 paid for 1,000 (a price that does not divide by 4... nor by 3) and 1 gift; shipped from two lots. */
const placed: OrderPlacedData = {
  orderId: 'O-1',
  dealerId: 'D-1',
  placedAt: '2026-03-02T04:00:00.000Z',
  channel: 'manual',
  regionCode: 'CN-31',
  deliveryAddress: null,
  note: null,
  lines: [
    {
      sku: 'TEA',
      name: 'Tea',
      qty: 4,
      unitPriceMinor: 250,
      priceBasis: 'base',
      grossMinor: 1_000,
      discountMinor: 0,
      netMinor: 1_000,
      promotions: [],
      explanation: '',
    },
    {
      sku: 'CHIPS',
      name: 'Chips',
      qty: 3,
      unitPriceMinor: 100,
      priceBasis: 'base',
      grossMinor: 301,
      discountMinor: 0,
      netMinor: 301,
      promotions: [],
      explanation: '',
    },
  ],
  gifts: [{ sku: 'TEA', name: 'Tea', qty: 1, promotionId: 'P-1', explanation: 'gift' }],
  totals: { subtotalMinor: 1_301, discountMinor: 0, totalMinor: 1_301, currency: 'CNY' },
  prepay: false,
  reorderOf: null,
};
const held: Reservations = {
  stock: [
    { sku: 'TEA', warehouseId: 'WH-1', qty: 5 },
    { sku: 'CHIPS', warehouseId: 'WH-1', qty: 3 },
  ],
  creditMinor: 1_301,
  promotions: [],
};
const risk = { score: 0, threshold: 60, factors: [] };
const T = (hour: number) => `2026-03-0${Math.floor(hour / 24) + 3}T${String(hour % 24).padStart(2, '0')}:00:00.000Z`;

const shipment = (
  shipmentId: string,
  lines: { sku: string; qty: number; netMinor: number; lots: { lot: string; qty: number }[] }[],
  orderStatus: 'partially_shipped' | 'shipped',
): OrderEvent[] => {
  const shipped = lines.map((item) => ({
    sku: item.sku,
    qty: item.qty,
    warehouseId: 'WH-1',
    netMinor: item.netMinor,
    lots: item.lots.map((lot) => ({ ...lot, expiryDate: '2027-01-01' })),
  }));
  const base = {
    orderId: 'O-1',
    dealerId: 'D-1',
    shipmentId,
    amountMinor: lines.reduce((total, item) => total + item.netMinor, 0),
    carrier: null,
    trackingNumber: null,
    dueDate: '2026-04-02',
  };
  return [
    { type: 'ShipmentPlanned', data: { ...base, lines: shipped.map(({ lots: _lots, ...item }) => item), plannedAt: T(0) } },
    { type: 'ShipmentDispatched', data: { ...base, lines: shipped, shippedAt: T(0), orderStatus } },
  ];
};
const delivered = (shipmentId: string, orderStatus: 'partially_shipped' | 'shipped' | 'delivered'): OrderEvent => ({
  type: 'ShipmentDelivered',
  data: { orderId: 'O-1', dealerId: 'D-1', shipmentId, deliveredAt: T(2), receivedBy: null, orderStatus },
});

const approved = (order = placed): OrderEvent[] => [
  { type: 'OrderPlaced', data: order },
  { type: 'OrderReviewed', data: { orderId: 'O-1', decision: 'approved', reasons: [], risk, reservations: held } },
];
/** S-1: 3 TEA from lots A (2) and B (1), delivered; S-2: 2 TEA from B and 3 CHIPS from C, dispatched, not delivered. */
const firstDelivered = (order = placed): OrderEvent[] => [
  ...approved(order),
  ...shipment(
    'S-1',
    [
      {
        sku: 'TEA',
        qty: 3,
        netMinor: 750,
        lots: [
          { lot: 'A', qty: 2 },
          { lot: 'B', qty: 1 },
        ],
      },
    ],
    'partially_shipped',
  ),
  delivered('S-1', 'partially_shipped'),
];
const allDelivered = (order = placed): OrderEvent[] => [
  ...firstDelivered(order),
  ...shipment(
    'S-2',
    [
      { sku: 'TEA', qty: 2, netMinor: 250, lots: [{ lot: 'B', qty: 2 }] },
      { sku: 'CHIPS', qty: 3, netMinor: 301, lots: [{ lot: 'C', qty: 3 }] },
    ],
    'shipped',
  ),
  delivered('S-2', 'delivered'),
];

const request = (returnId: string, lines: ReturnLine[]): OrderCommand => ({ type: 'RequestReturn', data: { returnId, lines, now: T(3) } });
const requested = (returnId: string, lines: ReturnLine[]): OrderEvent => ({
  type: 'ReturnRequested',
  data: { orderId: 'O-1', dealerId: 'D-1', returnId, lines, requestedAt: T(3) },
});
const approvedReturn = (returnId: string): OrderEvent => ({ type: 'ReturnApproved', data: { orderId: 'O-1', returnId, approvedAt: T(4) } });
const receive = (returnId: string, lines: ReceiveLineInput[]): OrderCommand => ({
  type: 'ReceiveReturn',
  data: { returnId, lines, now: T(5) },
});
const received = (returnId: string, lines: ReceivedLine[]): OrderEvent => ({
  type: 'ReturnReceived',
  data: { orderId: 'O-1', returnId, lines, receivedAt: T(5) },
});
const refund = (returnId: string): OrderCommand => ({ type: 'RefundReturn', data: { returnId, now: T(6) } });

const dented = (sku: string, qty: number): ReturnLine => ({ sku, qty, reason: 'dented' });
const back = (sku: string, qty: number, lot: string | null, disposition: 'restock' | 'quarantine' = 'restock') => ({
  sku,
  qty,
  warehouseId: 'WH-9',
  lot,
  disposition,
});

const spec = specification(orderDecider);

describe('returns', () => {
  describe('requesting', () => {
    it('asks to return delivered goods, even while the rest of the order is still shipping', () => {
      spec
        .given(firstDelivered())
        .when(request('R-1', [dented('TEA', 2)]))
        .then([requested('R-1', [dented('TEA', 2)])]);
      spec
        .given(allDelivered())
        .when(request('R-1', [dented('TEA', 5), dented('CHIPS', 1)]))
        .then([requested('R-1', [dented('TEA', 5), dented('CHIPS', 1)])]);
    });

    it('refuses more than was delivered and is not already being returned', () => {
      spec
        .given(firstDelivered())
        .when(request('R-1', [dented('TEA', 4)]))
        .thenRefused('exceeds_returnable', 'rule');
      spec
        .given(firstDelivered())
        .when(request('R-1', [dented('TEA', 2), dented('TEA', 2)]))
        .thenRefused('exceeds_returnable', 'rule');
      spec
        .given([...firstDelivered(), requested('R-1', [dented('TEA', 2)])])
        .when(request('R-2', [dented('TEA', 2)]))
        .thenRefused('exceeds_returnable', 'rule');
      const rejected: OrderEvent = { type: 'ReturnRejected', data: { orderId: 'O-1', returnId: 'R-1', reason: 'no', rejectedAt: T(4) } };
      spec
        .given([...firstDelivered(), requested('R-1', [dented('TEA', 2)]), rejected])
        .when(request('R-2', [dented('TEA', 3)]))
        .then([requested('R-2', [dented('TEA', 3)])]);
    });

    it('is idempotent by return id, and refuses the id for other lines', () => {
      spec
        .given([...firstDelivered(), requested('R-1', [dented('TEA', 2)])])
        .when(request('R-1', [dented('TEA', 2)]))
        .thenNothing();
      spec
        .given([...firstDelivered(), requested('R-1', [dented('TEA', 2)])])
        .when(request('R-1', [dented('TEA', 1)]))
        .thenRefused('return_conflict', 'conflict');
    });

    it('refuses orders with nothing shipped, and completed orders (409)', () => {
      spec
        .given(approved())
        .when(request('R-1', [dented('TEA', 1)]))
        .thenRefused('illegal_transition', 'conflict');
      const completed: OrderEvent = { type: 'OrderCompleted', data: { orderId: 'O-1', dealerId: 'D-1', completedAt: T(3) } };
      spec
        .given([...allDelivered(), completed])
        .when(request('R-1', [dented('TEA', 1)]))
        .thenRefused('illegal_transition', 'conflict');
    });
  });

  describe('approving and rejecting', () => {
    const open = [...allDelivered(), requested('R-1', [dented('TEA', 2)])];

    it('approves or rejects a requested return, once', () => {
      spec
        .given(open)
        .when({ type: 'ApproveReturn', data: { returnId: 'R-1', now: T(4) } })
        .then([approvedReturn('R-1')]);
      spec
        .given(open)
        .when({ type: 'RejectReturn', data: { returnId: 'R-1', reason: 'past the return window', now: T(4) } })
        .then([{ type: 'ReturnRejected', data: { orderId: 'O-1', returnId: 'R-1', reason: 'past the return window', rejectedAt: T(4) } }]);
      spec
        .given([...open, approvedReturn('R-1')])
        .when({ type: 'ApproveReturn', data: { returnId: 'R-1', now: T(4) } })
        .thenRefused('illegal_transition', 'conflict');
      spec
        .given([...open, approvedReturn('R-1')])
        .when({ type: 'RejectReturn', data: { returnId: 'R-1', reason: 'x', now: T(4) } })
        .thenRefused('illegal_transition', 'conflict');
    });

    it('answers an unknown return with not found', () => {
      spec
        .given(open)
        .when({ type: 'ApproveReturn', data: { returnId: 'R-9', now: T(4) } })
        .thenRefused('return_not_found', 'not_found');
    });
  });

  describe('receiving', () => {
    const approvedOpen = [...allDelivered(), requested('R-1', [dented('TEA', 3), dented('CHIPS', 1)]), approvedReturn('R-1')];

    it('receives the goods into the lot they shipped from, restocked or quarantined; a SKU of one lot needs no lot named', () => {
      spec
        .given(approvedOpen)
        .when(receive('R-1', [back('TEA', 2, 'A'), back('TEA', 1, 'B', 'quarantine'), back('CHIPS', 1, null)]))
        .then([received('R-1', [back('TEA', 2, 'A'), back('TEA', 1, 'B', 'quarantine'), back('CHIPS', 1, 'C')] as ReceivedLine[])]);
    });

    it('needs the lot when the SKU shipped from several, and one that shipped', () => {
      spec
        .given(approvedOpen)
        .when(receive('R-1', [back('TEA', 1, null)]))
        .thenRefused('lot_required', 'rule');
      spec
        .given(approvedOpen)
        .when(receive('R-1', [back('TEA', 1, 'Z')]))
        .thenRefused('lot_not_shipped', 'rule');
    });

    it('refuses more than the return asked for', () => {
      spec
        .given(approvedOpen)
        .when(receive('R-1', [back('CHIPS', 2, 'C')]))
        .thenRefused('exceeds_requested', 'rule');
      spec
        .given(approvedOpen)
        .when(receive('R-1', [back('TEA', 2, 'A'), back('TEA', 2, 'B')]))
        .thenRefused('exceeds_requested', 'rule');
    });

    it('receives only approved returns; the same lines again are a retry, other lines a conflict', () => {
      spec
        .given([...allDelivered(), requested('R-1', [dented('TEA', 1)])])
        .when(receive('R-1', [back('TEA', 1, 'A')]))
        .thenRefused('illegal_transition', 'conflict');
      const done = [...approvedOpen, received('R-1', [back('TEA', 1, 'A')] as ReceivedLine[])];
      spec
        .given(done)
        .when(receive('R-1', [back('TEA', 1, 'A')]))
        .thenNothing();
      spec
        .given(done)
        .when(receive('R-1', [back('TEA', 1, 'B')]))
        .thenRefused('illegal_transition', 'conflict');
    });
  });

  describe('refunding', () => {
    const receivedReturn = (
      order = placed,
      lines = [back('TEA', 2, 'A'), back('TEA', 1, 'B', 'quarantine'), back('CHIPS', 1, 'C')] as ReceivedLine[],
    ) => [...allDelivered(order), requested('R-1', [dented('TEA', 3), dented('CHIPS', 1)]), approvedReturn('R-1'), received('R-1', lines)];

    it('refunds everything received at the net price, as a credit note named after the return', () => {
      // TEA: 3 of 4 paid units, ⌊1000·3/4⌋ = 750; CHIPS: 1 of 3, ⌊301/3⌋ = 100.
      spec
        .given(receivedReturn())
        .when(refund('R-1'))
        .then([
          {
            type: 'ReturnRefunded',
            data: {
              orderId: 'O-1',
              dealerId: 'D-1',
              returnId: 'R-1',
              amountMinor: 850,
              method: 'credit_note',
              creditNoteId: 'CN-R-1',
              refundedAt: T(6),
            },
          },
        ]);
    });

    it('values a later return after the units earlier ones refunded, so refunds never exceed what was paid', () => {
      const first: OrderEvent = {
        type: 'ReturnRefunded',
        data: {
          orderId: 'O-1',
          dealerId: 'D-1',
          returnId: 'R-1',
          amountMinor: 850,
          method: 'credit_note',
          creditNoteId: 'CN-R-1',
          refundedAt: T(6),
        },
      };
      const second = [
        ...receivedReturn(),
        first,
        requested('R-2', [dented('TEA', 2), dented('CHIPS', 2)]),
        approvedReturn('R-2'),
        received('R-2', [back('TEA', 2, 'B'), back('CHIPS', 2, 'C')] as ReceivedLine[]),
      ];
      // TEA: the 4th paid unit (250) and the gift (0); CHIPS: the rest of 301 (201).
      const decision = spec.given(second).when(refund('R-2')).decision;
      expect(decision).toMatchObject([
        { type: 'ReturnRefunded', data: { returnId: 'R-2', amountMinor: 250 + 201, creditNoteId: 'CN-R-2' } },
      ]);
    });

    it('refunds a prepay order as a payment refund, with no credit note', () => {
      const decision = spec.given(receivedReturn({ ...placed, prepay: true })).when(refund('R-1')).decision;
      expect(decision).toMatchObject([
        { type: 'ReturnRefunded', data: { amountMinor: 850, method: 'payment_refund', creditNoteId: null } },
      ]);
    });

    it('refunds once, and only received returns', () => {
      const refunded: OrderEvent = {
        type: 'ReturnRefunded',
        data: {
          orderId: 'O-1',
          dealerId: 'D-1',
          returnId: 'R-1',
          amountMinor: 850,
          method: 'credit_note',
          creditNoteId: 'CN-R-1',
          refundedAt: T(6),
        },
      };
      spec
        .given([...receivedReturn(), refunded])
        .when(refund('R-1'))
        .thenNothing();
      spec
        .given([...allDelivered(), requested('R-1', [dented('TEA', 1)]), approvedReturn('R-1')])
        .when(refund('R-1'))
        .thenRefused('illegal_transition', 'conflict');
      const state = fold(orderDecider, [...receivedReturn(), refunded]);
      expect(state.exists && state.returns[0]).toMatchObject({ status: 'refunded', refund: { amountMinor: 850, method: 'credit_note' } });
    });
  });
});
