import { describe, expect, it } from 'vitest';
import { coalesced, coalescedFor } from './coalesce.ts';

describe('coalesced', () => {
  it('serves the items asked for in one turn with one call, each its own answer, in order', async () => {
    const calls: number[][] = [];
    const double = coalesced(async (items: number[]) => {
      calls.push(items);
      return items.map((item) => item * 2);
    });
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(await double(5)).toBe(10);
    expect(calls).toEqual([[1, 2, 3], [5]]);
  });

  it('sends one item alone to the single path when there is one, and fails every item of a failed call', async () => {
    const singles: string[] = [];
    const echo = coalesced(
      async (items: string[]) => {
        if (items.includes('bad')) throw new Error('refused');
        return items;
      },
      async (item: string) => {
        singles.push(item);
        return item;
      },
    );
    expect(await echo('alone')).toBe('alone');
    expect(singles).toEqual(['alone']);
    const outcomes = await Promise.allSettled([echo('good'), echo('bad')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(await Promise.all([echo('a'), echo('b')])).toEqual(['a', 'b']);
  });

  it('keeps the items of different handles apart (coalescedFor)', async () => {
    const calls: string[] = [];
    const tag = coalescedFor(async (handle: { name: string }, items: number[]) => {
      calls.push(`${handle.name}:${items.join(',')}`);
      return items.map((item) => `${handle.name}${item}`);
    });
    const [a, b] = [{ name: 'a' }, { name: 'b' }];
    expect(await Promise.all([tag(a, 1), tag(b, 2), tag(a, 3)])).toEqual(['a1', 'b2', 'a3']);
    expect(calls.sort()).toEqual(['a:1,3', 'b:2']);
  });
});
