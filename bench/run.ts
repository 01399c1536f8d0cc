// `npm run bench`: starts a durable embedded PostgreSQL, runs each scenario several times and
// reports medians (bench/results/<date>.json, bench/results/latest.md, the tables in docs/performance.md).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './harness/child.ts';
import { describeMachine, type Machine } from './harness/machine.ts';
import { startBenchPostgres } from './harness/postgres.ts';
import { markdownReport, type BenchResult, type ScenarioResult } from './harness/report.ts';
import { mediansOf } from './harness/stats.ts';
import type { BenchContext, Sample, Table } from './harness/types.ts';
import { scenarios } from './scenarios/index.ts';

const HELP = `npm run bench -- [options]

  --scenario <name>   run only this scenario (repeatable): ${scenarios.map((scenario) => `${scenario.name}${scenario.onlyWhenNamed ? ' (only when named)' : ''}`).join(', ')}
  --runs <n>          runs per scenario; the report shows medians (default 3)
  --duration <s>      seconds per measured load, after its warm-up (default 3)
  --warmup <s>        seconds of load before each measured window of the orders scenario (default 8, 1 with --quick)
  --quick             small data and 1 s loads, to try the harness out (figures not comparable)
  --data-dir <dir>    where the embedded PostgreSQL lives (default bench/.data/postgres-<pid>, removed afterwards; use a real disk)
  --profile           write CPU profiles of the measured children (rebuild) to bench/results/profiles
  --statements        load pg_stat_statements and log the statements each order costs, the tables read whole
                      and the share of HOT updates (orders)
  --deployment <name> measure only this deployment of the orders scenario (repeatable): one, split, replicas;
                      for paired runs of one deployment (a run with it is never a full run)
  --max-batch <n>     our event store's maxBatch (default: the product's)
  --max-in-flight <n> our event store's maxInFlight (default: the product's)

A full run (every scenario, not --quick) also rewrites bench/results/latest.md and docs/performance.md's figures.`;

/** The generated part of docs/performance.md lies between these markers. */
const FIGURES_FILE = 'docs/performance.md';
const FIGURES_BEGIN = '<!-- bench:begin -->';
const FIGURES_END = '<!-- bench:end -->';

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number`);
  return number;
}

async function updateFigures(result: BenchResult): Promise<boolean> {
  const file = path.join(repoRoot, FIGURES_FILE);
  const text = await readFile(file, 'utf8');
  const begin = text.indexOf(FIGURES_BEGIN);
  const end = text.indexOf(FIGURES_END);
  if (begin < 0 || end < begin) return false;
  await writeFile(file, `${text.slice(0, begin + FIGURES_BEGIN.length)}\n${markdownReport(result, 3)}${text.slice(end)}`);
  return true;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', multiple: true },
      runs: { type: 'string', default: '3' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean', default: false },
      // Per process, so that two runs at once never wipe each other's cluster.
      'data-dir': { type: 'string', default: path.join(repoRoot, `bench/.data/postgres-${process.pid}`) },
      profile: { type: 'boolean', default: false },
      statements: { type: 'boolean', default: false },
      deployment: { type: 'string', multiple: true },
      'max-batch': { type: 'string' },
      'max-in-flight': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const unknown = (values.scenario ?? []).filter((name) => !scenarios.some((scenario) => scenario.name === name));
  if (unknown.length > 0) throw new Error(`Unknown scenario ${unknown.join(', ')}; choose from ${scenarios.map((s) => s.name).join(', ')}`);
  const everyday = scenarios.filter((scenario) => !scenario.onlyWhenNamed);
  const chosen = values.scenario ? scenarios.filter((scenario) => values.scenario!.includes(scenario.name)) : everyday;
  const runs = Math.round(positive('runs', values.runs) ?? 3);
  const durationSeconds = positive('duration', values.duration) ?? (values.quick ? 1 : 3);
  const maxBatch = positive('max-batch', values['max-batch']);
  const maxInFlight = positive('max-in-flight', values['max-in-flight']);
  const resultsDir = path.join(repoRoot, 'bench/results');
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const startedAt = new Date();
  const postgres = await startBenchPostgres(values['data-dir'], log, { statements: values.statements });
  const stopOnSignal = () => {
    void postgres.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const context: BenchContext = {
    postgres,
    durationSeconds,
    warmupSeconds: positive('warmup', values.warmup),
    quick: values.quick,
    profileDir: values.profile ? path.join(resultsDir, 'profiles') : undefined,
    statements: values.statements,
    deployments: values.deployment,
    eventStoreOptions: maxBatch || maxInFlight ? { ...(maxBatch && { maxBatch }), ...(maxInFlight && { maxInFlight }) } : undefined,
    log,
  };
  const results: ScenarioResult[] = [];
  const resultOf = (machine: Machine): BenchResult => ({
    date: startedAt.toISOString().slice(0, 10),
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1_000,
    runs,
    durationSeconds,
    quick: values.quick,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine,
    scenarios: results,
  });
  await mkdir(resultsDir, { recursive: true });
  const partialFile = path.join(resultsDir, `partial-${process.pid}.json`);
  try {
    const machine = await describeMachine(postgres);
    for (const scenario of chosen) {
      const scenarioStart = performance.now();
      const samples: Sample[][] = [];
      let facts: Record<string, number | string> = {};
      let failure: string | undefined;
      try {
        log(`\n${scenario.title}: preparing`);
        const session = await scenario.prepare(context);
        facts = session.facts;
        try {
          for (let index = 0; index < runs; index += 1) {
            log(`${scenario.title}: run ${index + 1} of ${runs}`);
            samples.push(await session.run(index));
          }
        } finally {
          await session.close();
        }
      } catch (error) {
        // One broken scenario must not cost the figures of the others.
        failure = error instanceof Error ? error.message : String(error);
        log(`${scenario.title} failed: ${error instanceof Error ? (error.stack ?? failure) : failure}`);
      }
      const medians = mediansOf(samples);
      let table: Table;
      try {
        table = scenario.table(medians, facts);
      } catch (error) {
        // A table that cannot be drawn (e.g. from a run that failed half-way) keeps the samples in the JSON.
        log(`${scenario.title}: its table failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        table = {
          columns: ['table'],
          rows: [],
          notes: [`The table could not be drawn: ${error instanceof Error ? error.message : String(error)}`],
        };
      }
      if (failure) table.notes.unshift(`**Failed** after ${samples.length} of ${runs} runs: ${failure.split('\n')[0]}`);
      results.push({
        name: scenario.name,
        title: scenario.title,
        method: scenario.method,
        facts,
        runs: samples,
        medians: Object.fromEntries(medians),
        table,
        seconds: (performance.now() - scenarioStart) / 1_000,
      });
      // So far, in case a later scenario takes the whole run down (or it is stopped): nothing measured is lost.
      await writeFile(partialFile, `${JSON.stringify(resultOf(machine), null, 2)}\n`);
    }

    const date = startedAt.toISOString().slice(0, 10);
    const full =
      everyday.every((scenario) => chosen.includes(scenario)) &&
      !values.quick &&
      values.deployment === undefined &&
      results.every((result) => result.runs.length === runs);
    const result = resultOf(machine);
    const report = markdownReport(result);
    process.stdout.write(`\n${report}`);
    const suffix = full ? '' : `-${values.quick ? 'quick-' : ''}${chosen.map((scenario) => scenario.name).join('-')}`;
    const jsonFile = path.join(resultsDir, `${date}${suffix}.json`);
    await writeFile(jsonFile, `${JSON.stringify(result, null, 2)}\n`);
    log(`\nwrote ${path.relative(repoRoot, jsonFile)}`);
    await rm(partialFile, { force: true });
    // Scenarios with a report of their own (e.g. results/drivers.md): rewritten by every complete run of them.
    for (const scenario of chosen) {
      const own = results.find((item) => item.name === scenario.name);
      if (!scenario.reportFile || values.quick || !own || own.runs.length !== runs) continue;
      await writeFile(path.join(resultsDir, scenario.reportFile), markdownReport({ ...result, scenarios: [own] }));
      log(`wrote bench/results/${scenario.reportFile}`);
    }
    if (full) {
      await writeFile(path.join(resultsDir, 'latest.md'), report);
      const figures = await updateFigures(result);
      log(
        `wrote bench/results/latest.md${figures ? ` and the figures in ${FIGURES_FILE}` : ` (${FIGURES_FILE} has no ${FIGURES_BEGIN} marker)`}`,
      );
    }
  } finally {
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
