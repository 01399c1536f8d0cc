// An order's history as recorded events, for the logistics and payments contract tests: a
// placed order of two lines and a gift, and the events that release, hold, pay or cancel it.
import {
  orderDecider,
  type OrderEvent,
  type OrderPlacedData,
  type OrderState,
  type Reservations,
} from '../../src/domain/ordering/order.ts';
import type { RecordedEvent } from '../../src/eventstore/port.ts';

export const reservations: Reservations = {
  stock: [
    { sku: 'TEA', warehouseId: 'WH-E', qty: 8 },
    { sku: 'TEA', warehouseId: 'WH-N', qty: 4 },
    { sku: 'CUP', warehouseId: 'WH-E', qty: 2 },
  ],
  creditMinor: 10_800,
  promotions: ['BUY5'],
};

export function placed(overrides: Partial<OrderPlacedData> = {}): OrderPlacedData {
  return {
    orderId: 'O-1',
    dealerId: 'D-1',
    placedAt: '2026-03-02T04:00:00.000Z',
    channel: 'manual',
    regionCode: 'CN-31',
    deliveryAddress: '88 Century Avenue, Shanghai',
    note: 'Dock 3',
    lines: [
      {
        sku: 'TEA',
        name: 'Green tea',
        qty: 10,
        unitPriceMinor: 1_000,
        priceBasis: 'tier',
        grossMinor: 10_000,
        discountMinor: 0,
        netMinor: 10_000,
        promotions: [{ id: 'BUY5', title: 'Buy 5 get 1' }],
        explanation: '',
      },
      {
        sku: 'CUP',
        name: 'Cup',
        qty: 2,
        unitPriceMinor: 400,
        priceBasis: 'base',
        grossMinor: 800,
        discountMinor: 0,
        netMinor: 800,
        promotions: [],
        explanation: '',
      },
    ],
    gifts: [{ sku: 'TEA', name: 'Green tea', qty: 2, promotionId: 'BUY5', explanation: 'Buy 5 get 1' }],
    totals: { subtotalMinor: 10_800, discountMinor: 0, totalMinor: 10_800, currency: 'CNY' },
    prepay: false,
    reorderOf: null,
    ...overrides,
  };
}

const risk = { score: 0, threshold: 60, factors: [] };

export const review = (decision: 'approved' | 'on_hold', held: Reservations = reservations): OrderEvent => ({
  type: 'OrderReviewed',
  data: { orderId: 'O-1', decision, reasons: [], risk, reservations: held },
});

/** The events as the store records them, revisions from 0, ids ending in the revision. */
export function recorded(events: readonly OrderEvent[]): RecordedEvent[] {
  return events.map((event, revision) => ({
    id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    type: event.type,
    streamId: 'order-O-1',
    revision,
    position: String(100 + revision),
    data: event.data,
    metadata: {
      actor: 'ops-1',
      role: 'ops',
      correlationId: 'c-1',
      causationId: null,
      occurredAt: `2026-03-02T04:00:0${revision}.000Z`,
      schemaVersion: 1,
    },
    createdAt: `2026-03-02T04:00:0${revision}.010Z`,
  }));
}

/** The last event of `events` with the order just before and after it. */
export function lastWithOrder(events: readonly OrderEvent[]): { event: RecordedEvent; before: OrderState; after: OrderState } {
  const before = events.slice(0, -1).reduce(orderDecider.evolve, orderDecider.initialState);
  return { event: recorded(events).at(-1)!, before, after: orderDecider.evolve(before, events.at(-1)!) };
}
