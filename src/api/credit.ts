// Credit routes: the limit, payments and credit notes on a dealer's credit ledger; its credit
// position (with what is overdue) and its statement with running balance.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  availableOf,
  creditBalanceOf,
  creditLedgerDecider,
  creditStream,
  issueCreditNoteSchema,
  LEDGER_CURRENCY,
  outstandingOf,
  recordPaymentSchema,
  setCreditLimitSchema,
  type CreditCommand,
  type CreditLedgerState,
} from '../domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream } from '../domain/dealers/dealer.ts';
import { businessDayOf, businessDaySpan, businessTimeZone } from '../domain/shared/calendar.ts';
import { dealerIdSchema, isoDateSchema, isoDateTimeSchema } from '../domain/shared/values.ts';
import type { CommandContext } from '../eventstore/command-handler.ts';
import { creditSummary, hasCreditAccount, ledgerEntries, type LedgerRow } from '../projections/credit/queries.ts';
import { LEDGER_KINDS } from '../projections/credit/tables.ts';
import { assertOwnDealer, type Role } from './auth.ts';
import { businessTimeZoneField, withBusinessTimeZone } from './business-time-zone.ts';
import { accepted, commandContext, positionOf, send } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';
import { notFound } from './problem.ts';

const READERS: Role[] = ['dealer', 'ops', 'finance', 'integration'];

const dealerParams = z.object({ id: dealerIdSchema });

const positionField = z.string().describe('Global position of the last event of this command.');

/**
 * The new limit as `limitMinor` (the field `GET .../credit` answers with), or as `creditLimitMinor`
 * (the field `POST /v1/dealers` takes, the one API.md names): whichever a client sends.
 */
const creditLimitBodySchema = z
  .object({
    limitMinor: setCreditLimitSchema.shape.limitMinor.optional(),
    creditLimitMinor: setCreditLimitSchema.shape.limitMinor
      .optional()
      .describe('The same as `limitMinor`, named as in `POST /v1/dealers`; send one of the two.'),
  })
  .superRefine((body, context) => {
    if (body.limitMinor === undefined && body.creditLimitMinor === undefined) {
      context.addIssue({ code: 'custom', path: ['limitMinor'], message: 'is required (or creditLimitMinor)' });
    } else if (body.limitMinor !== undefined && body.creditLimitMinor !== undefined && body.limitMinor !== body.creditLimitMinor) {
      context.addIssue({ code: 'custom', path: ['creditLimitMinor'], message: 'differs from limitMinor: send one of the two' });
    }
  });

const creditFields = {
  dealerId: z.string(),
  currency: z.string(),
  limitMinor: z.number().int(),
  reservedMinor: z.number().int().describe('Held for orders not yet shipped.'),
  outstandingMinor: z.number().int().describe('Charged on shipment and not yet paid or credited.'),
  availableMinor: z.number().int().describe('limit − reserved − outstanding; negative when the limit was lowered below what is in use.'),
  creditBalanceMinor: z
    .number()
    .int()
    .describe('Overpaid or credited beyond what is owed; settles the next charges, but is not extra credit.'),
};

const creditSchema = z
  .object({
    ...creditFields,
    overdueMinor: z
      .number()
      .int()
      .describe('Charges past their due date (by the payment terms) and not yet settled, as of today (a business day).'),
    overdueSince: isoDateSchema.nullable().describe('The earliest due date among the overdue charges.'),
    ...businessTimeZoneField,
  })
  .meta({ id: 'Credit' });

const creditWrittenSchema = z.object({ ...creditFields, position: positionField }).meta({ id: 'CreditWritten' });

const paymentSchema = z
  .object({
    paymentId: z.string(),
    dealerId: z.string(),
    amountMinor: z.number().int(),
    reference: z.string(),
    currency: z.string(),
    credit: creditWrittenSchema.omit({ position: true }),
    position: positionField,
  })
  .meta({ id: 'Payment' });

const creditNoteSchema = z
  .object({
    creditNoteId: z.string(),
    dealerId: z.string(),
    amountMinor: z.number().int(),
    reason: z.string(),
    orderId: z.string().nullable(),
    currency: z.string(),
    credit: creditWrittenSchema.omit({ position: true }),
    position: positionField,
  })
  .meta({ id: 'CreditNote' });

const ledgerEntrySchema = z
  .object({
    position: z.string(),
    at: z.iso.datetime(),
    kind: z.enum(LEDGER_KINDS),
    amountMinor: z.number().int().describe('The size of the movement (the new limit, for `limit_set`).'),
    balanceAfterMinor: z
      .number()
      .int()
      .describe(
        'What the dealer owes after the entry: charges raise it, payments and credit notes lower it; negative is a credit balance.',
      ),
    reservedAfterMinor: z.number().int(),
    limitAfterMinor: z.number().int(),
    orderId: z.string().nullable(),
    shipmentId: z.string().nullable(),
    dueDate: isoDateSchema.nullable(),
    paymentId: z.string().nullable(),
    reference: z.string().nullable(),
    creditNoteId: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'LedgerEntry' });

export const periodBound = z.union([isoDateTimeSchema, isoDateSchema]);

const ledgerPageSchema = pageOf(ledgerEntrySchema).extend(businessTimeZoneField).meta({ id: 'LedgerPage' });

/** A date means the whole business day: `from` its start, `to` its end. A timestamp is exact; `to` is exclusive. */
export function boundary(value: string | undefined, edge: 'from' | 'to'): Date | undefined {
  if (value === undefined) return undefined;
  if (value.includes('T')) return new Date(value);
  return businessDaySpan(value)[edge];
}

function creditOf(dealerId: string, state: Pick<CreditLedgerState, 'limitMinor' | 'reservedMinor' | 'balanceMinor'>) {
  return {
    dealerId,
    currency: LEDGER_CURRENCY,
    limitMinor: state.limitMinor,
    reservedMinor: state.reservedMinor,
    outstandingMinor: outstandingOf(state),
    availableMinor: availableOf(state),
    creditBalanceMinor: creditBalanceOf(state),
  };
}

/** A statement entry as the API shows it (the ledger export adds the entry and dealer ids). */
export function ledgerEntry(row: LedgerRow) {
  return {
    position: row.position,
    at: row.at.toISOString(),
    kind: row.kind,
    amountMinor: row.amount_minor,
    balanceAfterMinor: row.balance_after_minor,
    reservedAfterMinor: row.reserved_after_minor,
    limitAfterMinor: row.limit_after_minor,
    orderId: row.order_id,
    shipmentId: row.shipment_id,
    dueDate: row.due_date,
    paymentId: row.payment_id,
    reference: row.reference,
    creditNoteId: row.credit_note_id,
    reason: row.reason,
  };
}

const newCreditNoteId = () => `CN-${randomBytes(5).toString('hex').toUpperCase()}`;

export function creditRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { commands, store, db } = deps;

  async function assertDealerExists(dealerId: string): Promise<void> {
    const { state } = await commands.load(dealerDecider, dealerStream(dealerId));
    if (!state.exists) throw notFound(`Dealer ${dealerId}`);
  }

  /** Runs a credit command on an existing dealer's ledger; `created` is false when it changed nothing. */
  async function onLedger(dealerId: string, command: CreditCommand, context: CommandContext) {
    await assertDealerExists(dealerId);
    const handled = accepted(await commands.handle(creditLedgerDecider, creditStream(dealerId), command, context));
    return {
      credit: creditOf(dealerId, handled.state),
      created: handled.events.length > 0,
      position: await positionOf(store, handled.position),
    };
  }

  return async (app) => {
    app.put(
      '/v1/dealers/:id/credit-limit',
      {
        config: { access: ['ops', 'finance'] },
        schema: {
          tags: ['credit'],
          summary: "Set a dealer's credit limit",
          description:
            'Lowering the limit below what is reserved and outstanding is allowed: it stops new reservations until enough is paid.',
          params: dealerParams,
          body: creditLimitBodySchema,
          response: { 200: creditWrittenSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const dealerId = request.params.id;
        const limitMinor = request.body.limitMinor ?? request.body.creditLimitMinor!;
        const done = await onLedger(dealerId, { type: 'SetCreditLimit', data: { dealerId, limitMinor } }, commandContext(request));
        return { ...done.credit, position: done.position };
      },
    );

    app.get(
      '/v1/dealers/:id/credit',
      {
        config: { access: READERS },
        schema: {
          tags: ['credit'],
          summary: "A dealer's credit position",
          description: 'A dealer may read only its own.',
          params: dealerParams,
          response: { 200: creditSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const dealerId = request.params.id;
        assertOwnDealer(request, dealerId, `Dealer ${dealerId}`);
        const summary = await creditSummary(db, dealerId, businessDayOf(new Date()));
        if (!summary) throw notFound(`Dealer ${dealerId}`);
        return {
          ...creditOf(dealerId, summary),
          overdueMinor: summary.overdueMinor,
          overdueSince: summary.overdueSince,
          timeZone: businessTimeZone(),
        };
      },
    );

    app.get(
      '/v1/dealers/:id/ledger',
      {
        config: { access: READERS },
        schema: {
          tags: ['credit'],
          summary: "A dealer's credit statement, with running balance",
          description:
            'Every movement of the credit ledger, oldest first: limit changes, reservations and their release, charges on ' +
            'shipment, payments and credit notes. `from` and `to` take a date (the whole business day, in the `timeZone` the page names) or a timestamp (`to` exclusive). ' +
            'A dealer may read only its own.',
          params: dealerParams,
          querystring: z.object({ from: periodBound.optional(), to: periodBound.optional(), ...pageQuery }),
          response: { 200: ledgerPageSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const dealerId = request.params.id;
        assertOwnDealer(request, dealerId, `Dealer ${dealerId}`);
        const { from, to, limit, cursor } = request.query;
        const afterId = decodeCursor(cursor, z.number().int().positive());
        if (!(await hasCreditAccount(db, dealerId))) throw notFound(`Dealer ${dealerId}`);
        const rows = await ledgerEntries(db, dealerId, { from: boundary(from, 'from'), to: boundary(to, 'to'), limit, afterId });
        return withBusinessTimeZone(paginate(rows, limit, ledgerEntry, (row) => row.id));
      },
    );

    app.post(
      '/v1/dealers/:id/payments',
      {
        config: { access: ['finance', 'integration'] },
        schema: {
          tags: ['credit'],
          summary: 'Record a payment from a dealer',
          description:
            'The reference identifies the payment: the same reference and amount again records nothing and answers 200 with the ' +
            'payment; the same reference with another amount is a 409. Payments settle the oldest charges first; an overpayment ' +
            'becomes a credit balance.',
          params: dealerParams,
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: recordPaymentSchema,
          response: { 200: paymentSchema, 201: paymentSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const dealerId = request.params.id;
            const { amountMinor, reference } = request.body;
            // The reference is the payment's natural key within the dealer's ledger.
            const paymentId = reference;
            const done = await onLedger(
              dealerId,
              { type: 'RecordPayment', data: { dealerId, paymentId, amountMinor, reference } },
              commandContext(request),
            );
            const body = {
              paymentId,
              dealerId,
              amountMinor,
              reference,
              currency: LEDGER_CURRENCY,
              credit: done.credit,
              position: done.position,
            };
            return { status: done.created ? 201 : 200, body };
          }),
        ),
    );

    app.post(
      '/v1/dealers/:id/credit-notes',
      {
        config: { access: ['finance'] },
        schema: {
          tags: ['credit'],
          summary: 'Issue a credit note to a dealer',
          description: 'Lowers what the dealer owes, settling the oldest charges first. The same `creditNoteId` again records nothing.',
          params: dealerParams,
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: issueCreditNoteSchema,
          response: { 200: creditNoteSchema, 201: creditNoteSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const dealerId = request.params.id;
            const { amountMinor, reason, orderId } = request.body;
            const creditNoteId = request.body.creditNoteId ?? newCreditNoteId();
            const done = await onLedger(
              dealerId,
              { type: 'IssueCreditNote', data: { dealerId, creditNoteId, amountMinor, reason, orderId } },
              commandContext(request),
            );
            const body = {
              creditNoteId,
              dealerId,
              amountMinor,
              reason,
              orderId: orderId ?? null,
              currency: LEDGER_CURRENCY,
              credit: done.credit,
              position: done.position,
            };
            return { status: done.created ? 201 : 200, body };
          }),
        ),
    );
  };
}
