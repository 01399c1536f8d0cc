// The data the drivers scenario reads: the streams a placement loads (products, dealers, credit,
// stock per SKU and warehouse, the promotion index), written with plain SQL into the event store
// tables, plus the sessions and order history the placement's kysely queries look up.
import { withClient } from '../../harness/postgres.ts';

export const WORLD = { products: 200, dealers: 50, warehouses: ['WH-A', 'WH-B'] } as const;

export const skuOf = (index: number) => `SKU-${String(index).padStart(6, '0')}`;
export const dealerOf = (index: number) => `D-${String(index).padStart(4, '0')}`;
export const sessionOf = (index: number) => `S-${String(index).padStart(4, '0')}`;

/** Events per stream of each kind: what a placement's reads bring back. */
export const EVENTS_PER_STREAM = { product: 2, dealer: 3, credit: 6, stock: 8, index: 4 } as const;

const DATA = `jsonb_build_object('orderId', gen_random_uuid(), 'dealerId', 'D-0001', 'sku', 'SKU-000123', 'warehouseId', 'WH-A', 'qty', 1 + n % 12, 'unitPriceMinor', 5400, 'currency', 'CNY', 'today', '2026-12-06')`;
const METADATA = `jsonb_build_object('actor', 'system:seed', 'role', 'admin', 'correlationId', gen_random_uuid(), 'causationId', null, 'occurredAt', now(), 'schemaVersion', 1)`;

/** `streams` streams of `events` events each, appended after the head (positions in commit order). */
const STREAMS_SQL = `
  WITH s AS (SELECT stream_id, ordinality AS k FROM unnest($1::text[]) WITH ORDINALITY AS t(stream_id)),
       e AS (SELECT s.stream_id, s.k, n FROM s, generate_series(0, $2::int - 1) AS n)
  INSERT INTO es_events (position, stream_id, revision, event_id, type, data, metadata)
  SELECT h.position + (e.k - 1) * $2::int + e.n + 1, e.stream_id, e.n, gen_random_uuid(), 'BenchSeeded', ${DATA}, ${METADATA}
    FROM es_head h, e WHERE h.id = 1`;

export async function seedWorld(url: string): Promise<{ streams: number; events: number }> {
  const products = Array.from({ length: WORLD.products }, (_, index) => skuOf(index));
  const dealers = Array.from({ length: WORLD.dealers }, (_, index) => dealerOf(index));
  const families: [string[], number][] = [
    [products.map((sku) => `product-${sku}`), EVENTS_PER_STREAM.product],
    [dealers.map((dealer) => `dealer-${dealer}`), EVENTS_PER_STREAM.dealer],
    [dealers.map((dealer) => `credit-${dealer}`), EVENTS_PER_STREAM.credit],
    [products.flatMap((sku) => WORLD.warehouses.map((warehouse) => `stock-${sku}@${warehouse}`)), EVENTS_PER_STREAM.stock],
    [['index-promotions'], EVENTS_PER_STREAM.index],
  ];
  let streams = 0;
  let events = 0;
  await withClient(url, async (client) => {
    await client.query('BEGIN');
    for (const [ids, count] of families) {
      await client.query(STREAMS_SQL, [ids, count]);
      await client.query('INSERT INTO es_streams (stream_id, revision) SELECT unnest($1::text[]), $2::int - 1', [ids, count]);
      await client.query('UPDATE es_head SET position = position + $1 WHERE id = 1', [ids.length * count]);
      streams += ids.length;
      events += ids.length * count;
    }
    await client.query(
      `INSERT INTO auth.sessions (id, user_id, created_at, expires_at, refreshed_at)
       SELECT 'S-' || lpad(g::text, 4, '0'), 'U-' || g, now(), now() + interval '1 day', now() FROM generate_series(0, $1::int - 1) AS g`,
      [WORLD.dealers],
    );
    await client.query(
      `INSERT INTO orders.dealer_history (dealer_id, order_count, total_sum_minor, regions)
       SELECT 'D-' || lpad(g::text, 4, '0'), 40, 40 * 120000, ARRAY['EAST'] FROM generate_series(0, $1::int - 1) AS g`,
      [WORLD.dealers],
    );
    await client.query(
      `INSERT INTO orders.dealer_sku_history (dealer_id, sku, order_count, qty_sum)
       SELECT 'D-' || lpad(d::text, 4, '0'), 'SKU-' || lpad(p::text, 6, '0'), 1 + (d + p) % 5, 3 * (1 + (d + p) % 5)
         FROM generate_series(0, $1::int - 1) AS d, generate_series(0, $2::int - 1) AS p`,
      [WORLD.dealers, WORLD.products],
    );
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE es_events, es_streams, auth.sessions, orders.dealer_history, orders.dealer_sku_history');
  });
  return { streams, events };
}
