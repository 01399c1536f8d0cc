// The catalog page of GET /v1/products in one statement: match, rank and page first, then the
// page's prices, stock and the buyer's tier, for those rows only. Times come as ISO text
// (cheaper than Dates parsed and printed again).
//
// Matching, best first:
//   4    the SKU (case-insensitive) or the GTIN is exactly `q`;
//   3    the SKU starts with `q`;
//   1-2  full text over name, SKU, brand and category (the stored `search` tsvector, GIN), ranked
//        by ts_rank normalised by document length (shorter, closer names first). Words the
//        catalog does not know are widened to the known words one or two edits away (typos) and
//        to the words they begin (prefixes), from an in-memory vocabulary of the catalog;
//   0-0.5 only when those find nothing at all (a second statement): trigram similarity of the
//        name (GIN on lower(name)) or the name holding `q`, the fuzzy last resort.
// Ties go by SKU. The cursor is (score, sku); the bands never overlap, so paging runs through
// them in order.
import { sql, type RawBuilder } from 'kysely';
import type pg from 'pg';
import type { Db } from '../db/database.ts';
import { availableOfSku, skuInStock } from '../projections/inventory/queries.ts';
import type { ProductRow } from '../projections/catalog/queries.ts';

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
};

// ---------------------------------------------------------------------------------------------
// The vocabulary: every word of the catalog's search vectors, for typo correction.

/** Letters only, 3 or more: the words a typo can be corrected to (not SKUs, sizes or codes). */
const WORD = /^\p{L}{3,}$/u;

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions) of `a` and `b`,
 * or `max + 1` as soon as it must exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  let before = new Array<number>(n + 1).fill(0);
  let previous = Array.from({ length: n + 1 }, (_, j) => j);
  let current = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let best = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[n]!;
}

/** Edits a word of this length may have and still be corrected: none up to 3 letters, 1 up to 6, else 2. */
const allowedEdits = (length: number) => (length <= 3 ? 0 : length <= 6 ? 1 : 2);

const MAX_CORRECTIONS = 5;

/**
 * The words of the catalog (from every product's search vector), loaded on first use and
 * reloaded in the background when the catalog projection has moved and the copy is older than
 * `maxAgeMs`. A word added since the last load is still found by full text; it just cannot be
 * reached through a typo until the next load.
 */
export class CatalogVocabulary {
  readonly #db: Db;
  readonly #maxAgeMs: number;
  #words: ReadonlySet<string> = new Set();
  /** Words by length, for the correction scan. */
  #byLength = new Map<number, string[]>();
  #checkedAt = Number.NEGATIVE_INFINITY;
  #position: string | undefined;
  #loading: Promise<void> | undefined;
  #loaded = false;

  constructor(db: Db, options: { maxAgeMs?: number } = {}) {
    this.#db = db;
    this.#maxAgeMs = options.maxAgeMs ?? 30_000;
  }

  /** The current words: waits for the first load only; later reloads run behind the requests. */
  async words(): Promise<this> {
    if (Date.now() - this.#checkedAt > this.#maxAgeMs) {
      this.#loading ??= this.#reload().finally(() => (this.#loading = undefined));
      if (!this.#loaded) await this.#loading.catch(() => undefined);
      else this.#loading.catch(() => undefined);
    }
    return this;
  }

  has(word: string): boolean {
    return this.#words.has(word);
  }

  /** Known words at the fewest edits from `word` (within what its length allows), at most a few. */
  corrections(word: string): string[] {
    const max = allowedEdits(word.length);
    if (max === 0) return [];
    let best = max + 1;
    let found: string[] = [];
    for (let length = word.length - max; length <= word.length + max; length++) {
      for (const candidate of this.#byLength.get(length) ?? []) {
        const distance = editDistance(word, candidate, Math.min(max, best));
        if (distance < best) {
          best = distance;
          found = [candidate];
        } else if (distance === best && distance <= max) {
          found.push(candidate);
        }
      }
    }
    return found.sort().slice(0, MAX_CORRECTIONS);
  }

  async #reload(): Promise<void> {
    this.#checkedAt = Date.now();
    try {
      await this.#load();
    } catch (error) {
      this.#checkedAt = Number.NEGATIVE_INFINITY; // the next search tries again
      throw error;
    }
  }

  async #load(): Promise<void> {
    const checkpoint = await this.#db.selectFrom('projection_checkpoints').select('position').where('name', '=', 'catalog').executeTakeFirst();
    if (this.#loaded && checkpoint?.position === this.#position) return;
    const { rows } = await sql<{ word: string }>`
      SELECT DISTINCT w.word FROM ${sql.table('catalog.products')} p, unnest(tsvector_to_array(p.search)) AS w(word)
       WHERE w.word ~ '^[[:alpha:]]{3,}$'`.execute(this.#db);
    const words = new Set<string>();
    const byLength = new Map<number, string[]>();
    for (const { word } of rows) {
      if (!WORD.test(word)) continue;
      words.add(word);
      const list = byLength.get(word.length) ?? [];
      list.push(word);
      byLength.set(word.length, list);
    }
    this.#words = words;
    this.#byLength = byLength;
    this.#position = checkpoint?.position;
    this.#loaded = true;
  }
}

// ---------------------------------------------------------------------------------------------
// The full-text query.

/** websearch syntax (quotes, OR, a leading minus): passed to websearch_to_tsquery as it is. */
const WEBSEARCH_SYNTAX = /["]|(^|\s)-\S|\sor\s/i;

const MAX_WIDENED_WORDS = 6;

/** A term of to_tsquery: quoted, so that the text search parser splits it the way it split the products. */
const quote = (token: string) => `'${token}'`;

/**
 * The text search query for `q`: web search syntax as it is, else a to_tsquery text in which
 * every word must match, and a word the vocabulary does not know may also match as the
 * beginning of a word or as one of its corrections. Undefined when `q` has no words.
 */
export function fullTextQuery(q: string, vocabulary: Pick<CatalogVocabulary, 'has' | 'corrections'>): { websearch: string } | { tsquery: string } | undefined {
  if (WEBSEARCH_SYNTAX.test(q)) return { websearch: q };
  const terms: string[] = [];
  let widened = 0;
  for (const raw of q.toLowerCase().split(/\s+/)) {
    // Quotes and backslashes are the only characters a quoted tsquery term cannot hold.
    const token = raw.replace(/['\\]/g, ' ').trim();
    if (!/[\p{L}\p{N}]/u.test(token)) continue;
    // The few first unknown words only: a correction scans the vocabulary.
    if (!WORD.test(token) || vocabulary.has(token) || widened++ >= MAX_WIDENED_WORDS) {
      terms.push(quote(token));
      continue;
    }
    const alternatives = [quote(token), `${quote(token)}:*`, ...vocabulary.corrections(token).map(quote)];
    terms.push(`( ${alternatives.join(' | ')} )`);
  }
  return terms.length === 0 ? undefined : { tsquery: terms.join(' & ') };
}

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

/** (sku, score) of a browse page: by SKU. */
function browsePage(search: CatalogSearch): RawBuilder<unknown> {
  const after = search.after ? sql`p.sku > ${search.after.sku}` : sql`true`;
  return sql`SELECT p.sku, 0::float8 AS score FROM ${products} p WHERE ${filters(search)} AND ${after} ORDER BY p.sku LIMIT ${search.limit + 1}`;
}

/**
 * (sku, score) of a page of the exact bands (code, then full text), best first; undefined when
 * `q` can match nothing there.
 */
function exactPage(search: CatalogSearch, q: string, vocabulary: CatalogVocabulary): RawBuilder<unknown> | undefined {
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
  const text = fullTextQuery(q, vocabulary);
  if (text) {
    // A scalar subquery: parsed once per execution, also in a generic plan (where a call on a
    // parameter would be evaluated row by row).
    const tsquery = 'websearch' in text ? sql`(SELECT websearch_to_tsquery('simple', ${text.websearch}))` : sql`(SELECT to_tsquery('simple', ${text.tsquery}))`;
    // ts_rank flags: 1 divides by 1 + log(length), 32 maps the rank into [0, 1).
    const score = sql`(1 + ts_rank(p.search, ${tsquery}, 33)::float8)`;
    // A product the code band has is not listed twice; the check runs only if that band has any.
    const notCode = code ? sql` AND ((SELECT NOT EXISTS (SELECT 1 FROM ${products} p WHERE ${code})) OR NOT ${code})` : sql``;
    branches.push(sql`SELECT p.sku, ${score} AS score FROM ${products} p WHERE p.search @@ ${tsquery} AND ${where} AND ${pastCursor(search, score)}${notCode}`);
  }
  if (branches.length === 0) return undefined;
  return sql`SELECT sku, score FROM (${sql.join(branches, sql` UNION ALL `)}) matched ORDER BY score DESC, sku LIMIT ${search.limit + 1}`;
}

/**
 * (sku, score) of a page of the fuzzy band: names similar to `q` (trigrams) or holding it.
 * Asked only when the exact bands have nothing at all, so none of these is in them.
 */
function fuzzyPage(search: CatalogSearch, q: string): RawBuilder<unknown> {
  const lowered = sql`lower(${q})`;
  const score = sql`(similarity(lower(p.name), ${lowered})::float8 / 2)`;
  const substring = q.length >= 3 ? sql` OR lower(p.name) LIKE '%' || lower(${q.replace(/[\\%_]/g, '\\$&')}) || '%'` : sql``;
  return sql`
    SELECT p.sku, ${score} AS score FROM ${products} p
     WHERE (lower(p.name) % ${lowered}${substring}) AND ${filters(search)} AND ${pastCursor(search, score)}
     ORDER BY score DESC, p.sku LIMIT ${search.limit + 1}`;
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

/** A page of the catalog (limit + 1 rows, for the caller's cursor), best match first when searching. */
export async function searchCatalog(db: Db, pool: pg.Pool, vocabulary: CatalogVocabulary, search: CatalogSearch): Promise<CatalogRow[]> {
  const q = search.q?.trim() || undefined;
  if (!q) {
    const unfiltered = !search.category && !search.brand && !search.inStock;
    return pageWithDetails(db, pool, search, browsePage(search), unfiltered);
  }
  // A cursor in the fuzzy band (score < 1): the exact bands had nothing.
  if (!search.after || search.after.score >= 1) {
    await vocabulary.words();
    const exact = exactPage(search, q, vocabulary);
    const rows = exact ? await pageWithDetails(db, pool, search, exact, true) : [];
    // A cursor in the exact bands: the fuzzy band was not shown on the first page either.
    if (rows.length > 0 || search.after) return rows;
  }
  return pageWithDetails(db, pool, search, fuzzyPage(search, q), false);
}

/** The page's products with prices, stock and the buyer's tier and territories, in page order. */
async function pageWithDetails(db: Db, pool: pg.Pool, search: CatalogSearch, page: RawBuilder<unknown>, named: boolean): Promise<CatalogRow[]> {
  const buyer = search.buyerDealerId === undefined ? sql`SELECT NULL::text AS tier, NULL::text[] AS territories` : sql`
    SELECT d.tier, d.territories FROM ${sql.table('dealers.dealers')} d WHERE d.id = ${search.buyerDealerId}`;
  const tierOnly = search.allTierPrices ? sql`` : sql` AND t.tier = (SELECT tier FROM buyer)`;
  const contractOnly = search.contractPricesOf === undefined ? sql`` : sql` AND d.dealer_id = ${search.contractPricesOf}`;
  const statement = sql<CatalogRow>`
    WITH buyer AS MATERIALIZED (${buyer}), page AS MATERIALIZED (${page})
    SELECT p.sku, p.name, p.brand, p.category, p.gtin, p.unit, p.case_size AS "caseSize", p.shelf_life_days AS "shelfLifeDays",
           p.base_price_minor AS "basePriceMinor", p.currency, p.low_stock_threshold AS "lowStockThreshold",
           ${availableOfSku(sql.ref('p.sku'))} AS available, p.active, p.version,
           ${isoTime(sql.ref('p.created_at'))} AS "createdAt", ${isoTime(sql.ref('p.updated_at'))} AS "updatedAt",
           coalesce((SELECT jsonb_object_agg(t.tier, t.price_minor) FROM ${sql.table('catalog.tier_prices')} t WHERE t.sku = p.sku${tierOnly}), '{}'::jsonb) AS "tierPrices",
           coalesce((SELECT jsonb_object_agg(d.dealer_id, d.price_minor) FROM ${sql.table('catalog.dealer_prices')} d WHERE d.sku = p.sku${contractOnly}), '{}'::jsonb) AS "dealerPrices",
           page.score, (SELECT tier FROM buyer) AS "buyerTier", (SELECT territories FROM buyer) AS "buyerTerritories"
      FROM page JOIN ${products} p ON p.sku = page.sku
     ORDER BY page.score DESC, page.sku`.compile(db);
  const name = named ? statementName(statement.sql) : undefined;
  const { rows } = await pool.query<CatalogRow>({ text: statement.sql, values: [...statement.parameters], ...(name && { name }) });
  return rows;
}
