// How catalog text becomes search terms, the same way for a product and for a query: Chinese
// runs cut into words (jieba) with every character and character pair as sub-words, each word's
// pinyin (full and initials), Latin words and numbers as they are, sizes in one spelling.
import { readFileSync } from 'node:fs';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { pinyin } from 'pinyin-pro';
import { ownEntry } from '../../../domain/shared/own-entry.ts';

/** A term of a text: its lexeme, where it starts (in code points), and whether it is a whole word. */
export type Term = { lexeme: string; at: number; whole: boolean };

/** A run of one script in a normalized text. */
export type Run = { kind: 'han' | 'other'; text: string; at: number };

let segmenter: Jieba | undefined;

/** jieba with its own dictionary and the catalog's trade words (brands, product lines), loaded on first use. */
function jieba(): Jieba {
  if (!segmenter) {
    segmenter = Jieba.withDict(dict);
    segmenter.loadDict(readFileSync(new URL('./lexicon.txt', import.meta.url)));
  }
  return segmenter;
}

/** Full-width forms folded (ＡＢＣ１２３ → abc123), lower case. */
export const normalize = (text: string) => text.normalize('NFKC').toLowerCase();

const HAN = /\p{Script=Han}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

type CharClass = 'han' | 'letter' | 'digit' | 'dot' | 'other';

/** What a code point is to the tokenizer; ASCII without a regular expression (most of a name). */
function classOf(char: string): CharClass {
  const code = char.codePointAt(0)!;
  if (code < 0x80) {
    if (code >= 0x30 && code <= 0x39) return 'digit';
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) return 'letter';
    return code === 0x2e ? 'dot' : 'other';
  }
  if (HAN.test(char)) return 'han';
  if (!LETTER_OR_DIGIT.test(char)) return 'other';
  return /\p{N}/u.test(char) ? 'digit' : 'letter';
}

/**
 * The Chinese runs and the runs of other letters and digits, in order, offsets in code points;
 * everything else separates. A dot between digits stays inside a run (`1.28l`), and a run splits
 * where letters meet digits (`lvcha500ml` is `lvcha` and `500ml`; `500ml` stays one).
 */
export function runsOf(normalized: string): Run[] {
  const runs: Run[] = [];
  const chars = [...normalized];
  const classes = chars.map(classOf);
  let start = -1;
  const close = (end: number) => {
    if (start >= 0) runs.push({ kind: classes[start] === 'han' ? 'han' : 'other', text: chars.slice(start, end).join(''), at: start });
    start = -1;
  };
  for (let index = 0; index < chars.length; index++) {
    const kind = classes[index]!;
    const previous = start >= 0 ? classes[index - 1] : undefined;
    if (kind === 'han') {
      if (previous !== undefined && classes[start] !== 'han') close(index);
      if (start < 0) start = index;
    } else if (kind === 'letter' || kind === 'digit') {
      const splits = previous === 'han' || (previous === 'letter' && kind === 'digit');
      if (splits) close(index);
      if (start < 0) start = index;
    } else if (kind === 'dot' && previous === 'digit' && classes[index + 1] === 'digit') {
      continue;
    } else {
      close(index);
    }
  }
  close(chars.length);
  return runs;
}

/** Units of size, in one spelling: 500毫升, 500 ml and 500ML are all `500ml`. */
const UNITS: Record<string, string> = { 毫升: 'ml', ml: 'ml', 升: 'l', l: 'l', 克: 'g', g: 'g', 千克: 'kg', 公斤: 'kg', kg: 'kg' };
const NUMBER = /^\d+(?:\.\d+)?$/;
const HAN_UNIT = /^(毫升|千克|公斤|升|克)/;

/**
 * The size a number and the run after it spell (`500` then `毫升` or `ml`), as one lexeme; the
 * Chinese unit's length in code points, to skip it.
 */
function sizeOf(number: Run, next: Run | undefined): { lexeme: string; unitLength: number } | undefined {
  if (!next || !NUMBER.test(number.text)) return undefined;
  if (next.kind === 'han') {
    const unit = HAN_UNIT.exec(next.text)?.[1];
    return unit && next.at === number.at + number.text.length
      ? { lexeme: `${number.text}${UNITS[unit]}`, unitLength: unit.length }
      : undefined;
  }
  const unit = ownEntry(UNITS, next.text);
  return unit ? { lexeme: `${number.text}${unit}`, unitLength: 0 } : undefined;
}

/** jieba's words of a Chinese run, with where each starts in it (code points). */
export function hanWords(run: string): { word: string; at: number }[] {
  const words: { word: string; at: number }[] = [];
  let at = 0;
  for (const word of jieba().cut(run, true)) {
    words.push({ word, at });
    at += [...word].length;
  }
  return words;
}

/**
 * Search-mode words too: each long word's shorter dictionary words (农夫山泉 also gives 农夫 and
 * 山泉), so a product is found by a part of a compound as a whole word.
 */
function hanWordsForSearch(run: string): { word: string; at: number }[] {
  const words: { word: string; at: number }[] = [];
  for (const { word, at } of hanWords(run)) {
    words.push({ word, at });
    const chars = [...word];
    if (chars.length <= 2) continue;
    for (const part of jieba().cutForSearch(word, false)) {
      const index = word.indexOf(part);
      if (part !== word && index >= 0) words.push({ word: part, at: at + [...word.slice(0, index)].length });
    }
  }
  return words;
}

const SYLLABLE = /^[a-z]+$/;

/** Each character's pinyin without tones (ü as v, as typed), read in context (银行 yin hang); undefined where none. */
function syllablesOf(run: string): (string | undefined)[] {
  return pinyin(run, { toneType: 'none', type: 'array', v: true }).map((syllable) => (SYLLABLE.test(syllable) ? syllable : undefined));
}

/** The pinyin of a Chinese text, or undefined where a character has none. */
function spelled(run: string): string | undefined {
  const syllables = syllablesOf(run);
  return syllables.every((syllable) => syllable !== undefined) ? syllables.join('') : undefined;
}

/** A Chinese run of a product's text: its words with their pinyin and initials, then its characters and pairs; at from 0. */
function hanRunTerms(run: string): Term[] {
  const terms: Term[] = [];
  const chars = [...run];
  const syllables = syllablesOf(run);
  const words = new Set<string>();
  for (const { word, at } of hanWordsForSearch(run)) {
    const length = [...word].length;
    terms.push({ lexeme: word, at, whole: true });
    words.add(word);
    const sounds = syllables.slice(at, at + length);
    if (sounds.every((syllable) => syllable !== undefined)) {
      terms.push({ lexeme: sounds.join(''), at, whole: true });
      if (length >= 2) terms.push({ lexeme: sounds.map((syllable) => syllable[0]).join(''), at, whole: true });
    }
  }
  for (let index = 0; index < chars.length; index++) {
    const unigram = chars[index]!;
    if (!words.has(unigram)) terms.push({ lexeme: unigram, at: index, whole: false });
    const bigram = index + 1 < chars.length ? unigram + chars[index + 1]! : undefined;
    if (bigram && !words.has(bigram)) terms.push({ lexeme: bigram, at: index, whole: false });
  }
  return terms;
}

/**
 * Terms of Chinese runs seen before: a catalog repeats its brands, product lines and flavours
 * across many products, and cutting and spelling them is most of a document's cost.
 */
const seenRuns = new Map<string, readonly Term[]>();
const MAX_SEEN_RUNS = 20_000;

function hanTerms(run: string, at: number, terms: Term[]): void {
  let runTerms = seenRuns.get(run);
  if (!runTerms) {
    runTerms = hanRunTerms(run);
    if (seenRuns.size >= MAX_SEEN_RUNS) seenRuns.clear();
    seenRuns.set(run, runTerms);
  }
  for (const term of runTerms) terms.push({ lexeme: term.lexeme, at: at + term.at, whole: term.whole });
}

/** The terms of a product's text (a name, a brand, a keyword): every lexeme a query may meet it by. */
export function termsOf(text: string): Term[] {
  const terms: Term[] = [];
  const runs = runsOf(normalize(text));
  for (let index = 0; index < runs.length; index++) {
    const run = runs[index]!;
    const size = run.kind === 'other' ? sizeOf(run, runs[index + 1]) : undefined;
    if (size) {
      terms.push({ lexeme: size.lexeme, at: run.at, whole: true });
      const next = runs[index + 1]!;
      if (next.kind === 'han' && next.text.length > size.unitLength)
        hanTerms(next.text.slice(size.unitLength), next.at + size.unitLength, terms);
      index++;
    } else if (run.kind === 'han') {
      hanTerms(run.text, run.at, terms);
    } else {
      terms.push({ lexeme: run.text, at: run.at, whole: true });
    }
  }
  return terms;
}

/** A query's words: a Chinese run cut into words, other runs as they are, sizes in one spelling. */
export type QueryWord = { kind: 'han' | 'other'; text: string };

export function queryWords(q: string): QueryWord[] {
  const words: QueryWord[] = [];
  const runs = runsOf(normalize(q));
  for (let index = 0; index < runs.length; index++) {
    const run = runs[index]!;
    const size = run.kind === 'other' ? sizeOf(run, runs[index + 1]) : undefined;
    if (size) {
      words.push({ kind: 'other', text: size.lexeme });
      const rest = runs[index + 1]!.text.slice(size.unitLength);
      if (runs[index + 1]!.kind === 'han' && rest) words.push(...hanWords(rest).map(({ word }) => ({ kind: 'han' as const, text: word })));
      index++;
    } else if (run.kind === 'han') {
      words.push(...hanWords(run.text).map(({ word }) => ({ kind: 'han' as const, text: word })));
    } else {
      words.push({ kind: 'other', text: run.text });
    }
  }
  return words;
}

/**
 * How the Chinese of a query sounds: each run's and each word's pinyin, for a query typed with a
 * wrong character of the same sound (康师付 for 康师傅, an input method's slip).
 */
export function querySounds(q: string): string[] {
  const sounds = new Set<string>();
  for (const run of runsOf(normalize(q))) {
    if (run.kind !== 'han') continue;
    for (const text of [run.text, ...hanWords(run.text).map(({ word }) => word)]) {
      const sound = spelled(text);
      if (sound) sounds.add(sound);
    }
  }
  return [...sounds];
}
