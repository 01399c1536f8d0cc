// Promotion queries: lists for ops and dealers, and the promotions a catalog page shows per SKU.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Promotion } from '../../domain/promotions/promotion.ts';

/**
 * Who is looking. No dealerId: staff, who see every promotion. A dealer sees those it may have:
 * its id in dealerIds, its tier in tiers, one of its territories in territories (an unknown tier
 * or territory list matches no restricted list).
 */
export type PromotionViewer = {
  dealerId: string | undefined;
  tier?: string | undefined;
  territories?: readonly string[] | undefined;
};

export type PromotionRow = Promotion & { redemptions: number; version: number; createdAt: Date; updatedAt: Date };

/** A line of a catalog page or an order, as far as eligibility is concerned. */
export type ProductFacts = { sku: string; brand: string; category: string };

const promotionsTable = sql.table('promotions.promotions');

function selectPromotions(db: Db) {
  return db
    .selectFrom('promotions.promotions as p')
    .select([
      'p.id',
      'p.title',
      'p.kind',
      'p.rule',
      'p.priority',
      'p.stackable',
      'p.tiers',
      'p.territories',
      'p.dealer_ids',
      'p.skus',
      'p.brands',
      'p.categories',
      'p.cap_per_dealer',
      'p.cap_total',
      'p.budgets',
      'p.starts_at',
      'p.ends_at',
      'p.ended_at',
      'p.redemptions',
      'p.version',
      'p.created_at',
      'p.updated_at',
    ]);
}

type SelectedRow = Awaited<ReturnType<ReturnType<typeof selectPromotions>['executeTakeFirstOrThrow']>>;

function toPromotionRow(row: SelectedRow): PromotionRow {
  return {
    id: row.id,
    title: row.title,
    kind: row.kind,
    rule: row.rule,
    priority: row.priority,
    stackable: row.stackable,
    eligibility: {
      tiers: row.tiers,
      territories: row.territories,
      dealerIds: row.dealer_ids,
      skus: row.skus,
      brands: row.brands,
      categories: row.categories,
    },
    caps: { perDealer: row.cap_per_dealer, total: row.cap_total },
    budgets: row.budgets,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
    redemptions: row.redemptions,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  } as PromotionRow;
}

/** The promotion aliased `p` is in force at `now`. */
export const activeAt = (now: Date) => sql<SqlBool>`(p.starts_at <= ${now} AND p.active_until > ${now})`;

/** The dealer-, tier- and territory conditions for a viewer (none for staff), of the promotion aliased `p`. */
export function viewerMay(viewer: PromotionViewer): Expression<SqlBool> {
  if (viewer.dealerId === undefined) return sql<SqlBool>`true`;
  const territories = [...(viewer.territories ?? [])];
  return sql<SqlBool>`((cardinality(p.dealer_ids) = 0 OR ${viewer.dealerId} = ANY(p.dealer_ids))
    AND (cardinality(p.tiers) = 0 OR ${viewer.tier ?? null}::text = ANY(p.tiers))
    AND (cardinality(p.territories) = 0 OR p.territories && ${territories}::text[]))`;
}

/** A line l(sku, brand, category) the promotion p may touch. */
const lineMatches = sql<SqlBool>`((cardinality(p.skus) = 0 OR l.sku = ANY(p.skus))
  AND (cardinality(p.brands) = 0 OR l.brand = ANY(p.brands))
  AND (cardinality(p.categories) = 0 OR l.category = ANY(p.categories))
  AND (cardinality(p.rule_skus) = 0 OR l.sku = ANY(p.rule_skus)))`;

const linesOf = (products: readonly ProductFacts[]) =>
  sql`unnest(${products.map((p) => p.sku)}::text[], ${products.map((p) => p.brand)}::text[], ${products.map((p) => p.category)}::text[]) AS l(sku, brand, category)`;

export type PromotionSearch = {
  viewer: PromotionViewer;
  now: Date;
  /** true: only those active at `now`; false: only those that are not (scheduled or over). */
  active?: boolean | undefined;
  limit: number;
  afterId?: string | undefined;
};

/** A page of promotions by id (limit + 1 rows, for the caller's cursor). */
export async function listPromotions(db: Db, search: PromotionSearch): Promise<PromotionRow[]> {
  let query = selectPromotions(db).where(viewerMay(search.viewer));
  if (search.active === true) query = query.where(activeAt(search.now));
  if (search.active === false) query = query.where(sql<SqlBool>`NOT ${activeAt(search.now)}`);
  if (search.afterId !== undefined) query = query.where('p.id', '>', search.afterId);
  const rows = await query
    .orderBy('p.id')
    .limit(search.limit + 1)
    .execute();
  return rows.map(toPromotionRow);
}

/** One promotion, if the viewer may see it. */
export async function findPromotion(db: Db, id: string, viewer: PromotionViewer): Promise<PromotionRow | undefined> {
  const row = await selectPromotions(db).where('p.id', '=', id).where(viewerMay(viewer)).executeTakeFirst();
  return row && toPromotionRow(row);
}

/**
 * The promotions active at `now` that the viewer may have, for each product of a catalog page,
 * in one query (`{ id, title }`, highest priority first). Products without any are absent.
 */
export async function promotionsForProducts(
  db: Db,
  products: readonly ProductFacts[],
  viewer: PromotionViewer,
  now: Date,
): Promise<Map<string, { id: string; title: string }[]>> {
  const bySku = new Map<string, { id: string; title: string }[]>();
  if (products.length === 0) return bySku;
  const { rows } = await sql<{ sku: string; id: string; title: string }>`
    SELECT l.sku, p.id, p.title
      FROM ${linesOf(products)}
      JOIN ${promotionsTable} p ON ${activeAt(now)} AND ${lineMatches} AND ${viewerMay(viewer)}
     ORDER BY l.sku, p.priority DESC, p.id`.execute(db);
  for (const row of rows) {
    const list = bySku.get(row.sku) ?? [];
    list.push({ id: row.id, title: row.title });
    bySku.set(row.sku, list);
  }
  return bySku;
}
