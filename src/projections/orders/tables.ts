// The orders read model's tables (schema `orders`).
import type { ColumnType, JSONColumnType } from 'kysely';
import type { Gift, PricedLine, Reason, Reservations } from '../../domain/ordering/order.ts';
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
    reasons: Json<Reason[]>;
    risk: Json<RiskAssessment>;
    reservations: Json<Reservations>;
    placed_at: Date;
    decided_at: Date;
    updated_at: Date;
    version: number;
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
