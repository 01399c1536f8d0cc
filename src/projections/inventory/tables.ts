// The inventory read model's tables (schema `inventory`).
import type { ColumnType } from 'kysely';

/** Dates are 'YYYY-MM-DD' strings (see src/db/database.ts). */
type DateString = string;

export type MovementKind =
  'receipt' | 'reservation' | 'release' | 'pick' | 'adjustment' | 'transfer_out' | 'transfer_in' | 'write_off' | 'return';

export type InventoryTables = {
  'inventory.warehouses': { id: string; name: string; region_code: string; registered_at: Date };
  'inventory.stock_levels': {
    sku: string;
    warehouse_id: string;
    on_hand: number;
    reserved: number;
    earliest_expiry: DateString | null;
    updated_at: Date;
  };
  'inventory.lots': {
    sku: string;
    warehouse_id: string;
    lot: string;
    production_date: DateString;
    expiry_date: DateString;
    qty: number;
  };
  'inventory.sku_totals': { sku: string; on_hand: number; reserved: number; available: number; earliest_expiry: DateString | null };
  'inventory.movements': {
    id: ColumnType<number, never, never>;
    position: string;
    event_id: string;
    kind: MovementKind;
    sku: string;
    warehouse_id: string;
    lot: string | null;
    qty: number;
    reserved_delta: number;
    reference: string;
    order_id: string | null;
    other_warehouse_id: string | null;
    reason: string | null;
    actor: string;
    occurred_at: Date;
  };
};
