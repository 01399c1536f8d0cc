// The recommendations read model's tables (schema `recommendations`).
import type { ColumnType } from 'kysely';

export type RecommendationsTables = {
  'recommendations.dealer_skus': { dealer_id: string; sku: string; order_count: number; first_ordered_at: Date; last_ordered_at: Date };
  'recommendations.pairs': { sku: string; other_sku: string; orders: number };
  /** `score` is an exact numeric, read and written as a decimal string. */
  'recommendations.region_skus': { region_code: string; sku: string; score: ColumnType<string, string, string> };
};
