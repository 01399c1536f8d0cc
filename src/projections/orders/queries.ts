// Order queries: one order with its timeline, shipments and returns, dealer and review-queue lists,
// the dealer's history.
import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
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
  return query.orderBy('placed_at', direction).orderBy('id', direction).limit(filter.limit + 1).execute();
}

export async function dealerOrderHistory(db: Db, dealerId: string, skus: readonly string[]): Promise<OrderHistory> {
  const [totals, perSku] = await Promise.all([
    db.selectFrom('orders.dealer_history').selectAll().where('dealer_id', '=', dealerId).executeTakeFirst(),
    skus.length === 0
      ? Promise.resolve([])
      : db.selectFrom('orders.dealer_sku_history').selectAll().where('dealer_id', '=', dealerId).where('sku', 'in', [...skus]).execute(),
  ]);
  return {
    orderCount: totals?.order_count ?? 0,
    averageTotalMinor: totals && totals.order_count > 0 ? totals.total_sum_minor / totals.order_count : 0,
    regionsUsed: totals?.regions ?? [],
    skuQuantities: Object.fromEntries(perSku.map((row) => [row.sku, { averageQty: row.qty_sum / row.order_count, orders: row.order_count }])),
  };
}
