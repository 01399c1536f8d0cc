// Writes catalog events in bulk, straight into the PostgreSQL event store's tables (no es_append):
// seeding a million events through the API would measure the seeding, not the scenario.
import type pg from 'pg';

export type CatalogEventsPlan = {
  /** Number of products (`product-SKU-000001` ...). */
  products: number;
  /**
   * Total events, a multiple of `products`: every product gets events / products of them, its
   * ProductRegistered first, then ProductPricesSet (odd revisions) and ProductUpdated (even ones).
   * Products come in windows of 5 000: a window's registrations, then round after round over its
   * products. So every stretch of the store has the same mix (a time-limited rebuild measures a
   * fair sample), and no page of 2 000 events holds two events of one product.
   */
  events: number;
};

const WINDOW = 5_000;

const BRANDS = ['Jade Spring', 'Golden Harvest', 'Red Lantern', 'Panda Foods', 'Blue River Dairy', 'Mountain Mist', 'Silver Crane', 'Lotus Garden', 'Sunrise Farm', 'Ocean Pearl', 'Bamboo Grove', 'Happy Valley'];
const LINES: [string, string][] = [
  ['Mineral Water', 'beverages'], ['Green Tea', 'beverages'], ['Oolong Tea', 'beverages'], ['Jasmine Tea', 'beverages'], ['Orange Juice', 'beverages'],
  ['Apple Juice', 'beverages'], ['Cola', 'beverages'], ['Lemon Soda', 'beverages'], ['Lager', 'beverages'], ['Cold Brew Coffee', 'beverages'],
  ['Whole Milk', 'dairy'], ['Low Fat Milk', 'dairy'], ['Yogurt', 'dairy'], ['Cheese Slices', 'dairy'], ['Potato Chips', 'snacks'],
  ['Chocolate Biscuits', 'snacks'], ['Soda Crackers', 'snacks'], ['Mixed Nuts', 'snacks'], ['Melon Seeds', 'snacks'], ['Instant Noodles', 'noodles'],
  ['Cup Noodles', 'noodles'], ['Rice Noodles', 'noodles'], ['Soy Sauce', 'condiments'], ['Black Vinegar', 'condiments'], ['Chili Crisp Oil', 'condiments'],
];
const FLAVORS = ['Original', 'Barbecue', 'Seaweed', 'Braised Beef', 'Hot & Sour', 'Seafood', 'Strawberry', 'Plain', 'Honey', 'Lemon', 'Peach', 'Lychee', 'Mango', 'Sesame', 'Garlic', 'Spicy'];
const SIZES = ['70g', '100g', '150g', '200g', '330ml', '500ml', '550ml', '1L', '1.5L', '2L', '5kg'];

/** Words a dealer would type; the catalog search scenario draws its queries from here. */
export const SEARCH_TERMS = {
  words: ['tea', 'noodles', 'cola', 'milk', 'chips', 'juice', 'soy sauce', 'biscuits'],
  phrases: ['green tea 500ml', 'jade spring oolong', 'instant noodles braised beef', 'panda potato chips seaweed', 'blue river yogurt strawberry'],
  typos: ['noodels', 'oolnog', 'chocolat biscuit', 'mineral watr'],
  categories: ['beverages', 'dairy', 'snacks', 'noodles', 'condiments'],
  skuPrefixes: ['SKU-0012', 'SKU-0345', 'SKU-04999'],
};

const textArray = (values: readonly string[]) => `ARRAY[${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(',')}]::text[]`;

// $1: first position (inclusive), $2: last position (inclusive), $3: window (products), $4: events per product.
const INSERT_CHUNK = `
  WITH e AS (
    SELECT g AS position,
           ((g - 1) / ($3::bigint * $4::bigint)) * $3::bigint + ((g - 1) % ($3::bigint * $4::bigint)) % $3::bigint + 1 AS p,
           ((g - 1) % ($3::bigint * $4::bigint)) / $3::bigint AS rev
      FROM generate_series($1::bigint, $2::bigint) AS g
  ), d AS (
    SELECT e.*, 'SKU-' || lpad(p::text, 6, '0') AS sku,
           (${textArray(BRANDS)})[1 + p % ${BRANDS.length}] AS brand,
           (${textArray(LINES.map(([line]) => line))})[1 + (p / ${BRANDS.length}) % ${LINES.length}] AS line,
           (${textArray(LINES.map(([, category]) => category))})[1 + (p / ${BRANDS.length}) % ${LINES.length}] AS category,
           (${textArray(FLAVORS)})[1 + (p / ${BRANDS.length * LINES.length}) % ${FLAVORS.length}] AS flavor,
           (${textArray(SIZES)})[1 + (p / ${BRANDS.length * LINES.length * FLAVORS.length}) % ${SIZES.length}] AS size,
           1000 + (p * 37) % 20000 AS price
      FROM e
  )
  INSERT INTO es_events (position, stream_id, revision, event_id, type, data, metadata, created_at)
  SELECT position, 'product-' || sku, rev, gen_random_uuid(),
         CASE WHEN rev = 0 THEN 'ProductRegistered' WHEN rev % 2 = 1 THEN 'ProductPricesSet' ELSE 'ProductUpdated' END,
         CASE
           WHEN rev = 0 THEN jsonb_build_object(
             'sku', sku, 'name', brand || ' ' || line || ' ' || flavor || ' ' || size, 'brand', brand, 'category', category,
             'gtin', '69' || lpad(p::text, 11, '0'), 'unit', 'case', 'caseSize', 12 + p % 13, 'shelfLifeDays', 90 + p % 600,
             'basePriceMinor', price, 'currency', 'CNY')
           WHEN rev % 2 = 1 THEN jsonb_build_object(
             'sku', sku,
             'tiers', jsonb_build_object('platinum', price * 85 / 100 + rev, 'gold', price * 90 / 100 + rev, 'silver', price * 95 / 100 + rev),
             'dealers', CASE WHEN p % 10 = 0 THEN jsonb_build_object('D-1001', price * 80 / 100 + rev) ELSE '{}'::jsonb END)
           WHEN rev % 4 = 0 THEN jsonb_build_object('sku', sku, 'changes', jsonb_build_object('name', brand || ' ' || line || ' ' || flavor || ' ' || size || ' New Pack'))
           ELSE jsonb_build_object('sku', sku, 'changes', jsonb_build_object('basePriceMinor', price + rev))
         END,
         jsonb_build_object('actor', 'system:bench', 'role', 'admin', 'correlationId', 'bench-' || position, 'causationId', null,
                            'occurredAt', to_jsonb(timestamptz '2025-01-01 00:00:00+00' + position * interval '1 second'), 'schemaVersion', 1),
         timestamptz '2025-01-01 00:00:00+00' + position * interval '1 second'
    FROM d`;

/** Appends the plan's events to an empty PostgreSQL event store; returns the new head position. */
export async function writeCatalogEvents(pool: pg.Pool, plan: CatalogEventsPlan, onProgress?: (written: number) => void): Promise<number> {
  const window = Math.min(WINDOW, plan.products);
  if (plan.events % plan.products !== 0 || plan.products % window !== 0) {
    throw new Error(`events (${plan.events}) must be a multiple of products (${plan.products}), and products of ${window}`);
  }
  const head = await pool.query<{ position: string }>('SELECT position::text AS position FROM es_head WHERE id = 1');
  if (head.rows[0]?.position !== '0') throw new Error('writeCatalogEvents needs an empty event store');
  const chunk = 100_000;
  for (let from = 1; from <= plan.events; from += chunk) {
    const to = Math.min(plan.events, from + chunk - 1);
    await pool.query(INSERT_CHUNK, [from, to, window, plan.events / plan.products]);
    onProgress?.(to);
  }
  await pool.query(`
    INSERT INTO es_streams (stream_id, revision)
    SELECT stream_id, max(revision) FROM es_events GROUP BY stream_id
    ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision`);
  await pool.query('UPDATE es_head SET position = $1 WHERE id = 1', [plan.events]);
  await pool.query('VACUUM ANALYZE es_events');
  return plan.events;
}
