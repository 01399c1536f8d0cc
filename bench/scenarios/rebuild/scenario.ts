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
/** The same for the rebuild of all projections in one pass. */
const ONE_PASS_LIMIT_MS = 90_000;

export const rebuildScenario: Scenario = {
  name: 'rebuild',
  title: 'Rebuild of all read models from 1 000 000 events',
  method:
    `The store holds ${formatNumber(EVENTS)} catalog events over ${formatNumber(PRODUCTS)} products (20 each: ProductRegistered, then ` +
    'ProductPricesSet and ProductUpdated in turn; the same mix in every stretch of the store), bulk-inserted into the event store tables. ' +
    'A child process rebuilds every registered projection one after the other (`rebuildProjection` for each: fresh schema, catch-up, swap); ' +
    'events/s counts the events each projection handled in its own rebuild. Then another child rebuilds them all in one pass over the store ' +
    '(`rebuildProjections`, as `dealerline rebuild all` does: each page of $all read once and handed to every projection, then each swapped in); ' +
    '"done after" is when each was swapped in. The "all projections" rows divide the store\'s events by the time for all projections. A rebuild ' +
    `still running after ${TIME_LIMIT_MS / 1_000} s (one pass: ${ONE_PASS_LIMIT_MS / 1_000} s) is stopped and its rate measured over the part it ` +
    'did (marked "partial").',

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
        const profile = (mode: string) =>
          context.profileDir
            ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${context.profileDir}`, `--cpu-prof-name=rebuild-${mode}-\${pid}.cpuprofile`] }
            : {};
        const samples: Sample[] = [];
        const each = await runJsonChild<RebuildOutput>(
          WORKER_SCRIPT,
          { url, timeLimitMs: TIME_LIMIT_MS, mode: 'each' } satisfies RebuildInput,
          profile('each'),
        );
        for (const projection of each.projections) {
          context.log(
            `  ${projection.name}: ${formatNumber(projection.events)} events in ${projection.seconds.toFixed(1)} s` +
              `${projection.completed ? '' : ` (stopped at position ${formatNumber(projection.position)})`}`,
          );
          samples.push({
            key: `projection|${projection.name}`,
            values: {
              events: projection.events,
              seconds: projection.seconds,
              eventsPerSecond: projection.events / projection.seconds,
              completed: projection.completed ? 1 : 0,
            },
          });
        }
        const seconds = each.projections.reduce((total, projection) => total + projection.seconds, 0);
        const completed = each.projections.every((projection) => projection.completed);
        const scanned = completed ? each.head : Math.min(...each.projections.map((projection) => projection.position));
        samples.push({
          key: 'all',
          values: { events: scanned, seconds, eventsPerSecond: scanned / seconds, completed: completed ? 1 : 0 },
        });

        const together = await runJsonChild<RebuildOutput>(
          WORKER_SCRIPT,
          { url, timeLimitMs: ONE_PASS_LIMIT_MS, mode: 'together' } satisfies RebuildInput,
          profile('together'),
        );
        const done = together.projections.every((projection) => projection.completed);
        const reached = done ? together.head : Math.min(...together.projections.map((projection) => projection.position));
        context.log(`  all in one pass: ${formatNumber(reached)} events in ${together.seconds.toFixed(1)} s${done ? '' : ' (stopped)'}`);
        for (const projection of together.projections)
          samples.push({ key: `pass|${projection.name}`, values: { doneAfter: projection.seconds } });
        samples.push({
          key: 'one pass',
          values: { events: reached, seconds: together.seconds, eventsPerSecond: reached / together.seconds, completed: done ? 1 : 0 },
        });
        return samples;
      },
      close: async () => undefined,
    };
  },

  table(medians: Medians): Table {
    const row = (label: string, sample: Record<string, number>, doneAfter = '') => [
      label,
      formatNumber(sample.events!),
      `${formatNumber(sample.seconds!)}${sample.completed! < 1 ? ' (partial)' : ''}`,
      formatNumber(sample.eventsPerSecond!),
      formatNumber(sample.eventsPerSecond! / TARGET_EVENTS_PER_SECOND),
      doneAfter,
    ];
    const rows = [...medians]
      .filter(([key]) => key.startsWith('projection|'))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, sample]) => {
        const name = key.split('|')[1]!;
        const pass = medians.get(`pass|${name}`);
        return row(name, sample, pass ? formatNumber(pass.doneAfter!) : '');
      });
    const all = medians.get('all');
    if (all) rows.push(row('**all projections, one after the other**', all));
    const pass = medians.get('one pass');
    if (pass) rows.push(row('**all projections, one pass**', pass));
    return {
      columns: ['projection', 'events', 'seconds', 'events/s', 'fraction of target', 'one pass: done after (s)'],
      rows,
      notes: [`Target: ≥ ${formatNumber(TARGET_EVENTS_PER_SECOND)} events/s.`],
    };
  },
};
