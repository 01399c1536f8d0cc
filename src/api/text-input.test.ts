import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestedTooDeep } from './text-input.ts';

const bytes = (text: string) => Buffer.from(text);

describe('JSON nesting, checked on the raw bytes', () => {
  it('finds nesting deeper than the limit, and only that', () => {
    expect(nestedTooDeep(bytes('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)))).toBe(false);
    expect(nestedTooDeep(bytes('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)))).toBe(true);
    expect(nestedTooDeep(bytes(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`))).toBe(true);
    // Siblings do not add up: depth falls back as containers close.
    expect(nestedTooDeep(bytes(`[${'[[[]]],'.repeat(1_000)}[]]`))).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const deepLooking = JSON.stringify({ text: '['.repeat(100), quoted: '\\"[[[[' + '{'.repeat(100), name: '茶"[' });
    expect(nestedTooDeep(bytes(deepLooking))).toBe(false);
    expect(nestedTooDeep(bytes(`["\\\\", ${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}]`))).toBe(true);
  });

  it('stops at the first container too deep: a megabyte of them takes no time', () => {
    const nested = bytes('['.repeat(512 * 1024) + ']'.repeat(512 * 1024));
    const timings = Array.from({ length: 5 }, () => {
      const started = performance.now();
      expect(nestedTooDeep(nested)).toBe(true);
      return performance.now() - started;
    });
    expect(Math.min(...timings)).toBeLessThan(1);
  });
});
