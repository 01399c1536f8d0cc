// The warehouse aggregate (`warehouse-<id>`): a place that holds stock, and the region it serves.
import { z } from 'zod';
import { refuse, type Decider, type DomainEvent } from '../shared/decider.ts';
import { entityIdSchema, regionCodeSchema } from '../shared/values.ts';

export const warehouseStream = (warehouseId: string) => `warehouse-${warehouseId}`;

/** Warehouse ids end up in stock stream names (`stock-<sku>@<warehouseId>`), so they never contain '@'. */
export const warehouseIdSchema = entityIdSchema;

export const registerWarehouseSchema = z.object({
  id: warehouseIdSchema,
  name: z.string().trim().min(1).max(200),
  regionCode: regionCodeSchema,
});

export type RegisterWarehouse = z.infer<typeof registerWarehouseSchema>;

export type Warehouse = { warehouseId: string; name: string; regionCode: string };

export type WarehouseCommand = { type: 'RegisterWarehouse'; data: RegisterWarehouse };

export type WarehouseEvent = DomainEvent<'WarehouseRegistered', Warehouse>;

export type WarehouseState = { exists: false } | { exists: true; warehouse: Warehouse };

export const warehouseEventTypes = ['WarehouseRegistered'] as const;

export const warehouseDecider: Decider<WarehouseCommand, WarehouseEvent, WarehouseState> = {
  initialState: { exists: false },
  decide(command, state) {
    const { id, name, regionCode } = command.data;
    if (state.exists) return refuse('warehouse_exists', `Warehouse ${id} already exists`, 'conflict');
    return [{ type: 'WarehouseRegistered', data: { warehouseId: id, name, regionCode } }];
  },
  evolve(_state, event) {
    return { exists: true, warehouse: event.data };
  },
};
