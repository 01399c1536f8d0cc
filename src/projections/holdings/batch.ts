// The holdings projection, set-based: each (stream, order) holding's events replayed in memory
// on its stored row (read once), then the rows that end up held written, the others deleted.
// The same rows as `handle` on each event in turn.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { BatchDeclined, checked, checkedInstant, columnList, instant, recordset, type Column } from '../batch.ts';
import type { BatchHandler, Fold } from '../projection.ts';
import type { HoldingKind, HoldingsTables } from './tables.ts';

const TEXT: Column = { name: 'text', type: 'text' };
const AMOUNT: Column = { name: 'amount', type: 'int8' };
const NULLABLE_TEXT: Column = { name: 'text', type: 'text', nullable: true };
const COLUMNS: Column[] = [
  { name: 'stream_id', type: 'text' },
  { name: 'order_id', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'sku', type: 'text', nullable: true },
  { name: 'warehouse_id', type: 'text', nullable: true },
  { name: 'dealer_id', type: 'text', nullable: true },
  { name: 'promotion_id', type: 'text', nullable: true },
  AMOUNT,
  { name: 'since', type: 'timestamptz' },
];

/** A row of holdings.open, its instant as the event has it (ISO when read from the table). */
type Row = Omit<HoldingsTables['holdings.open'], 'since'> & { since: string };

type Holding = { stored: Row | null; current: Row | null };

type OrderData = { orderId?: unknown; sku?: unknown; warehouseId?: unknown; dealerId?: unknown; promotionId?: unknown; qty?: unknown; amountMinor?: unknown; fromReservation?: unknown };

const HOLDS: Record<string, HoldingKind> = { StockReserved: 'stock', CreditReserved: 'credit', PromotionRedeemed: 'promotion' };
const REDUCES: Record<string, (data: OrderData) => unknown> = { StockPicked: (data) => data.fromReservation ?? 0, CreditCharged: (data) => data.amountMinor ?? 0 };
const RELEASES = new Set(['StockReleased', 'CreditReleased', 'PromotionRedemptionReleased']);

/** A text the per-event path writes as it is: a string, or null for what it leaves out. */
const text = (value: unknown): string | null => checked(NULLABLE_TEXT, value ?? null) as string | null;

class HoldingsFold implements Fold {
  /** By stream id, then order id. */
  readonly #holdings = new Map<string, Map<string, Holding>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  #get(streamId: string, orderId: string): Holding | undefined {
    return this.#holdings.get(streamId)?.get(orderId);
  }

  /** Reads the stored rows of the holdings these events touch that the fold does not know yet. */
  async #learn(db: Db, events: readonly RecordedEvent[]): Promise<void> {
    const unknown = new Map<string, { stream_id: string; order_id: string }>();
    for (const event of events) {
      const orderId = checked(TEXT, (event.data as OrderData).orderId) as string;
      if (!this.#get(event.streamId, orderId)) unknown.set(JSON.stringify([event.streamId, orderId]), { stream_id: event.streamId, order_id: orderId });
    }
    if (unknown.size === 0) return;
    const keys = [...unknown.values()];
    const { rows } = await sql<Omit<Row, 'since'> & { since: Date }>`
      SELECT h.* FROM ${sql.table('holdings.open')} AS h
        JOIN ${recordset('k', COLUMNS.slice(0, 2), keys)} ON h.stream_id = k.stream_id AND h.order_id = k.order_id`.execute(db);
    const stored = new Map(rows.map((row) => [JSON.stringify([row.stream_id, row.order_id]), { ...row, since: row.since.toISOString() }]));
    for (const [key, { stream_id: streamId, order_id: orderId }] of unknown) {
      const row = stored.get(key) ?? null;
      let byOrder = this.#holdings.get(streamId);
      if (!byOrder) this.#holdings.set(streamId, (byOrder = new Map<string, Holding>()));
      byOrder.set(orderId, { stored: row, current: row && { ...row } });
      this.#size += 1;
    }
  }

  async add(db: Db, events: readonly RecordedEvent[]): Promise<void> {
    await this.#learn(db, events);
    for (const event of events) {
      const data = event.data as OrderData;
      const holding = this.#get(event.streamId, data.orderId as string)!;
      const kind = Object.hasOwn(HOLDS, event.type) ? HOLDS[event.type] : undefined;
      if (kind) {
        const amount = checked(AMOUNT, event.type === 'PromotionRedeemed' ? 1 : ((event.type === 'StockReserved' ? data.qty : data.amountMinor) ?? 0)) as number;
        const since = checkedInstant(event.metadata.occurredAt);
        // Held already: only the amount grows (ON CONFLICT … amount + excluded.amount).
        if (holding.current) {
          holding.current.amount += amount;
          continue;
        }
        holding.current = {
          stream_id: event.streamId,
          order_id: data.orderId as string,
          kind,
          sku: kind === 'stock' ? text(data.sku) : null,
          warehouse_id: kind === 'stock' ? text(data.warehouseId) : null,
          dealer_id: kind === 'credit' ? text(data.dealerId) : null,
          promotion_id: kind === 'promotion' ? text(data.promotionId) : null,
          amount,
          since,
        };
      } else if (Object.hasOwn(REDUCES, event.type)) {
        const amount = checked(AMOUNT, REDUCES[event.type]!(data)) as number;
        if (!holding.current) continue;
        holding.current.amount -= amount;
        if (holding.current.amount <= 0) holding.current = null;
      } else if (RELEASES.has(event.type)) {
        holding.current = null;
      } else {
        throw new BatchDeclined(`${event.type} is not folded`);
      }
    }
  }

  async write(db: Db): Promise<void> {
    const held: Row[] = [];
    const released: { stream_id: string; order_id: string }[] = [];
    for (const byOrder of this.#holdings.values()) {
      for (const { stored, current } of byOrder.values()) {
        if (current) {
          if (!stored || COLUMNS.some((column) => stored[column.name as keyof Row] !== current[column.name as keyof Row])) held.push(current);
        } else if (stored) {
          released.push({ stream_id: stored.stream_id, order_id: stored.order_id });
        }
      }
    }
    if (released.length > 0) {
      await sql`DELETE FROM ${sql.table('holdings.open')} AS h USING ${recordset('k', COLUMNS.slice(0, 2), released)}
        WHERE h.stream_id = k.stream_id AND h.order_id = k.order_id`.execute(db);
    }
    if (held.length > 0) {
      const rows = held.map((row) => ({ ...row, since: instant(row.since) }));
      const updates = COLUMNS.slice(2).map((column) => sql`${sql.id(column.name)} = excluded.${sql.id(column.name)}`);
      await sql`INSERT INTO ${sql.table('holdings.open')} (${columnList(COLUMNS)})
        SELECT * FROM ${recordset('r', COLUMNS, rows)}
        ON CONFLICT (stream_id, order_id) DO UPDATE SET ${sql.join(updates)}`.execute(db);
    }
  }
}

export const holdingsBatch: BatchHandler = {
  folds: (event) => Object.hasOwn(HOLDS, event.type) || Object.hasOwn(REDUCES, event.type) || RELEASES.has(event.type),
  fold: () => new HoldingsFold(),
};
