import { describe, expect, it } from 'vitest';
import { emptyIdSet, hasId, idCount, withId } from './id-set.ts';

describe('id set', () => {
  it('remembers every id added, and no other', () => {
    let ids = emptyIdSet;
    for (let i = 0; i < 1_000; i++) ids = withId(ids, `id-${i}`);
    expect(idCount(ids)).toBe(1_000);
    expect(hasId(ids, 'id-0')).toBe(true);
    expect(hasId(ids, 'id-999')).toBe(true);
    expect(hasId(ids, 'id-1000')).toBe(false);
    expect(ids.chunks.length).toBeLessThanOrEqual(Math.ceil(Math.log2(1_000)));
  });

  it('never changes an earlier version (states share it)', () => {
    let ids = emptyIdSet;
    for (let i = 0; i < 31; i++) ids = withId(ids, `a-${i}`);
    const before = ids;
    const after = withId(before, 'b');
    expect(hasId(after, 'b')).toBe(true);
    expect(hasId(before, 'b')).toBe(false);
    expect(withId(after, 'b')).toBe(after);
  });
});
