// The promotions read model's tables (schema `promotions`).
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

export type PromotionsTables = {
  'promotions.promotions': {
    id: string;
    title: string;
    kind: string;
    /** Written as JSON text (node-postgres would not serialize an object for jsonb by itself). */
    rule: JSONColumnType<Record<string, unknown>, string, string>;
    priority: number;
    stackable: boolean;
    tiers: string[];
    territories: string[];
    dealer_ids: string[];
    skus: string[];
    brands: string[];
    categories: string[];
    rule_skus: string[];
    cap_per_dealer: number | null;
    cap_total: number | null;
    budgets: ColumnType<Record<string, { maxDiscountMinor?: number; maxUnits?: number }>, string | undefined, string>;
    starts_at: Date;
    ends_at: Date;
    ended_at: Date | null;
    active_until: ColumnType<Date, never, never>;
    redemptions: Generated<number>;
    version: number;
    created_at: Date;
    updated_at: Date;
  };
  'promotions.dealer_redemptions': { promotion_id: string; dealer_id: string; redemptions: number };
};
