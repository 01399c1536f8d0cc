// A product's search document: the terms of its name, keywords, brand and category as one
// tsvector, written by the catalog projection. Weights carry what a match is worth (see RANK_WEIGHTS):
// A a whole word of the name or a keyword, B a part of one (a character, a pair), C the brand, D the category.
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

const quoted = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

class DocumentBuilder {
  readonly #positions = new Map<string, string[]>();
  #base = 1;

  field(text: string, weightOf: (term: Term) => Weight): void {
    const terms = termsOf(text);
    for (const term of terms) {
      const position = this.#base + term.at;
      if (position > MAX_POSITION) break;
      const positions = this.#positions.get(term.lexeme) ?? [];
      if (positions.length < MAX_POSITIONS_PER_LEXEME) positions.push(`${position}${weightOf(term)}`);
      this.#positions.set(term.lexeme, positions);
    }
    this.#base += [...text].length + FIELD_GAP;
  }

  /** The tsvector in its text form (lexemes quoted, so PostgreSQL takes them as they are). */
  toString(): string {
    return [...this.#positions].map(([lexeme, positions]) => `${quoted(lexeme)}:${positions.join(',')}`).join(' ');
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
