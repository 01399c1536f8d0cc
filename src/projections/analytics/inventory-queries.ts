// Inventory figures (stock, turnover, days of cover, expiring lots) and the demand history and
// stock position that replenishment suggestions are computed from, read from the `analytics` views.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { DemandHistory } from '../../domain/analytics/replenishment.ts';
import type { DayRange } from './queries.ts';

export type StockFilter = { sku?: string | undefined; warehouseId?: string | undefined; category?: string | undefined };

const pairKey = (row: { sku: string; warehouseId: string }) => `${row.sku}@${row.warehouseId}`;

type LevelRow = {
  sku: string;
  name: string | null;
  brand: string | null;
  category: string | null;
  warehouseId: string;
  onHand: number;
  reserved: number;
  available: number;
  inTransit: number;
  valueMinor: number;
  earliestExpiry: string | null;
};

async function stockLevels(db: Db, filter: StockFilter): Promise<LevelRow[]> {
  let query = db
    .selectFrom('analytics.stock_levels')
    .select([
      'sku',
      'product_name as name',
      'brand',
      'category',
      'warehouse_id as warehouseId',
      'on_hand as onHand',
      'reserved',
      'available',
      'in_transit as inTransit',
      'value_minor as valueMinor',
      'earliest_expiry as earliestExpiry',
    ]);
  if (filter.sku !== undefined) query = query.where('sku', '=', filter.sku);
  if (filter.warehouseId !== undefined) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (filter.category !== undefined) query = query.where('category', '=', filter.category);
  return query.orderBy('sku').orderBy('warehouse_id').execute();
}

/** The SKU and warehouse conditions, on the columns of `alias` when given. */
function pairFilter(filter: StockFilter, alias?: string): RawBuilder<SqlBool> {
  const column = (name: string) => sql.ref(alias ? `${alias}.${name}` : name);
  const parts: RawBuilder<SqlBool>[] = [];
  if (filter.sku !== undefined) parts.push(sql<SqlBool>`${column('sku')} = ${filter.sku}`);
  if (filter.warehouseId !== undefined) parts.push(sql<SqlBool>`${column('warehouse_id')} = ${filter.warehouseId}`);
  return parts.length === 0 ? sql<SqlBool>`true` : sql<SqlBool>`${sql.join(parts, sql` AND `)}`;
}

export type LotRisk = {
  sku: string;
  warehouseId: string;
  lot: string;
  expiryDate: string;
  daysLeft: number;
  qty: number;
  valueMinor: number;
};

export type InventoryRow = LevelRow & {
  shippedQty: number;
  averageOnHand: number;
  demandQty: number;
  lots: LotRisk[];
};

/**
 * Stock per SKU and warehouse now, with the window's outflow (picks for shipments), its mean
 * end-of-day on hand, its booked demand, and the lots holding stock.
 */
export async function inventoryReport(db: Db, filter: StockFilter & DayRange & { days: number }): Promise<InventoryRow[]> {
  const [levels, flows, demand, lots] = await Promise.all([
    stockLevels(db, filter),
    sql<{ sku: string; warehouseId: string; shippedQty: number; onHandDays: number }>`
      SELECT sku, warehouse_id AS "warehouseId", coalesce(sum(picked), 0)::bigint AS "shippedQty", coalesce(sum(on_hand), 0)::bigint AS "onHandDays"
        FROM ${sql.table('analytics.stock_daily')}
       WHERE day >= ${filter.from}::date AND day < ${filter.to}::date AND ${pairFilter(filter)}
       GROUP BY sku, warehouse_id`.execute(db),
    sql<{ sku: string; warehouseId: string; demandQty: number }>`
      SELECT sku, warehouse_id AS "warehouseId", coalesce(sum(qty), 0)::bigint AS "demandQty"
        FROM ${sql.table('analytics.demand_daily')}
       WHERE day >= ${filter.from}::date AND day < ${filter.to}::date AND ${pairFilter(filter)}
       GROUP BY sku, warehouse_id`.execute(db),
    sql<LotRisk>`
      SELECT sku, warehouse_id AS "warehouseId", lot, expiry_date AS "expiryDate", days_left AS "daysLeft", qty, value_minor AS "valueMinor"
        FROM ${sql.table('analytics.expiry_risk')}
       WHERE ${pairFilter(filter)}
       ORDER BY expiry_date, lot`.execute(db),
  ]);
  const flowOf = new Map(flows.rows.map((row) => [pairKey(row), row]));
  const demandOf = new Map(demand.rows.map((row) => [pairKey(row), row.demandQty]));
  const lotsOf = new Map<string, LotRisk[]>();
  for (const lot of lots.rows) lotsOf.set(pairKey(lot), [...(lotsOf.get(pairKey(lot)) ?? []), lot]);
  return levels.map((level) => {
    const flow = flowOf.get(pairKey(level));
    return {
      ...level,
      shippedQty: flow?.shippedQty ?? 0,
      averageOnHand: (flow?.onHandDays ?? 0) / filter.days,
      demandQty: demandOf.get(pairKey(level)) ?? 0,
      lots: lotsOf.get(pairKey(level)) ?? [],
    };
  });
}

export type ReplenishmentInput = {
  sku: string;
  name: string | null;
  category: string | null;
  warehouseId: string;
  demand: DemandHistory;
  onHand: number;
  reserved: number;
  available: number;
  onOrder: number;
};

/**
 * Per SKU and warehouse with stock or demand: the booked demand of the `windowDays` days before
 * `asOf` (totals of both halves and the sum of squares of the daily demands) and the stock now.
 */
export async function replenishmentInputs(
  db: Db,
  filter: StockFilter & { asOf: string; windowDays: number },
): Promise<ReplenishmentInput[]> {
  const { asOf, windowDays } = filter;
  const [levels, demand] = await Promise.all([
    stockLevels(db, filter),
    sql<{
      sku: string;
      warehouseId: string;
      name: string | null;
      category: string | null;
      total: number;
      earlierTotal: number;
      recentTotal: number;
      sumOfSquares: number;
    }>`
      SELECT d.sku, d.warehouse_id AS "warehouseId", max(p.name) AS name, max(p.category) AS category,
             coalesce(sum(d.qty), 0)::bigint AS total,
             coalesce(sum(d.qty) FILTER (WHERE d.day < ${asOf}::date - ${windowDays / 2}::int), 0)::bigint AS "earlierTotal",
             coalesce(sum(d.qty) FILTER (WHERE d.day >= ${asOf}::date - ${windowDays / 2}::int), 0)::bigint AS "recentTotal",
             coalesce(sum(d.qty * d.qty), 0)::float8 AS "sumOfSquares"
        FROM ${sql.table('analytics.demand_daily')} d
        LEFT JOIN ${sql.table('analytics.products')} p ON p.sku = d.sku
       WHERE d.day >= ${asOf}::date - ${windowDays}::int AND d.day < ${asOf}::date AND ${pairFilter(filter, 'd')}
         AND (${filter.category ?? null}::text IS NULL OR p.category = ${filter.category ?? null})
       GROUP BY d.sku, d.warehouse_id`.execute(db),
  ]);
  const noDemand = { total: 0, earlierTotal: 0, recentTotal: 0, sumOfSquares: 0 };
  const inputs = new Map<string, ReplenishmentInput>();
  for (const level of levels) {
    const { sku, name, category, warehouseId, onHand, reserved, available, inTransit } = level;
    inputs.set(pairKey(level), {
      sku,
      name,
      category,
      warehouseId,
      demand: { windowDays, ...noDemand },
      onHand,
      reserved,
      available,
      onOrder: inTransit,
    });
  }
  for (const row of demand.rows) {
    const { sku, warehouseId, name, category, ...totals } = row;
    const known = inputs.get(pairKey(row)) ?? {
      sku,
      name,
      category,
      warehouseId,
      onHand: 0,
      reserved: 0,
      available: 0,
      onOrder: 0,
      demand: { windowDays, ...noDemand },
    };
    inputs.set(pairKey(row), { ...known, demand: { windowDays, ...totals } });
  }
  return [...inputs.values()].sort((a, b) => a.sku.localeCompare(b.sku) || a.warehouseId.localeCompare(b.warehouseId));
}
