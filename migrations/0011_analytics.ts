// Analytics: the fact tables the `analytics` projection fills (schema `analytics_facts`), the
// documented views analysts query (schema `analytics`) and the read-only role `dealerline_analyst`.
//
// The views are the stable contract; the fact tables behind them may change. A rebuild of the
// projection swaps `analytics_facts` and recreates these views with their grants and comments.
import { sql, type Kysely } from 'kysely';

const ANALYST = 'dealerline_analyst';

/** COMMENT ON a view and each of its columns; every column must be documented. */
async function document(db: Kysely<unknown>, view: string, comment: string, columns: Record<string, string>): Promise<void> {
  await sql`COMMENT ON VIEW ${sql.raw(view)} IS ${sql.lit(comment)}`.execute(db);
  for (const [column, text] of Object.entries(columns)) {
    await sql`COMMENT ON COLUMN ${sql.raw(`${view}.${column}`)} IS ${sql.lit(text)}`.execute(db);
  }
}

async function createFactTables(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA analytics_facts`.execute(db);
  await sql`COMMENT ON SCHEMA analytics_facts IS 'Fact tables of the analytics projection; rebuilt from the events. Query the analytics views instead.'`.execute(
    db,
  );
  await sql`
    CREATE TABLE analytics_facts.products (
      sku text PRIMARY KEY,
      name text NOT NULL,
      brand text NOT NULL,
      category text NOT NULL,
      unit text NOT NULL,
      case_size int,
      base_price_minor bigint NOT NULL,
      currency text NOT NULL,
      active boolean NOT NULL,
      registered_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.dealers (
      dealer_id text PRIMARY KEY,
      name text NOT NULL,
      tier text NOT NULL,
      registered_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE TABLE analytics_facts.warehouses (warehouse_id text PRIMARY KEY, name text NOT NULL, region_code text NOT NULL)`.execute(
    db,
  );
  await sql`
    CREATE TABLE analytics_facts.promotions (
      promotion_id text PRIMARY KEY,
      title text NOT NULL,
      kind text NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      ended_at timestamptz,
      stackable boolean NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.orders (
      order_id text PRIMARY KEY,
      dealer_id text NOT NULL,
      region_code text NOT NULL,
      channel text NOT NULL,
      currency text NOT NULL,
      placed_at timestamptz NOT NULL,
      placed_on date NOT NULL,
      subtotal_minor bigint NOT NULL,
      discount_minor bigint NOT NULL,
      total_minor bigint NOT NULL,
      qty bigint NOT NULL,
      gift_qty bigint NOT NULL,
      status text NOT NULL,
      first_decision text,
      first_reasons text[] NOT NULL DEFAULT '{}',
      approved_at timestamptz,
      rejected_at timestamptz,
      cancelled_at timestamptz,
      shipment_count int NOT NULL DEFAULT 0,
      shipped_qty bigint NOT NULL DEFAULT 0,
      shipped_net_minor bigint NOT NULL DEFAULT 0,
      first_shipped_at timestamptz,
      delivered_at timestamptz,
      completed_at timestamptz,
      refunded_minor bigint NOT NULL DEFAULT 0
    )`.execute(db);
  await sql`CREATE INDEX orders_placed_idx ON analytics_facts.orders (placed_on)`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.order_lines (
      order_id text NOT NULL,
      line_no int NOT NULL,
      sku text NOT NULL,
      product_name text,
      brand text,
      category text,
      is_gift boolean NOT NULL,
      qty bigint NOT NULL,
      unit_price_minor bigint NOT NULL,
      gross_minor bigint NOT NULL,
      discount_minor bigint NOT NULL,
      net_minor bigint NOT NULL,
      promotion_ids text[] NOT NULL,
      dealer_id text NOT NULL,
      region_code text NOT NULL,
      currency text NOT NULL,
      placed_at timestamptz NOT NULL,
      placed_on date NOT NULL,
      PRIMARY KEY (order_id, line_no)
    )`.execute(db);
  await sql`CREATE INDEX order_lines_day_idx ON analytics_facts.order_lines (placed_on)`.execute(db);
  await sql`CREATE INDEX order_lines_sku_idx ON analytics_facts.order_lines (sku, placed_on)`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.order_allocations (
      order_id text NOT NULL,
      sku text NOT NULL,
      warehouse_id text NOT NULL,
      qty bigint NOT NULL,
      PRIMARY KEY (order_id, sku, warehouse_id)
    )`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.promotion_usage (
      order_id text NOT NULL,
      promotion_id text NOT NULL,
      sku text NOT NULL,
      is_gift boolean NOT NULL,
      qty bigint NOT NULL,
      gross_minor bigint NOT NULL,
      discount_minor bigint NOT NULL,
      net_minor bigint NOT NULL,
      PRIMARY KEY (order_id, promotion_id, sku, is_gift)
    )`.execute(db);
  await sql`CREATE INDEX promotion_usage_promotion_idx ON analytics_facts.promotion_usage (promotion_id)`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.shipments (
      shipment_id text PRIMARY KEY,
      order_id text NOT NULL,
      dealer_id text NOT NULL,
      carrier text,
      tracking_number text,
      amount_minor bigint NOT NULL,
      shipped_at timestamptz NOT NULL,
      shipped_on date NOT NULL,
      delivered_at timestamptz,
      received_by text
    )`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.shipment_lines (
      shipment_id text NOT NULL,
      line_no int NOT NULL,
      order_id text NOT NULL,
      dealer_id text NOT NULL,
      sku text NOT NULL,
      warehouse_id text,
      qty bigint NOT NULL,
      net_minor bigint NOT NULL,
      shipped_at timestamptz NOT NULL,
      shipped_on date NOT NULL,
      PRIMARY KEY (shipment_id, line_no)
    )`.execute(db);
  await sql`CREATE INDEX shipment_lines_day_idx ON analytics_facts.shipment_lines (shipped_on)`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.refunds (
      refund_id text PRIMARY KEY,
      return_id text,
      order_id text NOT NULL,
      dealer_id text NOT NULL,
      amount_minor bigint NOT NULL,
      method text,
      refunded_at timestamptz NOT NULL,
      refunded_on date NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.stock_positions (
      sku text NOT NULL,
      warehouse_id text NOT NULL,
      reserved bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (sku, warehouse_id)
    )`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.stock_lots (
      sku text NOT NULL,
      warehouse_id text NOT NULL,
      lot text NOT NULL,
      production_date date NOT NULL,
      expiry_date date NOT NULL,
      qty bigint NOT NULL,
      PRIMARY KEY (sku, warehouse_id, lot)
    )`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.stock_movements (
      sku text NOT NULL,
      warehouse_id text NOT NULL,
      day date NOT NULL,
      received bigint NOT NULL DEFAULT 0,
      picked bigint NOT NULL DEFAULT 0,
      adjusted bigint NOT NULL DEFAULT 0,
      transferred_in bigint NOT NULL DEFAULT 0,
      transferred_out bigint NOT NULL DEFAULT 0,
      written_off bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (sku, warehouse_id, day)
    )`.execute(db);
  await sql`
    CREATE TABLE analytics_facts.transfers (
      transfer_id text PRIMARY KEY,
      sku text NOT NULL,
      from_warehouse_id text NOT NULL,
      to_warehouse_id text NOT NULL,
      qty bigint NOT NULL,
      sent_at timestamptz,
      received_at timestamptz
    )`.execute(db);
}

/** The booked-order condition every sales view shares: approved (at once or after a hold) and not cancelled. */
const BOOKED = 'o.approved_at IS NOT NULL AND o.cancelled_at IS NULL';
/** The read side's day, in UTC like every day column. */
const TODAY = `(now() AT TIME ZONE 'UTC')::date`;

async function createMasterDataViews(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE VIEW analytics.products AS
    SELECT sku, name, brand, category, unit, case_size, base_price_minor, currency, active, registered_at
      FROM analytics_facts.products`.execute(db);
  await document(db, 'analytics.products', 'Products as the catalog events describe them now (brand and category are the current ones).', {
    sku: 'Stock keeping unit, the product key.',
    name: 'Product name.',
    brand: 'Brand (current).',
    category: 'Category (current); sales views use the current category, so a re-categorised product moves its history along.',
    unit: 'Selling unit, e.g. case.',
    case_size: 'Units per case, if known.',
    base_price_minor: 'Base (list) price in minor units; the value of stock is reckoned at this price (there are no cost prices).',
    currency: 'ISO 4217 currency of the prices.',
    active: 'false when the product is discontinued.',
    registered_at: 'When the product was registered.',
  });

  await sql`CREATE VIEW analytics.dealers AS SELECT dealer_id, name, tier, registered_at FROM analytics_facts.dealers`.execute(db);
  await document(db, 'analytics.dealers', 'Dealers with their current tier.', {
    dealer_id: 'Dealer id.',
    name: 'Dealer name.',
    tier: 'Current price tier, e.g. gold.',
    registered_at: 'When the dealer was registered.',
  });

  await sql`CREATE VIEW analytics.warehouses AS SELECT warehouse_id, name, region_code FROM analytics_facts.warehouses`.execute(db);
  await document(db, 'analytics.warehouses', 'Warehouses and the region each serves.', {
    warehouse_id: 'Warehouse id.',
    name: 'Warehouse name.',
    region_code: 'Region the warehouse serves.',
  });
}

const dimensionColumns = {
  sku: 'Product SKU.',
  product_name: 'Product name (current).',
  brand: 'Brand (current).',
  category: 'Category (current).',
  dealer_id: 'Ordering dealer.',
  dealer_name: 'Dealer name.',
  region_code: "The order's delivery region.",
  currency: 'ISO 4217 currency of the amounts.',
};

async function createOrderViews(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE VIEW analytics.orders AS
    SELECT o.order_id, o.dealer_id, d.name AS dealer_name, o.region_code, o.channel, o.currency,
           o.placed_at, o.placed_on AS day, o.status, o.first_decision, o.first_reasons,
           (${BOOKED}) AS booked,
           o.approved_at, o.rejected_at, o.cancelled_at,
           coalesce(o.approved_at, o.rejected_at) AS decided_at,
           extract(epoch FROM coalesce(o.approved_at, o.rejected_at) - o.placed_at)::float8 AS decision_seconds,
           o.subtotal_minor, o.discount_minor, o.total_minor, o.qty, o.gift_qty,
           o.shipment_count, o.shipped_qty, o.shipped_net_minor, o.first_shipped_at, o.delivered_at, o.completed_at, o.refunded_minor
      FROM analytics_facts.orders o
      LEFT JOIN analytics_facts.dealers d ON d.dealer_id = o.dealer_id`,
    )
    .execute(db);
  await document(db, 'analytics.orders', 'Every placed order, whatever became of it: its review, decisions, shipments and refunds.', {
    order_id: 'Order id.',
    dealer_id: dimensionColumns.dealer_id,
    dealer_name: dimensionColumns.dealer_name,
    region_code: dimensionColumns.region_code,
    channel: 'How it was placed: manual, csv, reorder, on_behalf.',
    currency: dimensionColumns.currency,
    placed_at: 'When the order was placed.',
    day: 'The UTC day it was placed; booked sales count on this day.',
    status:
      'Current status: placed, approved (also while a prepay order awaits payment), on_hold, rejected, cancelled, partially_shipped, shipped, delivered or completed.',
    first_decision: "The automated review's decision: approved, on_hold or rejected.",
    first_reasons: 'Reason codes of the automated review (why it was held or rejected).',
    booked: 'true when the order counts as a sale: approved (at once or after a hold) and not cancelled.',
    approved_at: 'When it was approved (by the review or by operations after a hold); null if never.',
    rejected_at: 'When it was rejected (by the review or by operations after a hold); null if never.',
    cancelled_at: 'When it was cancelled; null if not.',
    decided_at: 'When the order got its final decision (approval or rejection); null while on hold or if cancelled while on hold.',
    decision_seconds: 'Seconds from placement to decided_at (0 for automated decisions).',
    subtotal_minor: 'Order subtotal before discounts, minor units.',
    discount_minor: 'Order discount, minor units.',
    total_minor: 'Order total after discounts, minor units.',
    qty: 'Units ordered (gifts excluded).',
    gift_qty: 'Free units added by promotions.',
    shipment_count: 'Shipments dispatched so far.',
    shipped_qty: 'Units shipped so far (as the shipments list them, gifts included).',
    shipped_net_minor: 'Net amount of the shipped lines so far, minor units.',
    first_shipped_at: 'When the first shipment left.',
    delivered_at: 'When the last delivery was confirmed.',
    completed_at: 'When the order was completed.',
    refunded_minor: 'Refunded on returns so far, minor units.',
  });

  await sql
    .raw(
      `
    CREATE VIEW analytics.sales_lines AS
    SELECT l.order_id, l.line_no, l.placed_on AS day, l.placed_at, l.sku, l.product_name, l.brand, l.category,
           l.dealer_id, d.name AS dealer_name, l.region_code, l.currency, l.is_gift,
           CASE WHEN l.is_gift THEN 0 ELSE l.qty END AS qty,
           CASE WHEN l.is_gift THEN l.qty ELSE 0 END AS gift_qty,
           l.unit_price_minor, l.gross_minor, l.discount_minor, l.net_minor, l.promotion_ids
      FROM analytics_facts.order_lines l
      JOIN analytics_facts.orders o ON o.order_id = l.order_id
      LEFT JOIN analytics_facts.dealers d ON d.dealer_id = l.dealer_id
     WHERE ${BOOKED}`,
    )
    .execute(db);
  await document(
    db,
    'analytics.sales_lines',
    'Booked sales, one row per order line (and per gift): lines of orders that are approved and not cancelled, on the day the order was placed.',
    {
      order_id: 'Order id.',
      line_no: 'Line number within the order; gifts come after the ordered lines.',
      day: 'The UTC day the order was placed.',
      placed_at: 'When the order was placed.',
      ...dimensionColumns,
      is_gift: 'true for free goods a promotion added (qty 0, gift_qty > 0, no money).',
      qty: 'Units sold on this line (0 for gifts).',
      gift_qty: 'Free units (gift rows only).',
      unit_price_minor: "The dealer's unit price (contract, tier or base), minor units.",
      gross_minor: 'qty x unit price, minor units.',
      discount_minor: 'Promotion discount on this line, minor units.',
      net_minor: 'gross - discount: the booked revenue, minor units.',
      promotion_ids: 'Promotions that touched this line (for gifts: the promotion that gave it).',
    },
  );

  await sql`
    CREATE VIEW analytics.sales_daily AS
    SELECT day, sku, product_name, category, brand, dealer_id, dealer_name, region_code, currency,
           count(DISTINCT order_id) AS orders,
           sum(qty)::bigint AS qty,
           sum(gift_qty)::bigint AS gift_qty,
           sum(gross_minor)::bigint AS gross_minor,
           sum(discount_minor)::bigint AS discount_minor,
           sum(net_minor)::bigint AS net_minor
      FROM analytics.sales_lines
     GROUP BY day, sku, product_name, category, brand, dealer_id, dealer_name, region_code, currency`.execute(db);
  await document(
    db,
    'analytics.sales_daily',
    'Booked sales per day, SKU, dealer and region (with category and brand): sum these rows to roll up.',
    {
      day: 'The UTC day the orders were placed.',
      ...dimensionColumns,
      orders:
        'Distinct orders in this row. Do not sum across rows to count orders: an order with two SKUs is in two rows; count DISTINCT order_id in sales_lines instead.',
      qty: 'Units sold.',
      gift_qty: 'Free units given.',
      gross_minor: 'Gross revenue before discounts, minor units.',
      discount_minor: 'Promotion discounts, minor units.',
      net_minor: 'Net booked revenue, minor units.',
    },
  );

  await sql`
    CREATE VIEW analytics.order_decisions_daily AS
    SELECT day,
           count(*) AS placed,
           count(*) FILTER (WHERE first_decision = 'approved') AS approved_automatically,
           count(*) FILTER (WHERE first_decision = 'on_hold') AS held,
           count(*) FILTER (WHERE first_decision = 'rejected') AS rejected_automatically,
           count(*) FILTER (WHERE first_decision = 'on_hold' AND approved_at IS NOT NULL) AS approved_after_hold,
           count(*) FILTER (WHERE first_decision = 'on_hold' AND rejected_at IS NOT NULL) AS rejected_after_hold,
           count(*) FILTER (WHERE approved_at IS NOT NULL) AS approved,
           count(*) FILTER (WHERE rejected_at IS NOT NULL) AS rejected,
           count(*) FILTER (WHERE cancelled_at IS NOT NULL) AS cancelled,
           count(*) FILTER (WHERE status = 'on_hold') AS on_hold,
           count(*) FILTER (WHERE approved_at IS NOT NULL)::float8
             / nullif(count(*) FILTER (WHERE approved_at IS NOT NULL OR rejected_at IS NOT NULL), 0) AS approval_rate,
           avg(decision_seconds) AS average_decision_seconds,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY decision_seconds) AS median_decision_seconds,
           avg(decision_seconds) FILTER (WHERE first_decision = 'on_hold') AS average_held_decision_seconds
      FROM analytics.orders
     GROUP BY day`.execute(db);
  await document(db, 'analytics.order_decisions_daily', 'Order counts, approval rate and time to decision per day of placement.', {
    day: 'The UTC day the orders were placed.',
    placed: 'Orders placed.',
    approved_automatically: 'Approved by the automated review at once.',
    held: 'Held by the automated review for operations to decide.',
    rejected_automatically: 'Rejected by the automated review.',
    approved_after_hold: 'Held, then approved by operations.',
    rejected_after_hold: 'Held, then rejected by operations.',
    approved: 'Approved at all (at once or after a hold), including orders cancelled later.',
    rejected: 'Rejected at all (at once or after a hold).',
    cancelled: 'Cancelled (after approval or while on hold).',
    on_hold: 'Still on hold.',
    approval_rate: 'approved / (approved + rejected): the share of decided orders that were approved; null when none is decided.',
    average_decision_seconds: 'Mean seconds from placement to the final decision, over decided orders.',
    median_decision_seconds: 'Median seconds from placement to the final decision, over decided orders.',
    average_held_decision_seconds: 'Mean seconds from placement to the decision of operations, over held orders decided so far.',
  });
}

async function createShipmentViews(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE VIEW analytics.shipment_lines AS
    SELECT sl.shipment_id, sl.line_no, sl.order_id, sl.shipped_on AS day, sl.shipped_at, sl.sku,
           p.name AS product_name, p.brand, p.category, sl.dealer_id, d.name AS dealer_name, o.region_code,
           coalesce(o.currency, p.currency) AS currency, sl.warehouse_id, sl.qty, sl.net_minor
      FROM analytics_facts.shipment_lines sl
      LEFT JOIN analytics_facts.orders o ON o.order_id = sl.order_id
      LEFT JOIN analytics_facts.products p ON p.sku = sl.sku
      LEFT JOIN analytics_facts.dealers d ON d.dealer_id = sl.dealer_id`.execute(db);
  await document(db, 'analytics.shipment_lines', 'Shipped sales, one row per shipped line, on the UTC day the shipment left.', {
    shipment_id: 'Shipment id.',
    line_no: 'Line number within the shipment.',
    order_id: 'The order shipped.',
    day: 'The UTC day the shipment left (shipped revenue counts on this day).',
    shipped_at: 'When the shipment left.',
    ...dimensionColumns,
    warehouse_id: 'Warehouse the goods left from.',
    qty: 'Units shipped (gifts included, as the shipment lists them).',
    net_minor: 'Net amount of the shipped line: the shipped revenue, minor units.',
  });

  await sql`
    CREATE VIEW analytics.shipments AS
    SELECT s.shipment_id, s.order_id, s.dealer_id, o.region_code, s.carrier, s.tracking_number, s.amount_minor,
           coalesce(o.currency, 'CNY') AS currency, s.shipped_at, s.shipped_on AS day,
           extract(epoch FROM s.shipped_at - o.placed_at)::float8 / 86400 AS days_from_placement,
           s.delivered_at, s.received_by
      FROM analytics_facts.shipments s
      LEFT JOIN analytics_facts.orders o ON o.order_id = s.order_id`.execute(db);
  await document(db, 'analytics.shipments', 'Shipments dispatched, with their delivery.', {
    shipment_id: 'Shipment id.',
    order_id: 'The order shipped.',
    dealer_id: dimensionColumns.dealer_id,
    region_code: dimensionColumns.region_code,
    carrier: 'Carrier.',
    tracking_number: "Carrier's tracking number.",
    amount_minor: 'Amount of the shipment as dispatched, minor units.',
    currency: dimensionColumns.currency,
    shipped_at: 'When the shipment left.',
    day: 'The UTC day the shipment left.',
    days_from_placement: 'Days from placing the order to this shipment leaving.',
    delivered_at: 'When delivery was confirmed; null until then.',
    received_by: 'Who signed for it.',
  });

  await sql`
    CREATE VIEW analytics.refunds AS
    SELECT r.refund_id, r.return_id, r.order_id, r.dealer_id, d.name AS dealer_name, o.region_code,
           coalesce(o.currency, 'CNY') AS currency, r.amount_minor, r.method, r.refunded_at, r.refunded_on AS day
      FROM analytics_facts.refunds r
      LEFT JOIN analytics_facts.orders o ON o.order_id = r.order_id
      LEFT JOIN analytics_facts.dealers d ON d.dealer_id = r.dealer_id`.execute(db);
  await document(db, 'analytics.refunds', 'Refunds paid on returns; a refund belongs to an order, not to its lines.', {
    refund_id: 'Refund id (the id of its event).',
    return_id: 'The return refunded.',
    order_id: 'The order returned.',
    dealer_id: dimensionColumns.dealer_id,
    dealer_name: dimensionColumns.dealer_name,
    region_code: dimensionColumns.region_code,
    currency: dimensionColumns.currency,
    amount_minor: 'Amount refunded, minor units.',
    method: 'How it was refunded.',
    refunded_at: 'When it was refunded.',
    day: 'The UTC day it was refunded.',
  });
}

async function createPromotionView(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE VIEW analytics.promotion_performance AS
    WITH promotion AS (
      SELECT p.*, greatest(least(p.ends_at, coalesce(p.ended_at, 'infinity'), now()), p.starts_at) AS window_end
        FROM analytics_facts.promotions p
    ), booked_usage AS (
      SELECT u.* FROM analytics_facts.promotion_usage u JOIN analytics_facts.orders o ON o.order_id = u.order_id WHERE ${BOOKED}
    ), usage AS (
      SELECT promotion_id,
             count(DISTINCT order_id) AS orders,
             sum(qty) FILTER (WHERE NOT is_gift)::bigint AS qty,
             sum(qty) FILTER (WHERE is_gift)::bigint AS gift_qty,
             sum(gross_minor)::bigint AS gross_minor,
             sum(discount_minor)::bigint AS discount_minor,
             sum(net_minor)::bigint AS net_minor,
             array_agg(DISTINCT sku ORDER BY sku) FILTER (WHERE NOT is_gift) AS promoted_skus
        FROM booked_usage
       GROUP BY promotion_id
    ), sales AS (
      SELECT p.promotion_id,
             (sum(l.qty) FILTER (WHERE l.placed_at >= p.starts_at AND l.placed_at < p.window_end))::float8 AS during_qty,
             (sum(l.net_minor) FILTER (WHERE l.placed_at >= p.starts_at AND l.placed_at < p.window_end))::float8 AS during_net,
             (sum(l.qty) FILTER (WHERE l.placed_at >= p.starts_at - interval '28 days' AND l.placed_at < p.starts_at))::float8 AS baseline_qty,
             (sum(l.net_minor) FILTER (WHERE l.placed_at >= p.starts_at - interval '28 days' AND l.placed_at < p.starts_at))::float8 AS baseline_net
        FROM promotion p
        JOIN usage u ON u.promotion_id = p.promotion_id
        JOIN analytics.sales_lines l ON l.sku = ANY (u.promoted_skus) AND NOT l.is_gift
       GROUP BY p.promotion_id
    ), figures AS (
      SELECT p.*, extract(epoch FROM p.window_end - p.starts_at)::float8 / 86400 AS window_days,
             coalesce(u.orders, 0) AS orders, coalesce(u.qty, 0) AS qty, coalesce(u.gift_qty, 0) AS gift_qty,
             coalesce(u.gross_minor, 0) AS gross_minor, coalesce(u.discount_minor, 0) AS discount_minor,
             coalesce(u.net_minor, 0) AS net_minor, coalesce(u.promoted_skus, '{}') AS promoted_skus,
             coalesce(s.during_qty, 0) AS during_qty, coalesce(s.during_net, 0) AS during_net,
             coalesce(s.baseline_qty, 0) AS baseline_qty, coalesce(s.baseline_net, 0) AS baseline_net
        FROM promotion p
        LEFT JOIN usage u ON u.promotion_id = p.promotion_id
        LEFT JOIN sales s ON s.promotion_id = p.promotion_id
    )
    SELECT promotion_id, title, kind, starts_at, ends_at, ended_at, window_end,
           (now() >= starts_at AND now() < least(ends_at, coalesce(ended_at, 'infinity'))) AS active,
           window_days, orders, qty, gift_qty, gross_minor, discount_minor, net_minor, promoted_skus,
           28 AS baseline_days,
           during_qty / nullif(window_days, 0) AS during_daily_qty,
           baseline_qty / 28 AS baseline_daily_qty,
           (during_qty / nullif(window_days, 0)) / nullif(baseline_qty / 28, 0) - 1 AS qty_uplift,
           during_net / nullif(window_days, 0) AS during_daily_net_minor,
           baseline_net / 28 AS baseline_daily_net_minor,
           (during_net / nullif(window_days, 0)) / nullif(baseline_net / 28, 0) - 1 AS revenue_uplift
      FROM figures`,
    )
    .execute(db);
  await document(
    db,
    'analytics.promotion_performance',
    'Per promotion, from booked orders: orders, units, revenue and discount on the lines it touched, and the uplift of its promoted SKUs ' +
      '(all their booked sales per day while it ran, against the 28 days before it started).',
    {
      promotion_id: 'Promotion id.',
      title: 'Title.',
      kind: 'Kind: percent_off, amount_off, spend_threshold, buy_x_get_y, bundle_price, tiered_quantity.',
      starts_at: 'Start of the promotion.',
      ends_at: 'Scheduled end (exclusive).',
      ended_at: 'Early end by operations, if any.',
      window_end: 'End of the measured window: the earliest of ends_at, ended_at and now.',
      active: 'true while the promotion applies.',
      window_days: 'Length of [starts_at, window_end) in days (fractional).',
      orders: 'Booked orders with a line or a gift from this promotion.',
      qty: 'Units on the lines it touched.',
      gift_qty: 'Free units it gave.',
      gross_minor: 'Gross of the lines it touched, minor units.',
      discount_minor:
        "Its discount, minor units: a line's discount is shared equally among the promotions on the line that give discounts (buy_x_get_y gives gifts instead), the remainder to the first.",
      net_minor: 'Net revenue of the lines it touched, minor units (a line touched by two stacked promotions counts for both).',
      promoted_skus: 'SKUs sold on lines it touched; the uplift compares their sales.',
      baseline_days: 'Length of the baseline before starts_at: 28 days.',
      during_daily_qty: 'Booked units of the promoted SKUs per day within the window (with or without the promotion).',
      baseline_daily_qty: 'Booked units of the promoted SKUs per day in the 28 days before the start.',
      qty_uplift: 'during_daily_qty / baseline_daily_qty - 1 (0.5 = +50 %); null without baseline sales.',
      during_daily_net_minor: 'Booked net revenue of the promoted SKUs per day within the window, minor units.',
      baseline_daily_net_minor: 'Booked net revenue of the promoted SKUs per day in the 28 days before, minor units.',
      revenue_uplift: 'during_daily_net_minor / baseline_daily_net_minor - 1; null without baseline sales.',
    },
  );
}

const stockKeyColumns = {
  sku: 'Product SKU.',
  warehouse_id: 'Warehouse id.',
};

async function createStockViews(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE VIEW analytics.stock_levels AS
    WITH lots AS (
      SELECT sku, warehouse_id, sum(qty) AS on_hand, sum(qty) FILTER (WHERE expiry_date > ${TODAY}) AS sellable,
             min(expiry_date) FILTER (WHERE qty > 0) AS earliest_expiry
        FROM analytics_facts.stock_lots
       GROUP BY sku, warehouse_id
    ), transit AS (
      SELECT sku, to_warehouse_id AS warehouse_id, sum(qty) AS in_transit
        FROM analytics_facts.transfers
       WHERE sent_at IS NOT NULL AND received_at IS NULL
       GROUP BY sku, to_warehouse_id
    )
    SELECT s.sku, p.name AS product_name, p.brand, p.category, s.warehouse_id, w.region_code,
           coalesce(l.on_hand, 0)::bigint AS on_hand,
           coalesce(l.sellable, 0)::bigint AS sellable,
           s.reserved,
           greatest(coalesce(l.sellable, 0) - s.reserved, 0)::bigint AS available,
           coalesce(t.in_transit, 0)::bigint AS in_transit,
           l.earliest_expiry,
           (coalesce(l.on_hand, 0) * coalesce(p.base_price_minor, 0))::bigint AS value_minor,
           p.currency
      FROM analytics_facts.stock_positions s
      LEFT JOIN lots l ON l.sku = s.sku AND l.warehouse_id = s.warehouse_id
      LEFT JOIN transit t ON t.sku = s.sku AND t.warehouse_id = s.warehouse_id
      LEFT JOIN analytics_facts.products p ON p.sku = s.sku
      LEFT JOIN analytics_facts.warehouses w ON w.warehouse_id = s.warehouse_id`,
    )
    .execute(db);
  await document(db, 'analytics.stock_levels', 'Stock now, per SKU and warehouse.', {
    ...stockKeyColumns,
    product_name: dimensionColumns.product_name,
    brand: dimensionColumns.brand,
    category: dimensionColumns.category,
    region_code: 'Region the warehouse serves.',
    on_hand: 'Units in the warehouse, expired lots included until written off.',
    sellable: 'Units in lots that have not expired (expiry date after today, UTC).',
    reserved: 'Units reserved for orders not yet shipped.',
    available: 'sellable - reserved, at least 0.',
    in_transit: 'Units transferred out of another warehouse towards this one and not yet received (the stock on order).',
    earliest_expiry: 'Earliest expiry date of a lot holding stock.',
    value_minor: 'on_hand at the base (list) price, minor units.',
    currency: 'Currency of value_minor.',
  });

  await sql
    .raw(
      `
    CREATE VIEW analytics.stock_daily AS
    WITH first_days AS (
      SELECT sku, warehouse_id, min(day) AS first_day FROM analytics_facts.stock_movements GROUP BY sku, warehouse_id
    ), days AS (
      SELECT f.sku, f.warehouse_id, d::date AS day
        FROM first_days f, generate_series(f.first_day, greatest(${TODAY}, f.first_day), interval '1 day') d
    )
    SELECT d.sku, d.warehouse_id, d.day,
           coalesce(m.received, 0) AS received,
           coalesce(m.picked, 0) AS picked,
           coalesce(m.adjusted, 0) AS adjusted,
           coalesce(m.transferred_in, 0) AS transferred_in,
           coalesce(m.transferred_out, 0) AS transferred_out,
           coalesce(m.written_off, 0) AS written_off,
           sum(coalesce(m.received - m.picked + m.adjusted + m.transferred_in - m.transferred_out - m.written_off, 0))
             OVER (PARTITION BY d.sku, d.warehouse_id ORDER BY d.day)::bigint AS on_hand
      FROM days d
      LEFT JOIN analytics_facts.stock_movements m ON m.sku = d.sku AND m.warehouse_id = d.warehouse_id AND m.day = d.day`,
    )
    .execute(db);
  await document(
    db,
    'analytics.stock_daily',
    'Stock movements and the on-hand quantity at the end of each UTC day, per SKU and warehouse, from its first movement to today.',
    {
      ...stockKeyColumns,
      day: 'UTC day.',
      received: 'Units received from suppliers.',
      picked: 'Units picked for shipments to dealers (the outflow that turnover counts).',
      adjusted: 'Net units of stock-count adjustments (signed).',
      transferred_in: 'Units transferred in from other warehouses.',
      transferred_out: 'Units transferred out to other warehouses.',
      written_off: 'Units written off as expired.',
      on_hand: 'On hand at the end of the day.',
    },
  );

  await sql
    .raw(
      `
    CREATE VIEW analytics.expiry_risk AS
    SELECT l.sku, p.name AS product_name, p.brand, p.category, l.warehouse_id, l.lot, l.production_date, l.expiry_date,
           l.expiry_date - ${TODAY} AS days_left,
           CASE WHEN l.expiry_date - ${TODAY} <= 0 THEN 'expired'
                WHEN l.expiry_date - ${TODAY} <= 30 THEN 'red'
                WHEN l.expiry_date - ${TODAY} <= 90 THEN 'yellow'
                WHEN l.expiry_date - ${TODAY} <= 180 THEN 'blue' END AS tier,
           l.qty, (l.qty * coalesce(p.base_price_minor, 0))::bigint AS value_minor, p.currency
      FROM analytics_facts.stock_lots l
      LEFT JOIN analytics_facts.products p ON p.sku = l.sku
     WHERE l.qty > 0`,
    )
    .execute(db);
  await document(db, 'analytics.expiry_risk', 'Lots holding stock with their remaining shelf life, expiry tier and value.', {
    ...stockKeyColumns,
    product_name: dimensionColumns.product_name,
    brand: dimensionColumns.brand,
    category: dimensionColumns.category,
    lot: 'Lot code.',
    production_date: 'Production date.',
    expiry_date: 'Expiry date; the lot is sellable before this day.',
    days_left: 'Days from today (UTC) to the expiry date; 0 or less: expired.',
    tier: 'expired (days_left <= 0), red (<= 30), yellow (<= 90), blue (<= 180), null beyond: the default EXPIRY_*_DAYS thresholds (the API uses the configured ones).',
    qty: 'Units in the lot.',
    value_minor: 'qty at the base (list) price, minor units.',
    currency: 'Currency of value_minor.',
  });

  await sql
    .raw(
      `
    CREATE VIEW analytics.demand_daily AS
    SELECT o.placed_on AS day, a.sku, a.warehouse_id, sum(a.qty)::bigint AS qty, count(DISTINCT a.order_id) AS orders
      FROM analytics_facts.order_allocations a
      JOIN analytics_facts.orders o ON o.order_id = a.order_id
     WHERE ${BOOKED}
     GROUP BY o.placed_on, a.sku, a.warehouse_id`,
    )
    .execute(db);
  await document(
    db,
    'analytics.demand_daily',
    'Booked demand per UTC day of placement, SKU and the warehouse that serves it (from the stock the order reserved there).',
    {
      day: 'The UTC day the orders were placed.',
      ...stockKeyColumns,
      qty: 'Units of booked orders to ship from this warehouse, gifts included.',
      orders: 'Distinct orders.',
    },
  );
}

async function createInventoryAnalysisViews(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE VIEW analytics.inventory_turnover AS
    WITH window_days AS (
      SELECT ${TODAY} - 29 AS first_day, ${TODAY} AS last_day, 30 AS days
    ), outflow AS (
      SELECT sd.sku, sd.warehouse_id, sum(sd.picked) AS shipped_qty, sum(sd.on_hand) AS on_hand_days
        FROM analytics.stock_daily sd, window_days w
       WHERE sd.day BETWEEN w.first_day AND w.last_day
       GROUP BY sd.sku, sd.warehouse_id
    ), demand AS (
      SELECT dd.sku, dd.warehouse_id, sum(dd.qty) AS demand_qty
        FROM analytics.demand_daily dd, window_days w
       WHERE dd.day BETWEEN w.first_day AND w.last_day
       GROUP BY dd.sku, dd.warehouse_id
    ), figures AS (
      SELECT s.sku, s.warehouse_id, w.first_day, w.last_day, w.days, s.on_hand, s.available,
             coalesce(o.shipped_qty, 0)::bigint AS shipped_qty,
             coalesce(o.on_hand_days, 0)::float8 / w.days AS average_on_hand,
             coalesce(d.demand_qty, 0)::bigint AS demand_qty,
             coalesce(d.demand_qty, 0)::float8 / w.days AS average_daily_demand
        FROM analytics.stock_levels s
       CROSS JOIN window_days w
        LEFT JOIN outflow o ON o.sku = s.sku AND o.warehouse_id = s.warehouse_id
        LEFT JOIN demand d ON d.sku = s.sku AND d.warehouse_id = s.warehouse_id
    )
    SELECT sku, warehouse_id, first_day, last_day, days, on_hand, available, shipped_qty, average_on_hand,
           shipped_qty / nullif(average_on_hand, 0) AS turnover,
           demand_qty, average_daily_demand,
           available / nullif(average_daily_demand, 0) AS days_of_cover
      FROM figures`,
    )
    .execute(db);
  await document(
    db,
    'analytics.inventory_turnover',
    'Turnover and days of cover per SKU and warehouse over the last 30 days (today included).',
    {
      ...stockKeyColumns,
      first_day: 'First day of the window (today - 29, UTC).',
      last_day: 'Last day of the window (today).',
      days: 'Days in the window: 30.',
      on_hand: 'On hand now.',
      available: 'Available now.',
      shipped_qty: 'Units picked for shipments in the window.',
      average_on_hand: 'Mean end-of-day on hand over the window (0 before the first movement).',
      turnover: 'shipped_qty / average_on_hand: how many times the average stock went out in the window; null without stock.',
      demand_qty: 'Booked demand on this warehouse in the window (see demand_daily).',
      average_daily_demand: 'demand_qty / days.',
      days_of_cover: 'available / average_daily_demand: days the available stock lasts at that rate; null without demand.',
    },
  );

  // The replenishment formula with its default parameters; GET /v1/analytics/replenishment takes others.
  await sql
    .raw(
      `
    CREATE VIEW analytics.replenishment AS
    WITH params AS (
      SELECT ${TODAY} AS as_of, 28 AS window_days, 7 AS lead_time_days, 7 AS review_period_days,
             0.95::float8 AS service_level, 1.6448536269514722::float8 AS z
    ), demand AS (
      SELECT dd.sku, dd.warehouse_id,
             sum(dd.qty)::float8 AS total,
             coalesce(sum(dd.qty) FILTER (WHERE dd.day < p.as_of - p.window_days / 2), 0)::float8 AS earlier_total,
             coalesce(sum(dd.qty) FILTER (WHERE dd.day >= p.as_of - p.window_days / 2), 0)::float8 AS recent_total,
             sum(dd.qty::float8 * dd.qty) AS sum_of_squares
        FROM analytics.demand_daily dd, params p
       WHERE dd.day >= p.as_of - p.window_days AND dd.day < p.as_of
       GROUP BY dd.sku, dd.warehouse_id
    ), pairs AS (
      SELECT sku, warehouse_id FROM analytics.stock_levels UNION SELECT sku, warehouse_id FROM demand
    ), inputs AS (
      SELECT pr.sku, pr.warehouse_id, p.*,
             coalesce(d.total, 0) AS demand_qty,
             coalesce(d.total, 0) / p.window_days AS average_daily_demand,
             coalesce(d.earlier_total, 0) / (p.window_days / 2) AS earlier_daily_demand,
             coalesce(d.recent_total, 0) / (p.window_days / 2) AS recent_daily_demand,
             sqrt(greatest(coalesce(d.sum_of_squares, 0) / p.window_days - (coalesce(d.total, 0) / p.window_days) ^ 2, 0)) AS demand_std_dev,
             coalesce(s.on_hand, 0) AS on_hand, coalesce(s.reserved, 0) AS reserved,
             coalesce(s.available, 0) AS available, coalesce(s.in_transit, 0) AS on_order
        FROM pairs pr
       CROSS JOIN params p
        LEFT JOIN demand d ON d.sku = pr.sku AND d.warehouse_id = pr.warehouse_id
        LEFT JOIN analytics.stock_levels s ON s.sku = pr.sku AND s.warehouse_id = pr.warehouse_id
    ), forecast AS (
      SELECT i.*,
             greatest(i.average_daily_demand + (i.recent_daily_demand - i.earlier_daily_demand), 0) AS forecast_daily_demand,
             i.z * i.demand_std_dev * sqrt(i.lead_time_days) AS safety_stock
        FROM inputs i
    ), policy AS (
      SELECT f.*,
             f.forecast_daily_demand * f.lead_time_days + f.safety_stock AS reorder_point,
             f.forecast_daily_demand * f.review_period_days AS cycle_demand
        FROM forecast f
    )
    SELECT sku, warehouse_id, as_of, window_days, lead_time_days, review_period_days, service_level, z,
           demand_qty, average_daily_demand, earlier_daily_demand, recent_daily_demand,
           (recent_daily_demand - earlier_daily_demand) / (window_days / 2) AS trend_per_day,
           forecast_daily_demand, demand_std_dev, on_hand, reserved, available, on_order,
           safety_stock, reorder_point, cycle_demand, reorder_point + cycle_demand AS target_level,
           available + on_order AS stock_position,
           (available + on_order <= reorder_point AND reorder_point > 0) AS reorder_now,
           greatest(0, ceil(reorder_point + cycle_demand - available - on_order - 1e-9))::bigint AS suggested_qty
      FROM policy`,
    )
    .execute(db);
  await document(
    db,
    'analytics.replenishment',
    'Replenishment suggestions per SKU and warehouse with every input shown, at the default parameters ' +
      '(28-day demand window, 7 days lead time, 7 days review period, 95 % service level).',
    {
      ...stockKeyColumns,
      as_of: 'Today (UTC); the demand window is the window_days days before it.',
      window_days: 'Days of demand history: 28.',
      lead_time_days: 'Days from ordering to receiving stock: 7.',
      review_period_days: 'Days until the next replenishment review; the order must cover them: 7.',
      service_level: 'Probability of not running out during the lead time: 0.95.',
      z: 'Standard normal quantile of the service level (1.645 for 95 %).',
      demand_qty: 'Booked demand on this warehouse in the window (demand_daily).',
      average_daily_demand: 'demand_qty / window_days (the moving average).',
      earlier_daily_demand: 'Average daily demand over the first half of the window.',
      recent_daily_demand: 'Average daily demand over the second half of the window.',
      trend_per_day: 'Change of daily demand per day: (recent - earlier) / (window_days / 2).',
      forecast_daily_demand:
        'Daily demand expected from now: the moving average carried along the trend to the end of the window, average + (recent - earlier), at least 0.',
      demand_std_dev: 'Standard deviation of daily demand over the window (days without demand count as 0).',
      on_hand: 'On hand now.',
      reserved: 'Reserved now.',
      available: 'Available now (sellable - reserved).',
      on_order: 'In transit towards this warehouse.',
      safety_stock: 'z x demand_std_dev x sqrt(lead_time_days).',
      reorder_point: 'forecast_daily_demand x lead_time_days + safety_stock.',
      cycle_demand: 'forecast_daily_demand x review_period_days.',
      target_level: 'reorder_point + cycle_demand: the level an order should bring the stock position up to.',
      stock_position: 'available + on_order.',
      reorder_now: 'true when the stock position is at or below a positive reorder point.',
      suggested_qty: 'max(0, ceil(reorder_point + cycle_demand - available - on_order)).',
    },
  );
}

async function createAnalystRole(db: Kysely<unknown>): Promise<void> {
  // Roles belong to the cluster: another database may have created it already.
  await sql
    .raw(
      `
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ANALYST}') THEN
        CREATE ROLE ${ANALYST} NOLOGIN;
        COMMENT ON ROLE ${ANALYST} IS 'Read-only access to the documented analytics views; grant it to a login role per analyst.';
      END IF;
    EXCEPTION
      WHEN duplicate_object THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'The analytics migration needs the role ${ANALYST}: create it once as a superuser '
          '(CREATE ROLE ${ANALYST} NOLOGIN) or migrate as a role with CREATEROLE';
    END $$`,
    )
    .execute(db);
  await sql.raw(`GRANT USAGE ON SCHEMA analytics TO ${ANALYST}`).execute(db);
  await sql.raw(`GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO ${ANALYST}`).execute(db);
  await sql.raw(`ALTER DEFAULT PRIVILEGES IN SCHEMA analytics GRANT SELECT ON TABLES TO ${ANALYST}`).execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await createFactTables(db);
  await sql`CREATE SCHEMA analytics`.execute(db);
  await sql`COMMENT ON SCHEMA analytics IS 'Documented, stable views for analysts (read with the dealerline_analyst role). Days are UTC; money is in minor units.'`.execute(
    db,
  );
  await createMasterDataViews(db);
  await createOrderViews(db);
  await createShipmentViews(db);
  await createPromotionView(db);
  await createStockViews(db);
  await createInventoryAnalysisViews(db);
  await createAnalystRole(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`ALTER DEFAULT PRIVILEGES IN SCHEMA analytics REVOKE SELECT ON TABLES FROM ${ANALYST}`).execute(db);
  await sql`DROP SCHEMA analytics CASCADE`.execute(db);
  await sql`DROP SCHEMA analytics_facts CASCADE`.execute(db);
  // The role stays while other databases of the cluster still grant it something.
  await sql
    .raw(
      `
    DO $$
    BEGIN
      DROP ROLE IF EXISTS ${ANALYST};
    EXCEPTION WHEN dependent_objects_still_exist THEN
      RAISE NOTICE 'Role ${ANALYST} is still used elsewhere; it was kept';
    END $$`,
    )
    .execute(db);
}
