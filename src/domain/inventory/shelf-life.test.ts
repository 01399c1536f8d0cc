// Reservations that need lots expiring late enough (a dealer's minimum remaining shelf life): the
// stock stream keeps every reservation servable by the lots it may take, whatever else happens.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { fold, isRefusal } from '../shared/decider.ts';
import {
  availableFor,
  pickFirstExpiry,
  reservationsServable,
  stockDecider,
  type StockCommand,
  type StockEvent,
  type StockState,
} from './stock.ts';

const at = { sku: 'TEA-1', warehouseId: 'WH-1' };
const today = '2026-06-01';
const spec = specification(stockDecider);

const received = (lot: string, qty: number, expiryDate: string): StockEvent => ({
  type: 'StockReceived',
  data: { ...at, receiptId: `R-${lot}`, lot, productionDate: '2026-01-01', expiryDate, qty },
});
const reserved = (orderId: string, qty: number, minExpiryDate?: string): StockEvent => ({
  type: 'StockReserved',
  data: { ...at, orderId, qty, ...(minExpiryDate && { minExpiryDate }) },
});

/** SHORT expires in 20 days, MID in 90, LONG in 300. */
const lots = [received('SHORT', 10, '2026-06-21'), received('MID', 10, '2026-08-30'), received('LONG', 10, '2027-03-28')];

describe('reservations with a minimum expiry date', () => {
  it('counts only lots expiring late enough, and what stricter reservations already hold of them', () => {
    const state = fold(stockDecider, [...lots, reserved('O-1', 8, '2026-12-01')]);
    expect(availableFor(state, today, null)).toBe(22);
    // Needing lots from 2026-08-01 on: MID and LONG hold 20, of which LONG's 8 are promised.
    expect(availableFor(state, today, '2026-08-01')).toBe(12);
    expect(availableFor(state, today, '2026-12-01')).toBe(2);
    expect(availableFor(state, today, '2027-06-01')).toBe(0);
  });

  it('refuses a reservation the eligible lots cannot cover, naming what they can', () => {
    const { decision } = spec
      .given([...lots, reserved('O-1', 8, '2026-12-01')])
      .when({ type: 'ReserveStock', data: { ...at, orderId: 'O-2', qty: 3, today, minExpiryDate: '2026-12-01' } });
    expect(decision).toMatchObject({
      refused: true,
      code: 'insufficient_stock',
      detail: '3 of TEA-1 at WH-1 requested, 2 available expiring on or after 2026-12-01',
    });
    spec
      .given([...lots, reserved('O-1', 8, '2026-12-01')])
      .when({ type: 'ReserveStock', data: { ...at, orderId: 'O-2', qty: 2, today, minExpiryDate: '2026-12-01' } })
      .then([reserved('O-2', 2, '2026-12-01')]);
  });

  it('lets an order without a requirement take only what keeps the others servable', () => {
    // 25 of MID and LONG promised to orders that need them: of 30 on hand, 5 are free, in SHORT.
    const given = [...lots, reserved('O-1', 10, '2026-12-01'), reserved('O-2', 10, '2026-08-01')];
    expect(availableFor(fold(stockDecider, given), today, null)).toBe(10);
    spec
      .given(given)
      .when({ type: 'ReserveStock', data: { ...at, orderId: 'O-3', qty: 10, today } })
      .then([reserved('O-3', 10)]);
  });

  it('picks first expiry first out among the lots the order may take; an order without one takes the soonest', () => {
    const given = [...lots, reserved('O-1', 5, '2026-08-01'), reserved('O-2', 5)];
    const pick = (orderId: string, shipmentId: string) =>
      spec.given(given).when({ type: 'PickStock', data: { ...at, orderId, shipmentId, qty: 5, today } }).decision;
    expect(pick('O-1', 'S-1')).toMatchObject([{ type: 'StockPicked', data: { lots: [{ lot: 'MID', qty: 5, expiryDate: '2026-08-30' }] } }]);
    expect(pick('O-2', 'S-2')).toMatchObject([
      { type: 'StockPicked', data: { lots: [{ lot: 'SHORT', qty: 5, expiryDate: '2026-06-21' }] } },
    ]);
  });

  it('refuses an adjustment, transfer or pick that would leave a reservation without lots it may take', () => {
    const given = [...lots, reserved('O-1', 10, '2026-12-01')];
    spec
      .given(given)
      .when({ type: 'AdjustStock', data: { ...at, adjustmentId: 'A-1', lot: 'LONG', delta: -1, reason: 'damaged', today } })
      .thenRefused('stock_reserved');
    spec
      .given(given)
      .when({ type: 'AdjustStock', data: { ...at, adjustmentId: 'A-2', lot: 'MID', delta: -5, reason: 'damaged', today } })
      .then([{ type: 'StockAdjusted', data: { ...at, adjustmentId: 'A-2', lot: 'MID', delta: -5, reason: 'damaged' } }]);
    spec
      .given(given)
      .when({ type: 'TransferOut', data: { ...at, transferId: 'T-1', toWarehouseId: 'WH-2', lot: 'LONG', qty: 2, today } })
      .thenRefused('stock_reserved');
    // An order taking free stock takes the lots no one needs first, and never what is promised.
    spec
      .given(given)
      .when({ type: 'PickStock', data: { ...at, orderId: 'O-9', shipmentId: 'S-9', qty: 20, today } })
      .then([
        {
          type: 'StockPicked',
          data: {
            ...at,
            orderId: 'O-9',
            shipmentId: 'S-9',
            qty: 20,
            fromReservation: 0,
            lots: [
              { lot: 'SHORT', qty: 10, expiryDate: '2026-06-21' },
              { lot: 'MID', qty: 10, expiryDate: '2026-08-30' },
            ],
          },
        },
      ]);
    const { decision } = spec.given(given).when({ type: 'PickStock', data: { ...at, orderId: 'O-9', shipmentId: 'S-9', qty: 21, today } });
    expect(isRefusal(decision) && decision.code).toBe('insufficient_stock');
  });

  it('forgets the requirement once the reservation is released or picked', () => {
    const state = fold(stockDecider, [
      ...lots,
      reserved('O-1', 6, '2026-12-01'),
      { type: 'StockReleased', data: { ...at, orderId: 'O-1', qty: 6 } },
    ]);
    expect(state.requirements.size).toBe(0);
    expect(state.reservedFrom.size).toBe(0);
  });

  it('keeps every reservation servable through any sequence of commands (property)', () => {
    const dates = ['2026-06-10', '2026-07-01', '2026-09-01', '2026-12-01', '2027-06-01'];
    const command = fc.oneof(
      fc.record({ kind: fc.constant('receive'), lot: fc.integer({ min: 0, max: 4 }), qty: fc.integer({ min: 1, max: 20 }) }),
      fc.record({
        kind: fc.constant('reserve'),
        order: fc.integer({ min: 0, max: 7 }),
        qty: fc.integer({ min: 1, max: 15 }),
        min: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      }),
      fc.record({ kind: fc.constant('release'), order: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('pick'), order: fc.integer({ min: 0, max: 7 }), qty: fc.integer({ min: 1, max: 15 }), n: fc.nat() }),
      fc.record({
        kind: fc.constant('adjust'),
        lot: fc.integer({ min: 0, max: 4 }),
        delta: fc.integer({ min: -15, max: -1 }),
        n: fc.nat(),
      }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        let state: StockState = stockDecider.initialState;
        for (const c of commands) {
          let decided: StockCommand;
          if (c.kind === 'receive')
            decided = {
              type: 'ReceiveStock',
              data: {
                ...at,
                receiptId: `R-${state.receipts.size}`,
                lot: `L${c.lot}`,
                productionDate: '2026-01-01',
                expiryDate: dates[c.lot]!,
                qty: c.qty,
              },
            };
          else if (c.kind === 'reserve')
            decided = {
              type: 'ReserveStock',
              data: { ...at, orderId: `O-${c.order}`, qty: c.qty, today, ...(c.min !== undefined && { minExpiryDate: dates[c.min] }) },
            };
          else if (c.kind === 'release') decided = { type: 'ReleaseStock', data: { ...at, orderId: `O-${c.order}` } };
          else if (c.kind === 'pick')
            decided = {
              type: 'PickStock',
              data: { ...at, orderId: `O-${c.order}`, shipmentId: `S-${c.n}-${commands.indexOf(c)}`, qty: c.qty, today },
            };
          else
            decided = {
              type: 'AdjustStock',
              data: { ...at, adjustmentId: `A-${c.n}-${commands.indexOf(c)}`, lot: `L${c.lot}`, delta: c.delta, reason: 'count', today },
            };
          const decision = stockDecider.decide(decided, state);
          if (isRefusal(decision)) continue;
          // Every pick takes only lots its order may take.
          for (const event of decision) {
            if (event.type !== 'StockPicked') continue;
            const min = state.requirements.get(event.data.orderId);
            if (min !== undefined) for (const lot of event.data.lots) expect(lot.expiryDate >= min).toBe(true);
          }
          state = decision.reduce(stockDecider.evolve, state);
          expect(reservationsServable(state, today)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('picks nothing too close to expiry for the order', () => {
    const state = fold(stockDecider, lots);
    expect(pickFirstExpiry(state, 12, today, '2026-08-01')).toEqual([
      { lot: 'MID', qty: 10, expiryDate: '2026-08-30' },
      { lot: 'LONG', qty: 2, expiryDate: '2027-03-28' },
    ]);
    expect(pickFirstExpiry(state, 21, today, '2026-08-01')).toBeUndefined();
  });
});
