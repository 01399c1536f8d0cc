import { describe, expect, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { fold } from '../shared/decider.ts';
import { stockDecider, stockLevel, stockStream, type StockEvent } from './stock.ts';

const at = { sku: 'TEA-1', warehouseId: 'WH-1' };
const today = '2025-06-01';
const spec = specification(stockDecider);

const received = (lot: string, qty: number, expiryDate: string, receiptId = `R-${lot}`): StockEvent => ({
  type: 'StockReceived',
  data: { ...at, receiptId, lot, productionDate: '2025-01-01', expiryDate, qty },
});
const reserved = (orderId: string, qty: number): StockEvent => ({ type: 'StockReserved', data: { ...at, orderId, qty } });

/** Lot A expires first, then B; C is already expired. */
const stocked = [received('B', 10, '2025-12-31'), received('A', 5, '2025-09-30'), received('C', 7, '2025-05-31')];
/** Picked for an order from its whole reservation, lot by lot. */
const picked = (orderId: string, shipmentId: string, lots: { lot: string; qty: number; expiryDate: string }[]): StockEvent => {
  const qty = lots.reduce((sum, lot) => sum + lot.qty, 0);
  return { type: 'StockPicked', data: { ...at, orderId, shipmentId, qty, fromReservation: qty, lots } };
};
/** Eight units first expiry first out from `stocked` (C has expired by `today`). */
const FIRST_EXPIRY_EIGHT = [
  { lot: 'A', qty: 5, expiryDate: '2025-09-30' },
  { lot: 'B', qty: 3, expiryDate: '2025-12-31' },
];

describe('stock decider', () => {
  it('names its stream by SKU and warehouse', () => {
    expect(stockStream('TEA-1', 'WH-1')).toBe('stock-TEA-1@WH-1');
  });

  describe('receipts', () => {
    it('receives a lot, once per receipt id', () => {
      const receipt = { ...at, receiptId: 'R-1', lot: 'A', productionDate: '2025-01-01', expiryDate: '2025-09-30', qty: 5 };
      spec
        .given()
        .when({ type: 'ReceiveStock', data: receipt })
        .then([{ type: 'StockReceived', data: receipt }]);
      spec
        .given([{ type: 'StockReceived', data: receipt }])
        .when({ type: 'ReceiveStock', data: receipt })
        .thenNothing();
      spec
        .given([{ type: 'StockReceived', data: receipt }])
        .when({ type: 'ReceiveStock', data: { ...receipt, qty: 6 } })
        .thenRefused('receipt_conflict', 'conflict');
    });

    it('adds to a known lot, but refuses a lot with other dates', () => {
      const more = { ...at, receiptId: 'R-2', lot: 'A', productionDate: '2025-01-01', expiryDate: '2025-09-30', qty: 3 };
      spec
        .given(stocked)
        .when({ type: 'ReceiveStock', data: more })
        .then([{ type: 'StockReceived', data: more }]);
      spec
        .given(stocked)
        .when({ type: 'ReceiveStock', data: { ...more, expiryDate: '2026-01-01' } })
        .thenRefused('lot_mismatch', 'rule');
    });
  });

  describe('reservations', () => {
    it('reserves what is available in lots that have not expired', () => {
      spec
        .given(stocked)
        .when({ type: 'ReserveStock', data: { ...at, orderId: 'O-1', qty: 15, today } })
        .then([reserved('O-1', 15)]);
    });

    it('refuses more than available (expired lots and other reservations do not count)', () => {
      const { decision } = spec
        .given([...stocked, reserved('O-1', 10)])
        .when({ type: 'ReserveStock', data: { ...at, orderId: 'O-2', qty: 6, today } });
      expect(decision).toMatchObject({
        refused: true,
        code: 'insufficient_stock',
        kind: 'rule',
        detail: '6 of TEA-1 at WH-1 requested, 5 available',
      });
    });

    it('reserves once per order: a second reserve for the same order changes nothing', () => {
      spec
        .given([...stocked, reserved('O-1', 4)])
        .when({ type: 'ReserveStock', data: { ...at, orderId: 'O-1', qty: 4, today } })
        .thenNothing();
    });

    it('lets a released order reserve again (a held order approved later)', () => {
      const released: StockEvent = { type: 'StockReleased', data: { ...at, orderId: 'O-1', qty: 4 } };
      spec
        .given([...stocked, reserved('O-1', 4), released])
        .when({ type: 'ReserveStock', data: { ...at, orderId: 'O-1', qty: 4, today } })
        .then([reserved('O-1', 4)]);
    });

    it('releases what the order holds, and nothing when it holds nothing', () => {
      spec
        .given([...stocked, reserved('O-1', 4)])
        .when({ type: 'ReleaseStock', data: { ...at, orderId: 'O-1' } })
        .then([{ type: 'StockReleased', data: { ...at, orderId: 'O-1', qty: 4 } }]);
      spec
        .given(stocked)
        .when({ type: 'ReleaseStock', data: { ...at, orderId: 'O-1' } })
        .thenNothing();
    });

    it('counts a lot as expired from its expiry date on', () => {
      const state = fold(stockDecider, stocked);
      expect(stockLevel(state, '2025-09-29')).toEqual({ onHand: 22, sellable: 15, reserved: 0, available: 15 });
      expect(stockLevel(state, '2025-09-30')).toEqual({ onHand: 22, sellable: 10, reserved: 0, available: 10 });
    });
  });

  describe('picking', () => {
    it("picks first expiry first out from lots that have not expired, consuming the order's reservation", () => {
      spec
        .given([...stocked, reserved('O-1', 8)])
        .when({ type: 'PickStock', data: { ...at, orderId: 'O-1', shipmentId: 'S-1', qty: 8, today } })
        .then([picked('O-1', 'S-1', FIRST_EXPIRY_EIGHT)]);
    });

    it('leaves the rest of a partly shipped order reserved', () => {
      const state = fold(stockDecider, [
        ...stocked,
        reserved('O-1', 8),
        picked('O-1', 'S-1', [{ lot: 'A', qty: 3, expiryDate: '2025-09-30' }]),
      ]);
      expect(state.reservations.get('O-1')).toBe(5);
      expect(stockLevel(state, today)).toEqual({ onHand: 19, sellable: 12, reserved: 5, available: 7 });
    });

    it('never changes the state a reservation, release or pick was folded onto (a cached or batched state shares it)', () => {
      const before = fold(stockDecider, [...stocked, reserved('O-1', 8), reserved('O-2', 2)]);
      const released: StockEvent = { type: 'StockReleased', data: { ...at, orderId: 'O-2', qty: 2 } };
      const after = [reserved('O-3', 1), released, picked('O-1', 'S-1', FIRST_EXPIRY_EIGHT)].reduce(stockDecider.evolve, before);
      expect([...after.reservations]).toEqual([['O-3', 1]]);
      expect(after.shipments.has('S-1')).toBe(true);
      expect([...before.reservations].sort()).toEqual([
        ['O-1', 8],
        ['O-2', 2],
      ]);
      expect(before.shipments.has('S-1')).toBe(false);
      expect(before.pickedOrders.has('O-1')).toBe(false);
      expect(stockLevel(before, today)).toEqual({ onHand: 22, sellable: 15, reserved: 10, available: 5 });
    });

    it('picks once per shipment id', () => {
      spec
        .given([...stocked, reserved('O-1', 8), picked('O-1', 'S-1', [{ lot: 'A', qty: 3, expiryDate: '2025-09-30' }])])
        .when({ type: 'PickStock', data: { ...at, orderId: 'O-1', shipmentId: 'S-1', qty: 3, today } })
        .thenNothing();
    });

    it("never takes another order's reservation", () => {
      spec
        .given([...stocked, reserved('O-1', 12)])
        .when({ type: 'PickStock', data: { ...at, orderId: 'O-2', shipmentId: 'S-2', qty: 4, today } })
        .thenRefused('insufficient_stock');
      spec
        .given([...stocked, reserved('O-1', 12)])
        .when({ type: 'PickStock', data: { ...at, orderId: 'O-1', shipmentId: 'S-1', qty: 16, today } })
        .thenRefused('insufficient_stock');
    });

    it('does not reserve again for an order that already picked here', () => {
      spec
        .given([...stocked, reserved('O-1', 2), picked('O-1', 'S-1', [{ lot: 'A', qty: 2, expiryDate: '2025-09-30' }])])
        .when({ type: 'ReserveStock', data: { ...at, orderId: 'O-1', qty: 2, today } })
        .thenNothing();
    });

    it('refuses to pick reserved stock that has since expired', () => {
      spec
        .given([...stocked, reserved('O-1', 15)])
        .when({ type: 'PickStock', data: { ...at, orderId: 'O-1', shipmentId: 'S-1', qty: 15, today: '2025-10-01' } })
        .thenRefused('insufficient_stock');
    });
  });

  describe('adjustments', () => {
    const adjust = (delta: number, lot = 'A') => ({
      type: 'AdjustStock' as const,
      data: { ...at, adjustmentId: 'ADJ-1', lot, delta, reason: 'cycle count', today },
    });

    it('adjusts a lot with a reason, once per adjustment id', () => {
      spec
        .given(stocked)
        .when(adjust(-2))
        .then([{ type: 'StockAdjusted', data: { ...at, adjustmentId: 'ADJ-1', lot: 'A', delta: -2, reason: 'cycle count' } }]);
      spec
        .given([...stocked, { type: 'StockAdjusted', data: { ...at, adjustmentId: 'ADJ-1', lot: 'A', delta: -2, reason: 'cycle count' } }])
        .when(adjust(-2))
        .thenNothing();
    });

    it('refuses to drive a lot negative, to touch an unknown lot, or to remove reserved stock', () => {
      spec.given(stocked).when(adjust(-6)).thenRefused('insufficient_stock', 'rule');
      spec.given(stocked).when(adjust(3, 'Z')).thenRefused('lot_not_found', 'not_found');
      spec
        .given([...stocked, reserved('O-1', 12)])
        .when(adjust(-4))
        .thenRefused('stock_reserved', 'rule');
      spec
        .given([...stocked, reserved('O-1', 12)])
        .when(adjust(-3))
        .then([{ type: 'StockAdjusted', data: { ...at, adjustmentId: 'ADJ-1', lot: 'A', delta: -3, reason: 'cycle count' } }]);
    });

    it('lets an expired lot be counted down even when everything sellable is reserved', () => {
      spec
        .given([...stocked, reserved('O-1', 15)])
        .when(adjust(-7, 'C'))
        .then([{ type: 'StockAdjusted', data: { ...at, adjustmentId: 'ADJ-1', lot: 'C', delta: -7, reason: 'cycle count' } }]);
    });
  });

  describe('transfers', () => {
    const out = (qty: number, lot = 'A') => ({
      type: 'TransferOut' as const,
      data: { ...at, transferId: 'T-1', toWarehouseId: 'WH-2', lot, qty, today },
    });
    const transferredOut: StockEvent = {
      type: 'StockTransferredOut',
      data: { ...at, transferId: 'T-1', toWarehouseId: 'WH-2', lot: 'A', productionDate: '2025-01-01', expiryDate: '2025-09-30', qty: 4 },
    };

    it('moves a lot out with its dates, once per transfer id', () => {
      spec.given(stocked).when(out(4)).then([transferredOut]);
      spec
        .given([...stocked, transferredOut])
        .when(out(4))
        .thenNothing();
    });

    it('refuses more than the lot holds, reserved stock, and expired lots', () => {
      spec.given(stocked).when(out(6)).thenRefused('insufficient_stock');
      spec
        .given([...stocked, reserved('O-1', 12)])
        .when(out(4))
        .thenRefused('stock_reserved');
      spec.given(stocked).when(out(1, 'C')).thenRefused('lot_expired');
    });

    it('moves the lot in at the destination, once per transfer id', () => {
      const into = {
        sku: 'TEA-1',
        warehouseId: 'WH-2',
        transferId: 'T-1',
        fromWarehouseId: 'WH-1',
        lot: 'A',
        productionDate: '2025-01-01',
        expiryDate: '2025-09-30',
        qty: 4,
      };
      spec
        .given()
        .when({ type: 'TransferIn', data: into })
        .then([{ type: 'StockTransferredIn', data: into }]);
      spec
        .given([{ type: 'StockTransferredIn', data: into }])
        .when({ type: 'TransferIn', data: into })
        .thenNothing();
    });
  });

  it('throws on a quantity no validated caller could send', () => {
    expect(() =>
      stockDecider.decide({ type: 'ReserveStock', data: { ...at, orderId: 'O-1', qty: 0, today } }, fold(stockDecider, stocked)),
    ).toThrow(/positive integer/);
  });

  describe('write-offs', () => {
    it('writes off every lot that has expired, once per write-off id', () => {
      const writtenOff: StockEvent = {
        type: 'StockWrittenOff',
        data: {
          ...at,
          writeOffId: 'W-1',
          qty: 12,
          lots: [
            { lot: 'C', qty: 7, expiryDate: '2025-05-31' },
            { lot: 'A', qty: 5, expiryDate: '2025-09-30' },
          ],
        },
      };
      spec
        .given(stocked)
        .when({ type: 'WriteOffExpired', data: { ...at, writeOffId: 'W-1', today: '2025-10-01' } })
        .then([
          {
            type: 'StockWrittenOff',
            data: {
              ...at,
              writeOffId: 'W-1',
              qty: 12,
              lots: [
                { lot: 'C', qty: 7, expiryDate: '2025-05-31' },
                { lot: 'A', qty: 5, expiryDate: '2025-09-30' },
              ],
            },
          },
        ]);
      spec
        .given([...stocked, writtenOff])
        .when({ type: 'WriteOffExpired', data: { ...at, writeOffId: 'W-1', today: '2025-10-01' } })
        .thenNothing();
      spec
        .given([...stocked, writtenOff])
        .when({ type: 'WriteOffExpired', data: { ...at, writeOffId: 'W-2', today: '2025-10-01' } })
        .thenNothing();
    });
  });

  describe('returns', () => {
    const lotA = { lot: 'A', productionDate: '2025-01-01', expiryDate: '2025-09-30' };
    const returning = (
      lots: { lot: string; productionDate: string; expiryDate: string; qty: number; disposition: 'restock' | 'quarantine' }[],
    ) => ({
      type: 'ReturnStock' as const,
      data: { ...at, orderId: 'O-1', returnId: 'RET-1', lots },
    });
    const returned = (lots: Parameters<typeof returning>[0]): StockEvent => ({
      type: 'StockReturned',
      data: { ...at, orderId: 'O-1', returnId: 'RET-1', qty: lots.reduce((total, lot) => total + lot.qty, 0), lots },
    });
    const both = [
      { ...lotA, qty: 2, disposition: 'restock' as const },
      { ...lotA, qty: 1, disposition: 'quarantine' as const },
    ];

    it('puts restocked goods back into their lot, sellable, and quarantined ones apart, not on hand', () => {
      spec
        .given(stocked)
        .when(returning(both))
        .then([returned(both)]);
      const state = fold(stockDecider, [...stocked, returned(both)]);
      expect(state.lots.get('A')?.qty).toBe(5 + 2);
      expect(state.quarantine.get('A')?.qty).toBe(1);
      expect(stockLevel(state, today)).toMatchObject({ onHand: 22 + 2, sellable: 15 + 2 });
    });

    it('returns once per return id, and into a lot this warehouse never held', () => {
      spec
        .given([...stocked, returned(both)])
        .when(returning(both))
        .thenNothing();
      const lotD = [{ lot: 'D', productionDate: '2025-02-01', expiryDate: '2026-02-01', qty: 3, disposition: 'restock' as const }];
      spec
        .given(stocked)
        .when(returning(lotD))
        .then([returned(lotD)]);
      expect(fold(stockDecider, [returned(lotD)]).lots.get('D')).toEqual({
        lot: 'D',
        productionDate: '2025-02-01',
        expiryDate: '2026-02-01',
        qty: 3,
      });
    });

    it('refuses a lot known here with other dates', () => {
      spec
        .given(stocked)
        .when(returning([{ ...lotA, expiryDate: '2026-01-01', qty: 1, disposition: 'quarantine' }]))
        .thenRefused('lot_mismatch', 'rule');
    });
  });
});
