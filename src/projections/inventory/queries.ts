// Inventory queries: warehouses, stock per SKU and warehouse with lots, expiring lots, low stock,
// movements; and the available-quantity expressions the catalog joins.
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import { businessDayOf } from '../../domain/shared/calendar.ts';
import type { MovementKind } from './tables.ts';

/** The read side's day: lots are sellable while this is before their expiry date (the business day, like the commands' `today`). */
const today = () => sql<string>`${businessDayOf(new Date())}::date`;

/** Sellable (unexpired) quantity minus reserved, at least 0, of the stock level row aliased `s`. */
const exactAvailableOfLevel = () => sql<number>`greatest(0, coalesce((SELECT sum(l.qty) FROM ${sql.table('inventory.lots')} l
  WHERE l.sku = s.sku AND l.warehouse_id = s.warehouse_id AND l.expiry_date > ${today()}), 0) - s.reserved)`;

/**
 * The available quantity over all warehouses of the SKU whose totals row is aliased `t`. The
 * stored total is exact until the earliest lot expires; only past that day is it recomputed.
 */
const availableOfTotals = () => sql<number>`CASE WHEN t.earliest_expiry IS NULL OR t.earliest_expiry > ${today()} THEN t.available
  ELSE (SELECT coalesce(sum(${exactAvailableOfLevel()}), 0) FROM ${sql.table('inventory.stock_levels')} s WHERE s.sku = t.sku) END`;

/** Available quantity of `sku` summed over warehouses (0 without stock). */
export function availableOfSku(sku: Expression<string>): RawBuilder<number> {
  return sql<number>`coalesce((SELECT ${availableOfTotals()} FROM ${sql.table('inventory.sku_totals')} t WHERE t.sku = ${sku}), 0)::bigint`;
}

/** True when `sku` has stock available somewhere; a semi-join the planner can run over the in-stock index. */
export function skuInStock(sku: Expression<string>): RawBuilder<SqlBool> {
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.table('inventory.sku_totals')} t WHERE t.sku = ${sku} AND t.available > 0 AND ${availableOfTotals()} > 0)`;
}

export type WarehouseRow = { id: string; name: string; regionCode: string; registeredAt: Date };

export async function listWarehouses(db: Db, page: { limit: number; after?: string | undefined }): Promise<WarehouseRow[]> {
  let query = db.selectFrom('inventory.warehouses').select(['id', 'name', 'region_code as regionCode', 'registered_at as registeredAt']);
  if (page.after !== undefined) query = query.where('id', '>', page.after);
  return query
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
}

export type LotRow = { lot: string; productionDate: string; expiryDate: string; qty: number; daysLeft: number };

export type StockRow = { sku: string; warehouseId: string; onHand: number; reserved: number; available: number; lots: LotRow[] };

export type StockFilter = { sku?: string | undefined; warehouseId?: string | undefined };

/** A page of stock levels (limit + 1 rows), each with its lots that hold stock, soonest expiry first. */
export async function listStock(
  db: Db,
  filter: StockFilter & { limit: number; after?: { sku: string; warehouseId: string } | undefined },
): Promise<StockRow[]> {
  let query = db.selectFrom('inventory.stock_levels').select(['sku', 'warehouse_id as warehouseId', 'on_hand as onHand', 'reserved']);
  if (filter.sku) query = query.where('sku', '=', filter.sku);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (filter.after) query = query.where(sql<SqlBool>`(sku, warehouse_id) > (${filter.after.sku}, ${filter.after.warehouseId})`);
  const levels = await query
    .orderBy('sku')
    .orderBy('warehouse_id')
    .limit(filter.limit + 1)
    .execute();
  if (levels.length === 0) return [];
  const lots = await db
    .selectFrom('inventory.lots')
    .select(['sku', 'warehouse_id as warehouseId', 'lot', 'production_date as productionDate', 'expiry_date as expiryDate', 'qty'])
    .select(sql<number>`(expiry_date - ${today()})::int`.as('daysLeft'))
    .where('qty', '>', 0)
    .where(sql<SqlBool>`(sku, warehouse_id) IN (${sql.join(levels.map((level) => sql`(${level.sku}, ${level.warehouseId})`))})`)
    .orderBy('expiry_date')
    .orderBy('lot')
    .execute();
  return levels.map((level) => {
    const own = lots.filter((lot) => lot.sku === level.sku && lot.warehouseId === level.warehouseId);
    const sellable = own.filter((lot) => lot.daysLeft > 0).reduce((total, lot) => total + lot.qty, 0);
    return {
      ...level,
      available: Math.max(0, sellable - level.reserved),
      lots: own.map(({ lot, productionDate, expiryDate, qty, daysLeft }) => ({ lot, productionDate, expiryDate, qty, daysLeft })),
    };
  });
}

export type ExpiringLotRow = LotRow & { sku: string; warehouseId: string };

export type ExpiringCursor = { expiryDate: string; sku: string; warehouseId: string; lot: string };

/** Lots holding stock whose days left lie in (afterDays, untilDays], soonest first (limit + 1 rows). */
export async function expiringLots(
  db: Db,
  filter: StockFilter & { afterDays: number | null; untilDays: number; limit: number; after?: ExpiringCursor | undefined },
): Promise<ExpiringLotRow[]> {
  let query = db
    .selectFrom('inventory.lots')
    .select(['sku', 'warehouse_id as warehouseId', 'lot', 'production_date as productionDate', 'expiry_date as expiryDate', 'qty'])
    .select(sql<number>`(expiry_date - ${today()})::int`.as('daysLeft'))
    .where('qty', '>', 0)
    .where(sql<SqlBool>`expiry_date <= ${today()} + ${filter.untilDays}::int`);
  if (filter.afterDays !== null) query = query.where(sql<SqlBool>`expiry_date > ${today()} + ${filter.afterDays}::int`);
  if (filter.sku) query = query.where('sku', '=', filter.sku);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (filter.after) {
    const { expiryDate, sku, warehouseId, lot } = filter.after;
    query = query.where(sql<SqlBool>`(expiry_date, sku, warehouse_id, lot) > (${expiryDate}::date, ${sku}, ${warehouseId}, ${lot})`);
  }
  return query
    .orderBy('expiry_date')
    .orderBy('sku')
    .orderBy('warehouse_id')
    .orderBy('lot')
    .limit(filter.limit + 1)
    .execute();
}

export type LowStockRow = { sku: string; name: string; threshold: number; onHand: number; reserved: number; available: number };

/** Active products with a threshold whose available total (all warehouses) is below it (limit + 1 rows). */
export async function lowStock(db: Db, page: { limit: number; after?: string | undefined }): Promise<LowStockRow[]> {
  const available = sql<number>`coalesce(${availableOfTotals()}, 0)::bigint`;
  let query = db
    .selectFrom('catalog.products as p')
    .leftJoin('inventory.sku_totals as t', 't.sku', 'p.sku')
    .select([
      'p.sku',
      'p.name',
      sql<number>`p.low_stock_threshold`.as('threshold'),
      sql<number>`coalesce(t.on_hand, 0)`.as('onHand'),
      sql<number>`coalesce(t.reserved, 0)`.as('reserved'),
      available.as('available'),
    ])
    .where('p.active', '=', true)
    .where('p.low_stock_threshold', 'is not', null)
    .where(sql<SqlBool>`${available} < p.low_stock_threshold`);
  if (page.after !== undefined) query = query.where('p.sku', '>', page.after);
  return query
    .orderBy('p.sku')
    .limit(page.limit + 1)
    .execute();
}

export type MovementRow = {
  id: number;
  position: string;
  kind: MovementKind;
  sku: string;
  warehouseId: string;
  lot: string | null;
  qty: number;
  reservedDelta: number;
  reference: string;
  orderId: string | null;
  otherWarehouseId: string | null;
  reason: string | null;
  actor: string;
  occurredAt: Date;
};

/** Movements oldest first, filtered by stock and time (`from` inclusive, `to` exclusive), limit + 1 rows. */
export async function listMovements(
  db: Db,
  filter: StockFilter & { from?: Date | undefined; to?: Date | undefined; limit: number; after?: number | undefined },
): Promise<MovementRow[]> {
  let query = db
    .selectFrom('inventory.movements')
    .select([
      'id',
      'position',
      'kind',
      'sku',
      'warehouse_id as warehouseId',
      'lot',
      'qty',
      'reserved_delta as reservedDelta',
      'reference',
      'order_id as orderId',
      'other_warehouse_id as otherWarehouseId',
      'reason',
      'actor',
      'occurred_at as occurredAt',
    ]);
  if (filter.sku) query = query.where('sku', '=', filter.sku);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (filter.from) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('occurred_at', '<', filter.to);
  if (filter.after !== undefined) query = query.where('id', '>', filter.after);
  return query
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

/** The stock streams (SKU and warehouse) that hold expired lots, for a write-off. */
export async function stockWithExpiredLots(db: Db, filter: StockFilter): Promise<{ sku: string; warehouseId: string }[]> {
  let query = db
    .selectFrom('inventory.lots')
    .select(['sku', 'warehouse_id as warehouseId'])
    .distinct()
    .where('qty', '>', 0)
    .where(sql<SqlBool>`expiry_date <= ${today()}`);
  if (filter.sku) query = query.where('sku', '=', filter.sku);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  return query.orderBy('sku').orderBy('warehouse_id').execute();
}

/**
 * The stock streams holding lots that expire after `today` and within `days` days of it: where the
 * daily expiry alerts look (a hint; they decide on the stock streams themselves).
 */
export async function stockWithLotsExpiringWithin(db: Db, today: string, days: number): Promise<{ sku: string; warehouseId: string }[]> {
  return db
    .selectFrom('inventory.lots')
    .select(['sku', 'warehouse_id as warehouseId'])
    .distinct()
    .where('qty', '>', 0)
    .where(sql<SqlBool>`expiry_date > ${today}::date AND expiry_date <= ${today}::date + ${days}::int`)
    .orderBy('sku')
    .orderBy('warehouse_id')
    .execute();
}

/** Available quantity per SKU over all warehouses (0 for SKUs without stock). */
export async function availableBySku(db: Db, skus: readonly string[]): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .selectFrom('inventory.sku_totals')
    .select(['sku', 'available'])
    .where('sku', 'in', [...skus])
    .execute();
  return new Map(rows.map((row) => [row.sku, row.available]));
}
