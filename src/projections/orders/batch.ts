// The orders projection, set-based for what placing an order appends: OrderPlaced and
// OrderReviewed folded per order (a new order's final row, or the review columns of one placed
// earlier, read once), their timeline rows and what the reviews add to the dealer's history, then
// written with a statement per table. The same rows as `handle` on each event in turn.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import {
  awaitsPayment,
  NO_RESERVATIONS,
  type OrderEvent,
  type OrderPlacedData,
  type OrderReviewedData,
} from '../../domain/ordering/order.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { BatchDeclined, checked, checkedInstant, columnList, instant, recordset, type Column } from '../batch.ts';
import type { BatchHandler, Fold } from '../projection.ts';
import { timelineDetail } from './timeline.ts';

/** A column, and the cast its recordset value (text) needs to become the table's type. */
type Typed = Column & { cast?: 'jsonb' | 'numeric' };

const text = (name: string): Typed => ({ name, type: 'text' });
const nullableText = (name: string): Typed => ({ name, type: 'text', nullable: true });
const jsonb = (name: string): Typed => ({ name, type: 'text', cast: 'jsonb' });
const int8 = (name: string): Typed => ({ name, type: 'int8' });

const ID = text('id');
const VERSION: Typed = { name: 'version', type: 'int4' };
const DECISION = text('decision');
const COUNT: Typed = { name: 'order_count', type: 'int4' };
/** An amount the history adds up: total_sum_minor, qty_sum. */
const AMOUNT = int8('amount');
/** The columns a review sets. */
const REVIEW_COLUMNS: Typed[] = [
  text('status'),
  { name: 'released', type: 'bool' },
  DECISION,
  jsonb('reasons'),
  jsonb('risk'),
  jsonb('reservations'),
  { name: 'decided_at', type: 'timestamptz' },
  { name: 'updated_at', type: 'timestamptz' },
  VERSION,
];
/** The columns OrderPlaced sets besides them (the others keep their defaults). */
const PLACED = {
  dealerId: text('dealer_id'),
  channel: text('channel'),
  regionCode: text('region_code'),
  deliveryAddress: nullableText('delivery_address'),
  note: nullableText('note'),
  subtotalMinor: int8('subtotal_minor'),
  discountMinor: int8('discount_minor'),
  totalMinor: int8('total_minor'),
  currency: text('currency'),
  prepay: { name: 'prepay', type: 'bool' } satisfies Typed,
  reorderOf: nullableText('reorder_of'),
  lines: jsonb('lines'),
  gifts: jsonb('gifts'),
  promotionsNotApplied: jsonb('promotions_not_applied'),
  placedAt: { name: 'placed_at', type: 'timestamptz' } satisfies Typed,
};
const ORDER_COLUMNS: Typed[] = [ID, ...Object.values(PLACED), ...REVIEW_COLUMNS];
const TIMELINE = {
  orderId: text('order_id'),
  revision: { name: 'revision', type: 'int4' } satisfies Typed,
  position: { name: 'position', type: 'text', cast: 'numeric' } satisfies Typed,
  eventType: text('event_type'),
  status: text('status'),
  at: { name: 'at', type: 'timestamptz' } satisfies Typed,
  actor: text('actor'),
  role: text('role'),
  detail: jsonb('detail'),
};
const TIMELINE_COLUMNS: Typed[] = Object.values(TIMELINE);
/** regions: the dealer's new regions in the order they first came up, as a JSON array. */
const DEALER_COLUMNS: Typed[] = [text('dealer_id'), COUNT, int8('total_sum_minor'), text('regions')];
const SKU = text('sku');
const SKU_COLUMNS: Typed[] = [text('dealer_id'), SKU, COUNT, int8('qty_sum')];

type Row = Record<string, unknown>;

/** What a review reads of its order, and what the dealer's history counts of it. */
type Facts = { dealerId: string; regionCode: string; totalMinor: number; prepay: boolean; lines: unknown };

/**
 * One order: its whole row when the fold places it, else (`stored`, read for a review) the review
 * columns of the row placed before. Instants stay strings until written.
 */
type OrderFold = { facts: Facts; row: Row; stored: boolean };

type DealerHistory = { order_count: number; total_sum_minor: number; regions: string[] };
type SkuHistory = { dealer_id: string; sku: string; order_count: number; qty_sum: number };

/** The JSON text the per-event path writes to a jsonb column (which it leaves out when undefined). */
function jsonText(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new BatchDeclined('a JSON column gets no value');
  return json;
}

const UNREVIEWED = {
  reasons: jsonText([]),
  risk: jsonText({ score: 0, threshold: 0, factors: [] }),
  reservations: jsonText(NO_RESERVATIONS),
};

/**
 * `sum + by` for a history total. Only amounts of zero or more: the per-event path adds them one
 * by one, and with none negative its sums overflow exactly when the fold's final sum does.
 */
function added(sum: number, by: unknown): number {
  const amount = checked(AMOUNT, by) as number;
  if (amount < 0) throw new BatchDeclined(`a history adds ${amount}`);
  return checked(AMOUNT, sum + amount);
}

/** The recordset's columns as the table takes them. */
const values = (alias: string, columns: readonly Typed[]): RawBuilder<unknown>[] =>
  columns.map((column) => (column.cast ? sql`${sql.id(alias, column.name)}::${sql.raw(column.cast)}` : sql`${sql.id(alias, column.name)}`));

/** Where an approved order stands: released, or waiting for a prepay dealer's payment. */
export function approval(facts: { prepay: boolean; totalMinor: number }): { status: string; released: boolean } {
  const waiting = awaitsPayment({ prepay: facts.prepay, totals: { totalMinor: facts.totalMinor } });
  return { status: waiting ? 'awaiting_payment' : 'approved', released: !waiting };
}

class OrdersFold implements Fold {
  readonly #orders = new Map<string, OrderFold>();
  readonly #timeline: Row[] = [];
  readonly #dealers = new Map<string, DealerHistory>();
  /** By JSON [dealer id, SKU]. */
  readonly #skus = new Map<string, SkuHistory>();

  get size(): number {
    return this.#orders.size + this.#timeline.length + this.#dealers.size + this.#skus.size;
  }

  /** Reads the stored orders that reviews of these events find neither in the fold nor placed before them. */
  async #learn(db: Db, events: readonly RecordedEvent[]): Promise<void> {
    const wanted = new Set<string>();
    const placed = new Set<unknown>();
    for (const event of events) {
      const { orderId } = event.data as { orderId?: unknown };
      if (event.type === 'OrderPlaced') placed.add(orderId);
      else if (!placed.has(orderId) && !this.#orders.has(orderId as string)) wanted.add(checked(ID, orderId) as string);
    }
    if (wanted.size === 0) return;
    const rows = await db
      .selectFrom('orders.orders')
      .select(['id', 'dealer_id', 'region_code', 'total_minor', 'prepay', 'lines'])
      .where('id', '=', (eb) => eb.fn.any(eb.val([...wanted])))
      .execute();
    for (const row of rows) {
      const facts = {
        dealerId: row.dealer_id,
        regionCode: row.region_code,
        totalMinor: row.total_minor,
        prepay: row.prepay,
        lines: row.lines,
      };
      this.#orders.set(row.id, { facts, row: { id: row.id }, stored: true });
    }
  }

  /** What a review that is not a rejection adds to the dealer's history: the order, its total, its region, each line. */
  #count({ dealerId, regionCode, totalMinor, lines }: Facts): void {
    if (!Array.isArray(lines)) throw new BatchDeclined(`the lines of an order are ${JSON.stringify(lines)}`);
    let dealer = this.#dealers.get(dealerId);
    if (!dealer) this.#dealers.set(dealerId, (dealer = { order_count: 0, total_sum_minor: 0, regions: [] }));
    dealer.order_count += 1;
    dealer.total_sum_minor = added(dealer.total_sum_minor, totalMinor);
    if (!dealer.regions.includes(regionCode)) dealer.regions.push(regionCode);
    for (const line of lines as unknown[]) {
      const { sku, qty } = (line ?? {}) as { sku?: unknown; qty?: unknown };
      const key = JSON.stringify([dealerId, checked(SKU, sku)]);
      let history = this.#skus.get(key);
      if (!history) this.#skus.set(key, (history = { dealer_id: dealerId, sku: sku as string, order_count: 0, qty_sum: 0 }));
      history.order_count += 1;
      history.qty_sum = added(history.qty_sum, qty);
    }
  }

  /** The order's row as OrderPlaced inserts it. */
  #placed(placed: OrderPlacedData, id: string, version: number): OrderFold {
    const placedAt = checkedInstant(placed.placedAt);
    const { totals } = placed;
    const dealerId = checked(PLACED.dealerId, placed.dealerId);
    const regionCode = checked(PLACED.regionCode, placed.regionCode);
    const totalMinor = checked(PLACED.totalMinor, totals.totalMinor);
    const prepay = checked(PLACED.prepay, placed.prepay);
    const row: Row = {
      id,
      dealer_id: dealerId,
      channel: checked(PLACED.channel, placed.channel),
      region_code: regionCode,
      delivery_address: checked(PLACED.deliveryAddress, placed.deliveryAddress ?? null),
      note: checked(PLACED.note, placed.note ?? null),
      subtotal_minor: checked(PLACED.subtotalMinor, totals.subtotalMinor),
      discount_minor: checked(PLACED.discountMinor, totals.discountMinor),
      total_minor: totalMinor,
      currency: checked(PLACED.currency, totals.currency),
      prepay,
      reorder_of: checked(PLACED.reorderOf, placed.reorderOf ?? null),
      lines: jsonText(placed.lines),
      gifts: jsonText(placed.gifts),
      promotions_not_applied: jsonText(placed.promotionsNotApplied ?? []),
      placed_at: placedAt,
      status: 'placed',
      released: false,
      decision: 'placed',
      ...UNREVIEWED,
      decided_at: placedAt,
      updated_at: placedAt,
      version,
    };
    return { facts: { dealerId, regionCode, totalMinor, prepay, lines: placed.lines }, row, stored: false };
  }

  async add(db: Db, events: readonly RecordedEvent[]): Promise<void> {
    await this.#learn(db, events);
    for (const event of events) {
      const at = checkedInstant(event.metadata.occurredAt);
      const version = checked(VERSION, event.revision);
      const detail = jsonText(timelineDetail({ type: event.type, data: event.data } as OrderEvent));
      let id: string;
      let status: string;
      if (event.type === 'OrderPlaced') {
        const placed = event.data as OrderPlacedData;
        id = checked(ID, placed.orderId);
        // Placed in the fold already, or stored: its INSERT fails.
        if (this.#orders.has(id)) throw new BatchDeclined(`order ${id} is placed again`);
        this.#orders.set(id, this.#placed(placed, id, version));
        status = 'placed';
      } else if (event.type === 'OrderReviewed') {
        const review = event.data as OrderReviewedData;
        id = checked(ID, review.orderId);
        const order = this.#orders.get(id);
        // The per-event path finds no row to review.
        if (!order) throw new BatchDeclined(`order ${id} is reviewed but not placed`);
        const decision = checked(DECISION, review.decision);
        const outcome = decision === 'approved' ? approval(order.facts) : { status: decision, released: false };
        status = outcome.status;
        Object.assign(order.row, {
          status,
          released: outcome.released,
          decision,
          reasons: jsonText(review.reasons),
          risk: jsonText(review.risk),
          reservations: jsonText(review.reservations),
          decided_at: at,
          updated_at: at,
          version,
        });
        if (decision !== 'rejected') this.#count(order.facts);
      } else {
        throw new BatchDeclined(`${event.type} is not folded`);
      }
      this.#timeline.push({
        order_id: id,
        revision: version,
        position: checked(TIMELINE.position, event.position),
        event_type: event.type,
        status,
        at,
        actor: checked(TIMELINE.actor, event.metadata.actor),
        role: checked(TIMELINE.role, event.metadata.role),
        detail,
      });
    }
  }

  async write(db: Db): Promise<void> {
    const instants = (row: Row, names: readonly string[]) => ({
      ...row,
      ...Object.fromEntries(names.map((name) => [name, instant(row[name] as string)])),
    });
    const placed: Row[] = [];
    const reviewed: Row[] = [];
    for (const { row, stored } of this.#orders.values()) {
      if (stored) reviewed.push(instants(row, ['decided_at', 'updated_at']));
      else placed.push(instants(row, ['placed_at', 'decided_at', 'updated_at']));
    }
    // An order that exists already fails here, on its key.
    if (placed.length > 0) {
      await sql`INSERT INTO ${sql.table('orders.orders')} (${columnList(ORDER_COLUMNS)})
        SELECT ${sql.join(values('r', ORDER_COLUMNS))} FROM ${recordset('r', ORDER_COLUMNS, placed)}`.execute(db);
    }
    if (reviewed.length > 0) {
      const updates = values('u', REVIEW_COLUMNS);
      const assignments = REVIEW_COLUMNS.map((column, index) => sql`${sql.id(column.name)} = ${updates[index]!}`);
      await sql`UPDATE ${sql.table('orders.orders')} AS o SET ${sql.join(assignments)}
          FROM ${recordset('u', [ID, ...REVIEW_COLUMNS], reviewed)}
         WHERE o.id = u.id`.execute(db);
    }
    if (this.#timeline.length > 0) {
      const rows = this.#timeline.map((row) => instants(row, ['at']));
      await sql`INSERT INTO ${sql.table('orders.timeline')} (${columnList(TIMELINE_COLUMNS)})
        SELECT ${sql.join(values('t', TIMELINE_COLUMNS))} FROM ${recordset('t', TIMELINE_COLUMNS, rows)}`.execute(db);
    }
    // A region is appended once, and only when the dealer's row does not have it yet.
    if (this.#dealers.size > 0) {
      const rows = [...this.#dealers].map(([dealerId, history]) => ({
        dealer_id: dealerId,
        ...history,
        regions: JSON.stringify(history.regions),
      }));
      await sql`INSERT INTO ${sql.table('orders.dealer_history')} AS h (${columnList(DEALER_COLUMNS)})
        SELECT d.dealer_id, d.order_count, d.total_sum_minor,
               ARRAY(SELECT e.region FROM json_array_elements_text(d.regions::json) WITH ORDINALITY AS e(region, n) ORDER BY e.n)
          FROM ${recordset('d', DEALER_COLUMNS, rows)}
        ON CONFLICT (dealer_id) DO UPDATE SET
          order_count = h.order_count + excluded.order_count,
          total_sum_minor = h.total_sum_minor + excluded.total_sum_minor,
          regions = h.regions || ARRAY(SELECT e.region FROM unnest(excluded.regions) WITH ORDINALITY AS e(region, n)
                                        WHERE e.region <> ALL (h.regions) ORDER BY e.n)`.execute(db);
    }
    if (this.#skus.size > 0) {
      await sql`INSERT INTO ${sql.table('orders.dealer_sku_history')} AS h (${columnList(SKU_COLUMNS)})
        SELECT * FROM ${recordset('s', SKU_COLUMNS, [...this.#skus.values()])}
        ON CONFLICT (dealer_id, sku) DO UPDATE SET
          order_count = h.order_count + excluded.order_count,
          qty_sum = h.qty_sum + excluded.qty_sum`.execute(db);
    }
  }
}

/** Whether a review among `events` comes before its order is placed in them: the fold then reads that order. */
function readsOrders(events: readonly RecordedEvent[]): boolean {
  const placed = new Set<unknown>();
  for (const event of events) {
    const { orderId } = event.data as { orderId?: unknown };
    if (event.type === 'OrderPlaced') placed.add(orderId);
    else if (!placed.has(orderId)) return true;
  }
  return false;
}

/** OrderPlaced and OrderReviewed set-based; every other order event goes through `handle`. */
export const ordersBatch: BatchHandler = {
  folds: (event) => event.type === 'OrderPlaced' || event.type === 'OrderReviewed',
  fold: () => new OrdersFold(),
  reads: readsOrders,
};
