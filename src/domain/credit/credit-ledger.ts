// The credit ledger (`credit-<dealerId>`): the limit, reservations for orders, charges on
// shipment, payments and credit notes, in one stream so that reserved + outstanding ≤ limit is
// decided against one consistent state.
import { Map as PersistentMap, Set as PersistentSet } from 'immutable';
import { z } from 'zod';
import { formatMoney } from '../shared/money.ts';
import { refuse, type Decider, type DomainEvent } from '../shared/decider.ts';
import { amountMinorSchema, entityIdSchema, isoDateSchema } from '../shared/values.ts';

export const creditStream = (dealerId: string) => `credit-${dealerId}`;

/** Ledgers are kept in the manufacturer's currency. */
export const LEDGER_CURRENCY = 'CNY';

/** Money moved on the ledger: at least one minor unit (one check, so a negative amount is one error). */
const positiveAmountSchema = z.number().int().positive().max(1_000_000_000_000);

export const setCreditLimitSchema = z.object({ limitMinor: amountMinorSchema.describe('The credit limit, in minor units.') });

export const recordPaymentSchema = z.object({
  amountMinor: positiveAmountSchema,
  reference: z.string().trim().min(1).max(100).describe("The payer's reference (bank transfer id); a reference counts once per dealer."),
});

export const issueCreditNoteSchema = z.object({
  creditNoteId: entityIdSchema.optional().describe('Absent: the server assigns `CN-<random>`.'),
  amountMinor: positiveAmountSchema,
  reason: z.string().trim().min(1).max(500),
  orderId: entityIdSchema.optional().describe('The order the credit note is about, if any.'),
});

export const reserveCreditSchema = z.object({ orderId: entityIdSchema, amountMinor: positiveAmountSchema });
export const chargeCreditSchema = z.object({
  orderId: entityIdSchema,
  shipmentId: entityIdSchema,
  amountMinor: positiveAmountSchema,
  dueDate: isoDateSchema,
});

export type SetCreditLimit = { dealerId: string } & z.infer<typeof setCreditLimitSchema>;
export type ReserveCredit = { dealerId: string } & z.infer<typeof reserveCreditSchema>;
export type ReleaseCredit = { dealerId: string; orderId: string };
export type ChargeCredit = { dealerId: string } & z.infer<typeof chargeCreditSchema>;
export type RecordPayment = { dealerId: string; paymentId: string } & z.infer<typeof recordPaymentSchema>;
export type IssueCreditNote = { dealerId: string; creditNoteId: string; amountMinor: number; reason: string; orderId?: string | undefined };

export type CreditCommand =
  | { type: 'SetCreditLimit'; data: SetCreditLimit }
  /** Sets the limit only if the ledger has none yet: what registering a dealer does, safely retried. */
  | { type: 'OpenCreditAccount'; data: SetCreditLimit }
  | { type: 'ReserveCredit'; data: ReserveCredit }
  | { type: 'ReleaseCredit'; data: ReleaseCredit }
  | { type: 'ChargeCredit'; data: ChargeCredit }
  | { type: 'RecordPayment'; data: RecordPayment }
  | { type: 'IssueCreditNote'; data: IssueCreditNote };

export type CreditLimitSetData = { dealerId: string; limitMinor: number };
export type CreditReservedData = { dealerId: string; orderId: string; amountMinor: number };
export type CreditReleasedData = { dealerId: string; orderId: string; amountMinor: number };
export type CreditChargedData = { dealerId: string; orderId: string; shipmentId: string; amountMinor: number; dueDate: string };
export type PaymentReceivedData = { dealerId: string; paymentId: string; amountMinor: number; reference: string };
export type CreditNoteIssuedData = { dealerId: string; creditNoteId: string; amountMinor: number; reason: string; orderId: string | null };

export type CreditEvent =
  | DomainEvent<'CreditLimitSet', CreditLimitSetData>
  | DomainEvent<'CreditReserved', CreditReservedData>
  | DomainEvent<'CreditReleased', CreditReleasedData>
  | DomainEvent<'CreditCharged', CreditChargedData>
  | DomainEvent<'PaymentReceived', PaymentReceivedData>
  | DomainEvent<'CreditNoteIssued', CreditNoteIssuedData>;

export const creditEventTypes = [
  'CreditLimitSet',
  'CreditReserved',
  'CreditReleased',
  'CreditCharged',
  'PaymentReceived',
  'CreditNoteIssued',
] as const;

/** What an order holds: `amountMinor` as reserved, `reservedMinor` what is left after charges. */
export type OrderReservation = { amountMinor: number; reservedMinor: number };

export type CreditLedgerState = {
  /** False until a limit is set: there is no account. */
  open: boolean;
  limitMinor: number;
  reservedMinor: number;
  /** Charges minus payments and credit notes; below zero it is a credit balance. */
  balanceMinor: number;
  /** Open reservations only: an order leaves when released or fully charged. Persistent, as a stock's. */
  reservations: PersistentMap<string, OrderReservation>;
  /** Handled shipments, payments and credit notes: each id, and each id with its content. */
  handled: PersistentSet<string>;
};

export const outstandingOf = (state: Pick<CreditLedgerState, 'balanceMinor'>) => Math.max(0, state.balanceMinor);
export const creditBalanceOf = (state: Pick<CreditLedgerState, 'balanceMinor'>) => Math.max(0, -state.balanceMinor);

/** Limit − reserved − outstanding; negative when the limit was lowered below what is in use. */
export const availableOf = (state: Pick<CreditLedgerState, 'limitMinor' | 'reservedMinor' | 'balanceMinor'>) =>
  state.limitMinor - state.reservedMinor - outstandingOf(state);

/**
 * Whether a document (shipment, payment, credit note) was handled before: not at all, with the
 * same content (a retry: nothing to do), or with other content (a clash).
 */
function seen(handled: PersistentSet<string>, kind: string, id: string, content: string): 'new' | 'same' | 'different' {
  if (!handled.has(`${kind}:${id}`)) return 'new';
  return handled.has(`${kind}:${id}:${content}`) ? 'same' : 'different';
}

function remember(handled: PersistentSet<string>, kind: string, id: string, content: string): PersistentSet<string> {
  return handled.add(`${kind}:${id}`).add(`${kind}:${id}:${content}`);
}

const shipmentContent = (data: { orderId: string; amountMinor: number; dueDate: string }) =>
  `${data.orderId}:${data.amountMinor}:${data.dueDate}`;
const paymentContent = (data: { amountMinor: number; reference: string }) => `${data.amountMinor}:${data.reference}`;
const creditNoteContent = (data: { amountMinor: number; orderId?: string | null | undefined }) =>
  `${data.amountMinor}:${data.orderId ?? ''}`;

const money = (minor: number) => formatMoney(minor, LEDGER_CURRENCY);

function reserve(command: ReserveCredit, state: CreditLedgerState) {
  const { dealerId, orderId, amountMinor } = command;
  const existing = state.reservations.get(orderId);
  if (existing) {
    // The same order reserving again is a retry; a different amount is a programming error upstream.
    if (existing.amountMinor === amountMinor) return [];
    return refuse(
      'credit_already_reserved',
      `Order ${orderId} already holds a reservation of ${money(existing.amountMinor)}; release it before reserving ${money(amountMinor)}`,
      'conflict',
    );
  }
  const available = availableOf(state);
  if (amountMinor > available) {
    return refuse(
      'credit_limit_exceeded',
      `Order ${orderId} needs ${money(amountMinor)} of credit, ${money(Math.max(0, available))} is available ` +
        `(limit ${money(state.limitMinor)}, reserved ${money(state.reservedMinor)}, outstanding ${money(outstandingOf(state))})`,
    );
  }
  return [{ type: 'CreditReserved' as const, data: { dealerId, orderId, amountMinor } }];
}

function charge(command: ChargeCredit, state: CreditLedgerState) {
  const { dealerId, orderId, shipmentId, amountMinor, dueDate } = command;
  const before = seen(state.handled, 'shipment', shipmentId, shipmentContent(command));
  if (before === 'same') return [];
  if (before === 'different')
    return refuse('shipment_already_charged', `Shipment ${shipmentId} was already charged with other details`, 'conflict');
  // A charge moves credit from the order's reservation to outstanding, never more than is left
  // of it: otherwise a shipment could push reserved + outstanding past the limit unchecked.
  const reservedForOrder = state.reservations.get(orderId)?.reservedMinor ?? 0;
  if (amountMinor > reservedForOrder) {
    return refuse(
      'charge_exceeds_reservation',
      `Shipment ${shipmentId} charges ${money(amountMinor)}, but order ${orderId} has ${money(reservedForOrder)} of credit reserved`,
    );
  }
  return [{ type: 'CreditCharged' as const, data: { dealerId, orderId, shipmentId, amountMinor, dueDate } }];
}

function recordPayment(command: RecordPayment, state: CreditLedgerState) {
  const { dealerId, paymentId, amountMinor, reference } = command;
  const before = seen(state.handled, 'payment', paymentId, paymentContent(command));
  if (before === 'same') return [];
  if (before === 'different') {
    return refuse('payment_already_recorded', `Payment ${paymentId} was already recorded with another amount or reference`, 'conflict');
  }
  return [{ type: 'PaymentReceived' as const, data: { dealerId, paymentId, amountMinor, reference } }];
}

function issueCreditNote(command: IssueCreditNote, state: CreditLedgerState) {
  const { dealerId, creditNoteId, amountMinor, reason } = command;
  const before = seen(state.handled, 'credit-note', creditNoteId, creditNoteContent(command));
  if (before === 'same') return [];
  if (before === 'different')
    return refuse('credit_note_exists', `Credit note ${creditNoteId} was already issued with other details`, 'conflict');
  return [{ type: 'CreditNoteIssued' as const, data: { dealerId, creditNoteId, amountMinor, reason, orderId: command.orderId ?? null } }];
}

function withReservation(
  reservations: PersistentMap<string, OrderReservation>,
  orderId: string,
  reservation: OrderReservation | undefined,
) {
  return reservation && reservation.reservedMinor > 0 ? reservations.set(orderId, reservation) : reservations.delete(orderId);
}

export const creditLedgerDecider: Decider<CreditCommand, CreditEvent, CreditLedgerState> = {
  initialState: {
    open: false,
    limitMinor: 0,
    reservedMinor: 0,
    balanceMinor: 0,
    reservations: PersistentMap(),
    handled: PersistentSet<string>(),
  },

  decide(command, state) {
    const { dealerId } = command.data;
    switch (command.type) {
      case 'SetCreditLimit':
        if (state.open && state.limitMinor === command.data.limitMinor) return [];
        return [{ type: 'CreditLimitSet', data: { dealerId, limitMinor: command.data.limitMinor } }];
      case 'OpenCreditAccount':
        if (state.open) return [];
        return [{ type: 'CreditLimitSet', data: { dealerId, limitMinor: command.data.limitMinor } }];
    }
    if (!state.open) return refuse('credit_account_not_found', `Dealer ${dealerId} has no credit account`, 'not_found');
    switch (command.type) {
      case 'ReserveCredit':
        return reserve(command.data, state);
      case 'ReleaseCredit': {
        const reservation = state.reservations.get(command.data.orderId);
        if (!reservation) return [];
        return [{ type: 'CreditReleased', data: { dealerId, orderId: command.data.orderId, amountMinor: reservation.reservedMinor } }];
      }
      case 'ChargeCredit':
        return charge(command.data, state);
      case 'RecordPayment':
        return recordPayment(command.data, state);
      case 'IssueCreditNote':
        return issueCreditNote(command.data, state);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'CreditLimitSet':
        return { ...state, open: true, limitMinor: event.data.limitMinor };
      case 'CreditReserved': {
        const { orderId, amountMinor } = event.data;
        return {
          ...state,
          reservedMinor: state.reservedMinor + amountMinor,
          reservations: withReservation(state.reservations, orderId, { amountMinor, reservedMinor: amountMinor }),
        };
      }
      case 'CreditReleased':
        return {
          ...state,
          reservedMinor: state.reservedMinor - event.data.amountMinor,
          reservations: withReservation(state.reservations, event.data.orderId, undefined),
        };
      case 'CreditCharged': {
        const { orderId, shipmentId, amountMinor } = event.data;
        const reservation = state.reservations.get(orderId);
        return {
          ...state,
          reservedMinor: state.reservedMinor - amountMinor,
          balanceMinor: state.balanceMinor + amountMinor,
          reservations: withReservation(
            state.reservations,
            orderId,
            reservation && { ...reservation, reservedMinor: reservation.reservedMinor - amountMinor },
          ),
          handled: remember(state.handled, 'shipment', shipmentId, shipmentContent(event.data)),
        };
      }
      case 'PaymentReceived':
        return {
          ...state,
          balanceMinor: state.balanceMinor - event.data.amountMinor,
          handled: remember(state.handled, 'payment', event.data.paymentId, paymentContent(event.data)),
        };
      case 'CreditNoteIssued':
        return {
          ...state,
          balanceMinor: state.balanceMinor - event.data.amountMinor,
          handled: remember(state.handled, 'credit-note', event.data.creditNoteId, creditNoteContent(event.data)),
        };
    }
  },
};
