// The orders read model's tables (schema `orders`).
import type { PromotionNotApplied } from '../../domain/ordering/cart.ts';
import type { ColumnType, JSONColumnType } from 'kysely';
import type {
  Gift,
  PricedLine,
  Reason,
  ReceivedLine,
  Reservations,
  ReturnLine,
  ShipmentException,
  ShipmentLine,
} from '../../domain/ordering/order.ts';
import type { RiskAssessment } from '../../domain/ordering/risk.ts';

/** jsonb columns are written as JSON text (node-postgres would turn a JS array into a Postgres array). */
type Json<T extends object> = JSONColumnType<T, string, string>;

export type TimelineDetail = Record<string, unknown>;

export type OrdersTables = {
  'orders.orders': {
    id: string;
    dealer_id: string;
    status: string;
    decision: string;
    channel: string;
    region_code: string;
    delivery_address: string | null;
    note: string | null;
    subtotal_minor: number;
    discount_minor: number;
    total_minor: number;
    currency: string;
    prepay: boolean;
    reorder_of: string | null;
    lines: Json<PricedLine[]>;
    gifts: Json<Gift[]>;
    promotions_not_applied: ColumnType<PromotionNotApplied[], string | undefined, string>;
    reasons: Json<Reason[]>;
    risk: Json<RiskAssessment>;
    reservations: Json<Reservations>;
    placed_at: Date;
    decided_at: Date;
    updated_at: Date;
    version: number;
    released: ColumnType<boolean, boolean | undefined, boolean>;
    paid_minor: ColumnType<number, number | undefined, number>;
    completed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  };
  'orders.shipments': {
    order_id: string;
    shipment_id: string;
    seq: number;
    dealer_id: string;
    status: 'planned' | 'dispatched' | 'delivered';
    lines: Json<ShipmentLine[]>;
    amount_minor: number;
    carrier: string | null;
    tracking_number: string | null;
    /** 'YYYY-MM-DD'. */
    due_date: string | null;
    planned_at: Date;
    shipped_at: Date | null;
    delivered_at: Date | null;
    received_by: string | null;
    location: ColumnType<string | null, string | null | undefined, string | null>;
    eta: ColumnType<Date | null, Date | null | undefined, Date | null>;
    exceptions: JSONColumnType<ShipmentException[], string | undefined, string>;
  };
  'orders.returns': {
    order_id: string;
    return_id: string;
    seq: number;
    dealer_id: string;
    status: 'requested' | 'approved' | 'rejected' | 'received' | 'refunded';
    lines: Json<ReturnLine[]>;
    received: Json<ReceivedLine[]>;
    requested_at: Date;
    approved_at: Date | null;
    rejected_at: Date | null;
    rejection_reason: string | null;
    received_at: Date | null;
    refund_minor: number | null;
    refund_method: 'credit_note' | 'payment_refund' | null;
    credit_note_id: string | null;
    refunded_at: Date | null;
  };
  'orders.timeline': {
    order_id: string;
    revision: number;
    position: ColumnType<string, string, string>;
    event_type: string;
    status: string;
    at: Date;
    actor: string;
    role: string;
    detail: Json<TimelineDetail>;
  };
  'orders.dealer_history': { dealer_id: string; order_count: number; total_sum_minor: number; regions: string[] };
  'orders.dealer_sku_history': { dealer_id: string; sku: string; order_count: number; qty_sum: number };
};
