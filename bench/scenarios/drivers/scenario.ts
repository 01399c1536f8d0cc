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
/** The app's pool size (src/main.ts). */
const CONNECTIONS = 40;

/** A driver with a pool size: postgres.js also with few connections, where it must pipeline. */
type Contender = { key: string; driver: Driver; connections: number; label: string };
const CONTENDERS: readonly Contender[] = [
  { key: 'pg', driver: 'pg', connections: CONNECTIONS, label: 'pg' },
  { key: 'postgres', driver: 'postgres', connections: CONNECTIONS, label: 'postgres.js' },
  { key: 'postgres4', driver: 'postgres', connections: 4, label: 'postgres.js, 4 connections' },
];
const [BASELINE] = CONTENDERS;

type Measured = { workload: Workload; label: string; concurrency: number; unit: string; contenders: readonly string[] };

const ALL = CONTENDERS.map((contender) => contender.key);
const WORKLOADS: readonly Measured[] = [
  { workload: 'append1', label: 'appends, 1 event each, 8 writers', concurrency: 8, unit: 'appends', contenders: ALL },
  { workload: 'append6', label: 'appends, 6 events each, 8 writers', concurrency: 8, unit: 'appends', contenders: ALL },
  {
    workload: 'reads',
    label: 'placement group reads (12 streams in 2 rounds), 50 clients',
    concurrency: 50,
    unit: 'placements',
    contenders: ALL,
  },
  {
    workload: 'kysely',
    label: 'session + order-history lookups through kysely, 50 clients',
    concurrency: 50,
    unit: 'placements',
    contenders: ALL,
  },
  {
    workload: 'kysely-compiled',
    label: 'the same, compiled once (`.compile()` + `executeQuery`)',
    concurrency: 50,
    unit: 'placements',
    contenders: ['pg'],
  },
];

/** The figures compared, with their name in the table. */
const FIGURES = [
  { value: 'opsPerSecond', label: 'per second', short: 'throughput' },
  { value: 'clientCpuMicrosPerOp', label: 'client CPU µs per unit', short: 'client CPU' },
  { value: 'serverCpuMicrosPerOp', label: 'server CPU µs per unit', short: 'server CPU' },
] as const;

const version = (name: string) =>
  (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

const round0 = (samples: readonly Sample[], key: string) => samples.find((sample) => sample.key === key)?.values;

export const driversScenario: Scenario = {
  name: 'drivers',
  title: 'Database drivers: pg against postgres.js',
  onlyWhenNamed: true,
  reportFile: 'drivers.md',
  method:
    'Each configuration runs in its own process against one database of the same durable server, after a 1 s warm-up: ' +
    "`pg` is the app's pool (`createPool`, 40 connections, statements prepared after 20 sends) under `PostgresEventStore` and kysely's `PostgresDialect`; " +
    '`pjs` is postgres.js (40 connections, every parameterised statement prepared, pipelining) under the same `PostgresEventStore` through a `query` shim, ' +
    'and under kysely through kysely-postgres-js (which reserves a connection per query); `pjs 4` is postgres.js with 4 connections, where concurrent statements must share connections (pipelining). Appends: 8 writers, each appending to a new stream each time ' +
    '(group commit through `es_append_groups`). Placement group reads: 50 closed-loop clients, each reading whole streams as a placement on cold caches does ' +
    '(dealer, credit, 3 products and the promotion index, then 6 stock streams), coalesced per turn into one statement. Kysely lookups: the session check and ' +
    "the order-history hint every placement asks for (the app's own functions, coalesced per turn). Every round runs every configuration, the contenders in " +
    'alternating order; before the first round pg and postgres.js must read and write the same values (their answers are compared). ' +
    'CPU is read from /proc over the measured window: the worker process (client) and every PostgreSQL process (server).',

  async prepare(context: BenchContext) {
    const { postgres } = context;
    const url = await postgres.createDatabase('bench_drivers', { migrate: true });
    const prefilled = context.quick ? 10_000 : PREFILLED_STREAMS;
    await prefillOurs(url, prefilled);
    const world = await seedWorld(url);
    const durationMs = context.durationSeconds * 1_000;
    const worker = (contender: Contender, measured: Pick<Measured, 'workload' | 'concurrency'>, runId: string, measure = true) =>
      runJsonChild<DriversOutput>(WORKER, {
        driver: contender.driver,
        workload: measured.workload,
        url,
        pgDataDir: postgres.dataDir,
        connections: contender.connections,
        concurrency: measured.concurrency,
        warmupMs: measure ? WARMUP_MS : 0,
        durationMs: measure ? durationMs : 0,
        runId,
      } satisfies DriversInput);

    // Both drivers must decode and encode alike, or the figures compare different work.
    const checks = await Promise.all(
      CONTENDERS.slice(0, 2).map((contender) => worker(contender, { workload: 'check', concurrency: 1 }, 'check', false)),
    );
    for (const [index, output] of checks.entries()) {
      if (output.errors > 0) throw new Error(`${CONTENDERS[index]!.label}: ${output.firstError}`);
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
    /** Each round's ratio to pg of each contender's figures, by `contender|workload|figure`: their spread goes into the facts. */
    const ratios = new Map<string, number[]>();
    return {
      // Filled in as the rounds go: the machine's load average at each round's start, the spread of the ratios.
      facts,
      async run(index) {
        loads.push(`round ${index + 1}: ${load()}`);
        facts['load average at each round (1 / 5 / 15 min)'] = loads.join('; ');
        const samples: Sample[] = [];
        for (const measured of WORKLOADS) {
          const contenders = CONTENDERS.filter((contender) => measured.contenders.includes(contender.key));
          // The order alternates between rounds, so that no contender always runs first.
          const order = index % 2 === 0 ? contenders : [...contenders].reverse();
          const round = new Map<string, Record<string, number>>();
          for (const contender of order) {
            const output = await worker(contender, measured, `${index}-${measured.workload}-${contender.key}`);
            const values = output.values;
            if (output.errors > 0)
              context.log(`  ${contender.key} ${measured.workload}: ${output.errors} errors, first: ${output.firstError}`);
            context.log(
              `  ${contender.key.padEnd(9)} ${measured.workload.padEnd(15)} ${formatNumber(values.opsPerSecond!)} ${measured.unit}/s, p99 ${formatNumber(values.p99Ms!)} ms, ` +
                `CPU µs per op: client ${formatNumber(values.clientCpuMicrosPerOp!)}, server ${formatNumber(values.serverCpuMicrosPerOp!)}`,
            );
            samples.push({ key: `${contender.key}|${measured.workload}`, values });
            round.set(contender.key, values);
          }
          // Paired within the round (same minute, same machine load): steadier than a ratio of medians.
          const baseline = round.get(BASELINE!.key)!;
          for (const [key, values] of round) {
            if (key === BASELINE!.key) continue;
            const paired = Object.fromEntries(FIGURES.map(({ value }) => [value, values[value]! / baseline[value]!]));
            samples.push({ key: `ratio|${key}|${measured.workload}`, values: paired });
            for (const { value } of FIGURES) {
              const series = `${key}|${measured.workload}|${value}`;
              ratios.set(series, [...(ratios.get(series) ?? []), paired[value]!]);
            }
          }
        }
        const pgRebuilt = round0(samples, 'pg|kysely');
        const pgCompiled = round0(samples, 'pg|kysely-compiled');
        if (pgRebuilt && pgCompiled) {
          samples.push({
            key: 'ratio|compiled|kysely',
            values: Object.fromEntries(FIGURES.map(({ value }) => [value, pgCompiled[value]! / pgRebuilt[value]!])),
          });
        }
        facts['ratios to pg over the rounds (min–max), client CPU per unit'] = [...ratios]
          .filter(([series]) => series.endsWith('|clientCpuMicrosPerOp'))
          .map(
            ([series, values]) =>
              `${series.split('|').slice(0, 2).join(' ')}: ${formatRatio(Math.min(...values))}–${formatRatio(Math.max(...values))}`,
          )
          .join('; ');
        facts['ratios to pg over the rounds (min–max), per second'] = [...ratios]
          .filter(([series]) => series.endsWith('|opsPerSecond'))
          .map(
            ([series, values]) =>
              `${series.split('|').slice(0, 2).join(' ')}: ${formatRatio(Math.min(...values))}–${formatRatio(Math.max(...values))}`,
          )
          .join('; ');
        const micro = await worker(BASELINE!, { workload: 'micro', concurrency: 1 }, `${index}-micro`, false);
        samples.push({ key: 'micro', values: micro.values });
        return samples;
      },
      close: async () => undefined,
    };
  },

  table(medians: Medians): Table {
    const rows: string[][] = [];
    const others = CONTENDERS.slice(1);
    for (const measured of WORKLOADS) {
      const present = CONTENDERS.filter((contender) => medians.has(`${contender.key}|${measured.workload}`));
      if (present.length === 0) continue;
      const cell = (contender: Contender, value: string) => {
        const figures = medians.get(`${contender.key}|${measured.workload}`);
        return figures ? formatNumber(figures[value]!) : '–';
      };
      const ratio = (contender: Contender, value: string) => {
        const paired = medians.get(`ratio|${contender.key}|${measured.workload}`);
        return paired ? formatRatio(paired[value]!) : '–';
      };
      rows.push([
        measured.label,
        measured.unit,
        ...FIGURES.flatMap(({ value }) => [
          CONTENDERS.map((contender) => cell(contender, value)).join(' / '),
          others.map((contender) => ratio(contender, value)).join(' / '),
        ]),
        CONTENDERS.map((contender) => {
          const figures = medians.get(`${contender.key}|${measured.workload}`);
          return figures ? `${formatNumber(figures.p50Ms!)} / ${formatNumber(figures.p99Ms!)}` : '–';
        }).join(' · '),
      ]);
    }
    const notes: string[] = [];
    const rebuilt = medians.get('pg|kysely');
    const compiled = medians.get('pg|kysely-compiled');
    const paired = medians.get('ratio|compiled|kysely');
    if (rebuilt && compiled && paired) {
      notes.push(
        `Compiled once instead of built per call (pg): client CPU ${formatNumber(rebuilt.clientCpuMicrosPerOp!)} → ${formatNumber(compiled.clientCpuMicrosPerOp!)} µs per placement ` +
          `(${formatRatio(paired.clientCpuMicrosPerOp!)} paired per round), server ${formatRatio(paired.serverCpuMicrosPerOp!)}; the statements are coalesced, so each is built once per turn of the event loop, not per placement.`,
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
    notes.push(
      "Figures are medians over the rounds, in the order pg / postgres.js / postgres.js with 4 connections; ratios (÷ pg) are medians of each round's paired ratio (the contenders of a round ran within a minute of each other): " +
        'above 1× is more throughput, or more CPU per unit. Throughput on this shared machine is noisy (see the spread in the facts above); CPU per unit is steadier.',
    );
    return {
      columns: [
        'workload',
        'unit',
        ...FIGURES.flatMap(({ label, short }) => [`${label}: pg / pjs / pjs 4`, `${short} ÷ pg: pjs / pjs 4`]),
        'p50 / p99 ms: pg · pjs · pjs 4',
      ],
      rows,
      notes,
    };
  },
};
