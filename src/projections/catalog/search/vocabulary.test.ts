import { describe, expect, it } from 'vitest';
import { editDistance, Words } from './vocabulary.ts';

describe('catalog vocabulary', () => {
  it('counts edits, transpositions as one, and stops past the limit', () => {
    expect(editDistance('oolnog', 'oolong', 2)).toBe(1);
    expect(editDistance('noodels', 'noodles', 2)).toBe(1);
    expect(editDistance('chocolat', 'chocolate', 2)).toBe(1);
    expect(editDistance('watr', 'water', 1)).toBe(1);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });

  const words = new Words(['haitian', 'jiangyou', 'jiang', 'you', 'kangshifu', 'ht', 'jy', 'potato', 'chips', 'oolong', 'tea']);

  it('corrects a word by the fewest edits its length allows', () => {
    expect(words.corrections('kangshifo')).toEqual(['kangshifu']);
    expect(words.corrections('oolnog')).toEqual(['oolong']);
    expect(words.corrections('tae')).toEqual([]);
    // oreo and zero are both one edit from oero: the one that keeps the first letter.
    expect(new Words(['oreo', 'zero']).corrections('oero')).toEqual(['oreo']);
    expect(new Words(['zero']).corrections('xero')).toEqual(['zero']);
  });

  it('splits run-together words into the fewest known words, the longest first', () => {
    expect(words.pieces('haitianjiangyou')).toEqual(['haitian', 'jiangyou']);
    expect(words.pieces('htjy')).toEqual(['ht', 'jy']);
    expect(words.pieces('potatochips')).toEqual(['potato', 'chips']);
    expect(words.pieces('jiangyou')).toBeUndefined();
    expect(words.pieces('haitianxyz')).toBeUndefined();
  });
});
