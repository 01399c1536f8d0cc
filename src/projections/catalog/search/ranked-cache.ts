// Ranked search results remembered per query, so that the next page, and the next dealer typing
// the same words, skip the ranking (the costly part: every product matching 茶 is ranked). Each is
// checked against catalog.search_state: the statement that reads a remembered page also reads
// where the searchable products stand, and a page ranked before they last changed is ranked again.
import type { Db } from '../../../db/database.ts';

export type Ranked = { sku: string; score: number };

/** A query's ranking: its first rows, as of `position`; `complete` when those are all. */
export type Ranking = { position: string; ranked: Ranked[]; complete: boolean };

/** Rows remembered per query (five pages of 50, and the row telling whether there is a sixth), and queries. */
export const REMEMBERED_ROWS = 251;
const MAX_QUERIES = 1_000;

export class RankedCache {
  static readonly #ofDb = new WeakMap<Db, RankedCache>();

  /** The one cache of a database handle. */
  static of(db: Db): RankedCache {
    let cache = RankedCache.#ofDb.get(db);
    if (!cache) {
      cache = new RankedCache();
      RankedCache.#ofDb.set(db, cache);
    }
    return cache;
  }

  readonly #rankings = new Map<string, Ranking>();

  /**
   * `rows` of a remembered ranking past the cursor, with the position they are true at; undefined
   * when the ranking is not remembered, or does not reach that far.
   */
  page(key: string, after: Ranked | undefined, rows: number): { position: string; ranked: Ranked[] } | undefined {
    const ranking = this.#rankings.get(key);
    if (!ranking) return undefined;
    // The least recently used query is the first to go.
    this.#rankings.delete(key);
    this.#rankings.set(key, ranking);
    const start = after
      ? ranking.ranked.findIndex((row) => row.score < after.score || (row.score === after.score && row.sku > after.sku))
      : 0;
    if (start < 0) return undefined;
    const ranked = ranking.ranked.slice(start, start + rows);
    if (ranked.length === 0 || (ranked.length < rows && !ranking.complete)) return undefined;
    return { position: ranking.position, ranked };
  }

  remember(key: string, ranking: Ranking): void {
    this.#rankings.delete(key);
    if (this.#rankings.size >= MAX_QUERIES) this.#rankings.delete(this.#rankings.keys().next().value!);
    this.#rankings.set(key, ranking);
  }

  forget(key: string): void {
    this.#rankings.delete(key);
  }
}
