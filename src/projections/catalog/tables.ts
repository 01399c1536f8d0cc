// The catalog read model's tables (schema `catalog`).
import type { ColumnType, Generated } from 'kysely';

type Bigint = ColumnType<number, number, number>;

export type CatalogTables = {
  'catalog.products': {
    sku: string;
    name: string;
    brand: string;
    category: string;
    gtin: string | null;
    unit: string;
    case_size: number | null;
    shelf_life_days: number | null;
    base_price_minor: Bigint;
    currency: string;
    low_stock_threshold: number | null;
    active: Generated<boolean>;
    version: number;
    created_at: Date;
    updated_at: Date;
    keywords: ColumnType<string[], string[] | undefined, string[]>;
    /** The search document (search/document.ts), written by the projection; a tsvector. */
    search: ColumnType<string, unknown, unknown>;
  };
  'catalog.tier_prices': { sku: string; tier: string; price_minor: Bigint };
  /** One row: the position of the last event that registered or changed a product. */
  'catalog.search_state': { id: number; position: string };
  'catalog.dealer_prices': { sku: string; dealer_id: string; price_minor: Bigint };
};
