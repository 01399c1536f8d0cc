import { describe, expect, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { fold } from '../shared/decider.ts';
import { orderDecider, type OrderCommand, type OrderEvent, type OrderPlacedData } from './order.ts';

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
      name: 'TEA',
      qty: 2,
      unitPriceMinor: 100,
      priceBasis: 'base',
      grossMinor: 200,
      discountMinor: 0,
      netMinor: 200,
      promotions: [],
      explanation: '',
    },
  ],
  gifts: [],
  totals: { subtotalMinor: 200, discountMinor: 0, totalMinor: 200, currency: 'CNY' },
  prepay: false,
  reorderOf: null,
};
const NOW = '2026-03-03T08:00:00.000Z';
const ETA = '2026-03-05T10:00:00.000Z';
const LATER_ETA = '2026-03-06T10:00:00.000Z';
const shipment = { orderId: 'O-1', dealerId: 'D-1', shipmentId: 'S-1' };
const line = { sku: 'TEA', qty: 2, warehouseId: 'WH-1', netMinor: 200 };
const base = { amountMinor: 200, carrier: 'SF', trackingNumber: 'T-1', dueDate: null };

const planned: OrderEvent[] = [
  { type: 'OrderPlaced', data: placed },
  {
    type: 'OrderReviewed',
    data: {
      orderId: 'O-1',
      decision: 'approved',
      reasons: [],
      risk: { score: 0, threshold: 60, factors: [] },
      reservations: { stock: [{ sku: 'TEA', warehouseId: 'WH-1', qty: 2 }], creditMinor: 200, promotions: [] },
    },
  },
  { type: 'ShipmentPlanned', data: { ...shipment, ...base, lines: [line], plannedAt: NOW } },
];
const dispatched: OrderEvent[] = [
  ...planned,
  {
    type: 'ShipmentDispatched',
    data: {
      ...shipment,
      ...base,
      lines: [{ ...line, lots: [{ lot: 'L', qty: 2, expiryDate: '2027-01-01' }] }],
      shippedAt: NOW,
      orderStatus: 'shipped',
    },
  },
];
const inTransit = (location: string | null, eta: string | null): OrderEvent => ({
  type: 'ShipmentInTransit',
  data: { ...shipment, location, eta, reportedAt: NOW },
});
const transit = (location: string | null, eta: string | null, shipmentId = 'S-1'): OrderCommand => ({
  type: 'RecordShipmentInTransit',
  data: { shipmentId, location, eta, now: NOW },
});
const exception = (reason: string, eta: string | null = null): OrderCommand => ({
  type: 'ReportShipmentException',
  data: { shipmentId: 'S-1', reason, eta, now: NOW },
});

const spec = specification(orderDecider);

describe('shipment tracking', () => {
  it('records where a dispatched shipment is and its ETA; the first ETA delays nothing', () => {
    spec
      .given(dispatched)
      .when(transit('Hangzhou hub', ETA))
      .then([inTransit('Hangzhou hub', ETA)]);
  });

  it('delays the shipment when the ETA moves later, not when it moves earlier', () => {
    const known = [...dispatched, inTransit('Hangzhou hub', ETA)];
    spec
      .given(known)
      .when(transit(null, LATER_ETA))
      .then([
        inTransit('Hangzhou hub', LATER_ETA),
        {
          type: 'ShipmentDelayed',
          data: { ...shipment, cause: 'eta_later', previousEta: ETA, eta: LATER_ETA, reason: null, reportedAt: NOW },
        },
      ]);
    spec
      .given([...dispatched, inTransit('Hangzhou hub', LATER_ETA)])
      .when(transit('Shanghai depot', ETA))
      .then([inTransit('Shanghai depot', ETA)]);
  });

  it('takes the same report again as nothing new', () => {
    spec
      .given([...dispatched, inTransit('Hangzhou hub', ETA)])
      .when(transit('Hangzhou hub', ETA))
      .thenNothing();
    spec
      .given([...dispatched, inTransit('Hangzhou hub', ETA)])
      .when(transit(null, null))
      .thenNothing();
  });

  it('delays the shipment on a carrier exception, once per exception', () => {
    const known = [...dispatched, inTransit('Hangzhou hub', ETA)];
    spec
      .given(known)
      .when(exception('Road closed by snow', LATER_ETA))
      .then([
        { type: 'ShipmentExceptionReported', data: { ...shipment, reason: 'Road closed by snow', eta: LATER_ETA, reportedAt: NOW } },
        {
          type: 'ShipmentDelayed',
          data: { ...shipment, cause: 'exception', previousEta: ETA, eta: LATER_ETA, reason: 'Road closed by snow', reportedAt: NOW },
        },
      ]);
    const told = [...known, ...(spec.given(known).when(exception('Road closed by snow', LATER_ETA)).decision as OrderEvent[])];
    spec.given(told).when(exception('Road closed by snow')).thenNothing();
    const reported = fold(orderDecider, told);
    expect(reported.exists && reported.shipments[0]).toMatchObject({
      location: 'Hangzhou hub',
      eta: LATER_ETA,
      exceptions: [{ reason: 'Road closed by snow', eta: LATER_ETA }],
    });
  });

  it('refuses news of a shipment not dispatched or unknown, and ignores news of one delivered', () => {
    spec.given(planned).when(transit('Hangzhou hub', ETA)).thenRefused('illegal_transition', 'conflict');
    spec
      .given(dispatched)
      .when(transit('Hangzhou hub', ETA, 'S-9'))
      .thenRefused('shipment_not_found', 'not_found');
    const delivered: OrderEvent = {
      type: 'ShipmentDelivered',
      data: { ...shipment, deliveredAt: NOW, receivedBy: null, orderStatus: 'delivered' },
    };
    spec
      .given([...dispatched, delivered])
      .when(exception('Lost'))
      .thenNothing();
  });
});
