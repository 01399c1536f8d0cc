// Catalog queries: search (full text + trigram), filters, lookups by SKU and GTIN.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import { availableOfSku, skuInStock } from '../inventory/queries.ts';

export type ProductRow = {
  sku: string;
  name: string;
  brand: string;
  category: string;
  gtin: string | null;
  unit: string;
  caseSize: number | null;
  shelfLifeDays: number | null;
  basePriceMinor: number;
  currency: string;
  lowStockThreshold: number | null;
  /** Available quantity summed over warehouses. */
  available: number;
  active: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  tierPrices: Record<string, number>;
  dealerPrices: Record<string, number>;
};

export type ProductSearch = {
  q?: string | undefined;
  category?: string | undefined;
  brand?: string | undefined;
  skus?: readonly string[] | undefined;
  /** Only products with stock available in some warehouse. */
  inStock?: boolean | undefined;
  includeInactive?: boolean;
  /** Only the contract price of this dealer is loaded; other dealers' prices stay private. */
  dealerId?: string | undefined;
  limit: number;
  after?: { score: number; sku: string } | undefined;
};

function productColumns(db: Db, dealerId: string | undefined) {
  return db
    .selectFrom('catalog.products as p')
    .select([
      'p.sku',
      'p.name',
      'p.brand',
      'p.category',
      'p.gtin',
      'p.unit',
      'p.case_size as caseSize',
      'p.shelf_life_days as shelfLifeDays',
      'p.base_price_minor as basePriceMinor',
      'p.currency',
      'p.low_stock_threshold as lowStockThreshold',
      availableOfSku(sql.ref('p.sku')).as('available'),
      'p.active',
      'p.version',
      'p.created_at as createdAt',
      'p.updated_at as updatedAt',
      sql<Record<string, number>>`coalesce((SELECT jsonb_object_agg(t.tier, t.price_minor) FROM ${sql.table('catalog.tier_prices')} t WHERE t.sku = p.sku), '{}'::jsonb)`.as(
        'tierPrices',
      ),
      sql<Record<string, number>>`coalesce((SELECT jsonb_object_agg(d.dealer_id, d.price_minor) FROM ${sql.table('catalog.dealer_prices')} d
        WHERE d.sku = p.sku ${dealerId === undefined ? sql`` : sql`AND d.dealer_id = ${dealerId}`}), '{}'::jsonb)`.as('dealerPrices'),
    ]);
}

/** The search relevance of a product for `q`, rounded so that it can be compared exactly in a cursor. */
function relevance(q: string) {
  return sql<number>`round((ts_rank(p.search, websearch_to_tsquery('simple', ${q})) + similarity(lower(p.name), lower(${q})))::numeric, 6)::float8`;
}

function matches(q: string): Expression<SqlBool> {
  const literal = q.replace(/[\\%_]/g, '\\$&');
  return sql<SqlBool>`(p.search @@ websearch_to_tsquery('simple', ${q})
    OR lower(p.name) % lower(${q})
    OR lower(p.name) LIKE '%' || lower(${literal}) || '%'
    OR p.sku ILIKE ${literal} || '%'
    OR p.gtin = ${q})`;
}

/** A page of products (limit + 1 rows, for the caller's cursor), best match first when searching. */
export async function searchProducts(db: Db, search: ProductSearch): Promise<(ProductRow & { score: number })[]> {
  const q = search.q?.trim() || undefined;
  const score = q ? relevance(q) : sql<number>`0::float8`;
  let query = productColumns(db, search.dealerId).select(score.as('score'));
  if (!search.includeInactive) query = query.where('p.active', '=', true);
  if (search.category) query = query.where('p.category', '=', search.category);
  if (search.brand) query = query.where('p.brand', '=', search.brand);
  if (search.skus) query = query.where('p.sku', 'in', search.skus.length > 0 ? [...search.skus] : ['']);
  if (search.inStock) query = query.where(skuInStock(sql.ref('p.sku')));
  if (q) query = query.where(matches(q));
  if (search.after) {
    const { score: lastScore, sku } = search.after;
    query = query.where(sql<SqlBool>`(${score} < ${lastScore} OR (${score} = ${lastScore} AND p.sku > ${sku}))`);
  }
  const rows = await query
    .orderBy(sql`${score}`, 'desc')
    .orderBy('p.sku')
    .limit(search.limit + 1)
    .execute();
  return rows;
}

export async function findProduct(db: Db, by: { sku: string } | { gtin: string }, dealerId?: string): Promise<ProductRow | undefined> {
  const query = productColumns(db, dealerId);
  return 'sku' in by ? query.where('p.sku', '=', by.sku).executeTakeFirst() : query.where('p.gtin', '=', by.gtin).executeTakeFirst();
}

/** Products by SKU (active or not), with the tier prices and the given dealer's contract price only. */
export async function findProducts(db: Db, skus: readonly string[], dealerId: string): Promise<Map<string, ProductRow>> {
  if (skus.length === 0) return new Map();
  const rows = await productColumns(db, dealerId).where('p.sku', 'in', [...skus]).execute();
  return new Map(rows.map((row) => [row.sku, row]));
}
