import { describe, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { stockAlertDecider, type StockAlertCommand, type StockAlertEvent } from './stock-alerts.ts';

const at = { sku: 'TEA', warehouseId: 'WH-1' };
const observedAt = '2026-03-03T08:00:00.000Z';
const thresholds = { redDays: 30, yellowDays: 90, blueDays: 180 };

const observe = (stockRevision: number, available: number, threshold: number | null = 10): StockAlertCommand => ({
  type: 'ObserveStockLevel',
  data: { ...at, stockRevision, available, threshold, observedAt },
});
const fell = (stockRevision: number, available: number, threshold = 10): StockAlertEvent => ({
  type: 'StockFellBelowThreshold',
  data: { ...at, available, threshold, stockRevision, observedAt },
});
const recovered = (stockRevision: number, available: number, threshold: number | null = 10): StockAlertEvent => ({
  type: 'StockRecovered',
  data: { ...at, available, threshold, stockRevision, observedAt },
});
const evaluate = (today: string, lots: { lot: string; expiryDate: string; qty: number }[]): StockAlertCommand => ({
  type: 'EvaluateLotExpiry',
  data: { ...at, lots, today, thresholds },
});
const entered = (
  lot: string,
  expiryDate: string,
  tier: 'red' | 'yellow' | 'blue',
  daysLeft: number,
  today: string,
  qty = 5,
): StockAlertEvent => ({
  type: 'LotEnteredExpiryTier',
  data: { ...at, lot, expiryDate, tier, daysLeft, qty, today },
});

const spec = specification(stockAlertDecider);

describe('stock alerts', () => {
  describe('low stock', () => {
    it('alerts when the available quantity crosses below the threshold, once per crossing', () => {
      spec
        .given()
        .when(observe(3, 9))
        .then([fell(3, 9)]);
      spec
        .given([fell(3, 9)])
        .when(observe(4, 2))
        .thenNothing();
      spec.given().when(observe(3, 10)).thenNothing();
    });

    it('alerts again only after the stock rose back to the threshold', () => {
      spec
        .given([fell(3, 9)])
        .when(observe(5, 10))
        .then([recovered(5, 10)]);
      spec
        .given([fell(3, 9), recovered(5, 10)])
        .when(observe(6, 4))
        .then([fell(6, 4)]);
    });

    it('decides nothing on a level older than the last one decided on (a replay, a slower trigger)', () => {
      spec
        .given([fell(3, 9), recovered(5, 10)])
        .when(observe(4, 1))
        .thenNothing();
      spec
        .given([fell(3, 9), recovered(5, 10), fell(7, 2)])
        .when(observe(5, 12))
        .thenNothing();
    });

    it('takes a threshold raised (or removed) at the same stock revision into account', () => {
      spec
        .given()
        .when(observe(5, 12, 20))
        .then([fell(5, 12, 20)]);
      spec
        .given([fell(5, 12, 20)])
        .when(observe(5, 12, null))
        .then([recovered(5, 12, null)]);
    });
  });

  describe('expiry tiers', () => {
    it('alerts each lot holding stock once per tier it enters', () => {
      const lots = [{ lot: 'L1', expiryDate: '2026-08-01', qty: 5 }];
      spec
        .given()
        .when(evaluate('2026-03-01', lots))
        .then([entered('L1', '2026-08-01', 'blue', 153, '2026-03-01')]);
      spec
        .given([entered('L1', '2026-08-01', 'blue', 153, '2026-03-01')])
        .when(evaluate('2026-03-02', lots))
        .thenNothing();
      spec
        .given([entered('L1', '2026-08-01', 'blue', 153, '2026-03-01')])
        .when(evaluate('2026-05-10', lots))
        .then([entered('L1', '2026-08-01', 'yellow', 83, '2026-05-10')]);
    });

    it('alerts only the most urgent tier of a lot that skipped one, and never a less urgent one later', () => {
      const lots = [{ lot: 'L1', expiryDate: '2026-03-20', qty: 5 }];
      spec
        .given()
        .when(evaluate('2026-03-01', lots))
        .then([entered('L1', '2026-03-20', 'red', 19, '2026-03-01')]);
      spec
        .given([entered('L1', '2026-03-20', 'red', 19, '2026-03-01')])
        .when(evaluate('2026-01-01', lots))
        .thenNothing();
    });

    it('leaves out lots without stock, expired lots and lots further out than blue', () => {
      spec
        .given()
        .when(
          evaluate('2026-03-01', [
            { lot: 'EMPTY', expiryDate: '2026-03-10', qty: 0 },
            { lot: 'GONE', expiryDate: '2026-03-01', qty: 4 },
            { lot: 'FAR', expiryDate: '2027-03-01', qty: 4 },
            { lot: 'SOON', expiryDate: '2026-03-31', qty: 4 },
          ]),
        )
        .then([entered('SOON', '2026-03-31', 'red', 30, '2026-03-01', 4)]);
    });
  });
});
