// Scenario: event-store appends, ours vs Emmett's PostgreSQL store vs pgbench's commit ceiling.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot, runJsonChild } from '../../harness/child.ts';
import { formatNumber, formatRatio } from '../../harness/report.ts';
import type { BenchContext, Medians, Sample, Scenario, Table } from '../../harness/types.ts';
import { createPgbenchTable, findPgbench, runPgbench } from './pgbench.ts';
import { prefillEmmett, prefillOurs } from './prefill.ts';
import type { WriterInput, WriterOutput } from './writer.ts';

const WRITER_SCRIPT = fileURLToPath(new URL('./writer.ts', import.meta.url));
const WRITERS = [1, 8, 32];
const MODES = [
  { name: 'single', label: '1 event / append', eventsPerAppend: 1 },
  { name: 'batch', label: '6 events / append', eventsPerAppend: 6 },
] as const;
const WARMUP_MS = 1_000;
const PREFILLED_STREAMS = 100_000;

function emmettVersion(): string {
  const manifest = path.join(repoRoot, 'node_modules/@event-driven-io/emmett-postgresql/package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

const sampleOf = (key: string, output: WriterOutput): Sample => ({
  key,
  values: {
    appendsPerSecond: output.appends / output.seconds,
    eventsPerSecond: output.events / output.seconds,
    p50Ms: output.p50,
    p99Ms: output.p99,
    serverCpuMicrosPerAppend: (output.serverCpuMicros ?? Number.NaN) / output.appends,
    clientCpuMicrosPerAppend: output.clientCpuMicros / output.appends,
    errors: output.errors,
  },
});

export const appendsScenario: Scenario = {
  name: 'appends',
  title: 'Event store appends',
  method:
    'Each writer appends to a new stream each time (`no_stream`), one event or six per append, for the measured window after a 1 s warm-up; ' +
    'ours (`PostgresEventStore`, group commit through `es_append_groups`) and Emmett (`getPostgreSQLEventStore`, pool sized to the writers) run in ' +
    'separate processes against separate databases of the same durable server, interleaved within each run. pgbench runs a one-row INSERT per ' +
    'transaction with the same client counts: the commit ceiling of this server and disk.',

  async prepare(context: BenchContext) {
    const { postgres } = context;
    const ours = await postgres.createDatabase('bench_appends_ours', { migrate: true });
    const emmett = await postgres.createDatabase('bench_appends_emmett');
    const pgbench = findPgbench();
    const pgbenchUrl = pgbench ? await postgres.createDatabase('bench_appends_pgbench') : undefined;
    if (pgbenchUrl) await createPgbenchTable(pgbenchUrl);
    const durationMs = context.durationSeconds * 1_000;
    const writer = (store: WriterInput['store'], url: string, writers: number, eventsPerAppend: number, runId: string, measure = true) =>
      runJsonChild<WriterOutput>(WRITER_SCRIPT, {
        store,
        url,
        writers,
        eventsPerAppend,
        warmupMs: measure ? WARMUP_MS : 0,
        durationMs: measure ? durationMs : 0,
        runId,
        pgDataDir: postgres.dataDir,
        ...(store === 'ours' && context.eventStoreOptions && { ours: context.eventStoreOptions }),
      } satisfies WriterInput);

    // Emmett creates its schema on its first append; then both stores get the same history.
    await writer('emmett', emmett, 1, 1, 'schema', false);
    const prefilled = context.quick ? 10_000 : PREFILLED_STREAMS;
    await prefillOurs(ours, prefilled);
    await prefillEmmett(emmett, prefilled);

    return {
      facts: {
        'streams in each store before the first run': prefilled,
        '@event-driven-io/emmett-postgresql': emmettVersion(),
        pgbench: pgbench ?? 'skipped: no pgbench executable (set PGBENCH, or install postgresql-client)',
        ...(context.eventStoreOptions && { eventStoreOptions: JSON.stringify(context.eventStoreOptions) }),
      },
      async run(index) {
        const samples: Sample[] = [];
        for (const writers of WRITERS) {
          for (const mode of MODES) {
            const runId = `${index}-${mode.name}-${writers}`;
            for (const store of ['ours', 'emmett'] as const) {
              const output = await writer(store, store === 'ours' ? ours : emmett, writers, mode.eventsPerAppend, runId);
              if (output.errors > 0)
                context.log(`  ${store} ${mode.name} ${writers}w: ${output.errors} errors, first: ${output.firstError}`);
              context.log(
                `  ${store.padEnd(6)} ${mode.name.padEnd(6)} ${String(writers).padStart(2)} writers: ${formatNumber(output.appends / output.seconds)} appends/s, p99 ${formatNumber(output.p99)} ms`,
              );
              samples.push(sampleOf(`${store}|${mode.name}|${writers}`, output));
            }
          }
          if (pgbench && pgbenchUrl) {
            const output = await runPgbench(pgbench, pgbenchUrl, postgres.dataDir, writers, WARMUP_MS, durationMs);
            context.log(
              `  pgbench        ${String(writers).padStart(2)} clients: ${formatNumber(output.appends / output.seconds)} commits/s`,
            );
            samples.push(sampleOf(`pgbench|${writers}`, output));
          }
        }
        return samples;
      },
      close: async () => undefined,
    };
  },

  table(medians: Medians): Table {
    const rows: string[][] = [];
    for (const mode of MODES) {
      for (const writers of WRITERS) {
        const ours = medians.get(`ours|${mode.name}|${writers}`);
        const emmett = medians.get(`emmett|${mode.name}|${writers}`);
        const ceiling = medians.get(`pgbench|${writers}`);
        if (!ours || !emmett) continue;
        rows.push([
          mode.label,
          String(writers),
          formatNumber(ours.appendsPerSecond!),
          formatNumber(ours.eventsPerSecond!),
          `${formatNumber(ours.p50Ms!)} / ${formatNumber(ours.p99Ms!)}`,
          formatNumber(emmett.appendsPerSecond!),
          `${formatNumber(emmett.p50Ms!)} / ${formatNumber(emmett.p99Ms!)}`,
          formatRatio(ours.appendsPerSecond! / emmett.appendsPerSecond!),
          ceiling ? formatNumber(ceiling.appendsPerSecond!) : 'skipped',
          ceiling ? formatRatio(ours.appendsPerSecond! / ceiling.appendsPerSecond!) : '–',
          ceiling ? formatRatio(emmett.appendsPerSecond! / ceiling.appendsPerSecond!) : '–',
          [ours, emmett, ...(ceiling ? [ceiling] : [])].map((sample) => formatNumber(sample.serverCpuMicrosPerAppend!)).join(' / '),
          `${formatNumber(ours.clientCpuMicrosPerAppend!)} / ${formatNumber(emmett.clientCpuMicrosPerAppend!)}`,
        ]);
      }
    }
    return {
      columns: [
        'appends',
        'writers',
        'ours appends/s',
        'ours events/s',
        'ours p50 / p99 ms',
        'Emmett appends/s',
        'Emmett p50 / p99 ms',
        'ours ÷ Emmett',
        'pgbench commits/s',
        'ours ÷ pgbench',
        'Emmett ÷ pgbench',
        'server CPU µs per append: ours / Emmett / pgbench',
        'client CPU µs per append: ours / Emmett',
      ],
      rows,
      notes: [
        'Target: ours ≥ 2× Emmett with 8 writers (group commit: concurrent appends share one `es_append_groups` call and one commit).',
        'CPU per append (all PostgreSQL processes; the writer process) is steadier than throughput on a shared machine: throughput is bounded by cores ÷ CPU per append once the disk is not the limit.',
      ],
    };
  },
};
