import { describe, expect, it } from 'vitest';
import { ownEntry } from './own-entry.ts';

describe('a record read by a code people choose', () => {
  it('answers its own entries only: a code named like an inherited property (constructor) has none', () => {
    const use = { regionCode: 'CN-31', discountMinor: 500, units: 2 };
    expect(ownEntry({ 'P-1': use }, 'P-1')).toEqual(use);
    expect(ownEntry({ 'P-1': use }, 'constructor')).toBeUndefined();
    expect(ownEntry({ constructor: use }, 'constructor')).toEqual(use);
    expect(ownEntry(undefined, 'P-1')).toBeUndefined();
    expect(ownEntry({ 'P-1': use }, undefined)).toBeUndefined();
  });
});
