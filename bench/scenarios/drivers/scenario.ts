// Scenario: the database driver under the placement's hot path, node-postgres (`pg`, what the app
// runs) against postgres.js (`postgres`, pipelining and prepared statements, through a `query` shim
// for the event store and kysely-postgres-js for kysely), on the same server, in alternating rounds.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot, runJsonChild } from '../../harness/child.ts';
import { formatNumber, formatRatio } from '../../harness/report.ts';
import type { BenchContext, Medians, Sample, Scenario, Table } from '../../harness/types.ts';
import { prefillOurs } from '../appends/prefill.ts';
import type { Driver, DriversInput, DriversOutput, Workload } from './worker.ts';
import { seedWorld, WORLD } from './world.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const WARMUP_MS = 1_000;
const PREFILLED_STREAMS = 100_000;
const CONNECTIONS = 40;
const DRIVERS: readonly Driver[] = ['pg', 'postgres'];

type Measured = { workload: Workload; label: string; concurrency: number; unit: string };

const WORKLOADS: readonly Measured[] = [
  { workload: 'append1', label: 'appends, 1 event each, 8 writers', concurrency: 8, unit: 'appends' },
  { workload: 'append6', label: 'appends, 6 events each, 8 writers', concurrency: 8, unit: 'appends' },
  { workload: 'reads', label: 'placement group reads (12 streams in 2 rounds), 50 clients', concurrency: 50, unit: 'placements' },
  { workload: 'kysely', label: 'session + order-history lookups through kysely, 50 clients', concurrency: 50, unit: 'placements' },
  { workload: 'kysely-compiled', label: 'the same, compiled once (`.compile()` + `executeQuery`)', concurrency: 50, unit: 'placements' },
];

const version = (name: string) => (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const load = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');

export const driversScenario: Scenario = {
  name: 'drivers',
  title: 'Database drivers: pg against postgres.js',
  onlyWhenNamed: true,
  reportFile: 'drivers.md',
  method:
    'Each configuration runs in its own process against one database of the same durable server, after a 1 s warm-up: ' +
    '`pg` is the app\'s pool (`createPool`, 40 connections, statements prepared after 20 sends) under `PostgresEventStore` and kysely\'s `PostgresDialect`; ' +
    '`postgres` is postgres.js (40 connections, every parameterised statement prepared, pipelining) under the same `PostgresEventStore` through a `query` shim, ' +
    'and under kysely through kysely-postgres-js (which reserves a connection per query). Appends: 8 writers, each appending to a new stream each time ' +
    '(group commit through `es_append_groups`). Placement group reads: 50 closed-loop clients, each reading whole streams as a placement on cold caches does ' +
    '(dealer, credit, 3 products and the promotion index, then 6 stock streams), coalesced per turn into one statement. Kysely lookups: the session check and ' +
    'the order-history hint every placement asks for (the app\'s own functions, coalesced per turn). Every round runs every configuration, the two drivers in ' +
    'alternating order; before the first round both drivers must read and write the same values (their answers are compared). ' +
    'CPU is read from /proc over the measured window: the worker process (client) and every PostgreSQL process (server).',

  async prepare(context: BenchContext) {
    const { postgres } = context;
    const url = await postgres.createDatabase('bench_drivers', { migrate: true });
    const prefilled = context.quick ? 10_000 : PREFILLED_STREAMS;
    await prefillOurs(url, prefilled);
    const world = await seedWorld(url);
    const durationMs = context.durationSeconds * 1_000;
    const worker = (driver: Driver, measured: Pick<Measured, 'workload' | 'concurrency'>, runId: string, measure = true) =>
      runJsonChild<DriversOutput>(WORKER, {
        driver,
        workload: measured.workload,
        url,
        pgDataDir: postgres.dataDir,
        connections: CONNECTIONS,
        concurrency: measured.concurrency,
        warmupMs: measure ? WARMUP_MS : 0,
        durationMs: measure ? durationMs : 0,
        runId,
      } satisfies DriversInput);

    // Both drivers must decode and encode alike, or the figures compare different work.
    const checks = await Promise.all(DRIVERS.map((driver) => worker(driver, { workload: 'check', concurrency: 1 }, 'check', false)));
    for (const [index, output] of checks.entries()) {
      if (output.errors > 0) throw new Error(`${DRIVERS[index]}: ${output.firstError}`);
    }
    const [pgContent, pjsContent] = checks.map((output) => output.content ?? '');
    if (pgContent !== pjsContent) {
      let at = 0;
      while (pgContent![at] === pjsContent![at]) at += 1;
      const excerpt = (text: string) => text.slice(Math.max(0, at - 120), at + 120);
      throw new Error(`pg and postgres.js read different values; pg: …${excerpt(pgContent!)}… postgres.js: …${excerpt(pjsContent!)}…`);
    }

    const facts: Record<string, number | string> = {
      'streams before the first round': prefilled + world.streams,
      'streams a placement reads from': `${WORLD.products} products, ${WORLD.dealers} dealers and their credit, ${WORLD.products * WORLD.warehouses.length} stock streams, the promotion index`,
      pg: version('pg'),
      postgres: version('postgres'),
      'kysely-postgres-js': version('kysely-postgres-js'),
      kysely: version('kysely'),
      'both drivers read the same values': 'yes (compared before the first round)',
    };
    const loads: string[] = [];
    return {
      // Filled in as the rounds go: the machine's load average (1, 5, 15 min) at each round's start.
      facts,
      async run(index) {
        loads.push(`round ${index + 1}: ${load()}`);
        facts['load average at each round (1 / 5 / 15 min)'] = loads.join('; ');
        const samples: Sample[] = [];
        // The order alternates between rounds, so that neither driver always runs first.
        const order = index % 2 === 0 ? DRIVERS : [...DRIVERS].reverse();
        for (const measured of WORKLOADS) {
          for (const driver of order) {
            const output = await worker(driver, measured, `${index}-${measured.workload}`);
            const values = output.values;
            if (output.errors > 0) context.log(`  ${driver} ${measured.workload}: ${output.errors} errors, first: ${output.firstError}`);
            context.log(
              `  ${driver.padEnd(8)} ${measured.workload.padEnd(15)} ${formatNumber(values.opsPerSecond!)} ${measured.unit}/s, p99 ${formatNumber(values.p99Ms!)} ms, ` +
                `CPU µs per op: client ${formatNumber(values.clientCpuMicrosPerOp!)}, server ${formatNumber(values.serverCpuMicrosPerOp!)}`,
            );
            samples.push({ key: `${driver}|${measured.workload}`, values });
          }
        }
        const micro = await worker('pg', { workload: 'micro', concurrency: 1 }, `${index}-micro`, false);
        samples.push({ key: 'micro', values: micro.values });
        return samples;
      },
      close: async () => undefined,
    };
  },

  table(medians: Medians): Table {
    const rows: string[][] = [];
    for (const measured of WORKLOADS) {
      const pg = medians.get(`pg|${measured.workload}`);
      const pjs = medians.get(`postgres|${measured.workload}`);
      if (!pg || !pjs) continue;
      rows.push([
        measured.label,
        measured.unit,
        `${formatNumber(pg.opsPerSecond!)} / ${formatNumber(pjs.opsPerSecond!)}`,
        formatRatio(pjs.opsPerSecond! / pg.opsPerSecond!),
        `${formatNumber(pg.p50Ms!)} / ${formatNumber(pg.p99Ms!)}`,
        `${formatNumber(pjs.p50Ms!)} / ${formatNumber(pjs.p99Ms!)}`,
        `${formatNumber(pg.clientCpuMicrosPerOp!)} / ${formatNumber(pjs.clientCpuMicrosPerOp!)}`,
        formatRatio(pjs.clientCpuMicrosPerOp! / pg.clientCpuMicrosPerOp!),
        `${formatNumber(pg.serverCpuMicrosPerOp!)} / ${formatNumber(pjs.serverCpuMicrosPerOp!)}`,
        formatRatio(pjs.serverCpuMicrosPerOp! / pg.serverCpuMicrosPerOp!),
      ]);
    }
    const notes: string[] = [];
    const rebuilt = medians.get('pg|kysely');
    const compiled = medians.get('pg|kysely-compiled');
    if (rebuilt && compiled) {
      notes.push(
        `Compiled once instead of built per call (pg): client CPU ${formatNumber(rebuilt.clientCpuMicrosPerOp!)} → ${formatNumber(compiled.clientCpuMicrosPerOp!)} µs per placement ` +
          `(${formatRatio(compiled.clientCpuMicrosPerOp! / rebuilt.clientCpuMicrosPerOp!)}); the statements are coalesced, so each is built once per turn, not per placement.`,
      );
    }
    const micro = medians.get('micro');
    if (micro) {
      notes.push(
        `In-process, no database (medians of the rounds): building and compiling a statement costs ${formatNumber(micro.compileSession!)} µs (session check, 20 ids), ` +
          `${formatNumber(micro.compileHistory!)} µs (order-history hint, 20 dealers), ${formatNumber(micro.compileBuilder!)} µs (a 5-condition query-builder UPDATE). ` +
          `A request's log lines cost ${formatNumber(micro.logDebug!)} µs when below the level (the app: \`debug\` at \`info\`) and ${formatNumber(micro.logInfo!)} µs when written at \`info\` (fastify's default two lines).`,
      );
    }
    notes.push('Ratios are postgres.js ÷ pg of the medians: above 1× is more throughput, or more CPU per operation. Throughput on this shared machine is noisy; CPU per operation is steadier.');
    return {
      columns: [
        'workload', 'unit', `${'per second'}: pg / postgres.js`, 'postgres.js ÷ pg', 'pg p50 / p99 ms', 'postgres.js p50 / p99 ms',
        'client CPU µs per unit: pg / postgres.js', 'client ÷', 'server CPU µs per unit: pg / postgres.js', 'server ÷',
      ],
      rows,
      notes,
    };
  },
};
