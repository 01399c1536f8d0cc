// Projects product events into the catalog tables, with each product's search document.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ProductChanges, ProductDetails } from '../../domain/catalog/product.ts';
import { productEventTypes } from '../../domain/catalog/product.ts';
import type { Projection } from '../projection.ts';
import { catalogBatch } from './batch.ts';
import { changesSearch, markSearchChanged, searchableOf, searchDocument, type SearchableProduct } from './search/document.ts';

const columnsOf = (changes: ProductChanges) => ({
  ...(changes.name !== undefined && { name: changes.name }),
  ...(changes.brand !== undefined && { brand: changes.brand }),
  ...(changes.category !== undefined && { category: changes.category }),
  ...(changes.gtin !== undefined && { gtin: changes.gtin }),
  ...(changes.unit !== undefined && { unit: changes.unit }),
  ...(changes.caseSize !== undefined && { case_size: changes.caseSize }),
  ...(changes.shelfLifeDays !== undefined && { shelf_life_days: changes.shelfLifeDays }),
  ...(changes.basePriceMinor !== undefined && { base_price_minor: changes.basePriceMinor }),
  ...(changes.lowStockThreshold !== undefined && { low_stock_threshold: changes.lowStockThreshold }),
  ...(changes.active !== undefined && { active: changes.active }),
  ...(changes.keywords !== undefined && { keywords: changes.keywords }),
});

/** The `search` column's value for these fields; none when they could not be stored anyway. */
const searchColumn = (product: SearchableProduct | undefined) => (product ? { search: sql`${searchDocument(product)}::tsvector` } : {});

/** The search document of a stored product after `changes`; none when there is no such product. */
async function changedSearch(db: Kysely<Database>, sku: string, changes: ProductChanges) {
  const stored = await db
    .selectFrom('catalog.products')
    .select(['name', 'brand', 'category', 'keywords'])
    .where('sku', '=', sku)
    .executeTakeFirst();
  if (!stored) return {};
  const { name = stored.name, brand = stored.brand, category = stored.category, keywords = stored.keywords } = changes;
  return searchColumn(searchableOf({ name, brand, category, keywords }));
}

export const catalogProjection: Projection = {
  name: 'catalog',
  schema: 'catalog',
  filter: { eventTypes: productEventTypes },
  async handle(db, event) {
    const at = new Date(event.metadata.occurredAt);
    switch (event.type) {
      case 'ProductRegistered': {
        const p = event.data as ProductDetails;
        await db
          .insertInto('catalog.products')
          .values({
            sku: p.sku,
            name: p.name,
            brand: p.brand,
            category: p.category,
            gtin: p.gtin,
            unit: p.unit,
            case_size: p.caseSize,
            shelf_life_days: p.shelfLifeDays,
            base_price_minor: p.basePriceMinor,
            currency: p.currency,
            low_stock_threshold: p.lowStockThreshold ?? null,
            keywords: p.keywords ?? [],
            ...searchColumn(searchableOf({ ...p, keywords: p.keywords ?? [] })),
            version: event.revision,
            created_at: at,
            updated_at: at,
          })
          .execute();
        await markSearchChanged(db, event.position);
        return;
      }
      case 'ProductUpdated': {
        const { sku, changes } = event.data as { sku: string; changes: ProductChanges };
        const search = changesSearch(changes) ? await changedSearch(db, sku, changes) : {};
        await db
          .updateTable('catalog.products')
          .set({ ...columnsOf(changes), ...search, version: event.revision, updated_at: at })
          .where('sku', '=', sku)
          .execute();
        await markSearchChanged(db, event.position);
        return;
      }
      case 'ProductPricesSet': {
        const { sku, tiers, dealers } = event.data as { sku: string; tiers: Record<string, number>; dealers: Record<string, number> };
        await db.deleteFrom('catalog.tier_prices').where('sku', '=', sku).execute();
        await db.deleteFrom('catalog.dealer_prices').where('sku', '=', sku).execute();
        const tierRows = Object.entries(tiers).map(([tier, price]) => ({ sku, tier, price_minor: price }));
        const dealerRows = Object.entries(dealers).map(([dealerId, price]) => ({ sku, dealer_id: dealerId, price_minor: price }));
        if (tierRows.length > 0) await db.insertInto('catalog.tier_prices').values(tierRows).execute();
        if (dealerRows.length > 0) await db.insertInto('catalog.dealer_prices').values(dealerRows).execute();
        await db.updateTable('catalog.products').set({ version: event.revision, updated_at: at }).where('sku', '=', sku).execute();
        return;
      }
    }
  },
  batch: catalogBatch,
  // The handlers find products by SKU only; search, name, category and brand indexes serve readers.
  rebuildDeferredIndexes: 'secondary',
};
