import { describe, expect, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { dealerDecider, dueDateFor, type DealerEvent, type DealerRegistration } from './dealer.ts';

const registration: DealerRegistration = {
  dealerId: 'D-1',
  name: 'East Coast Foods',
  tier: 'gold',
  territories: ['CN-31', 'CN-32'],
  paymentTermsDays: 30,
  prepay: false,
};
const registered: DealerEvent = { type: 'DealerRegistered', data: registration };
const suspended: DealerEvent = { type: 'DealerSuspended', data: { dealerId: 'D-1', reason: 'overdue invoices' } };
const spec = specification(dealerDecider);

describe('dealer decider', () => {
  it('registers a dealer, keeping its territories as a sorted set', () => {
    spec
      .given()
      .when({ type: 'RegisterDealer', data: { ...registration, territories: ['CN-32', 'CN-31', 'CN-32'] } })
      .then([registered]);
  });

  it('treats the same registration again as done, and a different one as a clash', () => {
    spec
      .given([registered])
      .when({ type: 'RegisterDealer', data: { ...registration, territories: ['CN-32', 'CN-31'] } })
      .thenNothing();
    spec
      .given([registered])
      .when({ type: 'RegisterDealer', data: { ...registration, tier: 'silver' } })
      .thenRefused('dealer_exists', 'conflict');
  });

  it('recognises a retried registration even after the dealer has changed since', () => {
    const changed: DealerEvent = { type: 'DealerTierChanged', data: { dealerId: 'D-1', tier: 'platinum' } };
    spec.given([registered, changed]).when({ type: 'RegisterDealer', data: registration }).thenNothing();
  });

  it('changes territories, tier and payment terms, and records only real changes', () => {
    spec
      .given([registered])
      .when({ type: 'ChangeTerritories', data: { dealerId: 'D-1', territories: ['CN-33', 'CN-31'] } })
      .then([{ type: 'DealerTerritoriesChanged', data: { dealerId: 'D-1', territories: ['CN-31', 'CN-33'] } }]);
    spec
      .given([registered])
      .when({ type: 'ChangeTerritories', data: { dealerId: 'D-1', territories: ['CN-32', 'CN-31'] } })
      .thenNothing();
    spec
      .given([registered])
      .when({ type: 'ChangeTier', data: { dealerId: 'D-1', tier: 'platinum' } })
      .then([{ type: 'DealerTierChanged', data: { dealerId: 'D-1', tier: 'platinum' } }]);
    spec
      .given([registered])
      .when({ type: 'ChangeTier', data: { dealerId: 'D-1', tier: 'gold' } })
      .thenNothing();
    spec
      .given([registered])
      .when({ type: 'ChangePaymentTerms', data: { dealerId: 'D-1', paymentTermsDays: 45, prepay: true } })
      .then([{ type: 'PaymentTermsChanged', data: { dealerId: 'D-1', paymentTermsDays: 45, prepay: true } }]);
    spec
      .given([registered])
      .when({ type: 'ChangePaymentTerms', data: { dealerId: 'D-1', paymentTermsDays: 30, prepay: false } })
      .thenNothing();
  });

  it('suspends and reinstates; doing either twice changes nothing', () => {
    spec
      .given([registered])
      .when({ type: 'SuspendDealer', data: { dealerId: 'D-1', reason: 'overdue invoices' } })
      .then([suspended]);
    spec
      .given([registered, suspended])
      .when({ type: 'SuspendDealer', data: { dealerId: 'D-1', reason: 'again' } })
      .thenNothing();
    spec
      .given([registered, suspended])
      .when({ type: 'ReinstateDealer', data: { dealerId: 'D-1' } })
      .then([{ type: 'DealerReinstated', data: { dealerId: 'D-1' } }]);
    spec
      .given([registered])
      .when({ type: 'ReinstateDealer', data: { dealerId: 'D-1' } })
      .thenNothing();
  });

  it('refuses to change a dealer that does not exist', () => {
    spec
      .given()
      .when({ type: 'ChangeTier', data: { dealerId: 'D-9', tier: 'gold' } })
      .thenRefused('dealer_not_found', 'not_found');
    spec
      .given()
      .when({ type: 'SuspendDealer', data: { dealerId: 'D-9', reason: 'x' } })
      .thenRefused('dealer_not_found', 'not_found');
  });

  it('computes due dates as calendar days after the business day of shipment (Asia/Shanghai)', () => {
    // 23:30 UTC on 2025-01-31 is 07:30 on 2025-02-01 in Shanghai; 15:59 UTC is still 2025-01-31 there.
    expect(dueDateFor(new Date('2025-01-31T23:30:00Z'), 30)).toBe('2025-03-03');
    expect(dueDateFor(new Date('2025-01-31T15:59:00Z'), 30)).toBe('2025-03-02');
    expect(dueDateFor(new Date('2025-03-01T00:00:00Z'), 0)).toBe('2025-03-01');
  });
});
