// A product's search document: the terms of its name, keywords, brand and category as one
// tsvector, written by the catalog projection. Weights carry what a match is worth (see RANK_WEIGHTS):
// A a whole word of the name or a keyword, B a part of one (a character, a pair), C the brand, D the category.
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { termsOf, type Term } from './analysis.ts';

export type SearchableProduct = { name: string; brand: string; category: string; keywords: readonly string[] };

/** The fields the document is made of: a change to any of them writes it again. */
export const SEARCHED_FIELDS = ['name', 'brand', 'category', 'keywords'] as const;

export const changesSearch = (changes: Partial<Record<(typeof SEARCHED_FIELDS)[number], unknown>>) =>
  SEARCHED_FIELDS.some((field) => changes[field] !== undefined);

/** ts_rank's weights, in its order {D, C, B, A}: name word > name part > brand > category. */
export const RANK_WEIGHTS = [0.1, 0.2, 0.4, 1] as const;

type Weight = 'A' | 'B' | 'C' | 'D';

/** Positions between two fields, so that words of different fields never count as neighbours. */
const FIELD_GAP = 8;
/** What a tsvector can hold: positions up to 16383, 256 of them per lexeme. */
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_LEXEME = 256;

const NEEDS_ESCAPE = /['\\]/;
const quoted = (lexeme: string) => (NEEDS_ESCAPE.test(lexeme) ? `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : `'${lexeme}'`);

/** A lexeme's positions so far, in the tsvector's text form (`1A,5B`). */
type Positions = { text: string; count: number };

class DocumentBuilder {
  readonly #positions = new Map<string, Positions>();
  #base = 1;

  field(text: string, weightOf: (term: Term) => Weight): void {
    for (const term of termsOf(text)) {
      const position = this.#base + term.at;
      if (position > MAX_POSITION) break;
      const entry = `${position}${weightOf(term)}`;
      const positions = this.#positions.get(term.lexeme);
      if (!positions) this.#positions.set(term.lexeme, { text: entry, count: 1 });
      else if (positions.count < MAX_POSITIONS_PER_LEXEME) {
        positions.text += `,${entry}`;
        positions.count += 1;
      }
    }
    this.#base += [...text].length + FIELD_GAP;
  }

  /** The tsvector in its text form (lexemes quoted, so PostgreSQL takes them as they are). */
  toString(): string {
    let text = '';
    for (const [lexeme, positions] of this.#positions) text += `${text ? ' ' : ''}${quoted(lexeme)}:${positions.text}`;
    return text;
  }
}

const nameWeight = (term: Term): Weight => (term.whole ? 'A' : 'B');

/**
 * The fields as a product's, or undefined when one is not what the table holds: such an event
 * gets no document, and its write fails on the table's own constraint, naming the column.
 */
export function searchableOf(fields: Record<(typeof SEARCHED_FIELDS)[number], unknown>): SearchableProduct | undefined {
  const { name, brand, category, keywords } = fields;
  const texts: unknown[] = [name, brand, category, ...(Array.isArray(keywords) ? (keywords as unknown[]) : [undefined])];
  return texts.every((text) => typeof text === 'string') ? (fields as SearchableProduct) : undefined;
}

/** The product's tsvector, as text to cast (`::tsvector`). */
export function searchDocument(product: SearchableProduct): string {
  const document = new DocumentBuilder();
  document.field(product.name, nameWeight);
  for (const keyword of product.keywords) document.field(keyword, nameWeight);
  document.field(product.brand, () => 'C');
  document.field(product.category, () => 'D');
  return document.toString();
}

/** Records that the searchable products changed at `position` (see migration 0021). */
export async function markSearchChanged(db: Kysely<Database>, position: string): Promise<void> {
  await db
    .insertInto('catalog.search_state')
    .values({ id: 1, position })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ position }))
    .execute();
}
