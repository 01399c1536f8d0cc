// The text search query for what a dealer typed, over the documents of document.ts: every word
// must match (`all`), or, as a last resort, any of them, loosely (`any`).
import { querySounds, queryWords, type QueryWord } from './analysis.ts';
import type { Vocabulary } from './vocabulary.ts';

/** Unknown words widened (prefix, corrections, pieces): the few first only, a correction scans the vocabulary. */
const MAX_WIDENED_WORDS = 6;
/** Words of a query that count; the rest of a pasted paragraph is left out. */
const MAX_WORDS = 12;
const LETTERS = /^[a-z]+$/;

/** A tsquery operand, quoted so that PostgreSQL takes the lexeme as it is. */
const term = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const anyOf = (alternatives: string[]) => (alternatives.length === 1 ? alternatives[0]! : `( ${alternatives.join(' | ')} )`);
const allOf = (operands: string[]) => (operands.length === 1 ? operands[0]! : `( ${operands.join(' & ')} )`);

/** A Chinese word: itself, or (three characters or more) its character pairs, for a text cut otherwise. */
function hanOperand(word: string): string {
  const chars = [...word];
  if (chars.length <= 2) return term(word);
  const pairs = chars.slice(0, -1).map((char, index) => term(char + chars[index + 1]!));
  return anyOf([term(word), allOf(pairs)]);
}

/** A Chinese word loosely: itself, any of its character pairs or characters. */
function looseHanOperands(word: string): string[] {
  const chars = [...word];
  const pairs = chars.slice(0, -1).map((char, index) => char + chars[index + 1]!);
  return [word, ...pairs, ...(chars.length > 1 ? chars : [])].map(term);
}

/**
 * Any other word: itself when the catalog knows it; else also as the start of a word (unfinished,
 * `kangshi`), a known word one or two letters off (`jiangyuo`), or known words written together
 * (`haitianjiangyou`, `ksfhsnrm`).
 */
function otherOperand(word: string, vocabulary: Vocabulary, widen: boolean): string {
  if (vocabulary.has(word) || !widen) return term(word);
  const alternatives = [term(word), `${term(word)}:*`];
  if (LETTERS.test(word)) {
    alternatives.push(...vocabulary.corrections(word).map(term));
    const pieces = vocabulary.pieces(word);
    if (pieces) alternatives.push(allOf(pieces.map(term)));
  }
  return anyOf(alternatives);
}

export type TextQuery = {
  /** Every word. */
  all: string;
  /** Any word, loosely. */
  any: string;
  /** What the last resort counts, to rank by how much of `q` a product has: each Chinese character, each other word, each sound. */
  units: string[];
};

/** Units counted at most (each is a match test per product of the last resort). */
const MAX_UNITS = 12;

/** The tsquery texts (to cast `::tsquery`) for `q`; undefined when it has no words. */
export function textQuery(q: string, vocabulary: Vocabulary): TextQuery | undefined {
  const words: QueryWord[] = queryWords(q).slice(0, MAX_WORDS);
  if (words.length === 0) return undefined;
  let widened = 0;
  const others = new Map<string, string>();
  for (const word of words) {
    if (word.kind === 'other' && !others.has(word.text))
      others.set(word.text, otherOperand(word.text, vocabulary, !vocabulary.has(word.text) && widened++ < MAX_WIDENED_WORDS));
  }
  const sounds = querySounds(q).map(term);
  const all = words.map((word) => (word.kind === 'han' ? hanOperand(word.text) : others.get(word.text)!));
  const any = [...words.flatMap((word) => (word.kind === 'han' ? looseHanOperands(word.text) : [others.get(word.text)!])), ...sounds];
  const units = [...words.flatMap((word) => (word.kind === 'han' ? [...word.text].map(term) : [others.get(word.text)!])), ...sounds];
  return { all: [...new Set(all)].join(' & '), any: [...new Set(any)].join(' | '), units: [...new Set(units)].slice(0, MAX_UNITS) };
}
