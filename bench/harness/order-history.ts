// Writes a year of placed orders (and the stock that makes SKUs recommendable) in bulk, straight into
// the PostgreSQL event store's tables after what is there: the history recommendations are made
// from, without placing tens of thousands of orders through the API.
import type pg from 'pg';

export type OrderHistoryPlan = {
  /** The catalog's products, `SKU-000001` …, as writeCatalogEvents names them. */
  products: number;
  /** Dealers `D-2001` …; each keeps to a habit of 20 SKUs among the 3 000 most popular, and now and then orders from the whole catalog. */
  dealers: number;
  orders: number;
  /** The orders are spread evenly over this many days, the last one just before `until`. */
  days: number;
  until: Date;
  regions: readonly string[];
  /** Every `unstockedEvery`-th product has no stock: never recommendable. */
  unstockedEvery: number;
};

export const dealerOf = (n: number) => `D-${2000 + n}`;
export const regionOf = (plan: Pick<OrderHistoryPlan, 'regions'>, n: number) => plan.regions[n % plan.regions.length]!;
export const skuOf = (n: number) => `SKU-${String(n).padStart(6, '0')}`;

const METADATA = (
  at: string,
) => `jsonb_build_object('actor', 'system:bench', 'role', 'admin', 'correlationId', 'bench-' || position, 'causationId', null,
                                  'occurredAt', to_jsonb(${at}), 'schemaVersion', 1)`;

// $1: first position, $2: the product whose receipt comes first, $3: how many, $4: unstocked every.
const INSERT_STOCK = `
  WITH s AS (
    SELECT $1::bigint + row_number() OVER (ORDER BY p) - 1 AS position, 'SKU-' || lpad(p::text, 6, '0') AS sku
      FROM generate_series($2::bigint, $2::bigint + $3::bigint - 1) AS p
     WHERE p % $4::bigint <> 0
  )
  INSERT INTO es_events (position, stream_id, revision, event_id, type, data, metadata, created_at)
  SELECT position, 'stock-' || sku || '@WH-B1', 0, gen_random_uuid(), 'StockReceived',
         jsonb_build_object('sku', sku, 'warehouseId', 'WH-B1', 'receiptId', 'R-' || sku, 'lot', 'L1',
                            'productionDate', '2026-01-01', 'expiryDate', '2099-12-31', 'qty', 10000),
         ${METADATA('now()')}, now()
    FROM s`;

// $1: first position, $2: first order, $3: last order, $4: orders, $5: dealers, $6: products,
// $7: regions, $8: until, $9: days.
const INSERT_ORDERS = `
  WITH o AS (
    SELECT g, $1::bigint + g - $2::bigint AS position, 1 + (g * 7919) % $5::bigint AS d,
           $8::timestamptz - make_interval(secs => ($9::float8 * 86400) * (1 - g::float8 / $4::float8)) AS placed_at
      FROM generate_series($2::bigint, $3::bigint) AS g
  ), l AS (
    SELECT o.g, k, (o.g * 2654435761 + k * 40503) % 4294967296 AS h, o.d
      FROM o CROSS JOIN LATERAL generate_series(1, 3 + (o.g * 31) % 6) AS k
  ), priced AS (
    SELECT g, k, 1 + h % 12 AS qty,
           CASE WHEN h % 3 = 0 THEN 1 + (h / 7) % $6::bigint ELSE 1 + (d * 131 + (h % 20) * 977) % 3000 END AS p
      FROM l
  ), lines AS (
    SELECT g, jsonb_agg(jsonb_build_object(
             'sku', 'SKU-' || lpad(p::text, 6, '0'), 'name', 'Product ' || p, 'qty', qty, 'unitPriceMinor', 1000 + (p * 37) % 20000,
             'priceBasis', 'base', 'grossMinor', qty * (1000 + (p * 37) % 20000), 'discountMinor', 0, 'netMinor', qty * (1000 + (p * 37) % 20000),
             'promotions', '[]'::jsonb, 'explanation', '') ORDER BY k) AS lines,
           sum(qty * (1000 + (p * 37) % 20000)) AS total
      FROM priced GROUP BY g
  )
  INSERT INTO es_events (position, stream_id, revision, event_id, type, data, metadata, created_at)
  SELECT o.position, 'order-OB-' || o.g, 0, gen_random_uuid(), 'OrderPlaced',
         jsonb_build_object('orderId', 'OB-' || o.g, 'dealerId', 'D-' || (2000 + o.d), 'placedAt', to_jsonb(o.placed_at), 'channel', 'manual',
                            'regionCode', ($7::text[])[1 + o.d % cardinality($7::text[])], 'deliveryAddress', null, 'note', null,
                            'lines', lines.lines, 'gifts', '[]'::jsonb,
                            'totals', jsonb_build_object('subtotalMinor', lines.total, 'discountMinor', 0, 'totalMinor', lines.total, 'currency', 'CNY'),
                            'prepay', false, 'reorderOf', null),
         ${METADATA('o.placed_at')}, o.placed_at
    FROM o JOIN lines ON lines.g = o.g`;

/** Appends the stock and the orders after the store's head; returns the new head position. */
export async function writeOrderHistory(pool: pg.Pool, plan: OrderHistoryPlan, onProgress?: (written: number) => void): Promise<number> {
  const head = await pool.query<{ position: string }>('SELECT position::text AS position FROM es_head WHERE id = 1');
  let next = Number(head.rows[0]!.position) + 1;
  const stocked = await pool.query(INSERT_STOCK, [next, 1, plan.products, plan.unstockedEvery]);
  next += stocked.rowCount ?? 0;
  const chunk = 20_000;
  for (let from = 1; from <= plan.orders; from += chunk) {
    const to = Math.min(plan.orders, from + chunk - 1);
    await pool.query(INSERT_ORDERS, [
      next + from - 1,
      from,
      to,
      plan.orders,
      plan.dealers,
      plan.products,
      plan.regions,
      plan.until,
      plan.days,
    ]);
    onProgress?.(to);
  }
  const last = next + plan.orders - 1;
  await pool.query(`
    INSERT INTO es_streams (stream_id, revision)
    SELECT stream_id, max(revision) FROM es_events GROUP BY stream_id
    ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision`);
  await pool.query('UPDATE es_head SET position = $1 WHERE id = 1', [last]);
  await pool.query('VACUUM ANALYZE es_events');
  return last;
}
