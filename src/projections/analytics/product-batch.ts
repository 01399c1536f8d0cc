// The analytics copy of the products, set-based: registrations and updates folded in memory per
// SKU (the product row, or the columns its updates change; the names its order lines move to),
// then written with a few statements. The same rows as the handlers in projection.ts, event by
// event; any other event is handled on its own, after what was folded before it is written.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { ProductChanges, ProductDetails } from '../../domain/catalog/product.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { BatchDeclined, ProductFolds, checked, checkedInstant, columnList, instant, recordset, type Column } from '../batch.ts';
import type { BatchHandler, Fold } from '../projection.ts';
import { ownEntry } from '../../domain/shared/own-entry.ts';

const SKU: Column = { name: 'sku', type: 'text' };
const NAME: Column = { name: 'name', type: 'text' };
const BRAND: Column = { name: 'brand', type: 'text' };
const CATEGORY: Column = { name: 'category', type: 'text' };
const UNIT: Column = { name: 'unit', type: 'text' };
const CASE_SIZE: Column = { name: 'case_size', type: 'int4', nullable: true };
const BASE_PRICE: Column = { name: 'base_price_minor', type: 'int8' };
const ACTIVE: Column = { name: 'active', type: 'bool' };

/** The product columns an update changes, by the name of the change. */
const CHANGEABLE: Partial<Record<keyof ProductChanges, Column>> = {
  name: NAME,
  brand: BRAND,
  category: CATEGORY,
  unit: UNIT,
  caseSize: CASE_SIZE,
  basePriceMinor: BASE_PRICE,
  active: ACTIVE,
};
const CHANGEABLE_COLUMNS = Object.values(CHANGEABLE);
/** The order-line columns that follow the product's name, brand and category. */
const DESCRIBED: Partial<Record<keyof ProductChanges, Column>> = {
  name: { name: 'product_name', type: 'text', nullable: true },
  brand: { name: 'brand', type: 'text', nullable: true },
  category: { name: 'category', type: 'text', nullable: true },
};
const DESCRIBED_COLUMNS = Object.values(DESCRIBED);

const PRODUCT_COLUMNS: Column[] = [
  SKU,
  NAME,
  BRAND,
  CATEGORY,
  UNIT,
  CASE_SIZE,
  BASE_PRICE,
  { name: 'currency', type: 'text' },
  ACTIVE,
  { name: 'registered_at', type: 'timestamptz' },
];
/** Per column, whether it changes (`<column>_set`) and to what. */
const changeColumns = (columns: readonly Column[]): Column[] => [
  SKU,
  ...columns.flatMap((column): Column[] => [
    { name: `${column.name}_set`, type: 'bool' },
    { ...column, nullable: true },
  ]),
];

type Row = Record<string, unknown>;
type ProductFold = { registered?: Row; changes?: Row; lines?: Row };

/** UPDATE … SET column = the new value where it changes, else itself, for each of `columns`. */
function assignments(alias: string, columns: readonly Column[]) {
  return sql.join(
    columns.map((column) => {
      const name = sql.id(column.name);
      return sql`${name} = CASE WHEN u.${sql.id(`${column.name}_set`)} THEN u.${name} ELSE ${sql.id(alias)}.${name} END`;
    }),
  );
}

/** The fold's rows in the `changeColumns` shape: flags for the columns it sets. */
function changeRow(sku: string, values: Row): Row {
  const row: Row = { sku };
  for (const [name, value] of Object.entries(values)) {
    row[`${name}_set`] = true;
    row[name] = value;
  }
  return row;
}

class AnalyticsProductFold implements Fold {
  readonly #products = new ProductFolds<ProductFold>();

  get size(): number {
    return this.#products.size;
  }

  async add(_db: Db, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'ProductRegistered') {
        const p = event.data as ProductDetails;
        const fold = this.#products.of(p.sku);
        if (fold.registered) throw new BatchDeclined(`${p.sku} is registered twice`);
        fold.registered = {
          sku: p.sku,
          name: checked(NAME, p.name),
          brand: checked(BRAND, p.brand),
          category: checked(CATEGORY, p.category),
          unit: checked(UNIT, p.unit),
          case_size: checked(CASE_SIZE, p.caseSize ?? null),
          base_price_minor: checked(BASE_PRICE, p.basePriceMinor),
          currency: checked({ name: 'currency', type: 'text' }, p.currency),
          active: true,
          registered_at: checkedInstant(event.metadata.occurredAt),
        };
        // Updates before the registration found no product (or the registration fails on its key);
        // what they did to order lines stays.
        delete fold.changes;
      } else if (event.type === 'ProductUpdated') {
        const { sku, changes } = event.data as { sku: string; changes: ProductChanges };
        if (changes === null || changes === undefined) throw new BatchDeclined(`ProductUpdated of ${sku} without changes`);
        const fold = this.#products.of(sku);
        for (const key in changes) {
          const value = changes[key as keyof ProductChanges];
          if (value === undefined) continue;
          const column = ownEntry<Column>(CHANGEABLE, key);
          if (!column) continue;
          (fold.registered ?? (fold.changes ??= {}))[column.name] = checked(column, value);
          const described = ownEntry(DESCRIBED, key);
          if (described) (fold.lines ??= {})[described.name] = value;
        }
      } else {
        throw new BatchDeclined(`${event.type} is not folded`);
      }
    }
  }

  async write(db: Db): Promise<void> {
    const changed: Row[] = [];
    const registered: Row[] = [];
    const lines: Row[] = [];
    for (const [sku, fold] of this.#products) {
      if (fold.registered) registered.push({ ...fold.registered, registered_at: instant(fold.registered.registered_at as string) });
      if (fold.changes && Object.keys(fold.changes).length > 0) changed.push(changeRow(sku, fold.changes));
      if (fold.lines) lines.push(changeRow(sku, fold.lines));
    }
    if (changed.length > 0) {
      await sql`UPDATE ${sql.table('analytics_facts.products')} AS p SET ${assignments('p', CHANGEABLE_COLUMNS)}
          FROM ${recordset('u', changeColumns(CHANGEABLE_COLUMNS), changed)}
         WHERE p.sku = u.sku`.execute(db);
    }
    if (registered.length > 0) {
      await sql`INSERT INTO ${sql.table('analytics_facts.products')} (${columnList(PRODUCT_COLUMNS)})
        SELECT * FROM ${recordset('r', PRODUCT_COLUMNS, registered)}`.execute(db);
    }
    // Sales are analysed by the current name, brand and category: history moves along.
    if (lines.length > 0) {
      await sql`UPDATE ${sql.table('analytics_facts.order_lines')} AS l SET ${assignments('l', DESCRIBED_COLUMNS)}
          FROM ${recordset('u', changeColumns(DESCRIBED_COLUMNS), lines)}
         WHERE l.sku = u.sku`.execute(db);
    }
  }
}

const FOLDED = new Set(['ProductRegistered', 'ProductUpdated']);

export const analyticsProductBatch: BatchHandler = {
  folds: (event) => FOLDED.has(event.type),
  fold: () => new AnalyticsProductFold(),
  reads: () => false,
};
