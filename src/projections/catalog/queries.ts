// Catalog lookups by SKU and GTIN (the search itself is search/catalog-page.ts).
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { availableOfSku } from '../inventory/queries.ts';

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
  keywords: string[];
  /** Available quantity summed over warehouses. */
  available: number;
  active: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  tierPrices: Record<string, number>;
  dealerPrices: Record<string, number>;
};

function productColumns(db: Db, dealerId: string | undefined) {
  return db.selectFrom('catalog.products as p').select([
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
    'p.keywords',
    availableOfSku(sql.ref('p.sku')).as('available'),
    'p.active',
    'p.version',
    'p.created_at as createdAt',
    'p.updated_at as updatedAt',
    sql<
      Record<string, number>
    >`coalesce((SELECT jsonb_object_agg(t.tier, t.price_minor) FROM ${sql.table('catalog.tier_prices')} t WHERE t.sku = p.sku), '{}'::jsonb)`.as(
      'tierPrices',
    ),
    sql<Record<string, number>>`coalesce((SELECT jsonb_object_agg(d.dealer_id, d.price_minor) FROM ${sql.table('catalog.dealer_prices')} d
        WHERE d.sku = p.sku ${dealerId === undefined ? sql`` : sql`AND d.dealer_id = ${dealerId}`}), '{}'::jsonb)`.as('dealerPrices'),
  ]);
}

export async function findProduct(db: Db, by: { sku: string } | { gtin: string }, dealerId?: string): Promise<ProductRow | undefined> {
  const query = productColumns(db, dealerId);
  return 'sku' in by ? query.where('p.sku', '=', by.sku).executeTakeFirst() : query.where('p.gtin', '=', by.gtin).executeTakeFirst();
}

/** Products by SKU (active or not), with the tier prices and the given dealer's contract price only. */
export async function findProducts(db: Db, skus: readonly string[], dealerId: string): Promise<Map<string, ProductRow>> {
  if (skus.length === 0) return new Map();
  const rows = await productColumns(db, dealerId)
    .where('p.sku', 'in', [...skus])
    .execute();
  return new Map(rows.map((row) => [row.sku, row]));
}

export type ImportMatch = { sku: string; gtin: string | null; name: string };

/** Active products with one of these SKUs (in any case) or GTINs: what an imported order file's lines may mean. */
export async function importMatches(db: Db, skus: readonly string[], gtins: readonly string[]): Promise<ImportMatch[]> {
  if (skus.length === 0 && gtins.length === 0) return [];
  const lowered = skus.map((sku) => sku.toLowerCase());
  return db
    .selectFrom('catalog.products as p')
    .select(['p.sku', 'p.gtin', 'p.name'])
    .where('p.active', '=', true)
    .where((eb) => eb.or([eb(sql`lower(p.sku)`, '=', eb.fn.any(eb.val(lowered))), eb('p.gtin', '=', eb.fn.any(eb.val([...gtins])))]))
    .execute();
}
