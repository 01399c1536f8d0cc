// Live subscriptions wake on an append, not on their fallback poll (1 s): through this store's own
// appends in-process, and through PostgreSQL's NOTIFY for appends by another process (here another
// store on its own pool, as a second process would have). Each bound is a p99 over 200 appends;
// without the wake-up every one of them would wait for the poll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/database.ts';
import type { AllPage } from '../../src/eventstore/port.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { quantile } from '../support/wait.ts';
import { newEvent } from './contract.ts';

const TRIALS = 200;
const P99_BOUND_MS = 200;

describe('waking live subscriptions on append', () => {
  let database: TestDatabase;
  const pools: Array<ReturnType<typeof createPool>> = [];
  const stores: PostgresEventStore[] = [];

  function store(options: { listen: boolean }): PostgresEventStore {
    const pool = createPool(database.url, { max: 4 });
    pools.push(pool);
    const opened = new PostgresEventStore(pool, { pollIntervalMs: 1_000, ...options });
    stores.push(opened);
    return opened;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(stores.map((opened) => opened.close()));
    await Promise.all(pools.map((pool) => pool.end()));
    await database.drop();
  });

  /**
   * Appends `TRIALS` events one after another through `writer`, each once the subscription on
   * `reader` has delivered the one before (and so waits again); answers how long each took from the
   * append's call to its delivery.
   */
  async function latencies(writer: PostgresEventStore, reader: PostgresEventStore, stream: string): Promise<number[]> {
    const stop = new AbortController();
    const subscription = reader.subscribeToAll({
      after: await reader.headPosition(),
      filter: { streamPrefixes: [stream] },
      signal: stop.signal,
    });
    const pages = subscription[Symbol.asyncIterator]();
    const measured: number[] = [];
    try {
      for (let trial = 0; trial < TRIALS; trial++) {
        const next = nextWithEvents(pages);
        const started = performance.now();
        await writer.appendToStream(stream, [newEvent('WakeUpProbe', { trial })]);
        const page = await next;
        measured.push(performance.now() - started);
        expect(page.events.map((event) => event.data.trial)).toEqual([trial]);
        // More than 1 % over the bound already: the p99 cannot hold, no need to wait out the rest.
        if (measured.filter((ms) => ms > P99_BOUND_MS).length > TRIALS / 100) break;
      }
    } finally {
      stop.abort();
      await pages.return?.();
    }
    return measured;
  }

  async function nextWithEvents(pages: AsyncIterator<AllPage>): Promise<AllPage> {
    for (;;) {
      const next = await pages.next();
      if (next.done) throw new Error('the subscription ended');
      if (next.value.events.length > 0) return next.value;
    }
  }

  const summary = (measured: number[]) =>
    `p50 ${quantile(measured, 0.5).toFixed(1)} ms, p99 ${quantile(measured, 0.99).toFixed(1)} ms, max ${quantile(measured, 1).toFixed(1)} ms`;

  it(`wakes a subscription on this store's own appends (no LISTEN) within ${P99_BOUND_MS} ms p99`, async () => {
    const alone = store({ listen: false });
    const measured = await latencies(alone, alone, 'wake-own');
    expect(quantile(measured, 0.99), summary(measured)).toBeLessThanOrEqual(P99_BOUND_MS);
  });

  it(`wakes a subscription on another process's appends, through NOTIFY, within ${P99_BOUND_MS} ms p99`, async () => {
    const writer = store({ listen: false });
    const reader = store({ listen: true });
    const measured = await latencies(writer, reader, 'wake-other');
    expect(quantile(measured, 0.99), summary(measured)).toBeLessThanOrEqual(P99_BOUND_MS);
  });
});
