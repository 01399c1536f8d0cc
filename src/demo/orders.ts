// Demo orders for a freshly seeded store, placed through the real review process: an order list, a
// review queue, shipments and deliveries and sales figures to look at from the first `npm start`.
// Ids are fixed, so a second run adds nothing.
import type { Logger } from 'pino';
import { unshippedLines } from '../domain/ordering/fulfillment.ts';
import { userIdFor } from '../domain/accounts/user.ts';
import { orderDecider, orderStream, type OrderPlacer } from '../domain/ordering/order.ts';
import type { CommandHandler } from '../eventstore/command-handler.ts';
import type { EventStore } from '../eventstore/port.ts';
import { demoContext } from './data.ts';
import type { OrderPlacements } from '../processes/order-placement.ts';
import { dispatchShipment } from '../processes/shipments.ts';

type DemoOrder = {
  orderId: string;
  dealerId: string;
  regionCode: string;
  lines: { sku: string; qty: number }[];
  /** Shipped in full, gifts included (and delivered, when `delivered`), after it is approved. */
  ship?: { carrier: string; trackingNumber: string; delivered: boolean };
  note?: string;
  /** A demo user who placed it (a buyer's order is checked against the buyer's limits). */
  placedBy?: OrderPlacer;
};

const ORDERS: DemoOrder[] = [
  {
    orderId: 'O-DEMO-0001',
    dealerId: 'D-1001',
    regionCode: 'CN-31',
    lines: [
      { sku: 'WTR-NFSQ-01', qty: 20 },
      { sku: 'TEA-TY-02', qty: 10 },
      { sku: 'SNK-LAYS-01', qty: 6 },
    ],
    ship: { carrier: 'SF Express', trackingNumber: 'SF1000000001', delivered: true },
  },
  {
    orderId: 'O-DEMO-0002',
    dealerId: 'D-1001',
    regionCode: 'CN-32',
    lines: [
      { sku: 'DRY-YILI-01', qty: 8 },
      { sku: 'INS-KSF-01', qty: 12 },
    ],
    ship: { carrier: 'ZTO Express', trackingNumber: 'ZTO2000000002', delivered: false },
  },
  {
    orderId: 'O-DEMO-0003',
    dealerId: 'D-1001',
    regionCode: 'CN-31',
    lines: [
      { sku: 'CND-HT-01', qty: 5 },
      { sku: 'SOD-KO-01', qty: 10 },
    ],
  },
  {
    orderId: 'O-DEMO-0004',
    dealerId: 'D-1003',
    regionCode: 'CN-44',
    lines: [
      { sku: 'JCE-HY-01', qty: 15 },
      { sku: 'BSC-OREO-01', qty: 10 },
      { sku: 'CND-HT-05', qty: 4 },
    ],
    ship: { carrier: 'SF Express', trackingNumber: 'SF1000000004', delivered: true },
  },
  // Outside the dealer's territories: held for ops to review.
  {
    orderId: 'O-DEMO-0005',
    dealerId: 'D-1002',
    regionCode: 'CN-11',
    lines: [{ sku: 'SNK-SZSS-01', qty: 3 }],
    note: 'Please deliver to our Beijing branch',
  },
  // A prepay dealer's order waits for its payment.
  { orderId: 'O-DEMO-0006', dealerId: 'D-1004', regionCode: 'CN-32', lines: [{ sku: 'WTR-NFSQ-03', qty: 4 }] },
  // The demo buyer's order above the buyer's per-order limit: it waits for the dealer owner's approval.
  {
    orderId: 'O-DEMO-0007',
    dealerId: 'D-1001',
    regionCode: 'CN-31',
    lines: [{ sku: 'DRY-YILI-01', qty: 60 }],
    placedBy: { userId: userIdFor('demo.buyer'), dealerRole: 'buyer' },
  },
];

export type DemoOrderDeps = { store: EventStore; commands: CommandHandler; placements: OrderPlacements; logger: Logger };

/** Places the demo orders; returns how many it placed. */
export async function seedDemoOrders(deps: DemoOrderDeps): Promise<number> {
  const { store, commands, placements, logger } = deps;
  let placed = 0;
  for (const order of ORDERS) {
    const context = demoContext();
    const result = await placements.place(
      {
        orderId: order.orderId,
        dealerId: order.dealerId,
        channel: 'manual',
        lines: order.lines,
        regionCode: order.regionCode,
        deliveryAddress: null,
        note: order.note ?? null,
        reorderOf: null,
        placedBy: order.placedBy ?? null,
      },
      { ...context, actor: `demo-dealer:${order.dealerId}`, role: 'dealer', correlationId: order.orderId },
    );
    if (result.created) placed += 1;
    if (!order.ship || result.state.status !== 'approved') continue;
    const shipmentId = `${order.orderId}-S1`;
    const shipped = await dispatchShipment(
      { commands, store },
      {
        orderId: order.orderId,
        shipmentId,
        lines: unshippedLines(result.state),
        carrier: order.ship.carrier,
        trackingNumber: order.ship.trackingNumber,
      },
      context,
    );
    if (!shipped.ok) {
      logger.warn({ orderId: order.orderId, refusal: shipped.refusal }, 'demo shipment refused');
      continue;
    }
    if (order.ship.delivered) {
      const now = new Date().toISOString();
      await commands.handle(
        orderDecider,
        orderStream(order.orderId),
        { type: 'ConfirmDelivery', data: { shipmentId, deliveredAt: now, receivedBy: 'Warehouse desk', now } },
        context,
      );
    }
  }
  return placed;
}
