import { describe, expect, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { rebateBasisDecider, rebateOf, rebateProgramDecider, tierOf, type RebateProgram } from './rebate-program.ts';

const program: RebateProgram = {
  programId: 'RP-1',
  title: 'Tea rebate',
  startsAt: '2026-10-01T00:00:00.000Z',
  endsAt: '2027-01-01T00:00:00.000Z',
  eligibility: { tiers: [], dealers: [], territories: [], skus: [], brands: [], categories: ['tea'] },
  tiers: [
    { fromMinor: 0, percent: 1 },
    { fromMinor: 100_000, percent: 2.5 },
  ],
};

describe('rebate program', () => {
  const spec = specification(rebateProgramDecider);
  const created = { type: 'RebateProgramCreated' as const, data: program };
  const settlement = { dealerId: 'D-1', basisMinor: 120_000, percent: 2.5, amountMinor: 3_000, creditNoteId: 'RB-RP-1' };

  it('pays the percent of the highest tier reached, of the whole basis, rounded down', () => {
    expect(tierOf(program.tiers, 99_999)).toEqual({ tier: program.tiers[0], next: program.tiers[1] });
    expect(rebateOf(program.tiers, 99_999)).toBe(999);
    expect(rebateOf(program.tiers, 120_001)).toBe(3_000);
    expect(rebateOf([{ fromMinor: 50_000, percent: 1 }], 49_999)).toBe(0);
  });

  it('is settled only after it ends, and once', () => {
    spec
      .given([created])
      .when({ type: 'SettleRebateProgram', data: { programId: 'RP-1', now: '2026-12-31T23:59:59.000Z', settlements: [settlement] } })
      .thenRefused('rebate_program_not_ended', 'conflict');
    spec
      .given([created])
      .when({ type: 'SettleRebateProgram', data: { programId: 'RP-1', now: '2027-01-01T00:00:00.000Z', settlements: [settlement] } })
      .then([
        { type: 'RebateProgramSettled', data: { programId: 'RP-1', settledAt: '2027-01-01T00:00:00.000Z', settlements: [settlement] } },
      ]);
    spec
      .given([
        created,
        { type: 'RebateProgramSettled', data: { programId: 'RP-1', settledAt: '2027-01-02T00:00:00.000Z', settlements: [settlement] } },
      ])
      .when({ type: 'SettleRebateProgram', data: { programId: 'RP-1', now: '2027-01-03T00:00:00.000Z', settlements: [] } })
      .thenNothing();
  });
});

describe('rebate basis', () => {
  const spec = specification(rebateBasisDecider);
  const accrued = {
    type: 'RebateBasisAccrued' as const,
    data: { programId: 'RP-1', dealerId: 'D-1', orderId: 'O-1', shipmentId: 'S-1', basisMinor: 5_000 },
  };

  it('counts a shipment once, and a return no more than its order brought', () => {
    spec.given([accrued]).when({ type: 'AccrueRebateBasis', data: accrued.data }).thenNothing();
    spec
      .given([accrued])
      .when({
        type: 'ReduceRebateBasis',
        data: { programId: 'RP-1', dealerId: 'D-1', orderId: 'O-1', returnId: 'R-1', amountMinor: 9_000 },
      })
      .then([
        { type: 'RebateBasisReduced', data: { programId: 'RP-1', dealerId: 'D-1', orderId: 'O-1', returnId: 'R-1', amountMinor: 5_000 } },
      ]);
    spec
      .given([accrued])
      .when({ type: 'ReduceRebateBasis', data: { programId: 'RP-1', dealerId: 'D-1', orderId: 'O-2', returnId: 'R-2', amountMinor: 100 } })
      .thenNothing();
  });
});
