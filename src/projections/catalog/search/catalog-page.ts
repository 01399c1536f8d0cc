// The catalog page of GET /v1/products in one statement: match, rank and page first, then the
// page's prices, stock and the buyer's tier, for those rows only. Times come as ISO text
// (cheaper than Dates parsed and printed again).
//
// Matching, best first:
//   4    the SKU (case-insensitive) or the GTIN is exactly `q`;
//   3    the SKU starts with `q`;
//   1-2  every word of `q` in the product's search document (document.ts: name and keywords,
//        brand, category; Chinese words, their characters and pairs, pinyin and initials; GIN),
//        ranked by ts_rank with the document's weights (a whole word of the name first, then a
//        part of one, the brand, the category), normalised by length (shorter names first).
//        Latin words the catalog does not know are widened to prefixes, typo corrections and
//        known words written together (query.ts, from an in-memory vocabulary);
//   0-0.5 only when those find nothing at all (a second statement): any word of `q`, loosely (a
//        part of a Chinese word, or its sound), ranked by how much of `q` a product has; or for
//        a query without Chinese a name similar to `q` (trigrams, GIN on lower(name)).
// Ties go by SKU. The cursor is (score, sku); the bands never overlap, so paging runs through
// them in order. A query's first rows of ranking are remembered (ranked-cache.ts) and checked
// against catalog.search_state by the statement that reads a page from them.
import { sql, type RawBuilder } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../../db/database.ts';
import { availableOfSku, skuInStock } from '../../inventory/queries.ts';
import type { ProductRow } from '../queries.ts';
import { RANK_WEIGHTS } from './document.ts';
import { textQuery, type TextQuery } from './query.ts';
import { RankedCache, REMEMBERED_ROWS, type Ranked, type Ranking } from './ranked-cache.ts';
import type { CatalogVocabulary } from './vocabulary.ts';

export type CatalogSearch = {
  q?: string | undefined;
  category?: string | undefined;
  brand?: string | undefined;
  /** Only products with stock available in some warehouse. */
  inStock?: boolean | undefined;
  includeInactive: boolean;
  /** Whose tier and territories come back with the rows (the buyer's dealer), if any. */
  buyerDealerId: string | undefined;
  /** Tier prices: all (staff), or only the buyer's tier. */
  allTierPrices: boolean;
  /** Contract prices: only this dealer's; undefined loads every dealer's (staff). */
  contractPricesOf: string | undefined;
  limit: number;
  after?: { score: number; sku: string } | undefined;
};

export type CatalogRow = Omit<ProductRow, 'createdAt' | 'updatedAt'> & {
  /** ISO 8601 UTC, as the API shows it. */
  createdAt: string;
  updatedAt: string;
  score: number;
  /** The buyer dealer's tier and territories (null: no such dealer, or none asked for). */
  buyerTier: string | null;
  buyerTerritories: string[] | null;
  /** Where the searchable products stood (catalog.search_state), to check a remembered ranking by. */
  searchPosition: string | null;
};

// ---------------------------------------------------------------------------------------------
// The statement.

const products = sql.table('catalog.products');

/** The row filters every band shares, on products aliased `p`. */
function filters(search: CatalogSearch): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [];
  if (!search.includeInactive) conditions.push(sql`p.active`);
  if (search.category) conditions.push(sql`p.category = ${search.category}`);
  if (search.brand) conditions.push(sql`p.brand = ${search.brand}`);
  if (search.inStock) conditions.push(skuInStock(sql.ref('p.sku')));
  return conditions.length === 0 ? sql`true` : sql.join(conditions, sql` AND `);
}

/** `rows` (sku, score) past the cursor. */
function pastCursor(search: CatalogSearch, score: RawBuilder<unknown>): RawBuilder<unknown> {
  if (!search.after) return sql`true`;
  const { score: last, sku } = search.after;
  return sql`(${score} < ${last}::float8 OR (${score} = ${last}::float8 AND p.sku > ${sku}))`;
}

/** Characters a SKU may hold (skuSchema): a `q` with any other cannot be a SKU prefix. */
const SKU_TEXT = /^[A-Za-z0-9._-]+$/;
const GTIN_TEXT = /^\d{8,14}$/;

/**
 * The query as a scalar subquery: cast once per execution, also in a generic plan (where a cast
 * of a parameter would be evaluated row by row).
 */
const tsquery = (text: string) => sql`(SELECT ${text}::tsquery)`;

/** `offset` + ts_rank with the document's weights; flags 1 | 32: divided by 1 + log(length), mapped into [0, 1). */
const rankOf = (text: string, offset: number) =>
  sql`(${offset}::float8 + ts_rank(${`{${RANK_WEIGHTS.join(',')}}`}::float4[], p.search, ${tsquery(text)}, 33)::float8)`;

/** (sku, score) of a browse page: by SKU. */
function browsePage(search: CatalogSearch): RawBuilder<unknown> {
  const after = search.after ? sql`p.sku > ${search.after.sku}` : sql`true`;
  return sql`SELECT p.sku, 0::float8 AS score FROM ${products} p WHERE ${filters(search)} AND ${after} ORDER BY p.sku LIMIT ${search.limit + 1}`;
}

/**
 * (sku, score) of a page of the exact bands (code, then full text), best first; undefined when
 * `q` can match nothing there.
 */
function exactPage(search: CatalogSearch, q: string, text: TextQuery | undefined, rows: number): RawBuilder<unknown> | undefined {
  const where = filters(search);
  const branches: RawBuilder<unknown>[] = [];
  let code: RawBuilder<unknown> | undefined;
  if (SKU_TEXT.test(q)) {
    // lower(sku) in [q, q with its last character one up): a range on the pattern index that
    // stays one in a generic plan too, unlike LIKE with a parameter. SKU text is ASCII.
    const low = q.toLowerCase();
    const high = low.slice(0, -1) + String.fromCharCode(low.charCodeAt(low.length - 1) + 1);
    const gtin = GTIN_TEXT.test(q) ? sql` OR p.gtin = ${q}` : sql``;
    code = sql`((lower(p.sku) ~>=~ ${low} AND lower(p.sku) ~<~ ${high})${gtin})`;
    const score = sql`(CASE WHEN lower(p.sku) = ${low}${gtin} THEN 4 ELSE 3 END)::float8`;
    branches.push(sql`SELECT p.sku, ${score} AS score FROM ${products} p WHERE ${code} AND ${where} AND ${pastCursor(search, score)}`);
  }
  if (text) {
    const score = rankOf(text.all, 1);
    // A product the code band has is not listed twice; the check runs only if that band has any.
    const notCode = code ? sql` AND ((SELECT NOT EXISTS (SELECT 1 FROM ${products} p WHERE ${code})) OR NOT ${code})` : sql``;
    branches.push(
      sql`SELECT p.sku, ${score} AS score FROM ${products} p WHERE p.search @@ ${tsquery(text.all)} AND ${where} AND ${pastCursor(search, score)}${notCode}`,
    );
  }
  if (branches.length === 0) return undefined;
  return sql`SELECT sku, score FROM (${sql.join(branches, sql` UNION ALL `)}) matched ORDER BY score DESC, sku LIMIT ${rows}`;
}

const HAN = /\p{Script=Han}/u;

/**
 * (sku, score) of a page of the last-resort band: products with any word of `q` (loosely: a part
 * of a Chinese word, or its sound), or, for a query without Chinese, names similar to `q`
 * (trigrams) or holding it. (Chinese names are not compared by trigrams: the loose words find
 * more, and a similarity computed for every product with one of the query's characters was the
 * slowest search of all.) Asked only when the exact bands have nothing at all, so none of these
 * is in them.
 */
function fuzzyPage(search: CatalogSearch, q: string, text: TextQuery | undefined, rows: number): RawBuilder<unknown> {
  const chinese = HAN.test(q);
  if (!text && chinese) return sql`SELECT NULL::text AS sku, 0::float8 AS score WHERE false`;
  const lowered = sql`lower(${q})`;
  const similar = sql`similarity(lower(p.name), ${lowered})::float8`;
  const anyWord = text ? sql`p.search @@ ${tsquery(text.any)}` : undefined;
  // How much of `q` a product has (each unit it matches), then how well: in [0, 1).
  const covered =
    text &&
    sql`((${sql.join(
      text.units.map((unit) => sql`(p.search @@ ${tsquery(unit)})::int`),
      sql` + `,
    )} + ${rankOf(text.any, 0)}) / ${text.units.length + 1})`;
  const score = !covered ? sql`(${similar} / 2)` : chinese ? sql`(${covered} / 2)` : sql`(greatest(${covered}, ${similar}) / 2)`;
  const substring = q.length >= 3 ? sql` OR lower(p.name) LIKE '%' || lower(${q.replace(/[\\%_]/g, '\\$&')}) || '%'` : sql``;
  const matches = chinese ? anyWord! : sql`${anyWord ? sql`${anyWord} OR ` : sql``}lower(p.name) % ${lowered}${substring}`;
  return sql`
    SELECT p.sku, ${score} AS score FROM ${products} p
     WHERE (${matches}) AND ${filters(search)} AND ${pastCursor(search, score)}
     ORDER BY score DESC, p.sku LIMIT ${rows}`;
}

const isoTime = (column: RawBuilder<unknown>) => sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Statement names by SQL text. The exact bands and the unfiltered browse page run as named
 * statements: parsed once per connection, and planned once when PostgreSQL finds the generic
 * plan as good (their predicates keep their indexes with parameters). Filtered browse pages
 * stay unnamed: a generic plan would not know how selective `category = $1` is. At most a
 * bounded number of texts get a name; any others run unnamed.
 */
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 200;

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `catalog_search_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

/** (sku, score) of rows ranked before, in their order. */
const rankedPage = (ranked: readonly Ranked[]) =>
  sql`SELECT * FROM unnest(${ranked.map((row) => row.sku)}::text[], ${ranked.map((row) => row.score)}::float8[]) AS ranked(sku, score)`;

const searchPosition = sql`(SELECT s.position FROM ${sql.table('catalog.search_state')} s WHERE s.id = 1)`;

/**
 * The first REMEMBERED_ROWS of `q`'s ranking (the exact bands, or the last band when they have
 * nothing), with where the searchable products stand (null before the projection has written any).
 */
async function rankAfresh(
  pool: pg.Pool,
  db: Db,
  search: CatalogSearch,
  q: string,
  text: TextQuery | undefined,
): Promise<Omit<Ranking, 'position'> & { position: string | null }> {
  // The exact bands run as a named statement (see statementName); the last band's text varies with `q`.
  for (const [band, named] of [
    [exactPage(search, q, text, REMEMBERED_ROWS), true],
    [fuzzyPage(search, q, text, REMEMBERED_ROWS), false],
  ] as const) {
    if (!band) continue;
    const statement = sql<
      Ranked & { position: string | null }
    >`SELECT page.sku, page.score, ${searchPosition} AS position FROM (${band}) page`.compile(db);
    const name = named ? statementName(statement.sql) : undefined;
    const { rows } = await pool.query<Ranked & { position: string | null }>({
      text: statement.sql,
      values: [...statement.parameters],
      ...(name && { name }),
    });
    if (rows.length > 0)
      return {
        position: rows[0]!.position,
        ranked: rows.map(({ sku, score }) => ({ sku, score })),
        complete: rows.length < REMEMBERED_ROWS,
      };
  }
  return { position: null, ranked: [], complete: true };
}

/** A page of the catalog (limit + 1 rows, for the caller's cursor), best match first when searching. */
export async function searchCatalog(db: Db, pool: pg.Pool, vocabulary: CatalogVocabulary, search: CatalogSearch): Promise<CatalogRow[]> {
  const q = search.q?.trim() || undefined;
  if (!q) {
    const unfiltered = !search.category && !search.brand && !search.inStock;
    return pageWithDetails(db, pool, search, browsePage(search), unfiltered);
  }
  // Stock changes with every order: pages of products in stock are not remembered.
  const cache = search.inStock ? undefined : RankedCache.of(db);
  const key = JSON.stringify([q, search.category ?? null, search.brand ?? null, search.includeInactive]);
  const remembered = cache?.page(key, search.after, search.limit + 1);
  if (remembered) {
    const rows = await pageWithDetails(db, pool, search, rankedPage(remembered.ranked), true);
    if (rows[0]?.searchPosition === remembered.position) return rows;
    cache!.forget(key);
  }
  const text = textQuery(q, await vocabulary.words());
  if (cache && !search.after) {
    const { position, ranked, complete } = await rankAfresh(pool, db, search, q, text);
    if (position !== null) cache.remember(key, { position, ranked, complete });
    return ranked.length === 0 ? [] : pageWithDetails(db, pool, search, rankedPage(ranked.slice(0, search.limit + 1)), true);
  }
  // A cursor in the last band (score < 1): the exact bands had nothing.
  if (!search.after || search.after.score >= 1) {
    const exact = exactPage(search, q, text, search.limit + 1);
    const rows = exact ? await pageWithDetails(db, pool, search, exact, true) : [];
    // A cursor in the exact bands: the last band was not shown on the first page either.
    if (rows.length > 0 || search.after) return rows;
  }
  return pageWithDetails(db, pool, search, fuzzyPage(search, q, text, search.limit + 1), false);
}

/** The page's products with prices, stock and the buyer's tier and territories, in page order. */
async function pageWithDetails(
  db: Db,
  pool: pg.Pool,
  search: CatalogSearch,
  page: RawBuilder<unknown>,
  named: boolean,
): Promise<CatalogRow[]> {
  const buyer =
    search.buyerDealerId === undefined
      ? sql`SELECT NULL::text AS tier, NULL::text[] AS territories`
      : sql`
    SELECT d.tier, d.territories FROM ${sql.table('dealers.dealers')} d WHERE d.id = ${search.buyerDealerId}`;
  const tierOnly = search.allTierPrices ? sql`` : sql` AND t.tier = (SELECT tier FROM buyer)`;
  const contractOnly = search.contractPricesOf === undefined ? sql`` : sql` AND d.dealer_id = ${search.contractPricesOf}`;
  const statement = sql<CatalogRow>`
    WITH buyer AS MATERIALIZED (${buyer}), page AS MATERIALIZED (${page})
    SELECT p.sku, p.name, p.brand, p.category, p.gtin, p.unit, p.case_size AS "caseSize", p.shelf_life_days AS "shelfLifeDays",
           p.base_price_minor AS "basePriceMinor", p.currency, p.low_stock_threshold AS "lowStockThreshold",
           p.keywords, ${availableOfSku(sql.ref('p.sku'))} AS available, p.active, p.version,
           ${isoTime(sql.ref('p.created_at'))} AS "createdAt", ${isoTime(sql.ref('p.updated_at'))} AS "updatedAt",
           coalesce((SELECT jsonb_object_agg(t.tier, t.price_minor) FROM ${sql.table('catalog.tier_prices')} t WHERE t.sku = p.sku${tierOnly}), '{}'::jsonb) AS "tierPrices",
           coalesce((SELECT jsonb_object_agg(d.dealer_id, d.price_minor) FROM ${sql.table('catalog.dealer_prices')} d WHERE d.sku = p.sku${contractOnly}), '{}'::jsonb) AS "dealerPrices",
           page.score, (SELECT tier FROM buyer) AS "buyerTier", (SELECT territories FROM buyer) AS "buyerTerritories",
           ${searchPosition} AS "searchPosition"
      FROM page JOIN ${products} p ON p.sku = page.sku
     ORDER BY page.score DESC, page.sku`.compile(db);
  const name = named ? statementName(statement.sql) : undefined;
  const { rows } = await pool.query<CatalogRow>({ text: statement.sql, values: [...statement.parameters], ...(name && { name }) });
  return rows;
}
