// The catalog projection, set-based: each product's events folded in memory into its final row
// (or the final values of the columns its events change) and its last price list, then written
// with a few statements; search documents are made once per product, from its final values. The
// same rows as `handle` on each event in turn.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { ProductChanges, ProductDetails } from '../../domain/catalog/product.ts';
import { productEventTypes } from '../../domain/catalog/product.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { BatchDeclined, ProductFolds, checked, checkedInstant, columnList, instant, recordset, type Column } from '../batch.ts';
import type { BatchHandler, Fold } from '../projection.ts';
import { changesSearch, markSearchChanged, searchDocument, type SearchableProduct } from './search/document.ts';
import { ownEntry } from '../../domain/shared/own-entry.ts';

/** The columns an update may change, by the name of the change. */
const CHANGEABLE: Record<keyof ProductChanges, Column> = {
  name: { name: 'name', type: 'text' },
  brand: { name: 'brand', type: 'text' },
  category: { name: 'category', type: 'text' },
  gtin: { name: 'gtin', type: 'text', nullable: true },
  unit: { name: 'unit', type: 'text' },
  caseSize: { name: 'case_size', type: 'int4', nullable: true },
  shelfLifeDays: { name: 'shelf_life_days', type: 'int4', nullable: true },
  basePriceMinor: { name: 'base_price_minor', type: 'int8' },
  lowStockThreshold: { name: 'low_stock_threshold', type: 'int4', nullable: true },
  active: { name: 'active', type: 'bool' },
  keywords: { name: 'keywords', type: 'text[]' },
};
const CHANGEABLE_COLUMNS = Object.values(CHANGEABLE);
/** Written from the changeable ones. */
const SEARCH: Column = { name: 'search', type: 'tsvector' };
const UPDATABLE_COLUMNS = [...CHANGEABLE_COLUMNS, SEARCH];

const SKU: Column = { name: 'sku', type: 'text' };
const VERSION: Column = { name: 'version', type: 'int4' };
const UPDATED_AT: Column = { name: 'updated_at', type: 'timestamptz' };
const CURRENCY: Column = { name: 'currency', type: 'text' };
const PRODUCT_COLUMNS: Column[] = [SKU, ...UPDATABLE_COLUMNS, CURRENCY, VERSION, { name: 'created_at', type: 'timestamptz' }, UPDATED_AT];
/** A stored product's changes: per updatable column, whether it changes (`<column>_set`) and to what. */
const CHANGE_COLUMNS: Column[] = [
  SKU,
  VERSION,
  UPDATED_AT,
  ...UPDATABLE_COLUMNS.flatMap((column): Column[] => [
    { name: `${column.name}_set`, type: 'bool' },
    { ...column, nullable: true },
  ]),
];
const TIER_PRICE_COLUMNS: Column[] = [SKU, { name: 'tier', type: 'text' }, { name: 'price_minor', type: 'int8' }];
const DEALER_PRICE_COLUMNS: Column[] = [SKU, { name: 'dealer_id', type: 'text' }, { name: 'price_minor', type: 'int8' }];

type Row = Record<string, unknown>;

type Prices = Record<string, number>;

/**
 * One product's events folded: its row if the fold registers it, else what they change of the
 * stored row; its last price lists. Instants stay strings until written.
 */
type ProductFold = {
  registered?: Row;
  changes?: Row;
  prices?: { tiers: Prices; dealers: Prices };
};

const changeableColumn = (key: string): Column | undefined => ownEntry<Column>(CHANGEABLE, key);

/** Sets the changed columns (as `ProductUpdated` does through columnsOf) on `row`. */
function applyChanges(row: Row, changes: ProductChanges): void {
  for (const key in changes) {
    const value = changes[key as keyof ProductChanges];
    const column = changeableColumn(key);
    if (column && value !== undefined) row[column.name] = checked(column, value);
  }
}

function registrationRow(p: ProductDetails, version: number, at: string): Row {
  return {
    sku: p.sku,
    name: checked(CHANGEABLE.name, p.name),
    brand: checked(CHANGEABLE.brand, p.brand),
    category: checked(CHANGEABLE.category, p.category),
    gtin: checked(CHANGEABLE.gtin, p.gtin ?? null),
    unit: checked(CHANGEABLE.unit, p.unit),
    case_size: checked(CHANGEABLE.caseSize, p.caseSize ?? null),
    shelf_life_days: checked(CHANGEABLE.shelfLifeDays, p.shelfLifeDays ?? null),
    base_price_minor: checked(CHANGEABLE.basePriceMinor, p.basePriceMinor),
    low_stock_threshold: checked(CHANGEABLE.lowStockThreshold, p.lowStockThreshold ?? null),
    keywords: checked(CHANGEABLE.keywords, p.keywords ?? []),
    active: true,
    currency: checked(CURRENCY, p.currency),
    version,
    created_at: at,
    updated_at: at,
  };
}

/** A price list, checked: what the per-event path inserts (Object.entries of it) goes in as it is. */
function checkedPrices(prices: Prices, columns: readonly Column[]): Prices {
  if (prices === null || prices === undefined) throw new BatchDeclined('a price list is missing');
  const [, keyColumn, priceColumn] = columns as [Column, Column, Column];
  for (const key of Object.keys(prices)) {
    checked(keyColumn, key);
    checked(priceColumn, prices[key]);
  }
  return prices;
}

function priceRows(rows: Row[], sku: string, prices: Prices, keyColumn: string): void {
  for (const [key, price] of Object.entries(prices)) rows.push({ sku, [keyColumn]: key, price_minor: price });
}

/**
 * GTINs are unique, which the database checks after each event's statement; a fold writes final
 * values only. So it replays the GTIN moves against their owners (read from the table the first
 * time a GTIN or a product comes up, then tracked), and declines events where a product would take
 * a GTIN another one still holds.
 */
class GtinOwners {
  /** GTIN → its holder, for every GTIN in `#knownGtins` that one holds. */
  readonly #owner = new Map<string, string>();
  readonly #knownGtins = new Set<string>();
  /** SKU → its GTIN, for every known product that exists (registered before or in the fold). */
  readonly #gtinOf = new Map<string, string | null>();
  readonly #knownSkus = new Set<string>();

  /** Reads what it does not know yet of the GTINs and moving products of `events`. */
  async learn(db: Db, events: readonly RecordedEvent[]): Promise<void> {
    const gtins = new Set<string>();
    const skus = new Set<string>();
    for (const event of events) {
      if (event.type === 'ProductRegistered') {
        // Whether the product exists already needs no reading: its INSERT fails then.
        const { gtin } = event.data as ProductDetails;
        if (typeof gtin === 'string' && !this.#knownGtins.has(gtin)) gtins.add(gtin);
      } else if (event.type === 'ProductUpdated') {
        const { sku, changes } = event.data as { sku: string; changes: ProductChanges };
        if (changes.gtin === undefined) continue;
        if (typeof changes.gtin === 'string' && !this.#knownGtins.has(changes.gtin)) gtins.add(changes.gtin);
        if (!this.#knownSkus.has(sku)) skus.add(sku);
      }
    }
    if (gtins.size === 0 && skus.size === 0) return;
    const stored = await db
      .selectFrom('catalog.products')
      .select(['sku', 'gtin'])
      .where((eb) => eb.or([eb('gtin', '=', eb.fn.any(eb.val([...gtins]))), eb('sku', '=', eb.fn.any(eb.val([...skus])))]))
      .execute();
    for (const row of stored) {
      if (!this.#knownSkus.has(row.sku)) {
        this.#knownSkus.add(row.sku);
        this.#gtinOf.set(row.sku, row.gtin);
      }
      if (row.gtin !== null && !this.#knownGtins.has(row.gtin)) {
        this.#knownGtins.add(row.gtin);
        this.#owner.set(row.gtin, row.sku);
      }
    }
    for (const gtin of gtins) this.#knownGtins.add(gtin);
    for (const sku of skus) this.#knownSkus.add(sku);
  }

  #take(sku: string, gtin: string | null): void {
    if (gtin !== null && this.#owner.has(gtin) && this.#owner.get(gtin) !== sku) {
      throw new BatchDeclined(`GTIN ${gtin} is held by ${this.#owner.get(gtin)}`);
    }
    const previous = this.#gtinOf.get(sku);
    if (previous !== undefined && previous !== null && this.#owner.get(previous) === sku) this.#owner.delete(previous);
    if (gtin !== null) this.#owner.set(gtin, sku);
    this.#gtinOf.set(sku, gtin);
    this.#knownSkus.add(sku);
  }

  registered(sku: string, gtin: string | null): void {
    // Registering a product known to exist fails on its key.
    if (this.#gtinOf.has(sku)) throw new BatchDeclined(`${sku} is registered already`);
    this.#take(sku, gtin);
  }

  changed(sku: string, gtin: string | null): void {
    // An update of a product that does not exist changes nothing.
    if (this.#gtinOf.has(sku)) this.#take(sku, gtin);
  }
}

const searchable = (row: Row) => row as SearchableProduct;

/** What of a stored product's searched fields its changes (row columns) leave. */
const changedSearchable = (stored: SearchableProduct, changes: Row): SearchableProduct => ({
  name: (changes.name as string | undefined) ?? stored.name,
  brand: (changes.brand as string | undefined) ?? stored.brand,
  category: (changes.category as string | undefined) ?? stored.category,
  keywords: (changes.keywords as string[] | undefined) ?? stored.keywords,
});

class CatalogFold implements Fold {
  readonly #products = new ProductFolds<ProductFold>();
  readonly #gtins = new GtinOwners();
  /** The position of the last event folded that registers or changes a product. */
  #searchChangedAt: string | undefined;

  /**
   * Each product's search document from its final fields: a registered one's from its row; a
   * stored one whose searched fields change, from what it has (read here) and the changes.
   */
  async #withSearchDocuments(db: Db): Promise<void> {
    const stale: string[] = [];
    for (const [sku, fold] of this.#products) {
      if (fold.registered) fold.registered.search = searchDocument(searchable(fold.registered));
      else if (fold.changes && changesSearch(fold.changes)) stale.push(sku);
    }
    if (stale.length === 0) return;
    const stored = await db
      .selectFrom('catalog.products')
      .select(['sku', 'name', 'brand', 'category', 'keywords'])
      .where('sku', '=', (eb) => eb.fn.any(eb.val(stale)))
      .execute();
    for (const row of stored) {
      const changes = this.#products.of(row.sku).changes!;
      changes.search = searchDocument(changedSearchable(row, changes));
    }
  }

  get size(): number {
    return this.#products.size;
  }

  async add(db: Db, events: readonly RecordedEvent[]): Promise<void> {
    await this.#gtins.learn(db, events);
    for (const event of events) {
      const at = checkedInstant(event.metadata.occurredAt);
      const version = checked(VERSION, event.revision);
      switch (event.type) {
        case 'ProductRegistered': {
          const p = event.data as ProductDetails;
          const fold = this.#products.of(p.sku);
          if (fold.registered) throw new BatchDeclined(`${p.sku} is registered twice`);
          const row = registrationRow(p, version, at);
          this.#gtins.registered(p.sku, row.gtin as string | null);
          // Changes before the registration found no row (or the registration fails on its key).
          fold.registered = row;
          delete fold.changes;
          this.#searchChangedAt = event.position;
          break;
        }
        case 'ProductUpdated': {
          const { sku, changes } = event.data as { sku: string; changes: ProductChanges };
          if (changes === null || changes === undefined) throw new BatchDeclined(`ProductUpdated of ${sku} without changes`);
          const fold = this.#products.of(sku);
          const row = fold.registered ?? (fold.changes ??= {});
          applyChanges(row, changes);
          row.version = version;
          row.updated_at = at;
          if (changes.gtin !== undefined) this.#gtins.changed(sku, changes.gtin);
          this.#searchChangedAt = event.position;
          break;
        }
        case 'ProductPricesSet': {
          const { sku, tiers, dealers } = event.data as { sku: string; tiers: Record<string, number>; dealers: Record<string, number> };
          const fold = this.#products.of(sku);
          fold.prices = { tiers: checkedPrices(tiers, TIER_PRICE_COLUMNS), dealers: checkedPrices(dealers, DEALER_PRICE_COLUMNS) };
          const row = fold.registered ?? (fold.changes ??= {});
          row.version = version;
          row.updated_at = at;
          break;
        }
      }
    }
  }

  async write(db: Db): Promise<void> {
    await this.#withSearchDocuments(db);
    const priced: string[] = [];
    const tierRows: Row[] = [];
    const dealerRows: Row[] = [];
    const changed: Row[] = [];
    const registered: Row[] = [];
    for (const [sku, fold] of this.#products) {
      if (fold.prices) {
        priced.push(sku);
        priceRows(tierRows, sku, fold.prices.tiers, 'tier');
        priceRows(dealerRows, sku, fold.prices.dealers, 'dealer_id');
      }
      if (fold.registered) {
        const row = fold.registered;
        registered.push({ ...row, created_at: instant(row.created_at as string), updated_at: instant(row.updated_at as string) });
      }
      if (fold.changes) {
        const row: Row = { sku, version: fold.changes.version, updated_at: instant(fold.changes.updated_at as string) };
        for (const column of UPDATABLE_COLUMNS) {
          if (column.name in fold.changes) {
            row[`${column.name}_set`] = true;
            row[column.name] = fold.changes[column.name];
          }
        }
        changed.push(row);
      }
    }
    // A price list replaces the product's previous one.
    if (priced.length > 0) {
      await db
        .deleteFrom('catalog.tier_prices')
        .where('sku', '=', (eb) => eb.fn.any(eb.val(priced)))
        .execute();
      await db
        .deleteFrom('catalog.dealer_prices')
        .where('sku', '=', (eb) => eb.fn.any(eb.val(priced)))
        .execute();
    }
    if (tierRows.length > 0) {
      await sql`INSERT INTO ${sql.table('catalog.tier_prices')} (${columnList(TIER_PRICE_COLUMNS)})
        SELECT * FROM ${recordset('t', TIER_PRICE_COLUMNS, tierRows)}`.execute(db);
    }
    if (dealerRows.length > 0) {
      await sql`INSERT INTO ${sql.table('catalog.dealer_prices')} (${columnList(DEALER_PRICE_COLUMNS)})
        SELECT * FROM ${recordset('d', DEALER_PRICE_COLUMNS, dealerRows)}`.execute(db);
    }
    // Stored products: each changeable column changed or left as it is.
    if (changed.length > 0) {
      const assignments = UPDATABLE_COLUMNS.map((column) => {
        const name = sql.id(column.name);
        return sql`${name} = CASE WHEN u.${sql.id(`${column.name}_set`)} THEN u.${name} ELSE p.${name} END`;
      });
      await sql`UPDATE ${sql.table('catalog.products')} AS p
           SET ${sql.join(assignments)}, version = u.version, updated_at = u.updated_at
          FROM ${recordset('u', CHANGE_COLUMNS, changed)}
         WHERE p.sku = u.sku`.execute(db);
    }
    // Products the fold registers, with whatever it changed since.
    if (registered.length > 0) {
      await sql`INSERT INTO ${sql.table('catalog.products')} (${columnList(PRODUCT_COLUMNS)})
        SELECT * FROM ${recordset('r', PRODUCT_COLUMNS, registered)}`.execute(db);
    }
    if (this.#searchChangedAt !== undefined) await markSearchChanged(db, this.#searchChangedAt);
  }
}

/** Whether the event takes or lets go of a GTIN (which the fold checks against the stored owners). */
const movesGtin = (event: RecordedEvent) =>
  event.type === 'ProductRegistered'
    ? typeof (event.data as ProductDetails).gtin === 'string'
    : event.type === 'ProductUpdated' && (event.data as { changes?: ProductChanges }).changes?.gtin !== undefined;

export const catalogBatch: BatchHandler = {
  folds: (event) => (productEventTypes as readonly string[]).includes(event.type),
  fold: () => new CatalogFold(),
  reads: (events) => events.some(movesGtin),
};
