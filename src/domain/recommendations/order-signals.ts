// What one placed order tells the recommendations: which SKUs its dealer ordered and when (its
// cadence), which SKUs were ordered together (across dealers), and how many units of each its
// region took, weighted so that recent months count more.
import type { OrderPlacedData } from '../ordering/order.ts';

/** Pairs are counted among an order's first SKUs only: an order of 500 lines would make 250 000. */
export const PAIRED_SKUS_PER_ORDER = 20;

/** Popularity doubles in weight every period after this instant, so each period counts twice the one before. */
export const POPULARITY_EPOCH = Date.parse('2025-01-01T00:00:00Z');
export const POPULARITY_PERIOD_DAYS = 30;

export type OrderSignals = {
  dealerId: string;
  placedAt: string;
  regionCode: string;
  /** Distinct, in line order. */
  skus: string[];
  /** Every ordered pair of distinct SKUs among the first PAIRED_SKUS_PER_ORDER. */
  pairs: [string, string][];
  /** Per SKU, its units times 2^(periods since the epoch), as an exact decimal integer. */
  weights: Map<string, bigint>;
};

/** The period an instant falls in (0 before the epoch): whole 30-day periods since it. */
export function popularityPeriodOf(instant: string): number {
  const elapsed = Date.parse(instant) - POPULARITY_EPOCH;
  if (Number.isNaN(elapsed)) throw new Error(`Not an instant: ${instant}`);
  return Math.max(0, Math.floor(elapsed / (POPULARITY_PERIOD_DAYS * 86_400_000)));
}

export function orderSignals(order: Pick<OrderPlacedData, 'dealerId' | 'placedAt' | 'regionCode' | 'lines'>): OrderSignals {
  const period = BigInt(popularityPeriodOf(order.placedAt));
  const weights = new Map<string, bigint>();
  for (const line of order.lines) weights.set(line.sku, (weights.get(line.sku) ?? 0n) + (BigInt(line.qty) << period));
  const skus = [...weights.keys()];
  const paired = skus.slice(0, PAIRED_SKUS_PER_ORDER);
  const pairs = paired.flatMap((sku) => paired.filter((other) => other !== sku).map((other): [string, string] => [sku, other]));
  return { dealerId: order.dealerId, placedAt: order.placedAt, regionCode: order.regionCode, skus, pairs, weights };
}
