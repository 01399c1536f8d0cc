// Where a SKU is stocked (`index-stocking-<sku>`): the warehouses that have received it, each with
// its region. A small write-side index: an order placement reads it to know which stock streams
// (`stock-<sku>@<warehouseId>`) to reserve on, without asking a read model, and its revision is
// checked when the placement is appended, so a warehouse stocked meanwhile is never missed.
import type { Decider, DomainEvent } from '../shared/decider.ts';

export const stockingStream = (sku: string) => `index-stocking-${sku}`;

export type StockingWarehouse = { sku: string; warehouseId: string; regionCode: string };

export type StockingCommand = { type: 'AddStockingWarehouse'; data: StockingWarehouse };

export type StockingEvent = DomainEvent<'StockingWarehouseAdded', StockingWarehouse>;

export const stockingEventTypes = ['StockingWarehouseAdded'] as const;

/** Warehouse id → its region code, in the order they were first stocked. */
export type StockingState = { warehouses: ReadonlyMap<string, string> };

export const stockingDecider: Decider<StockingCommand, StockingEvent, StockingState> = {
  initialState: { warehouses: new Map() },
  decide(command, state) {
    if (state.warehouses.has(command.data.warehouseId)) return [];
    return [{ type: 'StockingWarehouseAdded', data: command.data }];
  },
  evolve(state, event) {
    return { warehouses: new Map(state.warehouses).set(event.data.warehouseId, event.data.regionCode) };
  },
};
