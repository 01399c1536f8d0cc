// Sales, bestseller, order-decision and promotion figures, read from the `analytics` views so the
// API answers exactly what an analyst's SQL on those views would.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import { addDays, startOfBusinessDay } from '../../domain/shared/calendar.ts';

/** Business days: `from` inclusive, `to` exclusive, both 'YYYY-MM-DD'. */
export type DayRange = { from: string; to: string };

export const SALES_GROUPS = ['day', 'sku', 'dealer', 'region', 'category', 'brand'] as const;
export type SalesGroup = (typeof SALES_GROUPS)[number];

const SALES_COLUMNS: Record<SalesGroup, { key: string; name: string | null }> = {
  day: { key: 'day', name: null },
  sku: { key: 'sku', name: 'product_name' },
  dealer: { key: 'dealer_id', name: 'dealer_name' },
  region: { key: 'region_code', name: null },
  category: { key: 'category', name: null },
  brand: { key: 'brand', name: null },
};

/** Refunds belong to orders, not to lines: they only break down by these. */
const REFUND_GROUPS: readonly SalesGroup[] = ['day', 'dealer', 'region'];

export type SalesFilter = DayRange & {
  currency: string;
  sku?: string | undefined;
  dealerId?: string | undefined;
  regionCode?: string | undefined;
  category?: string | undefined;
  brand?: string | undefined;
};

export type SalesFigures = {
  orders: number;
  qty: number;
  giftQty: number;
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  shippedQty: number;
  shippedNetMinor: number;
  refundedMinor: number | null;
};

export type SalesRow = SalesFigures & { key: string | null; name: string | null };

type Filterable = 'day' | 'currency' | 'sku' | 'dealer_id' | 'region_code' | 'category' | 'brand';

/** The filter as conditions on a view with the sales dimensions (sales_lines, shipment_lines, refunds). */
function conditions(filter: SalesFilter, columns: readonly Filterable[]): Expression<SqlBool> {
  const wanted: [Filterable, string | undefined][] = [
    ['currency', filter.currency],
    ['sku', filter.sku],
    ['dealer_id', filter.dealerId],
    ['region_code', filter.regionCode],
    ['category', filter.category],
    ['brand', filter.brand],
  ];
  const parts = [sql<SqlBool>`day >= ${filter.from}::date AND day < ${filter.to}::date`];
  for (const [column, value] of wanted) {
    if (value !== undefined && columns.includes(column)) parts.push(sql<SqlBool>`${sql.ref(column)} = ${value}`);
  }
  return sql<SqlBool>`${sql.join(parts, sql` AND `)}`;
}

const ALL_DIMENSIONS: readonly Filterable[] = ['day', 'currency', 'sku', 'dealer_id', 'region_code', 'category', 'brand'];
const REFUND_DIMENSIONS: readonly Filterable[] = ['day', 'currency', 'dealer_id', 'region_code'];

type Grouping = { key: ReturnType<typeof sql.ref> | null; name: string | null };

function grouping(groupBy: SalesGroup | null): Grouping {
  if (groupBy === null) return { key: null, name: null };
  return { key: sql.ref(SALES_COLUMNS[groupBy].key), name: SALES_COLUMNS[groupBy].name };
}

const keyOf = (group: Grouping) => (group.key ? sql<string | null>`${group.key}::text` : sql<string | null>`null::text`);
const nameOf = (group: Grouping) => (group.name ? sql<string | null>`max(${sql.ref(group.name)})` : sql<string | null>`null::text`);
const groupClause = (group: Grouping) => (group.key ? sql`GROUP BY ${group.key}` : sql``);

async function booked(db: Db, filter: SalesFilter, group: Grouping) {
  const { rows } = await sql<{
    key: string | null;
    name: string | null;
    orders: number;
    qty: number;
    giftQty: number;
    grossMinor: number;
    discountMinor: number;
    netMinor: number;
  }>`
    SELECT ${keyOf(group)} AS key, ${nameOf(group)} AS name, count(DISTINCT order_id) AS orders,
           coalesce(sum(qty), 0)::bigint AS "qty", coalesce(sum(gift_qty), 0)::bigint AS "giftQty",
           coalesce(sum(gross_minor), 0)::bigint AS "grossMinor", coalesce(sum(discount_minor), 0)::bigint AS "discountMinor",
           coalesce(sum(net_minor), 0)::bigint AS "netMinor"
      FROM ${sql.table('analytics.sales_lines')}
     WHERE ${conditions(filter, ALL_DIMENSIONS)}
     ${groupClause(group)}`.execute(db);
  return rows;
}

async function shipped(db: Db, filter: SalesFilter, group: Grouping) {
  const { rows } = await sql<{ key: string | null; name: string | null; shippedQty: number; shippedNetMinor: number }>`
    SELECT ${keyOf(group)} AS key, ${nameOf(group)} AS name,
           coalesce(sum(qty), 0)::bigint AS "shippedQty", coalesce(sum(net_minor), 0)::bigint AS "shippedNetMinor"
      FROM ${sql.table('analytics.shipment_lines')}
     WHERE ${conditions(filter, ALL_DIMENSIONS)}
     ${groupClause(group)}`.execute(db);
  return rows;
}

async function refunded(db: Db, filter: SalesFilter, group: Grouping) {
  const { rows } = await sql<{ key: string | null; name: string | null; refundedMinor: number }>`
    SELECT ${keyOf(group)} AS key, ${nameOf(group)} AS name, coalesce(sum(amount_minor), 0)::bigint AS "refundedMinor"
      FROM ${sql.table('analytics.refunds')}
     WHERE ${conditions(filter, REFUND_DIMENSIONS)}
     ${groupClause(group)}`.execute(db);
  return rows;
}

/** Days from `from` up to (excluding) `to`. */
export function daysOf(range: DayRange): string[] {
  const days: string[] = [];
  for (let day = range.from; day < range.to; day = addDays(day, 1)) days.push(day);
  return days;
}

const NO_SALES: Omit<SalesFigures, 'refundedMinor'> = {
  orders: 0,
  qty: 0,
  giftQty: 0,
  grossMinor: 0,
  discountMinor: 0,
  netMinor: 0,
  shippedQty: 0,
  shippedNetMinor: 0,
};

/**
 * Booked sales (orders placed in the range that are approved and not cancelled), shipped sales
 * (shipments that left in the range) and refunds (paid in the range), in one currency, grouped.
 * Refunds are null where they cannot be attributed (per product, or filtered by product).
 */
export async function salesReport(db: Db, filter: SalesFilter, groupBy: SalesGroup): Promise<{ totals: SalesFigures; rows: SalesRow[] }> {
  const byProduct = filter.sku !== undefined || filter.category !== undefined || filter.brand !== undefined;
  const refundsApply = !byProduct && REFUND_GROUPS.includes(groupBy);
  const group = grouping(groupBy);
  const whole = grouping(null);
  const [bookedRows, shippedRows, refundRows, bookedTotal, shippedTotal, refundTotal] = await Promise.all([
    booked(db, filter, group),
    shipped(db, filter, group),
    refundsApply ? refunded(db, filter, group) : Promise.resolve([]),
    booked(db, filter, whole),
    shipped(db, filter, whole),
    byProduct ? Promise.resolve([]) : refunded(db, filter, whole),
  ]);

  const rows = new Map<string | null, SalesRow>();
  const rowFor = (key: string | null, name: string | null) => {
    const row = rows.get(key) ?? { key, name, ...NO_SALES, refundedMinor: refundsApply ? 0 : null };
    row.name ??= name;
    rows.set(key, row);
    return row;
  };
  if (groupBy === 'day') for (const day of daysOf(filter)) rowFor(day, null);
  for (const { key, name, ...figures } of bookedRows) Object.assign(rowFor(key, name), figures);
  for (const { key, name, ...figures } of shippedRows) Object.assign(rowFor(key, name), figures);
  for (const { key, name, refundedMinor } of refundRows) rowFor(key, name).refundedMinor = refundedMinor;

  const sorted = [...rows.values()].sort((a, b) =>
    groupBy === 'day'
      ? (a.key ?? '').localeCompare(b.key ?? '')
      : b.netMinor - a.netMinor || b.shippedNetMinor - a.shippedNetMinor || (a.key ?? '').localeCompare(b.key ?? ''),
  );
  const { key: _k, name: _n, ...bookedFigures } = bookedTotal[0]!;
  const { key: _sk, name: _sn, ...shippedFigures } = shippedTotal[0]!;
  const totals = { ...bookedFigures, ...shippedFigures, refundedMinor: byProduct ? null : (refundTotal[0]?.refundedMinor ?? 0) };
  return { totals, rows: sorted };
}

export type BestsellerFilter = SalesFilter & { by: 'qty' | 'revenue'; basis: 'booked' | 'shipped' };

export type BestsellerRow = {
  sku: string;
  name: string | null;
  brand: string | null;
  category: string | null;
  orders: number;
  qty: number;
  netMinor: number;
};

/** SKUs ranked by units or net revenue, booked or shipped, with the totals for their shares. */
export async function bestsellers(
  db: Db,
  filter: BestsellerFilter,
): Promise<{ rows: BestsellerRow[]; totalQty: number; totalNetMinor: number }> {
  const view = filter.basis === 'booked' ? sql.table('analytics.sales_lines') : sql.table('analytics.shipment_lines');
  const { rows } = await sql<BestsellerRow>`
    SELECT sku, max(product_name) AS name, max(brand) AS brand, max(category) AS category, count(DISTINCT order_id) AS orders,
           coalesce(sum(qty), 0)::bigint AS qty, coalesce(sum(net_minor), 0)::bigint AS "netMinor"
      FROM ${view}
     WHERE ${conditions(filter, ALL_DIMENSIONS)}
     GROUP BY sku`.execute(db);
  const rank = filter.by === 'qty' ? (row: BestsellerRow) => [row.qty, row.netMinor] : (row: BestsellerRow) => [row.netMinor, row.qty];
  rows.sort((a, b) => rank(b)[0]! - rank(a)[0]! || rank(b)[1]! - rank(a)[1]! || a.sku.localeCompare(b.sku));
  return {
    rows: rows.filter((row) => row.qty > 0 || row.netMinor > 0),
    totalQty: rows.reduce((sum, row) => sum + row.qty, 0),
    totalNetMinor: rows.reduce((sum, row) => sum + row.netMinor, 0),
  };
}

export const ORDER_GROUPS = ['day', 'dealer', 'region', 'channel'] as const;
export type OrderGroup = (typeof ORDER_GROUPS)[number];

const ORDER_COLUMNS: Record<OrderGroup, { key: string; name: string | null }> = {
  day: { key: 'day', name: null },
  dealer: { key: 'dealer_id', name: 'dealer_name' },
  region: { key: 'region_code', name: null },
  channel: { key: 'channel', name: null },
};

export type OrderFilter = DayRange & { dealerId?: string | undefined; regionCode?: string | undefined; channel?: string | undefined };

export type OrderFigures = {
  placed: number;
  approvedAutomatically: number;
  held: number;
  rejectedAutomatically: number;
  approvedAfterHold: number;
  rejectedAfterHold: number;
  approved: number;
  rejected: number;
  cancelled: number;
  onHold: number;
  averageDecisionSeconds: number | null;
  medianDecisionSeconds: number | null;
  p90DecisionSeconds: number | null;
  averageHeldDecisionSeconds: number | null;
  medianHeldDecisionSeconds: number | null;
};

export type OrderRow = OrderFigures & { key: string | null; name: string | null };

/** Order counts by outcome and the time from placement to decision, for orders placed in the range. */
export async function orderReport(db: Db, filter: OrderFilter, groupBy: OrderGroup): Promise<{ totals: OrderFigures; rows: OrderRow[] }> {
  const parts = [sql<SqlBool>`day >= ${filter.from}::date AND day < ${filter.to}::date`];
  if (filter.dealerId !== undefined) parts.push(sql<SqlBool>`dealer_id = ${filter.dealerId}`);
  if (filter.regionCode !== undefined) parts.push(sql<SqlBool>`region_code = ${filter.regionCode}`);
  if (filter.channel !== undefined) parts.push(sql<SqlBool>`channel = ${filter.channel}`);
  const where = sql.join(parts, sql` AND `);
  const query = (group: Grouping) => sql<OrderRow>`
    SELECT ${keyOf(group)} AS key, ${nameOf(group)} AS name,
           count(*) AS placed,
           count(*) FILTER (WHERE first_decision = 'approved') AS "approvedAutomatically",
           count(*) FILTER (WHERE first_decision = 'on_hold') AS held,
           count(*) FILTER (WHERE first_decision = 'rejected') AS "rejectedAutomatically",
           count(*) FILTER (WHERE first_decision = 'on_hold' AND approved_at IS NOT NULL) AS "approvedAfterHold",
           count(*) FILTER (WHERE first_decision = 'on_hold' AND rejected_at IS NOT NULL) AS "rejectedAfterHold",
           count(*) FILTER (WHERE approved_at IS NOT NULL) AS approved,
           count(*) FILTER (WHERE rejected_at IS NOT NULL) AS rejected,
           count(*) FILTER (WHERE cancelled_at IS NOT NULL) AS cancelled,
           count(*) FILTER (WHERE status = 'on_hold') AS "onHold",
           avg(decision_seconds) AS "averageDecisionSeconds",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY decision_seconds) AS "medianDecisionSeconds",
           percentile_cont(0.9) WITHIN GROUP (ORDER BY decision_seconds) AS "p90DecisionSeconds",
           avg(decision_seconds) FILTER (WHERE first_decision = 'on_hold') AS "averageHeldDecisionSeconds",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY decision_seconds) FILTER (WHERE first_decision = 'on_hold') AS "medianHeldDecisionSeconds"
      FROM ${sql.table('analytics.orders')}
     WHERE ${where}
     ${groupClause(group)}`;
  const group = groupBy === 'day' ? grouping('day') : { key: sql.ref(ORDER_COLUMNS[groupBy].key), name: ORDER_COLUMNS[groupBy].name };
  const [rows, totals] = await Promise.all([query(group).execute(db), query(grouping(null)).execute(db)]);
  const sorted = rows.rows.sort((a, b) => (groupBy === 'day' ? 0 : b.placed - a.placed) || (a.key ?? '').localeCompare(b.key ?? ''));
  const { key: _k, name: _n, ...figures } = totals.rows[0]!;
  return { totals: figures, rows: sorted };
}

/** Promotions whose window overlaps the range, with their figures from `analytics.promotion_performance`. */
export async function promotionReport(db: Db, range: DayRange, promotionId?: string) {
  let query = db
    .selectFrom('analytics.promotion_performance')
    .selectAll()
    .where(
      sql<SqlBool>`starts_at < ${startOfBusinessDay(range.to)} AND least(ends_at, coalesce(ended_at, 'infinity')) > ${startOfBusinessDay(range.from)}`,
    );
  if (promotionId !== undefined) query = query.where('promotion_id', '=', promotionId);
  return query.orderBy('starts_at', 'desc').orderBy('promotion_id').execute();
}
