// Order queries: one order with its timeline, shipments and returns, dealer and review-queue lists,
// the dealer's history.
import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import { coalescedFor } from '../../db/coalesce.ts';
import type { OrderHistory } from '../../domain/ordering/risk.ts';

export async function findOrder(db: Db, orderId: string) {
  return db.selectFrom('orders.orders').selectAll().where('id', '=', orderId).executeTakeFirst();
}

export type OrderRow = NonNullable<Awaited<ReturnType<typeof findOrder>>>;

export async function orderTimeline(db: Db, orderId: string) {
  return db.selectFrom('orders.timeline').selectAll().where('order_id', '=', orderId).orderBy('revision').execute();
}

export async function orderShipments(db: Db, orderId: string) {
  return db.selectFrom('orders.shipments').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
}

export type ShipmentRow = Awaited<ReturnType<typeof orderShipments>>[number];

export async function orderReturns(db: Db, orderId: string) {
  return db.selectFrom('orders.returns').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
}

export type ReturnRow = Awaited<ReturnType<typeof orderReturns>>[number];

export type OrderListFilter = {
  dealerId?: string | undefined;
  status?: readonly string[] | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  after?: { placedAt: string; id: string } | undefined;
  /** The review queue works oldest first; lists default to newest first. */
  oldestFirst?: boolean;
};

/** Newest first; `limit + 1` rows so the caller can tell whether there is a next page. */
export async function listOrders(db: Db, filter: OrderListFilter): Promise<OrderRow[]> {
  let query = db.selectFrom('orders.orders').selectAll();
  if (filter.dealerId !== undefined) query = query.where('dealer_id', '=', filter.dealerId);
  if (filter.status && filter.status.length > 0) query = query.where('status', 'in', [...filter.status]);
  if (filter.from) query = query.where('placed_at', '>=', filter.from);
  if (filter.to) query = query.where('placed_at', '<', filter.to);
  const direction = filter.oldestFirst ? 'asc' : 'desc';
  if (filter.after) {
    const { placedAt, id } = filter.after;
    query = query.where(
      filter.oldestFirst
        ? sql<SqlBool>`(placed_at, id) > (${placedAt}::timestamptz, ${id})`
        : sql<SqlBool>`(placed_at, id) < (${placedAt}::timestamptz, ${id})`,
    );
  }
  return query
    .orderBy('placed_at', direction)
    .orderBy('id', direction)
    .limit(filter.limit + 1)
    .execute();
}

type HistoryRow = {
  i: number;
  order_count: number | null;
  total_sum_minor: number | null;
  regions: string[] | null;
  skus: { sku: string; order_count: number; qty_sum: number }[];
};

export type HistoryAsked = { dealerId: string; skus: readonly string[] };

/**
 * Each dealer's totals with its SKUs' history, for every dealer asked about: one statement. The SKUs
 * asked about are looked up by key (dealer and SKU), not found among all the dealer's SKUs.
 */
async function dealerOrderHistories(db: Db, asked: readonly HistoryAsked[]): Promise<OrderHistory[]> {
  const { rows } = await sql<HistoryRow>`
    SELECT r.i::int AS i, h.order_count, h.total_sum_minor, h.regions,
           (SELECT coalesce(json_agg(json_build_object('sku', s.sku, 'order_count', s.order_count, 'qty_sum', s.qty_sum)), '[]')
              FROM ${sql.table('orders.dealer_sku_history')} s
             WHERE s.dealer_id = r.e->>'dealerId' AND s.sku = ANY (ARRAY(SELECT jsonb_array_elements_text(r.e->'skus')))) AS skus
      FROM jsonb_array_elements(${JSON.stringify(asked)}::jsonb) WITH ORDINALITY AS r(e, i)
      LEFT JOIN ${sql.table('orders.dealer_history')} h ON h.dealer_id = r.e->>'dealerId'
     ORDER BY r.i`.execute(db);
  return rows.map((row) => {
    const orderCount = row.order_count ?? 0;
    return {
      orderCount,
      averageTotalMinor: orderCount > 0 ? row.total_sum_minor! / orderCount : 0,
      regionsUsed: row.regions ?? [],
      skuQuantities: Object.fromEntries(
        row.skus.map((sku) => [sku.sku, { averageQty: sku.qty_sum / sku.order_count, orders: sku.order_count }]),
      ),
    };
  });
}

export async function dealerOrderHistory(db: Db, dealerId: string, skus: readonly string[]): Promise<OrderHistory> {
  const [history] = await dealerOrderHistories(db, [{ dealerId, skus }]);
  return history!;
}

/**
 * The dealer's order history for the risk rules, asked for by every placement: those asked for in
 * the same turn share one statement. A hint only: the read model may lag, and the risk rules are
 * advisory (a held order is reviewed by a person), so a lagging history never refuses stock or
 * credit and never changes a price.
 */
export const dealerOrderHistoryHint = coalescedFor(dealerOrderHistories);
