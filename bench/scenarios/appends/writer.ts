// Child process: N concurrent writers appending to one event store (ours or Emmett's) for a fixed
// time; prints appends, events and latencies as JSON. Each store runs in its own process because
// Emmett's driver (dumbo) changes node-postgres' global type parsers.
import pg from 'pg';
import { PostgresEventStore, type PostgresEventStoreOptions } from '../../../src/eventstore/postgres.ts';
import type { NewEvent } from '../../../src/eventstore/port.ts';
import { createPool } from '../../../src/db/database.ts';
import { inputFromParent, replyToParent } from '../../harness/child.ts';
import { orderLineEvents, type OrderLineWorld } from '../../harness/order-line-events.ts';
import { serverCpuMicros } from '../../harness/server-cpu.ts';
import { LatencyRecorder } from '../../harness/stats.ts';

export type WriterInput = {
  store: 'ours' | 'emmett';
  url: string;
  writers: number;
  eventsPerAppend: number;
  warmupMs: number;
  durationMs: number;
  /** Makes stream names unique across runs sharing a database. */
  runId: string;
  /** The server's data directory, to measure its CPU time over the window. */
  pgDataDir: string;
  ours?: PostgresEventStoreOptions;
};

export type WriterOutput = {
  appends: number;
  events: number;
  seconds: number;
  p50: number;
  p99: number;
  /** CPU µs over the window: this process (the store's client side) and the whole PostgreSQL server. */
  clientCpuMicros: number;
  serverCpuMicros: number | undefined;
  errors: number;
  firstError?: string;
};

type Append = (stream: string, events: NewEvent[]) => Promise<unknown>;

/** Writers' dealers and SKUs: 50 000 SKUs in one warehouse. */
const APPENDS_WORLD: OrderLineWorld = {
  dealerOf: (writer) => `D-${1000 + writer}`,
  skuOf: (index) => `SKU-${String(index % 50_000).padStart(6, '0')}`,
  warehouseId: 'WH-SH-01',
};
const orderLines = (count: number, writer: number) => orderLineEvents(count, writer, APPENDS_WORLD);

async function openStore(input: WriterInput): Promise<{ append: Append; close: () => Promise<void> }> {
  if (input.store === 'ours') {
    const pool = createPool(input.url, { max: 40, applicationName: 'bench-ours' });
    const store = new PostgresEventStore(pool, input.ours);
    return {
      append: (stream, events) => store.appendToStream(stream, events, { expectedRevision: 'no_stream' }),
      close: async () => {
        await store.close();
        await pool.end();
      },
    };
  }
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  // Emmett holds a connection per append (its own transaction), so its pool must fit every writer.
  const pool = new pg.Pool({ connectionString: input.url, max: input.writers + 2, application_name: 'bench-emmett' });
  const store = getPostgreSQLEventStore(input.url, { connectionOptions: { pool } });
  return {
    // Emmett leaves "no stream" unchecked, so no expected version is passed.
    append: (stream, events) =>
      store.appendToStream(
        stream,
        events.map(({ type, data, metadata }) => ({ type, data, metadata })),
      ),
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}

async function main(): Promise<void> {
  const input = inputFromParent<WriterInput>();
  const { append, close } = await openStore(input);
  // Creates Emmett's schema (and warms both pools) before the clock starts.
  await append(`bench-${input.runId}-setup`, orderLines(input.eventsPerAppend, 0));

  const latencies = new LatencyRecorder();
  let appends = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const measureFrom = started + input.warmupMs;
  const end = measureFrom + input.durationMs;
  const cpuAt = () => ({ client: process.cpuUsage(), server: serverCpuMicros(input.pgDataDir) });
  let cpuFrom = cpuAt();
  let cpuTo: ReturnType<typeof cpuAt> | undefined;
  const windowOpens = setTimeout(() => (cpuFrom = cpuAt()), input.warmupMs);
  const windowCloses = setTimeout(() => (cpuTo = cpuAt()), input.warmupMs + input.durationMs);

  async function writer(index: number): Promise<void> {
    for (let n = 0; performance.now() < end; n += 1) {
      const events = orderLines(input.eventsPerAppend, index);
      const begun = performance.now();
      try {
        await append(`bench-${input.runId}-${index}-${n}`, events);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
        continue;
      }
      const done = performance.now();
      // Throughput counts completions inside the window (the steady state), whenever they began.
      if (done >= measureFrom && done <= end) {
        appends += 1;
        latencies.record(done - begun);
      }
    }
  }

  await Promise.all(Array.from({ length: input.writers }, (_, index) => writer(index)));
  clearTimeout(windowOpens);
  clearTimeout(windowCloses);
  // The last appends may finish before the closing timer had its turn.
  cpuTo ??= cpuAt();
  await close();
  const seconds = input.durationMs / 1_000;
  const { p50, p99 } = latencies.summary();
  const clientCpu = cpuTo.client.user + cpuTo.client.system - (cpuFrom.client.user + cpuFrom.client.system);
  const serverCpu = cpuTo.server !== undefined && cpuFrom.server !== undefined ? cpuTo.server - cpuFrom.server : undefined;
  replyToParent({
    appends,
    events: appends * input.eventsPerAppend,
    seconds,
    p50,
    p99,
    clientCpuMicros: clientCpu,
    serverCpuMicros: serverCpu,
    errors,
    firstError,
  } satisfies WriterOutput);
}

await main();
