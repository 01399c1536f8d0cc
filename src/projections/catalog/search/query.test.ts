import { describe, expect, it } from 'vitest';
import { textQuery } from './query.ts';
import { Words } from './vocabulary.ts';

const vocabulary = new Words(['oolong', 'tea', 'haitian', 'jiangyou', 'lvcha']);

describe('catalog text query', () => {
  it('needs every word: Chinese words as cut, a long one also as its character pairs', () => {
    expect(textQuery('海天 酱油', vocabulary)?.all).toBe("'海天' & '酱油'");
    expect(textQuery('茶', vocabulary)?.all).toBe("'茶'");
    expect(textQuery('天然水', vocabulary)?.all).toBe("( '天然水' | ( '天然' & '然水' ) )");
  });

  it('takes known Latin words as they are and widens the others to prefixes, corrections and pieces', () => {
    expect(textQuery('Oolnog TEA 500毫升', vocabulary)?.all).toBe("( 'oolnog' | 'oolnog':* | 'oolong' ) & 'tea' & ( '500ml' | '500ml':* )");
    expect(textQuery('haitianjiangyou', vocabulary)?.all).toBe("( 'haitianjiangyou' | 'haitianjiangyou':* | ( 'haitian' & 'jiangyou' ) )");
    expect(textQuery('lvcha', vocabulary)?.all).toBe("'lvcha'");
  });

  it('as a last resort, takes any word, any pair or character of a Chinese word, or how the Chinese sounds', () => {
    const loose = textQuery('康师付 tea', vocabulary);
    expect(loose?.any).toBe("'康师付' | '康师' | '师付' | '康' | '师' | '付' | 'tea' | 'kangshifu'");
    expect(loose?.units).toEqual(["'康'", "'师'", "'付'", "'tea'", "'kangshifu'"]);
  });

  it('quotes what a tsquery could misread, and has nothing for a query without words', () => {
    expect(textQuery("it's \\ SKU-1", vocabulary)?.all).toBe("( 'it' | 'it':* ) & ( 's' | 's':* ) & ( 'sku' | 'sku':* ) & ( '1' | '1':* )");
    expect(textQuery(' - & ! ', vocabulary)).toBeUndefined();
  });

  it('widens only the first few unknown words, and counts the same word once', () => {
    const many = textQuery('aaa bbb ccc ddd eee fff ggg tea tea', vocabulary);
    expect(many?.all.endsWith("( 'fff' | 'fff':* ) & 'ggg' & 'tea'")).toBe(true);
  });
});
