// Waiting that a stop can cut short: the workers' idle polls, backoffs and daily loops.

/** Resolves after `ms`, or as soon as `signal` aborts (at once when it already has). Never rejects. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // An 'abort' that already happened is never dispatched again: without this a stop that came
    // while the caller was busy would wait out the whole sleep.
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
