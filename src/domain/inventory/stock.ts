// Stock of one SKU in one warehouse (`stock-<sku>@<warehouseId>`): lots received, reserved for
// orders, picked first-expiry-first-out, adjusted, transferred, written off when expired, and
// returned by dealers (back into a lot, or into quarantine).
//
// Why a stream per SKU *and warehouse*, not per SKU: the invariant (never reserve or pick more
// than is available) only ever spans one warehouse's stock of one SKU, because an order line
// ships from one warehouse. Making that the stream makes it the unit of optimistic concurrency:
// a best-seller ordered in the east, north and south at once gives three streams that never
// conflict, instead of one stream whose appends all collide and retry; each stream also stays a
// third as long to fold. The cost is paid where it is rare: a transfer touches two streams (an
// idempotent out/in pair), a line split across warehouses reserves on each, and per-SKU totals
// over warehouses come from the read model.
//
// Available = on hand in lots that have not expired (as of the command's `today`; a lot is
// sellable while today < expiryDate) − reserved. The domain has no clock: callers pass `today`.
//
// A reservation may need lots that expire no earlier than a date (a dealer's minimum remaining shelf
// life). Reservations stay per SKU and warehouse, not per lot, so the stream keeps a servability
// invariant instead: those needing lots from date t on never exceed what the lots expiring from t on
// hold, for every such t (the eligible lots are nested, so this is exactly when every reservation can
// be served at once). Reservations, picks, adjustments, transfers and write-offs all keep it.
import { Map as PersistentMap, Set as PersistentSet } from 'immutable';
import { z } from 'zod';
import { refuse, type Decider, type DomainEvent, type EventsOrRefusal } from '../shared/decider.ts';
import { entityIdSchema, isoDateSchema, quantitySchema, skuSchema } from '../shared/values.ts';
import { warehouseIdSchema } from './warehouse.ts';

/** SKUs and warehouse ids never contain '@', so the stream name is unambiguous. */
export const stockStream = (sku: string, warehouseId: string) => `stock-${sku}@${warehouseId}`;

export const lotCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/, 'must be 1-64 letters, digits, dots, slashes, dashes or underscores');

/** Ids of receipts, adjustments, transfers and write-offs: a repeated id is the same operation. */
export const operationIdSchema = entityIdSchema;

export const stockReceiptSchema = z
  .object({
    receiptId: operationIdSchema.optional().describe("The goods receipt number (e.g. the ERP's); a receipt id is received once."),
    sku: skuSchema,
    warehouseId: warehouseIdSchema,
    lot: lotCodeSchema,
    productionDate: isoDateSchema,
    expiryDate: isoDateSchema,
    qty: quantitySchema,
  })
  .refine((receipt) => receipt.expiryDate > receipt.productionDate, { path: ['expiryDate'], message: 'must be after productionDate' });

export const stockAdjustmentSchema = z.object({
  adjustmentId: operationIdSchema.optional().describe('An id makes a retried adjustment count once.'),
  sku: skuSchema,
  warehouseId: warehouseIdSchema,
  lot: lotCodeSchema,
  delta: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .refine((delta) => delta !== 0, 'must not be zero'),
  reason: z.string().trim().min(1).max(500),
});

export const stockTransferSchema = z
  .object({
    transferId: operationIdSchema.optional().describe('An id makes a retried transfer move the stock once, and completes a half-done one.'),
    sku: skuSchema,
    fromWarehouseId: warehouseIdSchema,
    toWarehouseId: warehouseIdSchema,
    lot: lotCodeSchema,
    qty: quantitySchema,
  })
  .refine((transfer) => transfer.fromWarehouseId !== transfer.toWarehouseId, {
    path: ['toWarehouseId'],
    message: 'must differ from fromWarehouseId',
  });

export const stockWriteOffSchema = z.object({
  writeOffId: operationIdSchema.optional().describe('An id makes a retried write-off count once.'),
  sku: skuSchema.optional().describe('Only this SKU; all SKUs when omitted.'),
  warehouseId: warehouseIdSchema.optional().describe('Only this warehouse; all warehouses when omitted.'),
});

export type StockReceipt = z.infer<typeof stockReceiptSchema>;
export type StockAdjustment = z.infer<typeof stockAdjustmentSchema>;
export type StockTransfer = z.infer<typeof stockTransferSchema>;

/** Which stream a command or event belongs to; every stock event names it, for its consumers. */
export type StockAddress = { sku: string; warehouseId: string };

export type LotDates = { lot: string; productionDate: string; expiryDate: string };

export type ReceiveStock = StockAddress & LotDates & { receiptId: string; qty: number };
/** `minExpiryDate`: only lots expiring on or after it may serve this order (absent: any sellable lot). */
export type ReserveStock = StockAddress & { orderId: string; qty: number; today: string; minExpiryDate?: string | null | undefined };
export type ReleaseStock = StockAddress & { orderId: string };
export type PickStock = StockAddress & { orderId: string; shipmentId: string; qty: number; today: string };
export type AdjustStock = StockAddress & { adjustmentId: string; lot: string; delta: number; reason: string; today: string };
export type TransferOut = StockAddress & { transferId: string; toWarehouseId: string; lot: string; qty: number; today: string };
export type TransferIn = StockAddress & LotDates & { transferId: string; fromWarehouseId: string; qty: number };
export type WriteOffExpired = StockAddress & { writeOffId: string; today: string };
/**
 * Goods a dealer returned, put back here: `restock` into the lot (sellable until it expires),
 * `quarantine` apart from it — quarantined goods are not on hand and can never be reserved or picked.
 */
export type ReturnedLot = LotDates & { qty: number; disposition: 'restock' | 'quarantine' };
export type ReturnStock = StockAddress & { orderId: string; returnId: string; lots: ReturnedLot[] };

export type StockCommand =
  | { type: 'ReceiveStock'; data: ReceiveStock }
  | { type: 'ReserveStock'; data: ReserveStock }
  | { type: 'ReleaseStock'; data: ReleaseStock }
  | { type: 'PickStock'; data: PickStock }
  | { type: 'AdjustStock'; data: AdjustStock }
  | { type: 'TransferOut'; data: TransferOut }
  | { type: 'TransferIn'; data: TransferIn }
  | { type: 'WriteOffExpired'; data: WriteOffExpired }
  | { type: 'ReturnStock'; data: ReturnStock };

/** A quantity taken out of one lot. */
export type LotQuantity = { lot: string; qty: number; expiryDate: string };

export type StockReceivedData = StockAddress & LotDates & { receiptId: string; qty: number };
export type StockReservedData = StockAddress & { orderId: string; qty: number; minExpiryDate?: string | null };
export type StockReleasedData = StockAddress & { orderId: string; qty: number };
/** `fromReservation`: how much of `qty` the order had reserved (the rest came from free stock). */
export type StockPickedData = StockAddress & {
  orderId: string;
  shipmentId: string;
  qty: number;
  fromReservation: number;
  lots: LotQuantity[];
};
export type StockAdjustedData = StockAddress & { adjustmentId: string; lot: string; delta: number; reason: string };
export type StockTransferredOutData = StockAddress & LotDates & { transferId: string; toWarehouseId: string; qty: number };
export type StockTransferredInData = StockAddress & LotDates & { transferId: string; fromWarehouseId: string; qty: number };
export type StockWrittenOffData = StockAddress & { writeOffId: string; qty: number; lots: LotQuantity[] };
/** `qty`: all units returned; `lots`: each lot with its disposition. */
export type StockReturnedData = StockAddress & { orderId: string; returnId: string; qty: number; lots: ReturnedLot[] };

export type StockEvent =
  | DomainEvent<'StockReceived', StockReceivedData>
  | DomainEvent<'StockReserved', StockReservedData>
  | DomainEvent<'StockReleased', StockReleasedData>
  | DomainEvent<'StockPicked', StockPickedData>
  | DomainEvent<'StockAdjusted', StockAdjustedData>
  | DomainEvent<'StockTransferredOut', StockTransferredOutData>
  | DomainEvent<'StockTransferredIn', StockTransferredInData>
  | DomainEvent<'StockWrittenOff', StockWrittenOffData>
  | DomainEvent<'StockReturned', StockReturnedData>;

export const stockEventTypes = [
  'StockReceived',
  'StockReserved',
  'StockReleased',
  'StockPicked',
  'StockAdjusted',
  'StockTransferredOut',
  'StockTransferredIn',
  'StockWrittenOff',
  'StockReturned',
] as const;

export type StockLot = LotDates & { qty: number };

export type StockState = {
  /** Every lot ever held here, by code; emptied lots stay (a count may find stock again). */
  lots: ReadonlyMap<string, StockLot>;
  /**
   * Open reservations: order id → quantity still reserved (> 0). Persistent maps: a reservation shares
   * the rest of the map with the state before it (which the cache or a batch may still hold), where a
   * copy would cost every event as many entries as there are open orders.
   */
  reservations: PersistentMap<string, number>;
  reserved: number;
  /** Open reservations that need lots expiring on or after a date: order id → that date. */
  requirements: PersistentMap<string, string>;
  /** What is reserved with each such date (> 0 only). */
  reservedFrom: ReadonlyMap<string, number>;
  /** Receipts are few, and a receipt id reused for other goods must be caught, so they are kept whole. */
  receipts: ReadonlyMap<string, StockReceivedData>;
  shipments: PersistentSet<string>;
  /** Orders that picked here: a late retry of their reservation must not reserve again. */
  pickedOrders: PersistentSet<string>;
  adjustments: PersistentSet<string>;
  transfersOut: ReadonlyMap<string, StockTransferredOutData>;
  transfersIn: PersistentSet<string>;
  writeOffs: PersistentSet<string>;
  /** Returned goods held apart, by lot: not on hand, never sellable. */
  quarantine: ReadonlyMap<string, StockLot>;
  returns: PersistentSet<string>;
};

export const initialStockState: StockState = {
  lots: new Map(),
  reservations: PersistentMap(),
  reserved: 0,
  requirements: PersistentMap(),
  reservedFrom: new Map(),
  receipts: new Map(),
  shipments: PersistentSet<string>(),
  pickedOrders: PersistentSet<string>(),
  adjustments: PersistentSet<string>(),
  transfersOut: new Map(),
  transfersIn: PersistentSet<string>(),
  writeOffs: PersistentSet<string>(),
  quarantine: new Map(),
  returns: PersistentSet<string>(),
};

/** A lot can be reserved, picked and transferred while today is before its expiry date. */
export const isSellable = (lot: { expiryDate: string }, today: string) => lot.expiryDate > today;

export type StockLevel = { onHand: number; sellable: number; reserved: number; available: number };

export function stockLevel(state: StockState, today: string): StockLevel {
  let onHand = 0;
  let sellable = 0;
  for (const lot of state.lots.values()) {
    onHand += lot.qty;
    if (isSellable(lot, today)) sellable += lot.qty;
  }
  return { onHand, sellable, reserved: state.reserved, available: Math.max(0, sellable - state.reserved) };
}

/** What `orderId` holds reserved on this stream. */
export const reservedFor = (state: StockState, orderId: string) => state.reservations.get(orderId) ?? 0;

/** Sellable quantity in lots expiring on or after `date`. */
function sellableFrom(state: StockState, today: string, date: string): number {
  let qty = 0;
  for (const lot of state.lots.values()) if (isSellable(lot, today) && lot.expiryDate >= date) qty += lot.qty;
  return qty;
}

/** Per date a reservation needs lots from: what is reserved needing that date or a later one. */
function reservedAtLeast(state: StockState): [string, number][] {
  const dates = [...state.reservedFrom].sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0));
  let total = 0;
  return dates.map(([date, qty]) => [date, (total += qty)]);
}

/**
 * What a new reservation can take: all that is available when it may take any lot, else no more
 * than what lots expiring on or after `minExpiryDate` (and after each earlier date others need)
 * hold beyond what is already promised from them.
 */
export function availableFor(state: StockState, today: string, minExpiryDate: string | null | undefined): number {
  let available = stockLevel(state, today).available;
  if (minExpiryDate) {
    available = Math.min(available, sellableFrom(state, today, minExpiryDate) - reservedNeeding(state, minExpiryDate));
    for (const [date, reserved] of reservedAtLeast(state)) {
      if (date <= minExpiryDate) available = Math.min(available, sellableFrom(state, today, date) - reserved);
    }
  }
  return Math.max(0, available);
}

/** Reserved by orders that need lots from `date` on or later. */
function reservedNeeding(state: StockState, date: string): number {
  let qty = 0;
  for (const [from, reserved] of state.reservedFrom) if (from >= date) qty += reserved;
  return qty;
}

/** Whether every open reservation can still be served by lots it may take (see the header). */
export function reservationsServable(state: StockState, today: string): boolean {
  if (state.reserved > stockLevel(state, today).sellable) return false;
  return reservedAtLeast(state).every(([date, reserved]) => reserved <= sellableFrom(state, today, date));
}

const byExpiryThenLot = (a: StockLot, b: StockLot) =>
  a.expiryDate !== b.expiryDate ? (a.expiryDate < b.expiryDate ? -1 : 1) : a.lot < b.lot ? -1 : a.lot > b.lot ? 1 : 0;

/**
 * First expiry, first out: `qty` from the sellable lots that expire soonest (and no earlier than
 * `minExpiryDate`, when given); undefined if they hold too little.
 */
export function pickFirstExpiry(state: StockState, qty: number, today: string, minExpiryDate?: string): LotQuantity[] | undefined {
  const picked: LotQuantity[] = [];
  let remaining = qty;
  const eligible = (lot: StockLot) =>
    lot.qty > 0 && isSellable(lot, today) && (minExpiryDate === undefined || lot.expiryDate >= minExpiryDate);
  for (const lot of [...state.lots.values()].filter(eligible).sort(byExpiryThenLot)) {
    if (remaining === 0) break;
    const take = Math.min(lot.qty, remaining);
    picked.push({ lot: lot.lot, qty: take, expiryDate: lot.expiryDate });
    remaining -= take;
  }
  return remaining === 0 ? picked : undefined;
}

/** Quantities reach the domain validated; anything else is a caller's bug, not a refusal. */
function assertQuantity(qty: number): void {
  if (!Number.isSafeInteger(qty) || qty <= 0) throw new Error(`A stock quantity must be a positive integer, got ${qty}`);
}

const where = (at: StockAddress) => `${at.sku} at ${at.warehouseId}`;

const insufficient = (at: StockAddress, requested: number, available: number) =>
  refuse('insufficient_stock', `${requested} of ${where(at)} requested, ${available} available`);

const insufficientEligible = (at: StockAddress, requested: number, available: number, minExpiryDate: string) =>
  refuse('insufficient_stock', `${requested} of ${where(at)} requested, ${available} available expiring on or after ${minExpiryDate}`);

const sameDates = (a: LotDates, b: LotDates) => a.productionDate === b.productionDate && a.expiryDate === b.expiryDate;

const lotMismatch = (at: StockAddress, known: LotDates) =>
  refuse('lot_mismatch', `Lot ${known.lot} of ${where(at)} was produced ${known.productionDate} and expires ${known.expiryDate}`);

function decideReceipt(data: ReceiveStock, state: StockState): EventsOrRefusal<StockEvent> {
  const earlier = state.receipts.get(data.receiptId);
  if (earlier) {
    if (earlier.lot === data.lot && sameDates(earlier, data) && earlier.qty === data.qty) return [];
    return refuse(
      'receipt_conflict',
      `Receipt ${data.receiptId} already received ${earlier.qty} of lot ${earlier.lot} at ${data.warehouseId}`,
      'conflict',
    );
  }
  const known = state.lots.get(data.lot);
  if (known && !sameDates(known, data)) return lotMismatch(data, known);
  return [{ type: 'StockReceived', data }];
}

function decideReservation(data: ReserveStock, state: StockState): EventsOrRefusal<StockEvent> {
  const { sku, warehouseId, orderId, qty, today, minExpiryDate } = data;
  if (state.reservations.has(orderId) || state.pickedOrders.has(orderId)) return [];
  const available = availableFor(state, today, minExpiryDate);
  if (qty > available) {
    return minExpiryDate ? insufficientEligible(data, qty, available, minExpiryDate) : insufficient(data, qty, available);
  }
  return [{ type: 'StockReserved', data: { sku, warehouseId, orderId, qty, ...(minExpiryDate && { minExpiryDate }) } }];
}

/** Refuses what would leave a reservation unservable by the lots it may take. */
function keepsServable(state: StockState, events: readonly StockEvent[], today: string, at: StockAddress): EventsOrRefusal<StockEvent> {
  const after = events.reduce(stockDecider.evolve, state);
  if (reservationsServable(after, today) || !reservationsServable(state, today)) return events;
  return refuse(
    'stock_reserved',
    `Stock of ${where(at)} is promised to orders that need it (with enough shelf life left); it cannot be taken`,
  );
}

function decidePick(data: PickStock, state: StockState): EventsOrRefusal<StockEvent> {
  const { sku, warehouseId, orderId, shipmentId, qty, today } = data;
  if (state.shipments.has(shipmentId)) return [];
  const fromReservation = Math.min(qty, reservedFor(state, orderId));
  const minExpiryDate = state.requirements.get(orderId);
  const { available } = stockLevel(state, today);
  // Beyond its own reservation an order may only take free stock, never another order's.
  if (qty - fromReservation > available) return insufficient(data, qty, fromReservation + available);
  // First expiry, first out among the lots the order may take.
  const lots = pickFirstExpiry(state, qty, today, minExpiryDate);
  if (!lots) return insufficient(data, qty, minExpiryDate ? sellableFrom(state, today, minExpiryDate) : stockLevel(state, today).sellable);
  return keepsServable(
    state,
    [{ type: 'StockPicked', data: { sku, warehouseId, orderId, shipmentId, qty, fromReservation, lots } }],
    today,
    data,
  );
}

function decideAdjustment(data: AdjustStock, state: StockState): EventsOrRefusal<StockEvent> {
  const { sku, warehouseId, adjustmentId, lot, delta, reason, today } = data;
  if (state.adjustments.has(adjustmentId)) return [];
  const known = state.lots.get(lot);
  if (!known) return refuse('lot_not_found', `Lot ${lot} of ${where(data)} was never received`, 'not_found');
  if (known.qty + delta < 0)
    return refuse('insufficient_stock', `Lot ${lot} of ${where(data)} holds ${known.qty}; it cannot change by ${delta}`);
  if (delta < 0 && isSellable(known, today)) {
    const level = stockLevel(state, today);
    if (level.sellable + delta < level.reserved) {
      return refuse(
        'stock_reserved',
        `${level.reserved} of ${where(data)} is reserved and ${level.available} available; ${-delta} cannot be removed`,
      );
    }
  }
  return keepsServable(state, [{ type: 'StockAdjusted', data: { sku, warehouseId, adjustmentId, lot, delta, reason } }], today, data);
}

function decideTransferOut(data: TransferOut, state: StockState): EventsOrRefusal<StockEvent> {
  const { sku, warehouseId, transferId, toWarehouseId, lot, qty, today } = data;
  if (state.transfersOut.has(transferId)) return [];
  const known = state.lots.get(lot);
  if (!known) return refuse('lot_not_found', `Lot ${lot} of ${where(data)} was never received`, 'not_found');
  if (!isSellable(known, today)) return refuse('lot_expired', `Lot ${lot} of ${where(data)} expired on ${known.expiryDate}`);
  if (qty > known.qty) return refuse('insufficient_stock', `Lot ${lot} of ${where(data)} holds ${known.qty}; ${qty} requested`);
  const { available, reserved } = stockLevel(state, today);
  if (qty > available)
    return refuse('stock_reserved', `${reserved} of ${where(data)} is reserved and ${available} available; ${qty} requested`);
  const { productionDate, expiryDate } = known;
  return keepsServable(
    state,
    [{ type: 'StockTransferredOut', data: { sku, warehouseId, transferId, toWarehouseId, lot, productionDate, expiryDate, qty } }],
    today,
    data,
  );
}

function decideTransferIn(data: TransferIn, state: StockState): EventsOrRefusal<StockEvent> {
  if (state.transfersIn.has(data.transferId)) return [];
  const known = state.lots.get(data.lot);
  if (known && !sameDates(known, data)) return lotMismatch(data, known);
  return [{ type: 'StockTransferredIn', data }];
}

function decideWriteOff(data: WriteOffExpired, state: StockState): EventsOrRefusal<StockEvent> {
  const { sku, warehouseId, writeOffId, today } = data;
  if (state.writeOffs.has(writeOffId)) return [];
  const lots = [...state.lots.values()]
    .filter((lot) => lot.qty > 0 && !isSellable(lot, today))
    .sort(byExpiryThenLot)
    .map(({ lot, qty, expiryDate }) => ({ lot, qty, expiryDate }));
  if (lots.length === 0) return [];
  const qty = lots.reduce((total, lot) => total + lot.qty, 0);
  return [{ type: 'StockWrittenOff', data: { sku, warehouseId, writeOffId, qty, lots } }];
}

function decideReturn(data: ReturnStock, state: StockState): EventsOrRefusal<StockEvent> {
  const { sku, warehouseId, orderId, returnId, lots } = data;
  if (state.returns.has(returnId)) return [];
  for (const lot of lots) {
    assertQuantity(lot.qty);
    const known = state.lots.get(lot.lot) ?? state.quarantine.get(lot.lot);
    if (known && !sameDates(known, lot)) return lotMismatch(data, known);
  }
  const qty = lots.reduce((total, lot) => total + lot.qty, 0);
  return [{ type: 'StockReturned', data: { sku, warehouseId, orderId, returnId, qty, lots } }];
}

function changeLot(lots: ReadonlyMap<string, StockLot>, lot: string, delta: number, dates?: LotDates): Map<string, StockLot> {
  const next = new Map(lots);
  const known = lots.get(lot);
  if (known) next.set(lot, { ...known, qty: known.qty + delta });
  else if (dates) next.set(lot, { lot, productionDate: dates.productionDate, expiryDate: dates.expiryDate, qty: delta });
  else throw new Error(`Lot ${lot} is unknown and has no dates`);
  return next;
}

function takeLots(lots: ReadonlyMap<string, StockLot>, taken: readonly LotQuantity[]): Map<string, StockLot> {
  const next = new Map(lots);
  for (const { lot, qty } of taken) {
    const known = next.get(lot);
    if (!known) throw new Error(`Lot ${lot} is unknown`);
    next.set(lot, { ...known, qty: known.qty - qty });
  }
  return next;
}

/** The requirement of a new reservation needing lots from `date` on. */
function requiring(state: StockState, orderId: string, date: string, qty: number): Pick<StockState, 'requirements' | 'reservedFrom'> {
  return {
    requirements: state.requirements.set(orderId, date),
    reservedFrom: new Map(state.reservedFrom).set(date, (state.reservedFrom.get(date) ?? 0) + qty),
  };
}

/** `qty` of an order's reservation gone (released or picked): its requirement shrinks, or goes with it. */
function unrequiring(state: StockState, orderId: string, qty: number): Partial<Pick<StockState, 'requirements' | 'reservedFrom'>> {
  const date = state.requirements.get(orderId);
  if (date === undefined || qty === 0) return {};
  const reservedFrom = new Map(state.reservedFrom);
  const left = (reservedFrom.get(date) ?? 0) - qty;
  if (left > 0) reservedFrom.set(date, left);
  else reservedFrom.delete(date);
  if (reservedFor(state, orderId) - qty > 0) return { reservedFrom };
  return { requirements: state.requirements.delete(orderId), reservedFrom };
}

function withReservation(reservations: PersistentMap<string, number>, orderId: string, qty: number): PersistentMap<string, number> {
  return qty > 0 ? reservations.set(orderId, qty) : reservations.delete(orderId);
}

export const stockDecider: Decider<StockCommand, StockEvent, StockState> = {
  initialState: initialStockState,

  decide(command, state) {
    if ('qty' in command.data) assertQuantity(command.data.qty);
    switch (command.type) {
      case 'ReceiveStock':
        return decideReceipt(command.data, state);
      case 'ReserveStock':
        return decideReservation(command.data, state);
      case 'ReleaseStock': {
        const { sku, warehouseId, orderId } = command.data;
        const qty = reservedFor(state, orderId);
        return qty > 0 ? [{ type: 'StockReleased', data: { sku, warehouseId, orderId, qty } }] : [];
      }
      case 'PickStock':
        return decidePick(command.data, state);
      case 'AdjustStock':
        return decideAdjustment(command.data, state);
      case 'TransferOut':
        return decideTransferOut(command.data, state);
      case 'TransferIn':
        return decideTransferIn(command.data, state);
      case 'WriteOffExpired':
        return decideWriteOff(command.data, state);
      case 'ReturnStock':
        return decideReturn(command.data, state);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'StockReceived': {
        const { receiptId, lot, qty } = event.data;
        return {
          ...state,
          lots: changeLot(state.lots, lot, qty, event.data),
          receipts: new Map(state.receipts).set(receiptId, event.data),
        };
      }
      case 'StockReserved': {
        const { orderId, qty, minExpiryDate } = event.data;
        return {
          ...state,
          reservations: withReservation(state.reservations, orderId, reservedFor(state, orderId) + qty),
          reserved: state.reserved + qty,
          ...(minExpiryDate && requiring(state, orderId, minExpiryDate, qty)),
        };
      }
      case 'StockReleased': {
        const { orderId, qty } = event.data;
        return {
          ...state,
          reservations: withReservation(state.reservations, orderId, reservedFor(state, orderId) - qty),
          reserved: state.reserved - qty,
          ...unrequiring(state, orderId, qty),
        };
      }
      case 'StockPicked': {
        const { orderId, shipmentId, fromReservation, lots } = event.data;
        return {
          ...state,
          lots: takeLots(state.lots, lots),
          reservations: withReservation(state.reservations, orderId, reservedFor(state, orderId) - fromReservation),
          reserved: state.reserved - fromReservation,
          ...unrequiring(state, orderId, fromReservation),
          shipments: state.shipments.add(shipmentId),
          pickedOrders: state.pickedOrders.add(orderId),
        };
      }
      case 'StockAdjusted': {
        const { adjustmentId, lot, delta } = event.data;
        return { ...state, lots: changeLot(state.lots, lot, delta), adjustments: state.adjustments.add(adjustmentId) };
      }
      case 'StockTransferredOut': {
        const { transferId, lot, qty } = event.data;
        return { ...state, lots: changeLot(state.lots, lot, -qty), transfersOut: new Map(state.transfersOut).set(transferId, event.data) };
      }
      case 'StockTransferredIn': {
        const { transferId, lot, qty } = event.data;
        return { ...state, lots: changeLot(state.lots, lot, qty, event.data), transfersIn: state.transfersIn.add(transferId) };
      }
      case 'StockWrittenOff': {
        const { writeOffId, lots } = event.data;
        return { ...state, lots: takeLots(state.lots, lots), writeOffs: state.writeOffs.add(writeOffId) };
      }
      case 'StockReturned': {
        let lots: ReadonlyMap<string, StockLot> = state.lots;
        let quarantine = state.quarantine;
        for (const returned of event.data.lots) {
          if (returned.disposition === 'restock') lots = changeLot(lots, returned.lot, returned.qty, returned);
          else quarantine = changeLot(quarantine, returned.lot, returned.qty, returned);
        }
        return { ...state, lots, quarantine, returns: state.returns.add(event.data.returnId) };
      }
    }
  },
};
