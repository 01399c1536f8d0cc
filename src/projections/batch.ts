// Helpers for set-based batch handlers: typed column values checked before they reach SQL,
// rows passed as one JSON parameter.
import { sql, type RawBuilder } from 'kysely';

export type SqlType = 'text' | 'int4' | 'int8' | 'bool' | 'timestamptz';

export type Column = { name: string; type: SqlType; nullable?: boolean };

/**
 * A page the batch handler will not fold (a value the database could reject, a key seen twice
 * where the per-event path would fail): the runner applies the page event by event instead,
 * which fails on the exact event if there is one.
 */
export class BatchDeclined extends Error {
  override name = 'BatchDeclined';
}

const INT4_MAX = 2_147_483_647;

/**
 * True when the database surely accepts `value` in a column of this type. Conservative: a value
 * it would also accept after a cast (a numeric string, say) answers false.
 */
export function admits(column: Column, value: unknown): boolean {
  if (value === null || value === undefined) return column.nullable === true;
  switch (column.type) {
    case 'text':
      return typeof value === 'string' && !value.includes('\u0000');
    case 'int4':
      return Number.isInteger(value) && Math.abs(value as number) <= INT4_MAX;
    case 'int8':
      return Number.isSafeInteger(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'timestamptz':
      return value instanceof Date && !Number.isNaN(value.getTime());
  }
}

const YEAR_1 = -62_135_596_800_000;
const YEAR_10000 = 253_402_300_800_000;

/**
 * An event's instant (`occurredAt`) as the per-event path writes it (`new Date(value)`, to the
 * millisecond), checked but not yet turned into a Date: folds keep the string, `instant` turns it
 * into the ISO string written.
 */
export function checkedInstant(value: unknown): string {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!(time >= YEAR_1 && time < YEAR_10000)) throw new BatchDeclined(`not an instant: ${JSON.stringify(value)}`);
  return value as string;
}

export const instant = (value: string) => new Date(value).toISOString();

/** `value` itself, after checking that the column admits it (else BatchDeclined). */
export function checked<T>(column: Column, value: T): T {
  if (!admits(column, value)) throw new BatchDeclined(`${column.name} does not take ${JSON.stringify(value)}`);
  return value;
}

/**
 * `json_to_recordset($1::json) AS alias(col1 type1, …)`: the rows as a table, all in one JSON
 * parameter (instants as ISO strings, missing values as NULL), whatever the number of rows.
 */
export function recordset(alias: string, columns: readonly Column[], rows: readonly Record<string, unknown>[]): RawBuilder<unknown> {
  const definitions = columns.map((column) => sql`${sql.id(column.name)} ${sql.raw(column.type)}`);
  return sql`json_to_recordset(${JSON.stringify(rows)}::json) AS ${sql.id(alias)}(${sql.join(definitions)})`;
}

/** The column names, for an INSERT's column list. */
export const columnList = (columns: readonly Column[]) => sql.join(columns.map((column) => sql.id(column.name)));


const SKU_COLUMN: Column = { name: 'sku', type: 'text' };

/**
 * A fold's state per product, created empty on first use. The SKU is checked as the column would
 * (a value the table would refuse declines the batch); `size` is what the fold holds so far.
 */
export class ProductFolds<State extends object> implements Iterable<[string, State]> {
  readonly #folds = new Map<string, State>();

  get size(): number {
    return this.#folds.size;
  }

  of(sku: unknown): State {
    const key = checked(SKU_COLUMN, sku) as string;
    let fold = this.#folds.get(key);
    if (!fold) this.#folds.set(key, (fold = {} as State));
    return fold;
  }

  [Symbol.iterator](): Iterator<[string, State]> {
    return this.#folds[Symbol.iterator]();
  }
}
