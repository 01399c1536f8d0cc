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

const BRANDS = ['统一', '康师傅', '农夫山泉', '海天', '伊利', '蒙牛', '娃哈哈', '旺旺', '达利园', '李锦记', '金龙鱼', '百岁山'];
const LINES: [string, string][] = [
  ['饮用天然水', '饮料'],
  ['绿茶', '饮料'],
  ['乌龙茶', '饮料'],
  ['茉莉花茶', '饮料'],
  ['橙汁', '饮料'],
  ['苹果汁', '饮料'],
  ['可乐', '饮料'],
  ['柠檬汽水', '饮料'],
  ['啤酒', '饮料'],
  ['冷萃咖啡', '饮料'],
  ['纯牛奶', '乳制品'],
  ['低脂牛奶', '乳制品'],
  ['酸奶', '乳制品'],
  ['奶酪片', '乳制品'],
  ['薯片', '休闲零食'],
  ['巧克力饼干', '休闲零食'],
  ['苏打饼干', '休闲零食'],
  ['混合坚果', '休闲零食'],
  ['香瓜子', '休闲零食'],
  ['方便面', '方便食品'],
  ['杯面', '方便食品'],
  ['米粉', '方便食品'],
  ['生抽酱油', '调味品'],
  ['老陈醋', '调味品'],
  ['辣椒油', '调味品'],
];
const FLAVORS = [
  '原味',
  '烧烤味',
  '海苔味',
  '红烧牛肉',
  '酸辣',
  '海鲜',
  '草莓味',
  '无糖',
  '蜂蜜',
  '柠檬味',
  '蜜桃味',
  '荔枝味',
  '芒果味',
  '芝麻',
  '蒜香',
  '香辣',
];
const SIZES = ['70g', '100克', '150g', '200g', '330ml', '500毫升', '550ml', '1L', '1.5升', '2L', '5kg'];

/** Words a dealer would type; the catalog search scenario draws its queries from here. */
export const SEARCH_TERMS = {
  words: ['茶', '绿茶', '方便面', '牛奶', '薯片', '橙汁', '酱油', '饼干'],
  phrases: ['绿茶 500ml', '康师傅 乌龙茶', '方便面 红烧牛肉', '旺旺 薯片 海苔', '伊利 酸奶 草莓味'],
  pinyin: ['lvcha', 'kangshifu', 'ht jiangyou', 'nfsq', 'niunai'],
  typos: ['kangshifo', 'jiangyuo', '康师付', 'wulongcah'],
  categories: ['饮料', '乳制品', '休闲零食', '方便食品', '调味品'],
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
             'sku', sku, 'name', brand || line || ' ' || flavor || ' ' || size, 'brand', brand, 'category', category,
             'gtin', '69' || lpad(p::text, 11, '0'), 'unit', '箱', 'caseSize', 12 + p % 13, 'shelfLifeDays', 90 + p % 600,
             'basePriceMinor', price, 'currency', 'CNY')
           WHEN rev % 2 = 1 THEN jsonb_build_object(
             'sku', sku,
             'tiers', jsonb_build_object('platinum', price * 85 / 100 + rev, 'gold', price * 90 / 100 + rev, 'silver', price * 95 / 100 + rev),
             'dealers', CASE WHEN p % 10 = 0 THEN jsonb_build_object('D-1001', price * 80 / 100 + rev) ELSE '{}'::jsonb END)
           WHEN rev % 4 = 0 THEN jsonb_build_object('sku', sku, 'changes', jsonb_build_object('name', brand || line || ' ' || flavor || ' ' || size || ' 新包装'))
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
