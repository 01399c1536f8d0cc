// Helpers for set-based batch handlers: typed column values checked before they reach SQL,
// rows passed as one JSON parameter, bigint sums kept within int8; handlers combined into one
// (in segments, for those that must not share a fold).
import { sql, type RawBuilder } from 'kysely';
import { isCalendarDay } from '../domain/shared/calendar.ts';
import type { RecordedEvent } from '../eventstore/port.ts';
import type { BatchHandler, Fold } from './projection.ts';

export type SqlType = 'text' | 'text[]' | 'int4' | 'int8' | 'bool' | 'timestamptz' | 'date' | 'tsvector';

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
const YEAR_1 = -62_135_596_800_000;
const YEAR_10000 = 253_402_300_800_000;

/**
 * True when the database surely accepts `value` in a column of this type. Conservative: a value
 * it would also accept after a cast (a numeric string, say) answers false.
 */
export function admits(column: Column, value: unknown): boolean {
  if (value === null || value === undefined) return column.nullable === true;
  switch (column.type) {
    case 'text':
    case 'tsvector':
      return typeof value === 'string' && !value.includes('\u0000');
    case 'text[]':
      return Array.isArray(value) && value.every((item) => admits({ name: column.name, type: 'text' }, item));
    case 'int4':
      return Number.isInteger(value) && Math.abs(value as number) <= INT4_MAX;
    case 'int8':
      return Number.isSafeInteger(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'timestamptz':
      return value instanceof Date && !Number.isNaN(value.getTime());
    case 'date': {
      // A 'YYYY-MM-DD' string of a day that exists, from year 1 to 9999.
      return typeof value === 'string' && value >= '0001-01-01' && isCalendarDay(value);
    }
  }
}

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
 * parameter (instants as ISO strings or Dates, text[] as arrays, missing values as NULL),
 * whatever the number of rows.
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

/** Sums written this far from zero leave room for the steps that make them (see SumSteps). */
const SUM_LIMIT = 2 ** 61;

/**
 * The steps of a fold's bigint sums (a reserved quantity, say): the per-event path adds each step
 * in the database and fails on an intermediate value beyond int8, where a fold writes the sum
 * once. With the steps within MAX_SAFE_INTEGER in all (else BatchDeclined; the sums are exact in
 * JS then) and every sum written within 2^61 of zero (`checkSum`), no intermediate value of a
 * column, of a sum over rows or of a difference of two columns can leave int8.
 */
export class SumSteps {
  #moved = 0;

  /** `step`, counted. */
  add(step: number): number {
    this.#moved += Math.abs(step);
    if (!(this.#moved <= Number.MAX_SAFE_INTEGER)) throw new BatchDeclined('steps too large to fold');
    return step;
  }
}

/** A bigint sum as written (RETURNING it): BatchDeclined when it is near enough int8's limits that a step might pass them. */
export function checkSum(value: number): void {
  if (!(Math.abs(value) <= SUM_LIMIT)) throw new BatchDeclined(`a sum near the limits of int8: ${value}`);
}

export type CombineOptions = {
  /**
   * The segment of each event the handlers fold (see BatchHandler.segment). A handler's own
   * segments divide it further.
   */
  segment?: (event: RecordedEvent) => string;
};

/**
 * Batch handlers as one: an event goes to the first handler that folds it, and their folds are
 * written one after the other. Within a segment, only correct for handlers whose tables are
 * disjoint and that do not read each other's tables: a handler's writes then are the same whatever
 * the others write, and whenever they write it. The events of a handler that reads or writes what
 * another writes go to a segment of their own (`options.segment`): never folded with the other's.
 */
export function combineBatches(handlers: readonly BatchHandler[], options: CombineOptions = {}): BatchHandler {
  const handlerOf = (event: RecordedEvent) => handlers.findIndex((handler) => handler.folds(event));
  return {
    folds: (event) => handlerOf(event) >= 0,
    segment: (event) => {
      const shared = options.segment?.(event) ?? '';
      const own = handlers[handlerOf(event)]?.segment?.(event);
      return own === undefined ? shared : JSON.stringify([shared, own]);
    },
    fold: () => {
      // Per handler, created when it gets its first event.
      const folds: (Fold | undefined)[] = handlers.map(() => undefined);
      return {
        async add(db, events) {
          const parts = handlers.map((): RecordedEvent[] => []);
          for (const event of events) {
            const index = handlerOf(event);
            if (index < 0) throw new BatchDeclined(`${event.type} is not folded`);
            parts[index]!.push(event);
          }
          for (const [index, part] of parts.entries()) {
            if (part.length > 0) await (folds[index] ??= handlers[index]!.fold()).add(db, part);
          }
        },
        get size() {
          return folds.reduce((size, fold) => size + (fold?.size ?? 0), 0);
        },
        async write(db) {
          for (const fold of folds) await fold?.write(db);
        },
      };
    },
    reads: (events) =>
      handlers.some((handler, index) => {
        const mine = events.filter((event) => handlerOf(event) === index);
        return mine.length > 0 && (handler.reads?.(mine) ?? true);
      }),
  };
}
