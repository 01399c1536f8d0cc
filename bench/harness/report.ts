// The results: a JSON record of every run and a Markdown report of the medians.
import type { Machine } from './machine.ts';
import type { Sample, Table } from './types.ts';

export type ScenarioResult = {
  name: string;
  title: string;
  method: string;
  facts: Record<string, number | string>;
  runs: Sample[][];
  medians: Record<string, Record<string, number>>;
  table: Table;
  seconds: number;
};

export type BenchResult = {
  date: string;
  startedAt: string;
  seconds: number;
  runs: number;
  durationSeconds: number;
  quick: boolean;
  command: string;
  machine: Machine;
  scenarios: ScenarioResult[];
};

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}

function markdownTable(columns: string[], rows: string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${columns.map(escape).join(' | ')} |`,
    `|${columns.map((_, index) => (index < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

export function machineTable(machine: Machine): string {
  return markdownTable(
    ['machine', ''],
    [
      ['CPU', `${machine.cpu}, ${machine.cores} cores`],
      ['RAM', `${machine.ramGiB} GiB`],
      ['OS', machine.os],
      ['Node', machine.node],
      ['PostgreSQL', machine.postgres],
      ['data directory', machine.dataDirFilesystem],
      ['load average at start', machine.loadAverageAtStart],
    ],
  );
}

export function scenarioTables(result: BenchResult, headingLevel: number): string {
  return result.scenarios
    .map((scenario) => {
      const facts = Object.entries(scenario.facts).map(
        ([name, value]) => `${name}: ${typeof value === 'number' ? formatNumber(value) : value}`,
      );
      return [
        `${'#'.repeat(headingLevel)} ${scenario.title}`,
        '',
        scenario.method,
        ...(facts.length > 0 ? ['', facts.map((fact) => `- ${fact}`).join('\n')] : []),
        '',
        markdownTable(scenario.table.columns, scenario.table.rows),
        ...(scenario.table.notes.length > 0 ? ['', scenario.table.notes.join(' ')] : []),
      ].join('\n');
    })
    .join('\n\n');
}

/** The report; `headingLevel` is its title's level (the scenarios sit one below). */
export function markdownReport(result: BenchResult, headingLevel = 2): string {
  return [
    `${'#'.repeat(headingLevel)} Benchmarks, ${result.date}`,
    '',
    `\`${result.command}\`: medians of ${result.runs} runs, ${result.durationSeconds} s per measured load` +
      `${result.quick ? ' (quick mode: smaller data, not comparable)' : ''}; the whole run took ${Math.round(result.seconds)} s.`,
    '',
    machineTable(result.machine),
    '',
    scenarioTables(result, headingLevel + 1),
    '',
  ].join('\n');
}
