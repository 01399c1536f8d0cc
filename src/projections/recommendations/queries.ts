// The candidates of each reason to recommend SKUs to a dealer, with what the answer shows of each
// SKU, in one statement: what it is due to reorder (its own cadence), what is ordered with what it
// ordered lately (across dealers), what is popular in its territories and new to it, what is on
// promotion for it. Only active SKUs with stock available, at most `perReason` of each, best first.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Candidate } from '../../domain/recommendations/recommend.ts';
import { availableOfSku, skuInStock } from '../inventory/queries.ts';
import { activeAt, viewerMay } from '../promotions/queries.ts';

export type RecommendationQuery = {
  dealerId: string;
  tier: string | undefined;
  territories: readonly string[];
  now: Date;
  perReason: number;
};

/** A candidate with the SKU's name, stock and prices (the dealer's tier's and contract's, if any). */
export type CandidateRow = Candidate & {
  name: string;
  available: number;
  basePriceMinor: number;
  tierPriceMinor: number | null;
  contractPriceMinor: number | null;
};

/** What the dealer ordered lately, that `bought_together` starts from. */
const ANCHORS = 10;
/** Partners read per anchor, strongest first. */
const PARTNERS = 20;
/** Popular SKUs read per territory, most popular first, before those the dealer knows are left out. */
const POPULAR = 60;
/** SKUs of one promotion. */
const PROMOTED = 20;

export async function recommendationCandidates(db: Db, query: RecommendationQuery): Promise<CandidateRow[]> {
  const { dealerId, tier, now, perReason } = query;
  const territories = [...query.territories];
  const days = (interval: ReturnType<typeof sql>) => sql`(extract(epoch FROM ${interval}) / 86400)`;
  const usualInterval = sql`((m.last_ordered_at - m.first_ordered_at) / (m.order_count - 1))`;
  const { rows } = await sql<CandidateRow>`
    WITH mine AS (
      SELECT sku, order_count, first_ordered_at, last_ordered_at FROM ${sql.table('recommendations.dealer_skus')} WHERE dealer_id = ${dealerId}
    ), due AS (
      SELECT 'due_to_reorder' AS reason, m.sku, ${days(sql`${now}::timestamptz - m.last_ordered_at`)} / ${days(usualInterval)} AS score,
             jsonb_build_object('intervalDays', round(${days(usualInterval)})::int, 'daysSince', floor(${days(sql`${now}::timestamptz - m.last_ordered_at`)})::int,
                                'orders', m.order_count) AS facts
        FROM mine m
       WHERE m.order_count >= 2 AND m.last_ordered_at > m.first_ordered_at AND ${now}::timestamptz - m.last_ordered_at >= ${usualInterval}
    ), anchors AS (
      SELECT sku FROM mine ORDER BY last_ordered_at DESC, sku LIMIT ${ANCHORS}
    ), together AS (
      SELECT 'bought_together' AS reason, p.other_sku AS sku, sum(p.orders)::float8 AS score,
             (array_agg(jsonb_build_object('with', p.sku, 'orders', p.orders) ORDER BY p.orders DESC, p.sku))[1] AS facts
        FROM anchors a
        CROSS JOIN LATERAL (
          SELECT x.sku, x.other_sku, x.orders FROM ${sql.table('recommendations.pairs')} x WHERE x.sku = a.sku ORDER BY x.orders DESC, x.other_sku LIMIT ${PARTNERS}
        ) p
       WHERE NOT EXISTS (SELECT 1 FROM anchors b WHERE b.sku = p.other_sku)
       GROUP BY p.other_sku
    ), popular AS (
      SELECT DISTINCT ON (r.sku) 'popular_in_region' AS reason, r.sku, -r.rank::float8 AS score, jsonb_build_object('region', r.region, 'rank', r.rank) AS facts
        FROM unnest(${territories}::text[]) AS t(region)
        CROSS JOIN LATERAL (
          SELECT s.sku, t.region, (row_number() OVER (ORDER BY s.score DESC, s.sku))::int AS rank
            FROM ${sql.table('recommendations.region_skus')} s WHERE s.region_code = t.region ORDER BY s.score DESC, s.sku LIMIT ${POPULAR}
        ) r
       WHERE NOT EXISTS (SELECT 1 FROM mine m WHERE m.sku = r.sku)
       ORDER BY r.sku, r.rank
    ), offered AS (
      SELECT p.id, p.title, p.priority, p.skus, p.rule_skus, p.brands, p.categories
        FROM ${sql.table('promotions.promotions')} p
       WHERE ${activeAt(now)} AND ${viewerMay({ dealerId, tier, territories })}
    ), promoted AS (
      -- Promotions on named SKUs: those SKUs; on brands or categories only: what the dealer buys of them.
      SELECT DISTINCT ON (c.sku) 'promoted_for_you' AS reason, c.sku, o.priority::float8 AS score, jsonb_build_object('promotionId', o.id, 'title', o.title) AS facts
        FROM offered o
        CROSS JOIN LATERAL (
          SELECT s.sku FROM unnest(CASE WHEN cardinality(o.skus) > 0 THEN o.skus ELSE o.rule_skus END) AS s(sku)
           WHERE cardinality(o.skus) + cardinality(o.rule_skus) > 0 AND (cardinality(o.rule_skus) = 0 OR s.sku = ANY(o.rule_skus))
          UNION
          SELECT m.sku FROM mine m
           WHERE cardinality(o.skus) + cardinality(o.rule_skus) = 0 AND cardinality(o.brands) + cardinality(o.categories) > 0
          LIMIT ${PROMOTED}
        ) s
        JOIN ${sql.table('catalog.products')} c ON c.sku = s.sku
       WHERE (cardinality(o.brands) = 0 OR c.brand = ANY(o.brands)) AND (cardinality(o.categories) = 0 OR c.category = ANY(o.categories))
       ORDER BY c.sku, o.priority DESC, o.id
    ), candidates AS (
      SELECT * FROM due UNION ALL SELECT * FROM together UNION ALL SELECT * FROM popular UNION ALL SELECT * FROM promoted
    ), ranked AS (
      SELECT c.reason, c.sku, c.facts, p.name, p.base_price_minor, row_number() OVER (PARTITION BY c.reason ORDER BY c.score DESC, c.sku) AS n
        FROM candidates c
        JOIN ${sql.table('catalog.products')} p ON p.sku = c.sku AND p.active
       WHERE ${skuInStock(sql.ref('c.sku'))}
    )
    SELECT r.reason, r.sku, r.name, ${availableOfSku(sql.ref('r.sku'))} AS available, r.base_price_minor AS "basePriceMinor",
           (SELECT t.price_minor FROM ${sql.table('catalog.tier_prices')} t WHERE t.sku = r.sku AND t.tier = ${tier ?? null}) AS "tierPriceMinor",
           (SELECT d.price_minor FROM ${sql.table('catalog.dealer_prices')} d WHERE d.sku = r.sku AND d.dealer_id = ${dealerId}) AS "contractPriceMinor",
           CASE WHEN r.reason = 'bought_together'
                THEN r.facts || jsonb_build_object('withName', coalesce((SELECT w.name FROM ${sql.table('catalog.products')} w WHERE w.sku = r.facts->>'with'), r.facts->>'with'))
                ELSE r.facts END AS facts
      FROM ranked r
     WHERE r.n <= ${perReason}
     ORDER BY r.reason, r.n`.execute(db);
  return rows;
}
