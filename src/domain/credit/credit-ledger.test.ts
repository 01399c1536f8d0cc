import { describe, expect, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { fold } from '../shared/decider.ts';
import { availableOf, creditBalanceOf, creditLedgerDecider, outstandingOf, type CreditEvent } from './credit-ledger.ts';

const dealerId = 'D-1';
const limit = (limitMinor: number): CreditEvent => ({ type: 'CreditLimitSet', data: { dealerId, limitMinor } });
const reserved = (orderId: string, amountMinor: number): CreditEvent => ({
  type: 'CreditReserved',
  data: { dealerId, orderId, amountMinor },
});
const charged = (orderId: string, shipmentId: string, amountMinor: number, dueDate = '2025-02-01'): CreditEvent => ({
  type: 'CreditCharged',
  data: { dealerId, orderId, shipmentId, amountMinor, dueDate },
});
const paid = (paymentId: string, amountMinor: number, reference = paymentId): CreditEvent => ({
  type: 'PaymentReceived',
  data: { dealerId, paymentId, amountMinor, reference },
});
const spec = specification(creditLedgerDecider);

describe('credit ledger decider', () => {
  describe('limit', () => {
    it('sets and changes the limit, ignoring the same limit again', () => {
      spec
        .given()
        .when({ type: 'SetCreditLimit', data: { dealerId, limitMinor: 1000 } })
        .then([limit(1000)]);
      spec
        .given([limit(1000)])
        .when({ type: 'SetCreditLimit', data: { dealerId, limitMinor: 500 } })
        .then([limit(500)]);
      spec
        .given([limit(1000)])
        .when({ type: 'SetCreditLimit', data: { dealerId, limitMinor: 1000 } })
        .thenNothing();
    });

    it('opens an account once: a retried registration never resets a limit changed since', () => {
      spec
        .given()
        .when({ type: 'OpenCreditAccount', data: { dealerId, limitMinor: 1000 } })
        .then([limit(1000)]);
      spec
        .given([limit(1000), limit(3000)])
        .when({ type: 'OpenCreditAccount', data: { dealerId, limitMinor: 1000 } })
        .thenNothing();
    });

    it('refuses credit movements on a dealer without an account', () => {
      spec
        .given()
        .when({ type: 'ReserveCredit', data: { dealerId, orderId: 'O-1', amountMinor: 1 } })
        .thenRefused('credit_account_not_found', 'not_found');
      spec
        .given()
        .when({ type: 'RecordPayment', data: { dealerId, paymentId: 'P-1', amountMinor: 1, reference: 'P-1' } })
        .thenRefused('credit_account_not_found', 'not_found');
    });
  });

  describe('reservations', () => {
    it('reserves up to the limit, counting what is reserved and outstanding', () => {
      const given = [limit(1000), reserved('O-1', 400), charged('O-1', 'S-1', 400), reserved('O-2', 300)];
      spec
        .given(given)
        .when({ type: 'ReserveCredit', data: { dealerId, orderId: 'O-3', amountMinor: 300 } })
        .then([reserved('O-3', 300)]);
      const refused = spec.given(given).when({ type: 'ReserveCredit', data: { dealerId, orderId: 'O-3', amountMinor: 301 } });
      refused.thenRefused('credit_limit_exceeded', 'rule');
      expect(refused.decision).toMatchObject({ detail: expect.stringMatching(/needs ¥3\.01 .* ¥3\.00 is available/) });
    });

    it('treats the same order reserving again as a retry, and a different amount as a clash', () => {
      spec
        .given([limit(1000), reserved('O-1', 400)])
        .when({ type: 'ReserveCredit', data: { dealerId, orderId: 'O-1', amountMinor: 400 } })
        .thenNothing();
      spec
        .given([limit(1000), reserved('O-1', 400)])
        .when({ type: 'ReserveCredit', data: { dealerId, orderId: 'O-1', amountMinor: 500 } })
        .thenRefused('credit_already_reserved', 'conflict');
    });

    it("releases what is left of an order's reservation; nothing reserved, nothing released", () => {
      spec
        .given([limit(1000), reserved('O-1', 400), charged('O-1', 'S-1', 150)])
        .when({ type: 'ReleaseCredit', data: { dealerId, orderId: 'O-1' } })
        .then([{ type: 'CreditReleased', data: { dealerId, orderId: 'O-1', amountMinor: 250 } }]);
      spec
        .given([limit(1000)])
        .when({ type: 'ReleaseCredit', data: { dealerId, orderId: 'O-1' } })
        .thenNothing();
    });

    it('lets a released order reserve again (a held order approved later)', () => {
      const released: CreditEvent = { type: 'CreditReleased', data: { dealerId, orderId: 'O-1', amountMinor: 400 } };
      spec
        .given([limit(1000), reserved('O-1', 400), released])
        .when({ type: 'ReserveCredit', data: { dealerId, orderId: 'O-1', amountMinor: 400 } })
        .then([reserved('O-1', 400)]);
    });
  });

  describe('charges', () => {
    it("moves a shipment's amount from the order's reservation to outstanding", () => {
      spec
        .given([limit(1000), reserved('O-1', 400)])
        .when({ type: 'ChargeCredit', data: { dealerId, orderId: 'O-1', shipmentId: 'S-1', amountMinor: 250, dueDate: '2025-02-01' } })
        .then([charged('O-1', 'S-1', 250)]);
      const state = fold(creditLedgerDecider, [limit(1000), reserved('O-1', 400), charged('O-1', 'S-1', 250)]);
      expect({ reserved: state.reservedMinor, outstanding: outstandingOf(state), available: availableOf(state) }).toEqual({
        reserved: 150,
        outstanding: 250,
        available: 600,
      });
    });

    it('charges a shipment once; the same shipment with other details is a clash', () => {
      const given = [limit(1000), reserved('O-1', 400), charged('O-1', 'S-1', 250)];
      spec
        .given(given)
        .when({ type: 'ChargeCredit', data: { dealerId, orderId: 'O-1', shipmentId: 'S-1', amountMinor: 250, dueDate: '2025-02-01' } })
        .thenNothing();
      spec
        .given(given)
        .when({ type: 'ChargeCredit', data: { dealerId, orderId: 'O-1', shipmentId: 'S-1', amountMinor: 100, dueDate: '2025-02-01' } })
        .thenRefused('shipment_already_charged', 'conflict');
    });

    it('never charges more than is left of what the order reserved', () => {
      const given = [limit(10_000), reserved('O-1', 400), charged('O-1', 'S-1', 250)];
      spec
        .given(given)
        .when({ type: 'ChargeCredit', data: { dealerId, orderId: 'O-1', shipmentId: 'S-2', amountMinor: 151, dueDate: '2025-02-01' } })
        .thenRefused('charge_exceeds_reservation', 'rule');
      spec
        .given(given)
        .when({ type: 'ChargeCredit', data: { dealerId, orderId: 'O-1', shipmentId: 'S-2', amountMinor: 150, dueDate: '2025-02-01' } })
        .then([charged('O-1', 'S-2', 150)]);
      spec
        .given([limit(10_000)])
        .when({ type: 'ChargeCredit', data: { dealerId, orderId: 'O-9', shipmentId: 'S-9', amountMinor: 1, dueDate: '2025-02-01' } })
        .thenRefused('charge_exceeds_reservation', 'rule');
    });

    it('forgets a fully charged order, so releasing it afterwards releases nothing', () => {
      spec
        .given([limit(1000), reserved('O-1', 400), charged('O-1', 'S-1', 400)])
        .when({ type: 'ReleaseCredit', data: { dealerId, orderId: 'O-1' } })
        .thenNothing();
    });
  });

  describe('payments and credit notes', () => {
    it('records a payment once per payment id; other details under the same id are a clash', () => {
      const given = [limit(1000), reserved('O-1', 400), charged('O-1', 'S-1', 400)];
      spec
        .given(given)
        .when({ type: 'RecordPayment', data: { dealerId, paymentId: 'P-1', amountMinor: 100, reference: 'P-1' } })
        .then([paid('P-1', 100)]);
      spec
        .given([...given, paid('P-1', 100)])
        .when({ type: 'RecordPayment', data: { dealerId, paymentId: 'P-1', amountMinor: 100, reference: 'P-1' } })
        .thenNothing();
      spec
        .given([...given, paid('P-1', 100)])
        .when({ type: 'RecordPayment', data: { dealerId, paymentId: 'P-1', amountMinor: 90, reference: 'P-1' } })
        .thenRefused('payment_already_recorded', 'conflict');
    });

    it('turns an overpayment into a credit balance that is not extra credit', () => {
      const state = fold(creditLedgerDecider, [limit(1000), reserved('O-1', 400), charged('O-1', 'S-1', 400), paid('P-1', 700)]);
      expect({ outstanding: outstandingOf(state), creditBalance: creditBalanceOf(state), available: availableOf(state) }).toEqual({
        outstanding: 0,
        creditBalance: 300,
        available: 1000,
      });
    });

    it('issues a credit note once per id, lowering what is outstanding', () => {
      const given = [limit(1000), reserved('O-1', 400), charged('O-1', 'S-1', 400)];
      const note: CreditEvent = {
        type: 'CreditNoteIssued',
        data: { dealerId, creditNoteId: 'CN-1', amountMinor: 50, reason: 'damaged', orderId: 'O-1' },
      };
      spec
        .given(given)
        .when({ type: 'IssueCreditNote', data: { dealerId, creditNoteId: 'CN-1', amountMinor: 50, reason: 'damaged', orderId: 'O-1' } })
        .then([note]);
      spec
        .given([...given, note])
        .when({ type: 'IssueCreditNote', data: { dealerId, creditNoteId: 'CN-1', amountMinor: 50, reason: 'damaged', orderId: 'O-1' } })
        .thenNothing();
      spec
        .given([...given, note])
        .when({ type: 'IssueCreditNote', data: { dealerId, creditNoteId: 'CN-1', amountMinor: 60, reason: 'damaged' } })
        .thenRefused('credit_note_exists', 'conflict');
      expect(outstandingOf(fold(creditLedgerDecider, [...given, note]))).toBe(350);
    });
  });

  it('keeps reserved + outstanding within the limit whatever sequence of commands arrives', () => {
    // A deterministic pseudo-random walk over every command kind.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    let state = fold(creditLedgerDecider, [limit(10_000)]);
    const reservations = { accepted: 0, refused: 0 };
    for (let step = 0; step < 2_000; step++) {
      const orderId = `O-${random(30)}`;
      const command = [
        { type: 'ReserveCredit' as const, data: { dealerId, orderId, amountMinor: 1 + random(3_000) } },
        { type: 'ReleaseCredit' as const, data: { dealerId, orderId } },
        {
          type: 'ChargeCredit' as const,
          data: { dealerId, orderId, shipmentId: `S-${step}`, amountMinor: 1 + random(1_500), dueDate: '2025-02-01' },
        },
        {
          type: 'RecordPayment' as const,
          data: { dealerId, paymentId: `P-${step}`, amountMinor: 1 + random(2_000), reference: `R-${step}` },
        },
        { type: 'SetCreditLimit' as const, data: { dealerId, limitMinor: 5_000 + random(10_000) } },
      ][random(5)]!;
      const decision = creditLedgerDecider.decide(command, state);
      if (!Array.isArray(decision)) {
        if (command.type === 'ReserveCredit') reservations.refused++;
        continue;
      }
      state = (decision as CreditEvent[]).reduce(creditLedgerDecider.evolve, state);
      if (command.type === 'ReserveCredit' && decision.length > 0) {
        reservations.accepted++;
        expect(state.reservedMinor + outstandingOf(state)).toBeLessThanOrEqual(state.limitMinor);
      }
      expect(state.reservedMinor).toBe([...state.reservations.values()].reduce((sum, r) => sum + r.reservedMinor, 0));
    }
    expect(reservations.accepted).toBeGreaterThan(20);
    expect(reservations.refused).toBeGreaterThan(20);
  });
});
