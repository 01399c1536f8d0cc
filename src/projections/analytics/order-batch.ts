// The analytics order facts, set-based for what placing an order appends: OrderPlaced and
// OrderReviewed folded per order (its row, lines and promotion usage when the fold places it, else
// what reviews set on the row stored before; the allocations of its last review that reserved
// stock), then written with a statement per table. The rows are built by the functions of
// order-facts.ts, as the handlers there build them; the products and promotions they name are read
// once per `add`. The product fold writes those products and renames order lines: the two are in
// different segments (see projection.ts), never folded together.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { OrderPlacedData, OrderReviewedData } from '../../domain/ordering/order.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { BatchDeclined, checked, checkedInstant, columnList, recordset, type Column } from '../batch.ts';
import type { BatchHandler, Fold } from '../projection.ts';
import { allocations, namedBy, placedFacts, productFacts, promotionKinds, reviewedColumns, type ProductFacts } from './order-facts.ts';

const text = (name: string): Column => ({ name, type: 'text' });
const nullableText = (name: string): Column => ({ name, type: 'text', nullable: true });
const int8 = (name: string): Column => ({ name, type: 'int8' });

const ORDER_ID = text('order_id');
const SKU = text('sku');
const PROMOTION_ID = text('promotion_id');
const IS_GIFT: Column = { name: 'is_gift', type: 'bool' };
const PLACED_AT: Column = { name: 'placed_at', type: 'timestamptz' };
const PLACED_ON: Column = { name: 'placed_on', type: 'date' };
/** The order columns a review sets. */
const REVIEW_COLUMNS: Column[] = [
  text('status'),
  nullableText('first_decision'),
  { name: 'first_reasons', type: 'text[]' },
  { name: 'approved_at', type: 'timestamptz', nullable: true },
  { name: 'rejected_at', type: 'timestamptz', nullable: true },
];
const ORDER_COLUMNS: Column[] = [
  ORDER_ID,
  text('dealer_id'),
  text('region_code'),
  text('channel'),
  text('currency'),
  PLACED_AT,
  PLACED_ON,
  int8('subtotal_minor'),
  int8('discount_minor'),
  int8('total_minor'),
  int8('qty'),
  int8('gift_qty'),
  ...REVIEW_COLUMNS,
];
const LINE_COLUMNS: Column[] = [
  ORDER_ID,
  { name: 'line_no', type: 'int4' },
  SKU,
  nullableText('product_name'),
  nullableText('brand'),
  nullableText('category'),
  IS_GIFT,
  int8('qty'),
  int8('unit_price_minor'),
  int8('gross_minor'),
  int8('discount_minor'),
  int8('net_minor'),
  { name: 'promotion_ids', type: 'text[]' },
  text('dealer_id'),
  text('region_code'),
  text('currency'),
  PLACED_AT,
  PLACED_ON,
];
const USAGE_COLUMNS: Column[] = [
  ORDER_ID,
  PROMOTION_ID,
  SKU,
  IS_GIFT,
  int8('qty'),
  int8('gross_minor'),
  int8('discount_minor'),
  int8('net_minor'),
];
const ALLOCATION_COLUMNS: Column[] = [ORDER_ID, SKU, text('warehouse_id'), int8('qty')];

/** The review columns of an order placed and not reviewed yet: the table's defaults. */
const UNREVIEWED = { first_reasons: [], approved_at: null, rejected_at: null };

type Row = Record<string, unknown>;

/** `row` itself, after checking each of the columns (else BatchDeclined). Instants are Dates, written as ISO strings. */
function checkedRow(columns: readonly Column[], row: object): Row {
  for (const column of columns) checked(column, (row as Row)[column.name]);
  return row as Row;
}

/** One order of the fold. */
type OrderFold = {
  /** Its row, lines and promotion usage, when the fold places it (its reviews after that change the row). */
  placed?: { order: Row; lines: Row[]; usage: Row[] };
  /**
   * What reviews before its placement in the fold (if any) set on the row stored before: the
   * per-event UPDATE, which changes nothing when there is no such row.
   */
  stored?: Row;
  /** What its last review that reserved stock allocates, in place of what was allocated before. */
  allocated?: Row[];
};

class AnalyticsOrderFold implements Fold {
  readonly #orders = new Map<string, OrderFold>();
  #rows = 0;

  get size(): number {
    return this.#rows;
  }

  #of(orderId: unknown): OrderFold {
    const key = checked(ORDER_ID, orderId) as string;
    let order = this.#orders.get(key);
    if (!order) this.#orders.set(key, (order = {}));
    return order;
  }

  /** The products and promotions that orders placed among `events` name. */
  async #read(db: Db, events: readonly RecordedEvent[]): Promise<{ products: Map<string, ProductFacts>; kinds: Map<string, string> }> {
    const skus = new Set<string>();
    const promotionIds = new Set<string>();
    for (const event of events) {
      if (event.type !== 'OrderPlaced') continue;
      const named = namedBy(event.data as OrderPlacedData);
      for (const sku of named.skus) skus.add(checked(SKU, sku));
      for (const id of named.promotionIds) promotionIds.add(checked(PROMOTION_ID, id));
    }
    return { products: await productFacts(db, [...skus]), kinds: await promotionKinds(db, [...promotionIds]) };
  }

  async add(db: Db, events: readonly RecordedEvent[]): Promise<void> {
    const { products, kinds } = await this.#read(db, events);
    for (const event of events) {
      if (event.type === 'OrderPlaced') {
        const placed = event.data as OrderPlacedData;
        checkedInstant(placed.placedAt);
        const facts = placedFacts(placed, products, kinds);
        const order = this.#of(facts.order.order_id);
        // Its INSERT fails (as it does for an order stored before, when the fold is written).
        if (order.placed) throw new BatchDeclined(`order ${facts.order.order_id} is placed twice`);
        order.placed = {
          order: checkedRow(ORDER_COLUMNS, { ...facts.order, ...UNREVIEWED }),
          lines: facts.lines.map((line) => checkedRow(LINE_COLUMNS, line)),
          usage: facts.usage.map((usage) => checkedRow(USAGE_COLUMNS, usage)),
        };
        this.#rows += 1 + order.placed.lines.length + order.placed.usage.length;
      } else if (event.type === 'OrderReviewed') {
        const review = event.data as OrderReviewedData;
        const set = checkedRow(REVIEW_COLUMNS, reviewedColumns(review, new Date(checkedInstant(event.metadata.occurredAt))));
        const order = this.#of(review.orderId);
        if (order.placed) {
          Object.assign(order.placed.order, set);
        } else {
          if (!order.stored) this.#rows += 1;
          order.stored = { order_id: review.orderId, ...set };
        }
        const allocated = allocations(review.orderId, review.reservations).map((row) => checkedRow(ALLOCATION_COLUMNS, row));
        if (allocated.length > 0) {
          this.#rows += allocated.length - (order.allocated?.length ?? 0);
          order.allocated = allocated;
        }
      } else {
        throw new BatchDeclined(`${event.type} is not folded`);
      }
    }
  }

  async write(db: Db): Promise<void> {
    const stored: Row[] = [];
    const placed: Row[] = [];
    const lines: Row[] = [];
    const usage: Row[] = [];
    const allocated: Row[] = [];
    for (const order of this.#orders.values()) {
      if (order.stored) stored.push(order.stored);
      if (order.placed) {
        placed.push(order.placed.order);
        lines.push(...order.placed.lines);
        usage.push(...order.placed.usage);
      }
      if (order.allocated) allocated.push(...order.allocated);
    }
    // Before the placements: a review before its order's placement in the fold only finds a row stored earlier.
    if (stored.length > 0) {
      const assignments = REVIEW_COLUMNS.map((column) => sql`${sql.id(column.name)} = u.${sql.id(column.name)}`);
      await sql`UPDATE ${sql.table('analytics_facts.orders')} AS o SET ${sql.join(assignments)}
          FROM ${recordset('u', [ORDER_ID, ...REVIEW_COLUMNS], stored)}
         WHERE o.order_id = u.order_id`.execute(db);
    }
    // An order stored already fails here, on its key.
    if (placed.length > 0) {
      await sql`INSERT INTO ${sql.table('analytics_facts.orders')} (${columnList(ORDER_COLUMNS)})
        SELECT * FROM ${recordset('r', ORDER_COLUMNS, placed)}`.execute(db);
    }
    if (lines.length > 0) {
      await sql`INSERT INTO ${sql.table('analytics_facts.order_lines')} (${columnList(LINE_COLUMNS)})
        SELECT * FROM ${recordset('r', LINE_COLUMNS, lines)}`.execute(db);
    }
    if (usage.length > 0) {
      await sql`INSERT INTO ${sql.table('analytics_facts.promotion_usage')} (${columnList(USAGE_COLUMNS)})
        SELECT * FROM ${recordset('r', USAGE_COLUMNS, usage)}`.execute(db);
    }
    if (allocated.length > 0) {
      const orderIds = [...new Set(allocated.map((row) => row.order_id as string))];
      // By key, whatever the planner guesses: until autovacuum first analyzes this table, which grows
      // with every order, its default selectivity (0.5 % of the rows per key) makes a page's orders
      // look like a tenth of the table, and it would read the whole table.
      await sql`SET LOCAL enable_seqscan = off`.execute(db);
      await db
        .deleteFrom('analytics_facts.order_allocations')
        .where('order_id', '=', (eb) => eb.fn.any(eb.val(orderIds)))
        .execute();
      await sql`SET LOCAL enable_seqscan TO DEFAULT`.execute(db);
      await sql`INSERT INTO ${sql.table('analytics_facts.order_allocations')} (${columnList(ALLOCATION_COLUMNS)})
        SELECT * FROM ${recordset('r', ALLOCATION_COLUMNS, allocated)}`.execute(db);
    }
  }
}

/** OrderPlaced and OrderReviewed set-based; every other order event goes through `handle`. Placements read products and promotions. */
export const analyticsOrderBatch: BatchHandler = {
  folds: (event) => event.type === 'OrderPlaced' || event.type === 'OrderReviewed',
  fold: () => new AnalyticsOrderFold(),
  reads: (events) => events.some((event) => event.type === 'OrderPlaced'),
};
