// The notifications projection, set-based for what placing an order appends: OrderPlaced (the
// order's dealer) and OrderReviewed (an inbox item), folded and written with a statement per
// table. The same rows as `handle` on each event in turn.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import { notificationOf } from '../../domain/notifications/catalog.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { BatchDeclined, checked, checkedInstant, columnList, instant, recordset, type Column } from '../batch.ts';
import type { BatchHandler, Fold } from '../projection.ts';
import { itemRow } from './items.ts';

/** A column, and the cast its recordset value (text) needs to become the table's type. */
type Typed = Column & { cast?: 'jsonb' | 'numeric' | 'uuid' };

const ORDER_ID: Typed = { name: 'order_id', type: 'text' };
const DEALER_ID: Typed = { name: 'dealer_id', type: 'text' };
const ORDER_DEALER_COLUMNS: Typed[] = [ORDER_ID, DEALER_ID];
const ITEM = {
  position: { name: 'position', type: 'text', cast: 'numeric' },
  eventId: { name: 'event_id', type: 'text', cast: 'uuid' },
  type: { name: 'type', type: 'text' },
  dealerId: { name: 'dealer_id', type: 'text', nullable: true },
  orderId: { name: 'order_id', type: 'text', nullable: true },
  forStaff: { name: 'for_staff', type: 'bool' },
  facts: { name: 'facts', type: 'text', cast: 'jsonb' },
  occurredAt: { name: 'occurred_at', type: 'timestamptz' },
} satisfies Record<string, Typed>;
const ITEM_COLUMNS: Typed[] = Object.values(ITEM);

const values = (alias: string, columns: readonly Typed[]): RawBuilder<unknown>[] =>
  columns.map((column) => (column.cast ? sql`${sql.id(alias, column.name)}::${sql.raw(column.cast)}` : sql`${sql.id(alias, column.name)}`));

type Row = Record<string, unknown>;

class NotificationsFold implements Fold {
  /** Orders placed in this fold, with their dealer. */
  readonly #placed = new Map<string, string>();
  /** Orders placed before, as read. */
  readonly #stored = new Map<string, string>();
  readonly #items: Row[] = [];

  get size(): number {
    return this.#placed.size + this.#items.length;
  }

  /** Reads the dealers of the orders reviewed in these events that were placed before the fold. */
  async #learn(db: Db, events: readonly RecordedEvent[]): Promise<void> {
    const wanted = new Set<string>();
    const placed = new Set<unknown>();
    for (const event of events) {
      const { orderId } = event.data as { orderId?: unknown };
      if (event.type === 'OrderPlaced') placed.add(orderId);
      else if (!placed.has(orderId) && !this.#placed.has(String(orderId))) wanted.add(String(orderId));
    }
    if (wanted.size === 0) return;
    const rows = await db
      .selectFrom('notifications.order_dealers')
      .select(['order_id', 'dealer_id'])
      .where('order_id', '=', (eb) => eb.fn.any(eb.val([...wanted])))
      .execute();
    for (const row of rows) this.#stored.set(row.order_id, row.dealer_id);
  }

  async add(db: Db, events: readonly RecordedEvent[]): Promise<void> {
    await this.#learn(db, events);
    for (const event of events) {
      if (event.type === 'OrderPlaced') {
        const orderId = checked(ORDER_ID, event.data.orderId) as string;
        // Placed twice: the per-event path's INSERT fails on its key.
        if (this.#placed.has(orderId)) throw new BatchDeclined(`order ${orderId} is placed again`);
        this.#placed.set(orderId, checked(DEALER_ID, event.data.dealerId) as string);
        continue;
      }
      if (event.type !== 'OrderReviewed') throw new BatchDeclined(`${event.type} is not folded`);
      const notification = notificationOf(event);
      if (!notification) continue;
      const orderId = String(event.data.orderId);
      const row: Row = itemRow(event, notification, this.#placed.get(orderId) ?? this.#stored.get(orderId) ?? null);
      for (const column of ITEM_COLUMNS) if (column !== ITEM.occurredAt) checked(column, row[column.name]);
      row.occurred_at = instant(checkedInstant(row.occurred_at));
      this.#items.push(row);
    }
  }

  async write(db: Db): Promise<void> {
    if (this.#placed.size > 0) {
      const rows = [...this.#placed].map(([orderId, dealerId]) => ({ order_id: orderId, dealer_id: dealerId }));
      await sql`INSERT INTO ${sql.table('notifications.order_dealers')} (${columnList(ORDER_DEALER_COLUMNS)})
        SELECT * FROM ${recordset('o', ORDER_DEALER_COLUMNS, rows)}`.execute(db);
    }
    if (this.#items.length > 0) {
      await sql`INSERT INTO ${sql.table('notifications.items')} (${columnList(ITEM_COLUMNS)})
        SELECT ${sql.join(values('i', ITEM_COLUMNS))} FROM ${recordset('i', ITEM_COLUMNS, this.#items)}`.execute(db);
    }
  }
}

/** OrderPlaced and OrderReviewed set-based; every other event through `handle`. */
export const notificationsBatch: BatchHandler = {
  folds: (event) => event.type === 'OrderPlaced' || event.type === 'OrderReviewed',
  fold: () => new NotificationsFold(),
  reads: (events) => {
    const placed = new Set<unknown>();
    for (const event of events) {
      if (event.type === 'OrderPlaced') placed.add(event.data.orderId);
      else if (!placed.has(event.data.orderId)) return true;
    }
    return false;
  },
};
