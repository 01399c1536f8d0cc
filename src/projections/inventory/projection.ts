// Projects warehouse and stock events into stock levels, lots, per-SKU totals and movements.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { stockEventTypes, type LotDates, type LotQuantity, type StockAddress, type StockEvent } from '../../domain/inventory/stock.ts';
import { warehouseEventTypes, type Warehouse } from '../../domain/inventory/warehouse.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import type { Projection } from '../projection.ts';
import { inventoryBatch } from './batch.ts';
import type { MovementKind } from './tables.ts';

type Movement = {
  kind: MovementKind;
  lot?: string;
  qty?: number;
  reservedDelta?: number;
  reference: string;
  orderId?: string;
  otherWarehouseId?: string;
  reason?: string;
};

async function recordMovements(db: Db, event: RecordedEvent, at: StockAddress, movements: readonly Movement[]): Promise<void> {
  await db
    .insertInto('inventory.movements')
    .values(
      movements.map((movement) => ({
        position: event.position,
        event_id: event.id,
        kind: movement.kind,
        sku: at.sku,
        warehouse_id: at.warehouseId,
        lot: movement.lot ?? null,
        qty: movement.qty ?? 0,
        reserved_delta: movement.reservedDelta ?? 0,
        reference: movement.reference,
        order_id: movement.orderId ?? null,
        other_warehouse_id: movement.otherWarehouseId ?? null,
        reason: movement.reason ?? null,
        actor: event.metadata.actor,
        occurred_at: new Date(event.metadata.occurredAt),
      })),
    )
    .execute();
}

async function addToLot(db: Db, at: StockAddress, lot: LotDates, qty: number): Promise<void> {
  await db
    .insertInto('inventory.lots')
    .values({
      sku: at.sku,
      warehouse_id: at.warehouseId,
      lot: lot.lot,
      production_date: lot.productionDate,
      expiry_date: lot.expiryDate,
      qty,
    })
    .onConflict((oc) =>
      oc.columns(['sku', 'warehouse_id', 'lot']).doUpdateSet((eb) => ({ qty: eb('inventory.lots.qty', '+', eb.ref('excluded.qty')) })),
    )
    .execute();
}

async function changeLot(db: Db, at: StockAddress, lot: string, delta: number): Promise<void> {
  await db
    .updateTable('inventory.lots')
    .set((eb) => ({ qty: eb('qty', '+', delta) }))
    .where('sku', '=', at.sku)
    .where('warehouse_id', '=', at.warehouseId)
    .where('lot', '=', lot)
    .execute();
}

/** Recomputes the level of one SKU in one warehouse from its lots, then the SKU's totals over warehouses. */
async function refreshLevels(db: Db, event: RecordedEvent, at: StockAddress, reservedDelta = 0): Promise<void> {
  const { sku, warehouseId } = at;
  const lots = db.selectFrom('inventory.lots').where('sku', '=', sku).where('warehouse_id', '=', warehouseId);
  const updatedAt = new Date(event.metadata.occurredAt);
  await db
    .insertInto('inventory.stock_levels')
    .values({ sku, warehouse_id: warehouseId, on_hand: 0, reserved: 0, earliest_expiry: null, updated_at: updatedAt })
    .onConflict((oc) => oc.columns(['sku', 'warehouse_id']).doNothing())
    .execute();
  await db
    .updateTable('inventory.stock_levels')
    .set((eb) => ({
      on_hand: lots.select(sql<number>`coalesce(sum(qty), 0)::bigint`.as('on_hand')),
      earliest_expiry: lots.select(sql<string | null>`min(expiry_date)`.as('earliest_expiry')).where('qty', '>', 0),
      reserved: eb('reserved', '+', reservedDelta),
      updated_at: updatedAt,
    }))
    .where('sku', '=', sku)
    .where('warehouse_id', '=', warehouseId)
    .execute();
  await db
    .insertInto('inventory.sku_totals')
    .columns(['sku', 'on_hand', 'reserved', 'available', 'earliest_expiry'])
    .expression(
      db
        .selectFrom('inventory.stock_levels')
        .select([
          'sku',
          sql<number>`sum(on_hand)::bigint`.as('on_hand'),
          sql<number>`sum(reserved)::bigint`.as('reserved'),
          sql<number>`sum(greatest(on_hand - reserved, 0))::bigint`.as('available'),
          sql<string | null>`min(earliest_expiry)`.as('earliest_expiry'),
        ])
        .where('sku', '=', sku)
        .groupBy('sku'),
    )
    .onConflict((oc) =>
      oc.column('sku').doUpdateSet((eb) => ({
        on_hand: eb.ref('excluded.on_hand'),
        reserved: eb.ref('excluded.reserved'),
        available: eb.ref('excluded.available'),
        earliest_expiry: eb.ref('excluded.earliest_expiry'),
      })),
    )
    .execute();
}

/** Spreads a quantity taken from lots (a pick) over its movement rows, with the reservation it consumed. */
function lotMovements(
  lots: readonly LotQuantity[],
  fromReservation: number,
  movement: Omit<Movement, 'lot' | 'qty' | 'reservedDelta'>,
): Movement[] {
  let reservation = fromReservation;
  return lots.map((lot) => {
    const consumed = Math.min(reservation, lot.qty);
    reservation -= consumed;
    return { ...movement, lot: lot.lot, qty: -lot.qty, reservedDelta: -consumed };
  });
}

async function handleStock(db: Db, recorded: RecordedEvent, event: StockEvent): Promise<void> {
  const at = { sku: event.data.sku, warehouseId: event.data.warehouseId };
  switch (event.type) {
    case 'StockReceived': {
      const { receiptId, qty } = event.data;
      await addToLot(db, at, event.data, qty);
      await refreshLevels(db, recorded, at);
      await recordMovements(db, recorded, at, [{ kind: 'receipt', lot: event.data.lot, qty, reference: receiptId }]);
      return;
    }
    case 'StockReserved':
    case 'StockReleased': {
      const { orderId, qty } = event.data;
      const reservedDelta = event.type === 'StockReserved' ? qty : -qty;
      await refreshLevels(db, recorded, at, reservedDelta);
      const kind = event.type === 'StockReserved' ? 'reservation' : 'release';
      await recordMovements(db, recorded, at, [{ kind, reservedDelta, reference: orderId, orderId }]);
      return;
    }
    case 'StockPicked': {
      const { orderId, shipmentId, fromReservation, lots } = event.data;
      for (const lot of lots) await changeLot(db, at, lot.lot, -lot.qty);
      await refreshLevels(db, recorded, at, -fromReservation);
      await recordMovements(db, recorded, at, lotMovements(lots, fromReservation, { kind: 'pick', reference: shipmentId, orderId }));
      return;
    }
    case 'StockAdjusted': {
      const { adjustmentId, lot, delta, reason } = event.data;
      await changeLot(db, at, lot, delta);
      await refreshLevels(db, recorded, at);
      await recordMovements(db, recorded, at, [{ kind: 'adjustment', lot, qty: delta, reference: adjustmentId, reason }]);
      return;
    }
    case 'StockTransferredOut': {
      const { transferId, toWarehouseId, lot, qty } = event.data;
      await changeLot(db, at, lot, -qty);
      await refreshLevels(db, recorded, at);
      await recordMovements(db, recorded, at, [
        { kind: 'transfer_out', lot, qty: -qty, reference: transferId, otherWarehouseId: toWarehouseId },
      ]);
      return;
    }
    case 'StockTransferredIn': {
      const { transferId, fromWarehouseId, lot, qty } = event.data;
      await addToLot(db, at, event.data, qty);
      await refreshLevels(db, recorded, at);
      await recordMovements(db, recorded, at, [
        { kind: 'transfer_in', lot, qty, reference: transferId, otherWarehouseId: fromWarehouseId },
      ]);
      return;
    }
    case 'StockWrittenOff': {
      const { writeOffId, lots } = event.data;
      for (const lot of lots) await changeLot(db, at, lot.lot, -lot.qty);
      await refreshLevels(db, recorded, at);
      await recordMovements(db, recorded, at, lotMovements(lots, 0, { kind: 'write_off', reference: writeOffId, reason: 'expired' }));
      return;
    }
    case 'StockReturned': {
      // Quarantined goods are not on hand, so only restocked lots move here; the orders read
      // model (orders.returns) keeps every returned line with its disposition.
      const { orderId, returnId } = event.data;
      const restocked = event.data.lots.filter((lot) => lot.disposition === 'restock');
      if (restocked.length === 0) return;
      for (const lot of restocked) await addToLot(db, at, lot, lot.qty);
      await refreshLevels(db, recorded, at);
      await recordMovements(
        db,
        recorded,
        at,
        restocked.map((lot) => ({ kind: 'return' as const, lot: lot.lot, qty: lot.qty, reference: returnId, orderId })),
      );
      return;
    }
  }
}

export const inventoryProjection: Projection = {
  name: 'inventory',
  schema: 'inventory',
  filter: { eventTypes: [...warehouseEventTypes, ...stockEventTypes] },
  async handle(db, event) {
    if (event.type === 'WarehouseRegistered') {
      const warehouse = event.data as Warehouse;
      await db
        .insertInto('inventory.warehouses')
        .values({
          id: warehouse.warehouseId,
          name: warehouse.name,
          region_code: warehouse.regionCode,
          registered_at: new Date(event.metadata.occurredAt),
        })
        .execute();
      return;
    }
    await handleStock(db, event, { type: event.type, data: event.data } as StockEvent);
  },
  batch: inventoryBatch,
};
