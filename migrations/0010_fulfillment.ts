// Fulfilment in the orders read model: shipments with their lots, returns with their receipt and
// refund, and on each order whether it is released, what a prepay dealer paid, when it completed.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders.orders
      ADD COLUMN released boolean NOT NULL DEFAULT false,
      ADD COLUMN paid_minor bigint NOT NULL DEFAULT 0,
      ADD COLUMN completed_at timestamptz`.execute(db);
  // Orders projected before this migration: approved ones were released, unless prepaid.
  await sql`UPDATE orders.orders SET status = 'awaiting_payment' WHERE status = 'approved' AND prepay AND total_minor > 0`.execute(db);
  await sql`UPDATE orders.orders SET released = true WHERE status = 'approved'`.execute(db);
  await sql`COMMENT ON COLUMN orders.orders.status IS
    'placed, approved, awaiting_payment (prepay, until paid), on_hold, rejected, cancelled, partially_shipped, shipped, delivered, completed'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN orders.orders.released IS 'May ship: approved, and paid in full if the dealer prepays.'`.execute(db);

  await sql`
    CREATE TABLE orders.shipments (
      order_id text NOT NULL,
      shipment_id text NOT NULL,
      -- the revision of ShipmentPlanned: shipments of an order in the order they were planned
      seq int NOT NULL,
      dealer_id text NOT NULL,
      status text NOT NULL,
      lines jsonb NOT NULL,
      amount_minor bigint NOT NULL,
      carrier text,
      tracking_number text,
      due_date date,
      planned_at timestamptz NOT NULL,
      shipped_at timestamptz,
      delivered_at timestamptz,
      received_by text,
      PRIMARY KEY (order_id, shipment_id)
    )`.execute(db);
  await sql`CREATE INDEX shipments_order_idx ON orders.shipments (order_id, seq)`.execute(db);
  await sql`CREATE INDEX shipments_shipped_idx ON orders.shipments (shipped_at) WHERE shipped_at IS NOT NULL`.execute(db);
  await sql`COMMENT ON TABLE orders.shipments IS
    'Shipments of orders. status: planned (being picked), dispatched, delivered. lines: [{ sku, qty, warehouseId, netMinor, '
    'lots: [{ lot, qty, expiryDate }] }] (lots empty while planned); amount_minor: the goods at the order''s net prices, '
    'charged to the dealer''s credit on dispatch (due on due_date) unless the order was prepaid.'`.execute(db);

  await sql`
    CREATE TABLE orders.returns (
      order_id text NOT NULL,
      return_id text NOT NULL,
      -- the revision of ReturnRequested
      seq int NOT NULL,
      dealer_id text NOT NULL,
      status text NOT NULL,
      lines jsonb NOT NULL,
      received jsonb NOT NULL,
      requested_at timestamptz NOT NULL,
      approved_at timestamptz,
      rejected_at timestamptz,
      rejection_reason text,
      received_at timestamptz,
      refund_minor bigint,
      refund_method text,
      credit_note_id text,
      refunded_at timestamptz,
      PRIMARY KEY (order_id, return_id)
    )`.execute(db);
  await sql`CREATE INDEX returns_order_idx ON orders.returns (order_id, seq)`.execute(db);
  await sql`CREATE INDEX returns_status_idx ON orders.returns (status, requested_at)`.execute(db);
  await sql`COMMENT ON TABLE orders.returns IS
    'Returns of delivered goods. status: requested, approved, rejected, received, refunded. lines: [{ sku, qty, reason }] '
    'as requested; received: [{ sku, qty, warehouseId, lot, disposition: restock | quarantine }]; refund_method: '
    'credit_note (on the dealer''s ledger, credit_note_id) or payment_refund (prepay orders).'`.execute(db);

  await sql`COMMENT ON TABLE inventory.movements IS
    'Every stock movement, one row per lot touched. kind: receipt, reservation, release, pick, adjustment, transfer_out, '
    'transfer_in, write_off, return (restocked goods a dealer returned; quarantined ones are not on hand and are listed in '
    'orders.returns). qty: change of on hand (signed); reserved_delta: change of reserved (signed); '
    'reference: the receipt, order, shipment, adjustment, transfer, write-off or return id.'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE orders.returns`.execute(db);
  await sql`DROP TABLE orders.shipments`.execute(db);
  await sql`UPDATE orders.orders SET status = 'approved' WHERE status = 'awaiting_payment'`.execute(db);
  await sql`ALTER TABLE orders.orders DROP COLUMN released, DROP COLUMN paid_minor, DROP COLUMN completed_at`.execute(db);
}
