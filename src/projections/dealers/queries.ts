// Dealer queries: one dealer (also its tier for pricing), and the staff list with filters.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { DealerStatus } from '../../domain/dealers/dealer.ts';

export async function findDealer(db: Db, dealerId: string) {
  return db.selectFrom('dealers.dealers').selectAll().where('id', '=', dealerId).executeTakeFirst();
}

export type DealerRow = NonNullable<Awaited<ReturnType<typeof findDealer>>>;

/** What pricing and promotion eligibility need of a dealer: its tier and territories (undefined if unknown). */
export async function dealerProfile(db: Db, dealerId: string): Promise<{ tier: string; territories: string[] } | undefined> {
  return db.selectFrom('dealers.dealers').select(['tier', 'territories']).where('id', '=', dealerId).executeTakeFirst();
}

export type DealerListFilter = {
  tier?: string | undefined;
  status?: DealerStatus | undefined;
  territory?: string | undefined;
  limit: number;
  afterId?: string | undefined;
};

/** By id; `limit + 1` rows so the caller can tell whether there is a next page. */
export async function listDealers(db: Db, filter: DealerListFilter): Promise<DealerRow[]> {
  let query = db.selectFrom('dealers.dealers').selectAll();
  if (filter.tier !== undefined) query = query.where('tier', '=', filter.tier);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.territory !== undefined) query = query.where('territories', '@>', sql<string[]>`ARRAY[${filter.territory}]::text[]`);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  return query
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}
