// Credit queries: a dealer's account with what is overdue today, and its statement.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

export type CreditSummary = {
  limitMinor: number;
  reservedMinor: number;
  balanceMinor: number;
  /** Unsettled charges whose due date is before `today`. */
  overdueMinor: number;
  /** The earliest due date among them, or null. */
  overdueSince: string | null;
};

/**
 * Overdue is computed at query time from the settled charges, because it changes with the date
 * alone, without any event. `today` is a 'YYYY-MM-DD' business day.
 */
export async function creditSummary(db: Db, dealerId: string, today: string): Promise<CreditSummary | undefined> {
  const account = await db
    .selectFrom('credit.accounts')
    .select(['limit_minor', 'reserved_minor', 'balance_minor'])
    .where('dealer_id', '=', dealerId)
    .executeTakeFirst();
  if (!account) return undefined;
  const overdue = await db
    .selectFrom('credit.charges')
    .select([
      sql<number>`coalesce(sum(amount_minor - settled_minor), 0)::bigint`.as('overdueMinor'),
      sql<string | null>`min(due_date)`.as('overdueSince'),
    ])
    .where('dealer_id', '=', dealerId)
    .whereRef('settled_minor', '<', 'amount_minor')
    .where('due_date', '<', today)
    .executeTakeFirstOrThrow();
  return {
    limitMinor: account.limit_minor,
    reservedMinor: account.reserved_minor,
    balanceMinor: account.balance_minor,
    overdueMinor: overdue.overdueMinor,
    overdueSince: overdue.overdueSince,
  };
}

export async function hasCreditAccount(db: Db, dealerId: string): Promise<boolean> {
  const row = await db.selectFrom('credit.accounts').select('dealer_id').where('dealer_id', '=', dealerId).executeTakeFirst();
  return row !== undefined;
}

export type LedgerQuery = { from?: Date | undefined; to?: Date | undefined; limit: number; afterId?: number | undefined };

/** Statement entries oldest first; `limit + 1` rows so the caller can tell whether there is a next page. */
export async function ledgerEntries(db: Db, dealerId: string, query: LedgerQuery) {
  let select = db.selectFrom('credit.ledger').selectAll().where('dealer_id', '=', dealerId);
  if (query.from) select = select.where('at', '>=', query.from);
  if (query.to) select = select.where('at', '<', query.to);
  if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
  return select
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
}

export type LedgerRow = Awaited<ReturnType<typeof ledgerEntries>>[number];

export type LedgerExportQuery = {
  from?: Date | undefined;
  to?: Date | undefined;
  dealerId?: string | undefined;
  afterId: number;
  untilId: number;
  limit: number;
};

/** One chunk of every dealer's ledger entries (or one dealer's) in a period, in entry order, for exports. */
export async function ledgerExportPage(db: Db, query: LedgerExportQuery) {
  let select = db.selectFrom('credit.ledger').selectAll().where('id', '>', query.afterId).where('id', '<=', query.untilId);
  if (query.dealerId !== undefined) select = select.where('dealer_id', '=', query.dealerId);
  if (query.from) select = select.where('at', '>=', query.from);
  if (query.to) select = select.where('at', '<', query.to);
  return select.orderBy('id').limit(query.limit).execute();
}

/** The last ledger entry's id (0 when there is none): where an export stops, so that it is a snapshot. */
export async function lastLedgerId(db: Db): Promise<number> {
  const row = await db
    .selectFrom('credit.ledger')
    .select(sql<number>`coalesce(max(id), 0)::bigint`.as('id'))
    .executeTakeFirstOrThrow();
  return row.id;
}
