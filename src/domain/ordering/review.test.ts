import { describe, expect, it } from 'vitest';
import { reviewVerdict, type ReviewFindings } from './review.ts';

const clean: ReviewFindings = {
  dealerSuspended: false,
  unknownSkus: [],
  territory: { authorized: true, regionCode: 'CN-31', territories: ['CN-31'] },
  stockShort: [],
  creditRefused: null,
  promotionCapsReached: [],
  risk: { score: 0, threshold: 60, factors: [] },
};

describe('review verdict', () => {
  it('approves when every check passes', () => {
    expect(reviewVerdict(clean)).toEqual({ decision: 'approved', reasons: [], keepReservations: true });
  });

  it('rejects a suspended dealer or unknown SKUs', () => {
    const verdict = reviewVerdict({ ...clean, dealerSuspended: true, unknownSkus: ['NOPE'] });
    expect(verdict.decision).toBe('rejected');
    expect(verdict.reasons.map((reason) => reason.code)).toEqual(['dealer_suspended', 'unknown_sku']);
  });

  it('holds with every reason, releasing reservations when stock or credit fell short', () => {
    const verdict = reviewVerdict({
      ...clean,
      stockShort: [{ sku: 'TEA', requested: 10, available: 4 }],
      creditRefused: { detail: 'needs 5.00, 2.00 available' },
      territory: { authorized: false, regionCode: 'CN-44', territories: ['CN-31'] },
      risk: {
        score: 70,
        threshold: 60,
        factors: [
          { rule: 'order_value_spike', weight: 40, detail: '' },
          { rule: 'unusual_hour', weight: 30, detail: '' },
        ],
      },
    });
    expect(verdict.decision).toBe('on_hold');
    expect(verdict.reasons.map((reason) => reason.code)).toEqual([
      'insufficient_stock',
      'credit_limit_exceeded',
      'territory_not_authorized',
      'risk_score_high',
    ]);
    expect(verdict.reasons[0]!.detail).toBe('TEA: 10 ordered, 4 available');
    expect(verdict.keepReservations).toBe(false);
  });

  it('keeps reservations on a hold for territory or risk alone', () => {
    const verdict = reviewVerdict({ ...clean, territory: { authorized: false, regionCode: 'CN-44', territories: ['CN-31'] } });
    expect(verdict).toMatchObject({ decision: 'on_hold', keepReservations: true });
  });
});
