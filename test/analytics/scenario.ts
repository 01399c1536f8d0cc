// A small, deterministic business for the analytics tests, dated relative to today (a business day, Asia/Shanghai): three
// products, two warehouses, two dealers, two promotions, nine orders over the last three weeks,
// two shipments with their picks, a delivery, a completion, a refund, an adjustment and a transfer.
// Master data goes through the API; dated facts through the command handler with a chosen `now`
// (or, for fulfilment events, appended to the order stream), so every figure can be worked out
// by hand. The expected figures are worked out in the tests.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { addDays, businessDayOf } from '../../src/domain/shared/calendar.ts';
import { comparePositions } from '../../src/eventstore/port.ts';
import type { CommandContext } from '../../src/eventstore/command-handler.ts';
import { stockDecider, stockStream, type StockCommand } from '../../src/domain/inventory/stock.ts';
import {
  orderDecider,
  orderStream,
  type OrderCommand,
  type OrderPlacedData,
  type ReasonCode,
  type StockReservation,
} from '../../src/domain/ordering/order.ts';
import { createPromotionSchema } from '../../src/domain/promotions/promotion.ts';
import { createPromotion, endPromotion } from '../../src/processes/promotion-terms.ts';
import { receiveStock } from '../../src/processes/stock-movements.ts';
import { eventually, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse } from '../support/fixtures.ts';

export const today = businessDayOf(new Date());

/** The business day `offset` days from today. */
export const day = (offset: number): string => addDays(today, offset);

/** An instant on that business day (noon UTC by default: 20:00 in Shanghai; any UTC time before 16:00 is on the same Shanghai day). */
export const at = (offset: number, time = '12:00:00') => new Date(`${day(offset)}T${time}Z`);

const context = (now: Date): CommandContext => ({
  actor: 'analytics-test',
  role: 'ops',
  correlationId: randomUUID(),
  causationId: null,
  now,
});

/** Waits until the named projections have processed `position`. */
export async function caughtUp(app: TestApp, position: string, names = ['analytics']): Promise<void> {
  const { db } = app.running.infrastructure;
  await eventually(
    async () => {
      const rows = await db.selectFrom('projection_checkpoints').select(['name', 'position']).where('name', 'in', names).execute();
      return rows.length === names.length && rows.every((row) => comparePositions(row.position, position) >= 0) ? true : undefined;
    },
    20_000,
    `projections ${names.join(', ')} at ${position}`,
  );
}

type LineSpec = { sku: string; qty: number; unit: number; discount?: number; promotion?: string };
type OrderSpec = {
  id: string;
  dealerId: string;
  regionCode: string;
  offset: number;
  lines: LineSpec[];
  gifts?: { sku: string; qty: number; promotionId: string }[];
  decision: 'approved' | 'on_hold' | 'rejected';
  reasons?: ReasonCode[];
  /** What the order reserves, per warehouse (kept when approved, or when held for risk). */
  reserves?: StockReservation[];
};

const TITLES: Record<string, string> = { 'P-SUMMER': 'Summer cola 10 % off', 'P-GIFT': 'Chips: buy 10, get 1' };

function placedOrder(spec: OrderSpec): OrderPlacedData {
  const lines = spec.lines.map((line) => ({
    sku: line.sku,
    name: `Product ${line.sku}`,
    qty: line.qty,
    unitPriceMinor: line.unit,
    priceBasis: 'base' as const,
    grossMinor: line.qty * line.unit,
    discountMinor: line.discount ?? 0,
    netMinor: line.qty * line.unit - (line.discount ?? 0),
    promotions: line.promotion ? [{ id: line.promotion, title: TITLES[line.promotion]! }] : [],
    explanation: '',
  }));
  const subtotalMinor = lines.reduce((sum, line) => sum + line.grossMinor, 0);
  const discountMinor = lines.reduce((sum, line) => sum + line.discountMinor, 0);
  return {
    orderId: spec.id,
    dealerId: spec.dealerId,
    placedAt: at(spec.offset).toISOString(),
    channel: 'manual',
    regionCode: spec.regionCode,
    deliveryAddress: null,
    note: null,
    lines,
    gifts: (spec.gifts ?? []).map((gift) => ({ ...gift, name: `Product ${gift.sku}`, explanation: '' })),
    totals: { subtotalMinor, discountMinor, totalMinor: subtotalMinor - discountMinor, currency: 'CNY' },
    prepay: false,
    reorderOf: null,
  };
}

export const ORDERS: OrderSpec[] = [
  {
    id: 'O1',
    dealerId: 'D-1',
    regionCode: 'CN-31',
    offset: -20,
    lines: [{ sku: 'A-COLA', qty: 10, unit: 900 }],
    decision: 'approved',
    reserves: [{ sku: 'A-COLA', warehouseId: 'WH-E', qty: 10 }],
  },
  {
    id: 'O2',
    dealerId: 'D-2',
    regionCode: 'CN-11',
    offset: -15,
    lines: [
      { sku: 'A-COLA', qty: 4, unit: 1_000 },
      { sku: 'B-CHIPS', qty: 10, unit: 500 },
    ],
    decision: 'approved',
    reserves: [
      { sku: 'A-COLA', warehouseId: 'WH-E', qty: 4 },
      { sku: 'B-CHIPS', warehouseId: 'WH-E', qty: 10 },
    ],
  },
  {
    id: 'O3',
    dealerId: 'D-1',
    regionCode: 'CN-31',
    offset: -8,
    lines: [
      { sku: 'A-COLA', qty: 20, unit: 900, discount: 1_800, promotion: 'P-SUMMER' },
      { sku: 'B-CHIPS', qty: 10, unit: 500, promotion: 'P-GIFT' },
    ],
    gifts: [{ sku: 'B-CHIPS', qty: 1, promotionId: 'P-GIFT' }],
    decision: 'approved',
    reserves: [
      { sku: 'A-COLA', warehouseId: 'WH-E', qty: 20 },
      { sku: 'B-CHIPS', warehouseId: 'WH-E', qty: 11 },
    ],
  },
  {
    id: 'O4',
    dealerId: 'D-2',
    regionCode: 'CN-11',
    offset: -6,
    lines: [{ sku: 'A-COLA', qty: 5, unit: 1_000, discount: 500, promotion: 'P-SUMMER' }],
    decision: 'on_hold',
    reasons: ['risk_score_high'],
    reserves: [{ sku: 'A-COLA', warehouseId: 'WH-E', qty: 5 }],
  },
  {
    id: 'O5',
    dealerId: 'D-1',
    regionCode: 'CN-31',
    offset: -5,
    lines: [{ sku: 'C-TEA', qty: 3, unit: 2_000 }],
    decision: 'on_hold',
    reasons: ['credit_limit_exceeded'],
  },
  {
    id: 'O6',
    dealerId: 'D-2',
    regionCode: 'CN-11',
    offset: -4,
    lines: [{ sku: 'A-COLA', qty: 8, unit: 1_000, discount: 800, promotion: 'P-SUMMER' }],
    decision: 'approved',
    reserves: [{ sku: 'A-COLA', warehouseId: 'WH-E', qty: 8 }],
  },
  {
    id: 'O7',
    dealerId: 'D-1',
    regionCode: 'CN-31',
    offset: -4,
    lines: [{ sku: 'B-CHIPS', qty: 2, unit: 500 }],
    decision: 'rejected',
    reasons: ['unknown_sku'],
  },
  {
    id: 'O8',
    dealerId: 'D-1',
    regionCode: 'CN-31',
    offset: -2,
    lines: [{ sku: 'C-TEA', qty: 6, unit: 2_000 }],
    decision: 'approved',
    reserves: [{ sku: 'C-TEA', warehouseId: 'WH-N', qty: 6 }],
  },
  {
    id: 'O9',
    dealerId: 'D-2',
    regionCode: 'CN-11',
    offset: -1,
    lines: [{ sku: 'A-COLA', qty: 6, unit: 1_000 }],
    decision: 'approved',
    reserves: [{ sku: 'A-COLA', warehouseId: 'WH-E', qty: 6 }],
  },
];

/** Builds the scenario; returns the position of its last event. */
export async function buildScenario(app: TestApp): Promise<string> {
  const { commands, store } = app.running.infrastructure;
  let last = '0';
  const note = (position: string | undefined) => {
    if (position !== undefined && comparePositions(position, last) > 0) last = position;
  };

  await createWarehouse(app, 'WH-E', 'CN-31');
  await createWarehouse(app, 'WH-N', 'CN-11');
  await createProduct(app, { sku: 'A-COLA', basePriceMinor: 1_000, category: 'beverages', brand: 'Fizz' });
  await createProduct(app, { sku: 'B-CHIPS', basePriceMinor: 500, category: 'snacks', brand: 'Crunch' });
  await createProduct(app, { sku: 'C-TEA', basePriceMinor: 2_000, category: 'beverages', brand: 'Leaf' });
  await createDealer(app, { id: 'D-1', tier: 'gold', territories: ['CN-31'] });
  note(await createDealer(app, { id: 'D-2', tier: 'silver', territories: ['CN-11'] }));

  const stock = async (command: StockCommand, now: Date) => {
    const handled = await commands.handle(stockDecider, stockStream(command.data.sku, command.data.warehouseId), command, context(now));
    expect(handled.ok, JSON.stringify(handled)).toBe(true);
    note(handled.ok ? handled.position : undefined);
  };
  // Through the receipt process, which also lists the warehouse in the SKU's stocking index.
  const receipt = async (sku: string, warehouseId: string, lot: string, qty: number, expiryOffset: number) => {
    const received = await receiveStock(
      commands,
      { receiptId: `R-${lot}`, sku, warehouseId, lot, productionDate: day(-200), expiryDate: day(expiryOffset), qty },
      context(at(-40)),
    );
    expect(received.ok, JSON.stringify(received)).toBe(true);
    note(received.ok ? received.position : undefined);
  };
  await receipt('A-COLA', 'WH-E', 'L1', 40, 365);
  await receipt('A-COLA', 'WH-E', 'L2', 20, 20);
  await receipt('B-CHIPS', 'WH-E', 'L3', 50, 60);
  await receipt('C-TEA', 'WH-N', 'L4', 10, -2);
  await receipt('C-TEA', 'WH-N', 'L5', 40, 150);

  const promotion = async (terms: Record<string, unknown>) => {
    const parsed = createPromotionSchema.parse(terms);
    const created = await createPromotion(commands, { ...parsed, id: String(terms.id) }, context(at(-41)));
    expect(created.ok, JSON.stringify(created)).toBe(true);
  };
  await promotion({
    id: 'P-SUMMER',
    title: TITLES['P-SUMMER'],
    kind: 'percent_off',
    rule: { percent: 10 },
    startsAt: `${day(-10)}T00:00:00Z`,
    endsAt: `${day(20)}T00:00:00Z`,
    eligibility: { skus: ['A-COLA'] },
  });
  await promotion({
    id: 'P-GIFT',
    title: TITLES['P-GIFT'],
    kind: 'buy_x_get_y',
    rule: { buyQty: 10, getQty: 1 },
    startsAt: `${day(-30)}T00:00:00Z`,
    endsAt: `${day(-1)}T00:00:00Z`,
    eligibility: { skus: ['B-CHIPS'] },
  });
  const ended = await endPromotion(commands, 'P-SUMMER', 'stock', context(at(-3, '00:00:00')));
  expect(ended.ok).toBe(true);

  const order = async (orderId: string, command: OrderCommand, now: Date) => {
    const handled = await commands.handle(orderDecider, orderStream(orderId), command, context(now));
    expect(handled.ok, JSON.stringify(handled)).toBe(true);
    note(handled.ok ? handled.position : undefined);
  };
  for (const spec of ORDERS) {
    const keeps = spec.decision === 'approved' || spec.reasons?.includes('risk_score_high');
    const review = {
      decision: spec.decision,
      reasons: (spec.reasons ?? []).map((code) => ({ code, detail: code })),
      risk: { score: 0, threshold: 70, factors: [] },
      reservations: { stock: keeps ? (spec.reserves ?? []) : [], creditMinor: 0, promotions: [] },
    };
    await order(spec.id, { type: 'PlaceOrder', data: { placed: placedOrder(spec), review } }, at(spec.offset));
  }
  await order(
    'O4',
    {
      type: 'ApproveHeldOrder',
      data: {
        note: 'known dealer',
        reservations: { stock: [{ sku: 'A-COLA', warehouseId: 'WH-E', qty: 5 }], creditMinor: 0, promotions: [] },
      },
    },
    at(-6, '14:00:00'),
  );
  await order('O5', { type: 'RejectHeldOrder', data: { reason: 'over limit' } }, at(-5, '12:30:00'));
  await order('O6', { type: 'CancelOrder', data: { reason: 'changed plans' } }, at(-3));

  // The stock side: O8's reservation, the picks of two shipments, a count, a transfer under way.
  await stock({ type: 'ReserveStock', data: { sku: 'C-TEA', warehouseId: 'WH-N', orderId: 'O8', qty: 6, today: day(-2) } }, at(-2));
  await stock(
    { type: 'PickStock', data: { sku: 'A-COLA', warehouseId: 'WH-E', orderId: 'O1', shipmentId: 'S1', qty: 10, today: day(-19) } },
    at(-19),
  );
  await stock(
    { type: 'PickStock', data: { sku: 'A-COLA', warehouseId: 'WH-E', orderId: 'O3', shipmentId: 'S2', qty: 20, today: day(-7) } },
    at(-7),
  );
  await stock(
    { type: 'PickStock', data: { sku: 'B-CHIPS', warehouseId: 'WH-E', orderId: 'O3', shipmentId: 'S2', qty: 11, today: day(-7) } },
    at(-7),
  );
  await stock(
    {
      type: 'AdjustStock',
      data: { sku: 'B-CHIPS', warehouseId: 'WH-E', adjustmentId: 'ADJ-1', lot: 'L3', delta: -4, reason: 'damaged', today: day(-3) },
    },
    at(-3),
  );
  await stock(
    {
      type: 'TransferOut',
      data: { sku: 'A-COLA', warehouseId: 'WH-E', transferId: 'TR-1', toWarehouseId: 'WH-N', lot: 'L1', qty: 5, today: day(-1) },
    },
    at(-1),
  );

  // Fulfilment events, in the shapes the fulfilment slice records them.
  const append = async (orderId: string, type: string, data: Record<string, unknown>, occurredAt: Date) => {
    const metadata = {
      actor: 'analytics-test',
      role: 'ops',
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: occurredAt.toISOString(),
      schemaVersion: 1,
    };
    note(
      (await store.appendToStream(orderStream(orderId), [{ id: randomUUID(), type, data, metadata }], { expectedRevision: 'any' }))
        .position,
    );
  };
  const shipment = async (
    orderId: string,
    shipmentId: string,
    offset: number,
    lines: { sku: string; qty: number; netMinor: number; lots: { lot: string; qty: number }[] }[],
    orderStatus: string,
  ) => {
    const expiry: Record<string, string> = { L1: day(365), L2: day(20), L3: day(60) };
    const dealerId = ORDERS.find((spec) => spec.id === orderId)!.dealerId;
    const shipped = lines.map((line) => ({
      ...line,
      warehouseId: 'WH-E',
      lots: line.lots.map((lot) => ({ ...lot, expiryDate: expiry[lot.lot]! })),
    }));
    const amountMinor = lines.reduce((sum, line) => sum + line.netMinor, 0);
    const common = { orderId, dealerId, shipmentId, amountMinor, carrier: 'SF Express', trackingNumber: `T-${shipmentId}`, dueDate: null };
    await append(
      orderId,
      'ShipmentPlanned',
      { ...common, lines: shipped.map(({ lots: _lots, ...line }) => line), plannedAt: at(offset, '08:00:00').toISOString() },
      at(offset, '08:00:00'),
    );
    await append(
      orderId,
      'ShipmentDispatched',
      { ...common, lines: shipped, shippedAt: at(offset).toISOString(), orderStatus },
      at(offset),
    );
  };
  await shipment('O1', 'S1', -19, [{ sku: 'A-COLA', qty: 10, netMinor: 9_000, lots: [{ lot: 'L2', qty: 10 }] }], 'shipped');
  await shipment(
    'O3',
    'S2',
    -7,
    [
      {
        sku: 'A-COLA',
        qty: 20,
        netMinor: 16_200,
        lots: [
          { lot: 'L2', qty: 10 },
          { lot: 'L1', qty: 10 },
        ],
      },
      { sku: 'B-CHIPS', qty: 11, netMinor: 5_000, lots: [{ lot: 'L3', qty: 11 }] },
    ],
    'shipped',
  );
  await append(
    'O3',
    'ShipmentDelivered',
    { orderId: 'O3', dealerId: 'D-1', shipmentId: 'S2', deliveredAt: at(-6).toISOString(), receivedBy: 'Ms Li', orderStatus: 'delivered' },
    at(-6),
  );
  await append('O3', 'OrderCompleted', { orderId: 'O3', dealerId: 'D-1', completedAt: at(-5).toISOString() }, at(-5));
  await append(
    'O3',
    'ReturnRefunded',
    {
      orderId: 'O3',
      dealerId: 'D-1',
      returnId: 'RET-1',
      amountMinor: 1_000,
      method: 'credit_note',
      creditNoteId: 'CN-1',
      refundedAt: at(-2).toISOString(),
    },
    at(-2),
  );
  await caughtUp(app, last);
  return last;
}
