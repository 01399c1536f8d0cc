// Scenario: rebuild every read model from a store of 1 000 000 catalog events.
import { fileURLToPath } from 'node:url';
import { createPool } from '../../../src/db/database.ts';
import { writeCatalogEvents } from '../../harness/catalog-events.ts';
import { runJsonChild } from '../../harness/child.ts';
import { formatNumber } from '../../harness/report.ts';
import type { BenchContext, Medians, Sample, Scenario, Table } from '../../harness/types.ts';
import type { RebuildInput, RebuildOutput } from './worker.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./worker.ts', import.meta.url));
const EVENTS = 1_000_000;
const PRODUCTS = 50_000;
const TARGET_EVENTS_PER_SECOND = 50_000;
/** A rebuild still running after this is stopped; its rate is then measured over the part it did. */
const TIME_LIMIT_MS = 45_000;

export const rebuildScenario: Scenario = {
  name: 'rebuild',
  title: 'Rebuild of all read models from 1 000 000 events',
  method:
    `The store holds ${formatNumber(EVENTS)} catalog events over ${formatNumber(PRODUCTS)} products (20 each: ProductRegistered, then ` +
    'ProductPricesSet and ProductUpdated in turn; the same mix in every stretch of the store), bulk-inserted into the event store tables. ' +
    'A child process runs `rebuildProjection` for every ' +
    'registered projection in turn, as `dealerline rebuild all` does (fresh schema, catch-up, swap). Events/s counts the events each projection ' +
    `handled; the total row divides the store's events by the time for all projections. A rebuild still running after ${TIME_LIMIT_MS / 1_000} s ` +
    'is stopped and its rate measured over the part it did (marked "partial").',

  async prepare(context: BenchContext) {
    const events = context.quick ? 100_000 : EVENTS;
    const products = context.quick ? 5_000 : PRODUCTS;
    const url = await context.postgres.createDatabase('bench_rebuild', { migrate: true });
    const pool = createPool(url, { max: 2, applicationName: 'dealerline-bench' });
    const started = performance.now();
    await writeCatalogEvents(pool, { products, events }, (written) => context.log(`  written ${formatNumber(written)} events`));
    const writeSeconds = (performance.now() - started) / 1_000;
    await pool.end();
    return {
      facts: { 'events in the store': events, 'bulk insert of the events (s)': writeSeconds },
      async run(): Promise<Sample[]> {
        const output = await runJsonChild<RebuildOutput>(
          WORKER_SCRIPT,
          { url, timeLimitMs: TIME_LIMIT_MS } satisfies RebuildInput,
          context.profileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${context.profileDir}`, '--cpu-prof-name=rebuild-${pid}.cpuprofile'] } : {},
        );
        const samples = output.projections.map((projection) => {
          context.log(
            `  ${projection.name}: ${formatNumber(projection.events)} events in ${projection.seconds.toFixed(1)} s` +
              `${projection.completed ? '' : ` (stopped at position ${formatNumber(projection.position)})`}`,
          );
          return {
            key: `projection|${projection.name}`,
            values: {
              events: projection.events,
              seconds: projection.seconds,
              eventsPerSecond: projection.events / projection.seconds,
              completed: projection.completed ? 1 : 0,
            },
          };
        });
        const seconds = output.projections.reduce((total, projection) => total + projection.seconds, 0);
        const completed = output.projections.every((projection) => projection.completed);
        const scanned = completed ? output.head : Math.min(...output.projections.map((projection) => projection.position));
        samples.push({ key: 'all', values: { events: scanned, seconds, eventsPerSecond: scanned / seconds, completed: completed ? 1 : 0 } });
        return samples;
      },
      close: async () => undefined,
    };
  },

  table(medians: Medians): Table {
    const rows = [...medians]
      .sort(([a], [b]) => (a === 'all' ? 1 : b === 'all' ? -1 : a.localeCompare(b)))
      .map(([key, sample]) => [
        key === 'all' ? '**all projections**' : key.split('|')[1]!,
        formatNumber(sample.events!),
        `${formatNumber(sample.seconds!)}${sample.completed! < 1 ? ' (partial)' : ''}`,
        formatNumber(sample.eventsPerSecond!),
        formatNumber(sample.eventsPerSecond! / TARGET_EVENTS_PER_SECOND),
      ]);
    return {
      columns: ['projection', 'events', 'seconds', 'events/s', 'fraction of target'],
      rows,
      notes: [`Target: ≥ ${formatNumber(TARGET_EVENTS_PER_SECOND)} events/s.`],
    };
  },
};
