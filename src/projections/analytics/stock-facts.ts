// Stock facts: lots with expiry, reservations, daily movements (for turnover and on-hand history)
// and transfers still in transit (the stock on order of the receiving warehouse).
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  LotDates,
  LotQuantity,
  StockAddress,
  StockAdjustedData,
  StockPickedData,
  StockReceivedData,
  StockReleasedData,
  StockReservedData,
  StockTransferredInData,
  StockTransferredOutData,
  StockWrittenOffData,
} from '../../domain/inventory/stock.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { businessDayOf } from '../../domain/shared/calendar.ts';
import type { FactHandler } from './fact-handler.ts';

type MovementColumn = 'received' | 'picked' | 'adjusted' | 'transferred_in' | 'transferred_out' | 'written_off';

async function ensurePosition(db: Db, at: StockAddress): Promise<void> {
  await db
    .insertInto('analytics_facts.stock_positions')
    .values({ sku: at.sku, warehouse_id: at.warehouseId })
    .onConflict((oc) => oc.columns(['sku', 'warehouse_id']).doNothing())
    .execute();
}

async function changeReserved(db: Db, at: StockAddress, delta: number): Promise<void> {
  await ensurePosition(db, at);
  await db
    .updateTable('analytics_facts.stock_positions')
    .set((eb) => ({ reserved: eb('reserved', '+', delta) }))
    .where('sku', '=', at.sku)
    .where('warehouse_id', '=', at.warehouseId)
    .execute();
}

async function addToLot(db: Db, at: StockAddress, lot: LotDates, qty: number): Promise<void> {
  await db
    .insertInto('analytics_facts.stock_lots')
    .values({
      sku: at.sku,
      warehouse_id: at.warehouseId,
      lot: lot.lot,
      production_date: lot.productionDate,
      expiry_date: lot.expiryDate,
      qty,
    })
    .onConflict((oc) =>
      oc
        .columns(['sku', 'warehouse_id', 'lot'])
        .doUpdateSet((eb) => ({ qty: eb('analytics_facts.stock_lots.qty', '+', eb.ref('excluded.qty')) })),
    )
    .execute();
}

async function takeFromLots(db: Db, at: StockAddress, lots: readonly Pick<LotQuantity, 'lot' | 'qty'>[]): Promise<void> {
  for (const lot of lots) {
    await db
      .updateTable('analytics_facts.stock_lots')
      .set((eb) => ({ qty: eb('qty', '-', lot.qty) }))
      .where('sku', '=', at.sku)
      .where('warehouse_id', '=', at.warehouseId)
      .where('lot', '=', lot.lot)
      .execute();
  }
}

async function recordMovement(db: Db, event: RecordedEvent, at: StockAddress, column: MovementColumn, qty: number): Promise<void> {
  const day = businessDayOf(new Date(event.metadata.occurredAt));
  await sql`
    INSERT INTO ${sql.table('analytics_facts.stock_movements')} AS m (sku, warehouse_id, day, ${sql.ref(column)})
    VALUES (${at.sku}, ${at.warehouseId}, ${day}, ${qty})
    ON CONFLICT (sku, warehouse_id, day) DO UPDATE SET ${sql.ref(column)} = m.${sql.ref(column)} + excluded.${sql.ref(column)}`.execute(db);
}

async function recordTransfer(
  db: Db,
  transfer: { transferId: string; sku: string; from: string; to: string; qty: number },
  stamp: { sent_at: Date } | { received_at: Date },
) {
  await db
    .insertInto('analytics_facts.transfers')
    .values({
      transfer_id: transfer.transferId,
      sku: transfer.sku,
      from_warehouse_id: transfer.from,
      to_warehouse_id: transfer.to,
      qty: transfer.qty,
      ...stamp,
    })
    .onConflict((oc) => oc.column('transfer_id').doUpdateSet(stamp))
    .execute();
}

const addressOf = (data: StockAddress): StockAddress => ({ sku: data.sku, warehouseId: data.warehouseId });

export const stockFactHandlers: Record<string, FactHandler> = {
  async StockReceived(db, event) {
    const data = event.data as StockReceivedData;
    const at = addressOf(data);
    await ensurePosition(db, at);
    await addToLot(db, at, data, data.qty);
    await recordMovement(db, event, at, 'received', data.qty);
  },
  async StockReserved(db, event) {
    const data = event.data as StockReservedData;
    await changeReserved(db, addressOf(data), data.qty);
  },
  async StockReleased(db, event) {
    const data = event.data as StockReleasedData;
    await changeReserved(db, addressOf(data), -data.qty);
  },
  async StockPicked(db, event) {
    const data = event.data as StockPickedData;
    const at = addressOf(data);
    await takeFromLots(db, at, data.lots);
    await changeReserved(db, at, -data.fromReservation);
    await recordMovement(db, event, at, 'picked', data.qty);
  },
  async StockAdjusted(db, event) {
    const data = event.data as StockAdjustedData;
    const at = addressOf(data);
    await takeFromLots(db, at, [{ lot: data.lot, qty: -data.delta }]);
    await recordMovement(db, event, at, 'adjusted', data.delta);
  },
  async StockTransferredOut(db, event) {
    const data = event.data as StockTransferredOutData;
    const at = addressOf(data);
    await takeFromLots(db, at, [data]);
    await recordMovement(db, event, at, 'transferred_out', data.qty);
    // The receiving warehouse has this stock on order until it arrives.
    await ensurePosition(db, { sku: data.sku, warehouseId: data.toWarehouseId });
    const transfer = { transferId: data.transferId, sku: data.sku, from: data.warehouseId, to: data.toWarehouseId, qty: data.qty };
    await recordTransfer(db, transfer, { sent_at: new Date(event.metadata.occurredAt) });
  },
  async StockTransferredIn(db, event) {
    const data = event.data as StockTransferredInData;
    const at = addressOf(data);
    await ensurePosition(db, at);
    await addToLot(db, at, data, data.qty);
    await recordMovement(db, event, at, 'transferred_in', data.qty);
    const transfer = { transferId: data.transferId, sku: data.sku, from: data.fromWarehouseId, to: data.warehouseId, qty: data.qty };
    await recordTransfer(db, transfer, { received_at: new Date(event.metadata.occurredAt) });
  },
  async StockWrittenOff(db, event) {
    const data = event.data as StockWrittenOffData;
    const at = addressOf(data);
    await takeFromLots(db, at, data.lots);
    await recordMovement(db, event, at, 'written_off', data.qty);
  },
};
