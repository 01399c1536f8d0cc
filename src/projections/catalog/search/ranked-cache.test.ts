import { describe, expect, it } from 'vitest';
import { RankedCache } from './ranked-cache.ts';

const ranked = [
  { sku: 'A', score: 2 },
  { sku: 'B', score: 1.5 },
  { sku: 'C', score: 1.5 },
  { sku: 'D', score: 1.2 },
];

describe('ranked cache', () => {
  it('pages a remembered ranking from its cursor, as the statement would', () => {
    const cache = new RankedCache();
    cache.remember('q', { position: '7', ranked, complete: true });
    expect(cache.page('q', undefined, 2)).toEqual({ position: '7', ranked: ranked.slice(0, 2) });
    expect(cache.page('q', { sku: 'B', score: 1.5 }, 2)?.ranked).toEqual(ranked.slice(2, 4));
    expect(cache.page('q', { sku: 'D', score: 1.2 }, 2)).toBeUndefined();
    expect(cache.page('other', undefined, 2)).toBeUndefined();
  });

  it('leaves a page past what it remembers of an incomplete ranking to the database', () => {
    const cache = new RankedCache();
    cache.remember('q', { position: '7', ranked, complete: false });
    expect(cache.page('q', { sku: 'A', score: 2 }, 3)?.ranked).toEqual(ranked.slice(1, 4));
    expect(cache.page('q', { sku: 'B', score: 1.5 }, 3)).toBeUndefined();
    cache.forget('q');
    expect(cache.page('q', undefined, 1)).toBeUndefined();
  });
});
