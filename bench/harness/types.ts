// What a benchmark scenario is: prepared once, measured in several runs, reported as medians.
import type { PostgresEventStoreOptions } from '../../src/eventstore/postgres.ts';
import type { BenchPostgres } from './postgres.ts';

export type BenchContext = {
  postgres: BenchPostgres;
  /** Seconds each measured load lasts (after its warm-up). */
  durationSeconds: number;
  /** --warmup: seconds of load before each measured window, for the scenarios that take it (else their own). */
  warmupSeconds: number | undefined;
  /** Shorter loads and smaller data, for trying the harness out; not for published figures. */
  quick: boolean;
  /** Where CPU profiles go when --profile is given; undefined otherwise. */
  profileDir: string | undefined;
  /** --statements: pg_stat_statements is loaded; scenarios may log what each unit of work cost. */
  statements: boolean;
  /** --deployment: the only deployments of the orders scenario to measure (one, split, replicas); all when undefined. */
  deployments: readonly string[] | undefined;
  /** Overrides of our event store's group-commit settings (--max-batch, --max-in-flight), for tuning. */
  eventStoreOptions: PostgresEventStoreOptions | undefined;
  log: (line: string) => void;
};

/** One measured configuration of one run, e.g. `ours single-event 8 writers`. */
export type Sample = { key: string; values: Record<string, number> };

/** The medians over the runs, by sample key. */
export type Medians = ReadonlyMap<string, Record<string, number>>;

export type Table = { columns: string[]; rows: string[][]; notes: string[] };

export type ScenarioSession = {
  /** Facts about the prepared data worth printing (sizes, seeding times). */
  facts: Record<string, number | string>;
  run: (index: number) => Promise<Sample[]>;
  close: () => Promise<void>;
};

export type Scenario = {
  name: string;
  title: string;
  /** What is measured and how, one paragraph, printed above the table. */
  method: string;
  prepare: (context: BenchContext) => Promise<ScenarioSession>;
  table: (medians: Medians, facts: Record<string, number | string>) => Table;
  /** Runs only when named with --scenario (a comparison, not a figure of the product). */
  onlyWhenNamed?: boolean;
  /** A report of its own in bench/results (committed), rewritten by every run of it that is not --quick. */
  reportFile?: string;
};
