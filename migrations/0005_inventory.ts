// The inventory read model: warehouses, stock per SKU and warehouse with its lots, per-SKU totals
// for the catalog, and the movement history; plus the catalog's per-SKU low-stock threshold.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA inventory`.execute(db);
  await sql`
    CREATE TABLE inventory.warehouses (
      id text PRIMARY KEY,
      name text NOT NULL,
      region_code text NOT NULL,
      registered_at timestamptz NOT NULL
    )`.execute(db);
  await sql`COMMENT ON TABLE inventory.warehouses IS 'Warehouses (stream warehouse-<id>) and the region each serves.'`.execute(db);

  await sql`
    CREATE TABLE inventory.stock_levels (
      sku text NOT NULL,
      warehouse_id text NOT NULL,
      on_hand bigint NOT NULL,
      reserved bigint NOT NULL,
      earliest_expiry date,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (sku, warehouse_id)
    )`.execute(db);
  await sql`CREATE INDEX stock_levels_warehouse_idx ON inventory.stock_levels (warehouse_id, sku)`.execute(db);
  await sql`COMMENT ON TABLE inventory.stock_levels IS
    'Stock of one SKU in one warehouse (stream stock-<sku>@<warehouse>). on_hand includes expired lots not yet written off; '
    'available as of a day = sum of inventory.lots.qty with expiry_date after that day - reserved, at least 0.'`.execute(db);
  await sql`COMMENT ON COLUMN inventory.stock_levels.earliest_expiry IS
    'Earliest expiry date of a lot with stock; until that day on_hand - reserved is exactly what is available.'`.execute(db);

  await sql`
    CREATE TABLE inventory.lots (
      sku text NOT NULL,
      warehouse_id text NOT NULL,
      lot text NOT NULL,
      production_date date NOT NULL,
      expiry_date date NOT NULL,
      qty bigint NOT NULL,
      PRIMARY KEY (sku, warehouse_id, lot)
    )`.execute(db);
  await sql`CREATE INDEX lots_expiry_idx ON inventory.lots (expiry_date, sku, warehouse_id, lot) WHERE qty > 0`.execute(db);
  await sql`COMMENT ON TABLE inventory.lots IS 'Lots per SKU and warehouse; emptied lots stay with qty 0.'`.execute(db);

  await sql`
    CREATE TABLE inventory.sku_totals (
      sku text PRIMARY KEY,
      on_hand bigint NOT NULL,
      reserved bigint NOT NULL,
      available bigint NOT NULL,
      earliest_expiry date
    )`.execute(db);
  await sql`CREATE INDEX sku_totals_in_stock_idx ON inventory.sku_totals (sku) WHERE available > 0`.execute(db);
  await sql`COMMENT ON TABLE inventory.sku_totals IS
    'Per SKU over all warehouses: available = sum of greatest(on_hand - reserved, 0), exact until earliest_expiry; '
    'from that day on recompute it from inventory.lots.'`.execute(db);

  await sql`
    CREATE TABLE inventory.movements (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      position numeric(20, 0) NOT NULL,
      event_id uuid NOT NULL,
      kind text NOT NULL,
      sku text NOT NULL,
      warehouse_id text NOT NULL,
      lot text,
      qty bigint NOT NULL,
      reserved_delta bigint NOT NULL,
      reference text NOT NULL,
      order_id text,
      other_warehouse_id text,
      reason text,
      actor text NOT NULL,
      occurred_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX movements_stock_idx ON inventory.movements (sku, warehouse_id, id)`.execute(db);
  await sql`CREATE INDEX movements_warehouse_idx ON inventory.movements (warehouse_id, id)`.execute(db);
  await sql`CREATE INDEX movements_time_idx ON inventory.movements (occurred_at, id)`.execute(db);
  await sql`COMMENT ON TABLE inventory.movements IS
    'Every stock movement, one row per lot touched. kind: receipt, reservation, release, pick, adjustment, transfer_out, '
    'transfer_in, write_off. qty: change of on hand (signed); reserved_delta: change of reserved (signed); '
    'reference: the receipt, order, shipment, adjustment, transfer or write-off id.'`.execute(db);

  await sql`ALTER TABLE catalog.products ADD COLUMN low_stock_threshold int`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE catalog.products DROP COLUMN low_stock_threshold`.execute(db);
  await sql`DROP SCHEMA inventory CASCADE`.execute(db);
}
