// The inventory projection's reservations, set-based: StockReserved and StockReleased folded in
// memory per stock level (the change of reserved, the last instant) with their movements in event
// order, then written with three statements. The same rows as `handle` on each event in turn;
// every other event is handled on its own, after what was folded before it is written.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { StockReleasedData, StockReservedData } from '../../domain/inventory/stock.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { BatchDeclined, SumSteps, checkSum, checked, checkedInstant, instant, recordset, type Column } from '../batch.ts';
import type { BatchHandler, Fold } from '../projection.ts';

const SKU: Column = { name: 'sku', type: 'text' };
const WAREHOUSE: Column = { name: 'warehouse_id', type: 'text' };
const RESERVED: Column = { name: 'reserved', type: 'int8' };
const REFERENCE: Column = { name: 'reference', type: 'text' };
const ACTOR: Column = { name: 'actor', type: 'text' };
const LEVEL_COLUMNS: Column[] = [SKU, WAREHOUSE, RESERVED, { name: 'updated_at', type: 'timestamptz' }];
/** A movement's columns as passed; `n` is its place in event order (the order of the identity ids). */
const MOVEMENT_COLUMNS: Column[] = [
  { name: 'n', type: 'int4' },
  { name: 'position', type: 'text' },
  { name: 'event_id', type: 'text' },
  { name: 'kind', type: 'text' },
  SKU,
  WAREHOUSE,
  { name: 'reserved_delta', type: 'int8' },
  REFERENCE,
  ACTOR,
  { name: 'occurred_at', type: 'timestamptz' },
];

/** One stock level's reservations folded: the change of reserved, the instant of the last one. */
type Level = { sku: string; warehouse_id: string; reserved: number; updated_at: string };

type Movement = Record<string, unknown>;

class InventoryReservationFold implements Fold {
  /** By JSON [sku, warehouse id]. */
  readonly #levels = new Map<string, Level>();
  readonly #movements: Movement[] = [];
  readonly #steps = new SumSteps();

  get size(): number {
    return this.#levels.size + this.#movements.length;
  }

  async add(_db: Db, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'StockReserved' && event.type !== 'StockReleased') throw new BatchDeclined(`${event.type} is not folded`);
      const { sku, warehouseId, orderId, qty } = event.data as StockReservedData | StockReleasedData;
      // As handle has it: a release's quantity negated in JS, a reservation's as it is.
      const delta = this.#steps.add(checked(RESERVED, event.type === 'StockReserved' ? qty : -qty));
      const at = checkedInstant(event.metadata.occurredAt);
      const key = JSON.stringify([checked(SKU, sku), checked(WAREHOUSE, warehouseId)]);
      let level = this.#levels.get(key);
      if (!level) this.#levels.set(key, (level = { sku, warehouse_id: warehouseId, reserved: 0, updated_at: at }));
      level.reserved += delta;
      level.updated_at = at;
      this.#movements.push({
        n: this.#movements.length,
        position: event.position,
        event_id: event.id,
        kind: event.type === 'StockReserved' ? 'reservation' : 'release',
        sku,
        warehouse_id: warehouseId,
        reserved_delta: delta,
        reference: checked(REFERENCE, orderId),
        actor: checked(ACTOR, event.metadata.actor),
        occurred_at: instant(at),
      });
    }
  }

  async write(db: Db): Promise<void> {
    if (this.#levels.size === 0) return;
    const levels = [...this.#levels.values()].map((level) => ({ ...level, updated_at: instant(level.updated_at) }));
    // On hand and earliest expiry from the lots, as refreshLevels has them (no lot changes in a fold).
    const { rows: written } = await sql<{ on_hand: number; reserved: number }>`
      INSERT INTO ${sql.table('inventory.stock_levels')} AS s (sku, warehouse_id, on_hand, reserved, earliest_expiry, updated_at)
      SELECT d.sku, d.warehouse_id, l.on_hand, d.reserved, l.earliest_expiry, d.updated_at
        FROM ${recordset('d', LEVEL_COLUMNS, levels)}
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(qty), 0)::bigint AS on_hand, min(expiry_date) FILTER (WHERE qty > 0) AS earliest_expiry
            FROM ${sql.table('inventory.lots')} WHERE sku = d.sku AND warehouse_id = d.warehouse_id) AS l
      ON CONFLICT (sku, warehouse_id) DO UPDATE SET
        on_hand = excluded.on_hand, reserved = s.reserved + excluded.reserved, earliest_expiry = excluded.earliest_expiry, updated_at = excluded.updated_at
      RETURNING s.on_hand, s.reserved`.execute(db);
    const skus = [...new Set(levels.map((level) => level.sku))];
    const { rows: totals } = await sql<{ on_hand: number; reserved: number; available: number }>`
      INSERT INTO ${sql.table('inventory.sku_totals')} AS t (sku, on_hand, reserved, available, earliest_expiry)
      SELECT sku, sum(on_hand)::bigint, sum(reserved)::bigint, sum(greatest(on_hand - reserved, 0))::bigint, min(earliest_expiry)
        FROM ${sql.table('inventory.stock_levels')}
       WHERE sku = ANY(${skus}::text[])
       GROUP BY sku
      ON CONFLICT (sku) DO UPDATE SET
        on_hand = excluded.on_hand, reserved = excluded.reserved, available = excluded.available, earliest_expiry = excluded.earliest_expiry
      RETURNING t.on_hand, t.reserved, t.available`.execute(db);
    for (const row of written) [row.on_hand, row.reserved].forEach(checkSum);
    for (const row of totals) [row.on_hand, row.reserved, row.available].forEach(checkSum);
    await sql`INSERT INTO ${sql.table('inventory.movements')}
        (position, event_id, kind, sku, warehouse_id, lot, qty, reserved_delta, reference, order_id, other_warehouse_id, reason, actor, occurred_at)
      SELECT m.position::numeric, m.event_id::uuid, m.kind, m.sku, m.warehouse_id, NULL, 0, m.reserved_delta, m.reference, m.reference, NULL, NULL, m.actor, m.occurred_at
        FROM ${recordset('m', MOVEMENT_COLUMNS, this.#movements)}
       ORDER BY m.n`.execute(db);
  }
}

export const inventoryBatch: BatchHandler = {
  folds: (event) => event.type === 'StockReserved' || event.type === 'StockReleased',
  fold: () => new InventoryReservationFold(),
  reads: () => false,
};
