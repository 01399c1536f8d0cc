import { describe, expect, it } from 'vitest';
import { abortableSleep } from './sleep.ts';

describe('abortableSleep', () => {
  it('returns at once when the signal was aborted before it was called', async () => {
    const controller = new AbortController();
    controller.abort();
    const started = performance.now();
    await abortableSleep(60_000, controller.signal);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('returns when the signal is aborted during the sleep', async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort();
    const started = performance.now();
    await sleeping;
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
