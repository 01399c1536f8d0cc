// The analytics stock reservations, set-based: StockReserved and StockReleased folded in memory
// into the change of reserved per stock position, then written with one statement. The same rows
// as the handlers in stock-facts.ts, event by event; it touches analytics_facts.stock_positions
// only, which the product fold (product-batch.ts) does not, so the two combine.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { StockReleasedData, StockReservedData } from '../../domain/inventory/stock.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { BatchDeclined, SumSteps, checkSum, checked, recordset, type Column } from '../batch.ts';
import type { BatchHandler, Fold } from '../projection.ts';

const SKU: Column = { name: 'sku', type: 'text' };
const WAREHOUSE: Column = { name: 'warehouse_id', type: 'text' };
const RESERVED: Column = { name: 'reserved', type: 'int8' };
const COLUMNS: Column[] = [SKU, WAREHOUSE, RESERVED];

type Position = { sku: string; warehouse_id: string; reserved: number };

class StockReservationFold implements Fold {
  /** By JSON [sku, warehouse id]. */
  readonly #positions = new Map<string, Position>();
  readonly #steps = new SumSteps();

  get size(): number {
    return this.#positions.size;
  }

  async add(_db: Db, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'StockReserved' && event.type !== 'StockReleased') throw new BatchDeclined(`${event.type} is not folded`);
      const { sku, warehouseId, qty } = event.data as StockReservedData | StockReleasedData;
      // As changeReserved gets it: a release's quantity negated in JS, a reservation's as it is.
      const delta = this.#steps.add(checked(RESERVED, event.type === 'StockReserved' ? qty : -qty));
      const key = JSON.stringify([checked(SKU, sku), checked(WAREHOUSE, warehouseId)]);
      let position = this.#positions.get(key);
      if (!position) this.#positions.set(key, (position = { sku, warehouse_id: warehouseId, reserved: 0 }));
      position.reserved += delta;
    }
  }

  async write(db: Db): Promise<void> {
    if (this.#positions.size === 0) return;
    const { rows } = await sql<{ reserved: number }>`
      INSERT INTO ${sql.table('analytics_facts.stock_positions')} AS p (sku, warehouse_id, reserved)
      SELECT * FROM ${recordset('d', COLUMNS, [...this.#positions.values()])}
      ON CONFLICT (sku, warehouse_id) DO UPDATE SET reserved = p.reserved + excluded.reserved
      RETURNING p.reserved`.execute(db);
    for (const row of rows) checkSum(row.reserved);
  }
}

export const analyticsStockBatch: BatchHandler = {
  folds: (event) => event.type === 'StockReserved' || event.type === 'StockReleased',
  fold: () => new StockReservationFold(),
  reads: () => false,
};
