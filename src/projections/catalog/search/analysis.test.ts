import { describe, expect, it } from 'vitest';
import { queryWords, runsOf, termsOf } from './analysis.ts';
import { searchDocument } from './document.ts';

const lexemes = (text: string, whole: boolean) =>
  termsOf(text)
    .filter((term) => term.whole === whole)
    .map((term) => term.lexeme);

describe('search analysis', () => {
  it('cuts Chinese into words, each with its pinyin and initials, and keeps every character and pair as a part', () => {
    expect(lexemes('海天金标生抽酱油', true)).toEqual([
      '海天',
      'haitian',
      'ht',
      '金标',
      'jinbiao',
      'jb',
      '生抽',
      'shengchou',
      'sc',
      '酱油',
      'jiangyou',
      'jy',
    ]);
    expect(lexemes('海天金标生抽酱油', false)).toEqual(['海', '天', '天金', '金', '标', '标生', '生', '抽', '抽酱', '酱', '油']);
  });

  it('also gives the shorter words inside a compound, and reads polyphones in context', () => {
    expect(lexemes('农夫山泉', true)).toEqual(['农夫山泉', 'nongfushanquan', 'nfsq', '农夫', 'nongfu', 'nf', '山泉', 'shanquan', 'sq']);
    expect(lexemes('长城干红', true)).toContain('changcheng');
    expect(lexemes('绿茶', true)).toContain('lvcha');
  });

  it('spells sizes one way, folds full-width forms and case, and keeps Latin words and numbers', () => {
    expect(lexemes('统一绿茶 500毫升', true)).toContain('500ml');
    expect(lexemes('金龙鱼调和油 5升', true)).toContain('5l');
    expect(lexemes('ＣＯＬＡ　３３０ＭＬ', true)).toEqual(['cola', '330ml']);
    expect(lexemes('1.28L', true)).toEqual(['1.28l']);
    expect(lexemes('Coca-Cola 330 ml', true)).toEqual(['coca', 'cola', '330ml']);
    // A word that is no unit stays a word, even one every object has a property of (constructor).
    expect(lexemes('500 constructor', true)).toEqual(['500', 'constructor']);
  });

  it('counts positions in characters, with a Latin run split where letters meet digits', () => {
    expect(runsOf('lvcha500ml 绿茶')).toEqual([
      { kind: 'other', text: 'lvcha', at: 0 },
      { kind: 'other', text: '500ml', at: 5 },
      { kind: 'han', text: '绿茶', at: 11 },
    ]);
    expect(
      termsOf('𠮷野家 牛丼')
        .map((term) => [term.lexeme, term.at])
        .find(([lexeme]) => lexeme === '牛丼'),
    ).toEqual(['牛丼', 4]);
  });

  it('cuts a query the same way, without the parts', () => {
    expect(queryWords('海天 金标生抽 500毫升')).toEqual([
      { kind: 'han', text: '海天' },
      { kind: 'han', text: '金标' },
      { kind: 'han', text: '生抽' },
      { kind: 'other', text: '500ml' },
    ]);
    expect(queryWords('ht jiangyou')).toEqual([
      { kind: 'other', text: 'ht' },
      { kind: 'other', text: 'jiangyou' },
    ]);
  });

  it('writes the document with weights: name words A, name parts B, brand C, category D', () => {
    // Fields 8 positions apart: name at 1, the keyword at 11, the brand at 25, the category at 35.
    const document = searchDocument({ name: '绿茶', brand: '统一', category: 'Tea', keywords: ['lc tea'] });
    expect(document).toBe(
      "'绿茶':1A 'lvcha':1A 'lc':1A,11A '绿':1B '茶':2B 'tea':14A,35D '统一':25C 'tongyi':25C 'ty':25C '统':25C '一':26C",
    );
  });
});
