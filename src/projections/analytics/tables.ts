// The analytics read model: fact tables (schema `analytics_facts`, written by the projection) and
// the documented views over them (schema `analytics`, read by the API and by analysts).
import type { ColumnType, Generated } from 'kysely';

/** Dates are 'YYYY-MM-DD' strings (see src/db/database.ts). */
type DateString = string;

/** A view column: read only. */
type View<Row> = { [Column in keyof Row]: ColumnType<Row[Column], never, never> };

export type AnalyticsFactTables = {
  'analytics_facts.products': {
    sku: string;
    name: string;
    brand: string;
    category: string;
    unit: string;
    case_size: number | null;
    base_price_minor: number;
    currency: string;
    active: boolean;
    registered_at: Date;
  };
  'analytics_facts.dealers': { dealer_id: string; name: string; tier: string; registered_at: Date };
  'analytics_facts.warehouses': { warehouse_id: string; name: string; region_code: string };
  'analytics_facts.promotions': {
    promotion_id: string;
    title: string;
    kind: string;
    starts_at: Date;
    ends_at: Date;
    ended_at: Date | null;
    stackable: boolean;
  };
  'analytics_facts.orders': {
    order_id: string;
    dealer_id: string;
    region_code: string;
    channel: string;
    currency: string;
    placed_at: Date;
    placed_on: DateString;
    subtotal_minor: number;
    discount_minor: number;
    total_minor: number;
    qty: number;
    gift_qty: number;
    status: string;
    first_decision: string | null;
    first_reasons: Generated<string[]>;
    approved_at: Date | null;
    rejected_at: Date | null;
    cancelled_at: Date | null;
    shipment_count: Generated<number>;
    shipped_qty: Generated<number>;
    shipped_net_minor: Generated<number>;
    first_shipped_at: Date | null;
    delivered_at: Date | null;
    completed_at: Date | null;
    refunded_minor: Generated<number>;
  };
  'analytics_facts.order_lines': {
    order_id: string;
    line_no: number;
    sku: string;
    product_name: string | null;
    brand: string | null;
    category: string | null;
    is_gift: boolean;
    qty: number;
    unit_price_minor: number;
    gross_minor: number;
    discount_minor: number;
    net_minor: number;
    promotion_ids: string[];
    dealer_id: string;
    region_code: string;
    currency: string;
    placed_at: Date;
    placed_on: DateString;
  };
  'analytics_facts.order_allocations': { order_id: string; sku: string; warehouse_id: string; qty: number };
  'analytics_facts.promotion_usage': {
    order_id: string;
    promotion_id: string;
    sku: string;
    is_gift: boolean;
    qty: number;
    gross_minor: number;
    discount_minor: number;
    net_minor: number;
  };
  'analytics_facts.shipments': {
    shipment_id: string;
    order_id: string;
    dealer_id: string;
    carrier: string | null;
    tracking_number: string | null;
    amount_minor: number;
    shipped_at: Date;
    shipped_on: DateString;
    delivered_at: Date | null;
    received_by: string | null;
  };
  'analytics_facts.shipment_lines': {
    shipment_id: string;
    line_no: number;
    order_id: string;
    dealer_id: string;
    sku: string;
    warehouse_id: string | null;
    qty: number;
    net_minor: number;
    shipped_at: Date;
    shipped_on: DateString;
  };
  'analytics_facts.refunds': {
    refund_id: string;
    return_id: string | null;
    order_id: string;
    dealer_id: string;
    amount_minor: number;
    method: string | null;
    refunded_at: Date;
    refunded_on: DateString;
  };
  'analytics_facts.rebate_programs': {
    program_id: string;
    title: string;
    starts_at: Date;
    ends_at: Date;
    tiers: string;
    settled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  };
  'analytics_facts.rebate_dealers': {
    program_id: string;
    dealer_id: string;
    basis_minor: ColumnType<number, number | undefined, number>;
    settled_minor: ColumnType<number | null, number | null | undefined, number | null>;
  };
  'analytics_facts.stock_positions': { sku: string; warehouse_id: string; reserved: Generated<number> };
  'analytics_facts.stock_lots': {
    sku: string;
    warehouse_id: string;
    lot: string;
    production_date: DateString;
    expiry_date: DateString;
    qty: number;
  };
  'analytics_facts.transfers': {
    transfer_id: string;
    sku: string;
    from_warehouse_id: string;
    to_warehouse_id: string;
    qty: number;
    sent_at: Date | null;
    received_at: Date | null;
  };
};

type Dimensions = {
  sku: string;
  product_name: string | null;
  brand: string | null;
  category: string | null;
  dealer_id: string;
  dealer_name: string | null;
  region_code: string | null;
  currency: string;
};

export type AnalyticsViews = {
  'analytics.sales_lines': View<
    Dimensions & {
      order_id: string;
      line_no: number;
      day: DateString;
      placed_at: Date;
      is_gift: boolean;
      qty: number;
      gift_qty: number;
      unit_price_minor: number;
      gross_minor: number;
      discount_minor: number;
      net_minor: number;
      promotion_ids: string[];
    }
  >;
  'analytics.shipment_lines': View<
    Dimensions & {
      shipment_id: string;
      line_no: number;
      order_id: string;
      day: DateString;
      shipped_at: Date;
      warehouse_id: string | null;
      qty: number;
      net_minor: number;
    }
  >;
  'analytics.refunds': View<{
    refund_id: string;
    return_id: string | null;
    order_id: string;
    dealer_id: string;
    dealer_name: string | null;
    region_code: string | null;
    currency: string;
    amount_minor: number;
    method: string | null;
    refunded_at: Date;
    day: DateString;
  }>;
  'analytics.orders': View<{
    order_id: string;
    dealer_id: string;
    dealer_name: string | null;
    region_code: string;
    channel: string;
    currency: string;
    placed_at: Date;
    day: DateString;
    status: string;
    first_decision: string | null;
    first_reasons: string[];
    booked: boolean;
    approved_at: Date | null;
    rejected_at: Date | null;
    cancelled_at: Date | null;
    decided_at: Date | null;
    decision_seconds: number | null;
  }>;
  'analytics.promotion_performance': View<{
    promotion_id: string;
    title: string;
    kind: string;
    starts_at: Date;
    ends_at: Date;
    ended_at: Date | null;
    window_end: Date;
    active: boolean;
    window_days: number;
    orders: number;
    qty: number;
    gift_qty: number;
    gross_minor: number;
    discount_minor: number;
    net_minor: number;
    promoted_skus: string[];
    baseline_days: number;
    during_daily_qty: number | null;
    baseline_daily_qty: number;
    qty_uplift: number | null;
    during_daily_net_minor: number | null;
    baseline_daily_net_minor: number;
    revenue_uplift: number | null;
  }>;
  'analytics.stock_levels': View<{
    sku: string;
    product_name: string | null;
    brand: string | null;
    category: string | null;
    warehouse_id: string;
    region_code: string | null;
    on_hand: number;
    sellable: number;
    reserved: number;
    available: number;
    in_transit: number;
    earliest_expiry: DateString | null;
    value_minor: number;
    currency: string | null;
  }>;
  'analytics.stock_daily': View<{
    sku: string;
    warehouse_id: string;
    day: DateString;
    received: number;
    picked: number;
    adjusted: number;
    transferred_in: number;
    transferred_out: number;
    written_off: number;
    on_hand: number;
  }>;
  'analytics.expiry_risk': View<{
    sku: string;
    product_name: string | null;
    brand: string | null;
    category: string | null;
    warehouse_id: string;
    lot: string;
    production_date: DateString;
    expiry_date: DateString;
    days_left: number;
    tier: string | null;
    qty: number;
    value_minor: number;
    currency: string | null;
  }>;
  'analytics.demand_daily': View<{ day: DateString; sku: string; warehouse_id: string; qty: number; orders: number }>;
};

export type AnalyticsTables = AnalyticsFactTables & AnalyticsViews;
