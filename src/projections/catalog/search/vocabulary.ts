// The catalog's Latin-letter words (English words, pinyin, initials) held in memory: to tell a
// known word from a typo, correct typos, and split run-together words (`haitianjiangyou`).
import { sql } from 'kysely';
import type { Db } from '../../../db/database.ts';

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
/** Pieces a run-together word may be split into, and the shortest piece. */
const MAX_PIECES = 4;
const MIN_PIECE = 2;
/** Answers remembered per loaded vocabulary (queries repeat; a correction scans the words). */
const MAX_REMEMBERED = 5_000;

export type Vocabulary = {
  has(word: string): boolean;
  /**
   * Known words at the fewest edits from `word` (within what its length allows; those with its
   * first letter if any), at most a few.
   */
  corrections(word: string): string[];
  /** `word` as the fewest known words written together (longest first), or undefined. */
  pieces(word: string): string[] | undefined;
};

/** The words of one load, with what has been asked of them. */
export class Words implements Vocabulary {
  readonly #words: ReadonlySet<string>;
  /** Words by length, for the correction scan. */
  readonly #byLength = new Map<number, string[]>();
  readonly #corrections = new Map<string, string[]>();
  readonly #pieces = new Map<string, string[] | undefined>();

  constructor(words: Iterable<string>) {
    this.#words = new Set(words);
    for (const word of this.#words) {
      const list = this.#byLength.get(word.length) ?? [];
      list.push(word);
      this.#byLength.set(word.length, list);
    }
  }

  has(word: string): boolean {
    return this.#words.has(word);
  }

  corrections(word: string): string[] {
    return remembered(this.#corrections, word, () => this.#scan(word));
  }

  pieces(word: string): string[] | undefined {
    return remembered(this.#pieces, word, () => this.#split(word));
  }

  #scan(word: string): string[] {
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
    // A typist rarely misses the first letter: among equally close words, those that keep it.
    const sameStart = found.filter((candidate) => candidate[0] === word[0]);
    return (sameStart.length > 0 ? sameStart : found).sort().slice(0, MAX_CORRECTIONS);
  }

  /** Fewest pieces first, then the longest first piece: `haitianjiangyou` → haitian, jiangyou. */
  #split(word: string): string[] | undefined {
    const best = new Map<number, string[] | undefined>([[word.length, []]]);
    const from = (start: number): string[] | undefined => {
      if (best.has(start)) return best.get(start);
      let chosen: string[] | undefined;
      for (let end = word.length; end >= start + MIN_PIECE; end--) {
        const piece = word.slice(start, end);
        if (!this.#words.has(piece)) continue;
        const rest = from(end);
        if (rest && rest.length + 1 <= MAX_PIECES && (!chosen || rest.length + 1 < chosen.length)) chosen = [piece, ...rest];
      }
      best.set(start, chosen);
      return chosen;
    };
    const pieces = from(0);
    return pieces && pieces.length >= 2 ? pieces : undefined;
  }
}

function remembered<T>(answers: Map<string, T>, word: string, answer: () => T): T {
  if (answers.has(word)) return answers.get(word)!;
  const value = answer();
  if (answers.size < MAX_REMEMBERED) answers.set(word, value);
  return value;
}

/**
 * The words of the catalog (from every product's search document), loaded on first use and
 * reloaded in the background when the catalog projection has moved and the copy is older than
 * `maxAgeMs`. A word added since the last load is still found; it just cannot be reached through
 * a typo or a split until the next load.
 */
export class CatalogVocabulary {
  static readonly #ofDb = new WeakMap<Db, CatalogVocabulary>();

  /** The one vocabulary of a database handle, for every route that searches. */
  static of(db: Db): CatalogVocabulary {
    let vocabulary = CatalogVocabulary.#ofDb.get(db);
    if (!vocabulary) {
      vocabulary = new CatalogVocabulary(db);
      CatalogVocabulary.#ofDb.set(db, vocabulary);
    }
    return vocabulary;
  }

  readonly #db: Db;
  readonly #maxAgeMs: number;
  #words = new Words([]);
  #checkedAt = Number.NEGATIVE_INFINITY;
  #position: string | undefined;
  #loading: Promise<void> | undefined;
  #loaded = false;

  constructor(db: Db, options: { maxAgeMs?: number } = {}) {
    this.#db = db;
    this.#maxAgeMs = options.maxAgeMs ?? 30_000;
  }

  /** The current words: waits for the first load only; later reloads run behind the requests. */
  async words(): Promise<Vocabulary> {
    if (Date.now() - this.#checkedAt > this.#maxAgeMs) {
      this.#loading ??= this.#reload().finally(() => (this.#loading = undefined));
      if (!this.#loaded) await this.#loading.catch(() => undefined);
      else this.#loading.catch(() => undefined);
    }
    return this.#words;
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
    const checkpoint = await this.#db
      .selectFrom('projection_checkpoints')
      .select('position')
      .where('name', '=', 'catalog')
      .executeTakeFirst();
    if (this.#loaded && checkpoint?.position === this.#position) return;
    const { rows } = await sql<{ word: string }>`
      SELECT DISTINCT w.word FROM ${sql.table('catalog.products')} p, unnest(tsvector_to_array(p.search)) AS w(word)
       WHERE w.word ~ '^[a-z]{2,}$'`.execute(this.#db);
    this.#words = new Words(rows.map((row) => row.word));
    this.#position = checkpoint?.position;
    this.#loaded = true;
  }
}
