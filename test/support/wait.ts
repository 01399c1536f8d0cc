// The one place tests wait: on a condition, with a deadline. Never on the clock alone — a sleep
// that "should be long enough" passes by luck on an idle machine and fails on a loaded one, or
// hides the wait it was meant to prove. `npm run lint` refuses setTimeout elsewhere in test/.

export type EventuallyOptions = { timeoutMs?: number; what?: string; intervalMs?: number };

/**
 * Polls `check` until it returns a value other than undefined (a thrown error counts as "not
 * yet"), or fails after `timeoutMs` with the last error as the cause.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number | EventuallyOptions = 10_000,
  what = 'condition',
): Promise<T> {
  const options = typeof timeoutMs === 'number' ? { timeoutMs, what } : { timeoutMs: 10_000, what, ...timeoutMs };
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${options.what}`, { cause: lastError });
    await pace(options.intervalMs ?? 20);
  }
}

/**
 * Spaces out the steps of a load or probe loop (so many requests a second). It is not a way to
 * wait for something to happen: for that, `eventually`.
 */
export function pace(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The value at quantile `q` (0-1) of samples, nearest rank; refuses an empty sample. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('quantile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
