// Projects credit ledger events into accounts, the statement with running balance, and the
// charges that payments and credit notes settle oldest first (what overdue is computed from).
import type { Insertable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { creditEventTypes, type CreditEvent } from '../../domain/credit/credit-ledger.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import type { Projection } from '../projection.ts';
import { creditBatch } from './batch.ts';
import type { CreditTables, LedgerKind } from './tables.ts';

type Data<Type extends CreditEvent['type']> = Extract<CreditEvent, { type: Type }>['data'];
type Account = { limit_minor: number; reserved_minor: number; balance_minor: number };
type EntryDetails = Partial<
  Pick<
    Insertable<CreditTables['credit.ledger']>,
    'order_id' | 'shipment_id' | 'due_date' | 'payment_id' | 'reference' | 'credit_note_id' | 'reason'
  >
>;

async function setLimit(db: Db, event: RecordedEvent, dealerId: string, limitMinor: number): Promise<Account> {
  const at = new Date(event.metadata.occurredAt);
  return db
    .insertInto('credit.accounts')
    .values({ dealer_id: dealerId, limit_minor: limitMinor, reserved_minor: 0, balance_minor: 0, version: event.revision, updated_at: at })
    .onConflict((oc) =>
      oc
        .column('dealer_id')
        .doUpdateSet((eb) => ({ limit_minor: eb.ref('excluded.limit_minor'), version: event.revision, updated_at: at })),
    )
    .returning(['limit_minor', 'reserved_minor', 'balance_minor'])
    .executeTakeFirstOrThrow();
}

/** Adds to the account's reserved amount and balance; the account exists since its limit was set first. */
async function move(db: Db, event: RecordedEvent, dealerId: string, change: { reserved?: number; balance?: number }): Promise<Account> {
  const account = await db
    .updateTable('credit.accounts')
    .set((eb) => ({
      reserved_minor: eb('reserved_minor', '+', change.reserved ?? 0),
      balance_minor: eb('balance_minor', '+', change.balance ?? 0),
      version: event.revision,
      updated_at: new Date(event.metadata.occurredAt),
    }))
    .where('dealer_id', '=', dealerId)
    .returning(['limit_minor', 'reserved_minor', 'balance_minor'])
    .executeTakeFirst();
  if (!account) throw new Error(`${event.type} for dealer ${dealerId}, who has no credit account`);
  return account;
}

async function addEntry(
  db: Db,
  event: RecordedEvent,
  dealerId: string,
  kind: LedgerKind,
  amountMinor: number,
  after: Account,
  details: EntryDetails = {},
) {
  await db
    .insertInto('credit.ledger')
    .values({
      dealer_id: dealerId,
      position: event.position,
      at: new Date(event.metadata.occurredAt),
      kind,
      amount_minor: amountMinor,
      balance_after_minor: after.balance_minor,
      reserved_after_minor: after.reserved_minor,
      limit_after_minor: after.limit_minor,
      ...details,
    })
    .execute();
}

/** Payments and credit notes settle the oldest unsettled charges first; what is left is a credit balance. */
async function settleOldestFirst(db: Db, dealerId: string, amountMinor: number): Promise<void> {
  const open = await db
    .selectFrom('credit.charges')
    .select(['id', 'amount_minor', 'settled_minor'])
    .where('dealer_id', '=', dealerId)
    .whereRef('settled_minor', '<', 'amount_minor')
    .orderBy('id')
    .execute();
  let left = amountMinor;
  for (const charge of open) {
    if (left === 0) return;
    const settles = Math.min(left, charge.amount_minor - charge.settled_minor);
    await db
      .updateTable('credit.charges')
      .set({ settled_minor: charge.settled_minor + settles })
      .where('id', '=', charge.id)
      .execute();
    left -= settles;
  }
}

export const creditProjection: Projection = {
  name: 'credit',
  schema: 'credit',
  filter: { eventTypes: creditEventTypes },
  batch: creditBatch,
  async handle(db, event) {
    switch (event.type) {
      case 'CreditLimitSet': {
        const d = event.data as Data<'CreditLimitSet'>;
        await addEntry(db, event, d.dealerId, 'limit_set', d.limitMinor, await setLimit(db, event, d.dealerId, d.limitMinor));
        return;
      }
      case 'CreditReserved': {
        const d = event.data as Data<'CreditReserved'>;
        const after = await move(db, event, d.dealerId, { reserved: d.amountMinor });
        await addEntry(db, event, d.dealerId, 'reserved', d.amountMinor, after, { order_id: d.orderId });
        return;
      }
      case 'CreditReleased': {
        const d = event.data as Data<'CreditReleased'>;
        const after = await move(db, event, d.dealerId, { reserved: -d.amountMinor });
        await addEntry(db, event, d.dealerId, 'released', d.amountMinor, after, { order_id: d.orderId });
        return;
      }
      case 'CreditCharged': {
        const d = event.data as Data<'CreditCharged'>;
        const after = await move(db, event, d.dealerId, { reserved: -d.amountMinor, balance: d.amountMinor });
        // A credit balance from earlier overpayments settles the new charge at once.
        const creditBefore = Math.max(0, -(after.balance_minor - d.amountMinor));
        await db
          .insertInto('credit.charges')
          .values({
            dealer_id: d.dealerId,
            order_id: d.orderId,
            shipment_id: d.shipmentId,
            amount_minor: d.amountMinor,
            settled_minor: Math.min(d.amountMinor, creditBefore),
            due_date: d.dueDate,
            charged_at: new Date(event.metadata.occurredAt),
          })
          .execute();
        await addEntry(db, event, d.dealerId, 'charged', d.amountMinor, after, {
          order_id: d.orderId,
          shipment_id: d.shipmentId,
          due_date: d.dueDate,
        });
        return;
      }
      case 'PaymentReceived': {
        const d = event.data as Data<'PaymentReceived'>;
        const after = await move(db, event, d.dealerId, { balance: -d.amountMinor });
        await settleOldestFirst(db, d.dealerId, d.amountMinor);
        await addEntry(db, event, d.dealerId, 'payment', d.amountMinor, after, { payment_id: d.paymentId, reference: d.reference });
        return;
      }
      case 'CreditNoteIssued': {
        const d = event.data as Data<'CreditNoteIssued'>;
        const after = await move(db, event, d.dealerId, { balance: -d.amountMinor });
        await settleOldestFirst(db, d.dealerId, d.amountMinor);
        await addEntry(db, event, d.dealerId, 'credit_note', d.amountMinor, after, {
          credit_note_id: d.creditNoteId,
          order_id: d.orderId,
          reason: d.reason,
        });
        return;
      }
    }
  },
};
