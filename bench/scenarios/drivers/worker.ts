// Child process of the drivers scenario: one driver (node-postgres `pg`, or postgres.js through a
// `query` shim and kysely-postgres-js), one workload, for a warm-up and a measured window; prints
// operations, latencies and CPU (this process, and every PostgreSQL process) as JSON.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { CompiledQuery, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import pino from 'pino';
import { sessionIsActive } from '../../../src/accounts/sessions.ts';
import { coalescedFor } from '../../../src/db/coalesce.ts';
import { createDb, createPool, type Db } from '../../../src/db/database.ts';
import type { Database } from '../../../src/db/schema.ts';
import type { OrderHistory } from '../../../src/domain/ordering/risk.ts';
import type { RecordedEvent } from '../../../src/eventstore/port.ts';
import { PostgresEventStore } from '../../../src/eventstore/postgres.ts';
import { createLogger } from '../../../src/logger.ts';
import { dealerOrderHistoryHint, type HistoryAsked } from '../../../src/projections/orders/queries.ts';
import { inputFromParent, replyToParent } from '../../harness/child.ts';
import { serverCpuMicros } from '../../harness/server-cpu.ts';
import { LatencyRecorder } from '../../harness/stats.ts';
import { dbOf, openPostgresJs, poolOf } from './postgres-js.ts';
import { orderLineEvents } from '../../harness/order-line-events.ts';
import { dealerOf, sessionOf, skuOf, WORLD } from './world.ts';

export type Driver = 'pg' | 'postgres';
export type Workload = 'append1' | 'append6' | 'reads' | 'kysely' | 'kysely-compiled' | 'check' | 'micro';

export type DriversInput = {
  driver: Driver;
  workload: Workload;
  url: string;
  pgDataDir: string;
  /** Connections of the pool (the app runs with 40). */
  connections: number;
  /** Concurrent writers (appends) or clients (reads). */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  runId: string;
};

export type DriversOutput = {
  values: Record<string, number>;
  /** `check`: everything read, as JSON: equal for both drivers when they decode alike. */
  content?: string;
  errors: number;
  firstError?: string;
};

const POOL_MAX_APP = 40;

const events = (count: number, writer: number) =>
  orderLineEvents(count, writer, { dealerOf, skuOf: (index) => skuOf(index % WORLD.products), warehouseId: 'WH-A' });

/** JSON with object keys sorted (jsonb stores them sorted), to compare what was written with what is read. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

type Open = { store: PostgresEventStore; db: Db; close: () => Promise<void> };

function open(input: DriversInput): Open {
  const max = input.connections || POOL_MAX_APP;
  if (input.driver === 'pg') {
    const pool = createPool(input.url, { max, applicationName: 'bench-drivers-pg' });
    const db = createDb(pool);
    const store = new PostgresEventStore(pool);
    return { store, db, close: async () => (await store.close(), await db.destroy()) };
  }
  const client = openPostgresJs(input.url, max, 'bench-drivers-postgresjs');
  const store = new PostgresEventStore(poolOf(client));
  const db = dbOf(client);
  // kysely ends the client only if a query went through it: ended here as well (twice is harmless).
  return { store, db, close: async () => (await store.close(), await db.destroy(), await client.end({ timeout: 5 })) };
}

/** Three distinct SKUs of the catalog, drawn at random: a 3-line order. */
function orderSkus(): string[] {
  const picked = new Set<number>();
  while (picked.size < 3) picked.add(Math.floor(Math.random() * WORLD.products));
  return [...picked].map(skuOf);
}

/** The streams a placement loads, in its rounds: the order's own facts, then the stock of its SKUs. */
async function placementReads(store: PostgresEventStore, dealer: string, skus: readonly string[]): Promise<number> {
  const first = await Promise.all([
    store.readStream(`dealer-${dealer}`),
    store.readStream(`credit-${dealer}`),
    ...skus.map((sku) => store.readStream(`product-${sku}`)),
    store.readStream('index-promotions'),
  ]);
  const stock = await Promise.all(
    skus.flatMap((sku) => WORLD.warehouses.map((warehouse) => store.readStream(`stock-${sku}@${warehouse}`))),
  );
  return [...first, ...stock].reduce((sum, read) => sum + read.length, 0);
}

// The same two statements as sessionIsActive and dealerOrderHistoryHint, compiled once and sent
// again with new parameters (kysely's `.compile()` + `executeQuery`), still coalesced per turn.
const SESSION_SQL = (ids: string[]) => sql<{ id: string }>`
    SELECT id FROM auth.sessions WHERE id = ANY(${ids}::text[]) AND revoked_at IS NULL AND expires_at > now()`;
const HISTORY_SQL = (asked: readonly HistoryAsked[]) => sql<{ i: number }>`
    SELECT r.i::int AS i, h.order_count, h.total_sum_minor, h.regions,
           (SELECT coalesce(json_agg(json_build_object('sku', s.sku, 'order_count', s.order_count, 'qty_sum', s.qty_sum)), '[]')
              FROM ${sql.table('orders.dealer_sku_history')} s
             WHERE s.dealer_id = r.e->>'dealerId' AND s.sku IN (SELECT jsonb_array_elements_text(r.e->'skus'))) AS skus
      FROM jsonb_array_elements(${JSON.stringify(asked)}::jsonb) WITH ORDINALITY AS r(e, i)
      LEFT JOIN ${sql.table('orders.dealer_history')} h ON h.dealer_id = r.e->>'dealerId'
     ORDER BY r.i`;

type HistoryRow = {
  i: number;
  order_count: number | null;
  total_sum_minor: number | null;
  regions: string[] | null;
  skus: { sku: string; order_count: number; qty_sum: number }[];
};

function compiledQueries(db: Db) {
  const session = SESSION_SQL([]).compile(db).sql;
  const history = HISTORY_SQL([]).compile(db).sql;
  const sessions = coalescedFor(async (handle: Db, ids: string[]) => {
    const { rows } = await handle.executeQuery<{ id: string }>(CompiledQuery.raw(session, [ids]));
    const active = new Set(rows.map((row) => row.id));
    return ids.map((id) => active.has(id));
  });
  const histories = coalescedFor(async (handle: Db, asked: HistoryAsked[]): Promise<OrderHistory[]> => {
    const { rows } = await handle.executeQuery<HistoryRow>(CompiledQuery.raw(history, [JSON.stringify(asked)]));
    // The same answer as dealerOrderHistoryHint's, so that only the building of the statement differs.
    return rows.map((row) => {
      const orderCount = row.order_count ?? 0;
      return {
        orderCount,
        averageTotalMinor: orderCount > 0 ? row.total_sum_minor! / orderCount : 0,
        regionsUsed: row.regions ?? [],
        skuQuantities: Object.fromEntries(
          row.skus.map((sku) => [sku.sku, { averageQty: sku.qty_sum / sku.order_count, orders: sku.order_count }]),
        ),
      };
    });
  });
  return { sessions, histories };
}

type Op = (client: number) => Promise<number>;

async function measure(input: DriversInput, op: Op): Promise<DriversOutput> {
  const latencies = new LatencyRecorder();
  let ops = 0;
  let units = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const measureFrom = started + input.warmupMs;
  const end = measureFrom + input.durationMs;
  const cpuAt = () => ({ client: process.cpuUsage(), server: serverCpuMicros(input.pgDataDir) });
  let cpuFrom = cpuAt();
  let cpuTo: ReturnType<typeof cpuAt> | undefined;
  const opens = setTimeout(() => (cpuFrom = cpuAt()), input.warmupMs);
  const closes = setTimeout(() => (cpuTo = cpuAt()), input.warmupMs + input.durationMs);
  async function loop(client: number): Promise<void> {
    while (performance.now() < end) {
      const begun = performance.now();
      let done: number;
      try {
        const counted = await op(client);
        done = performance.now();
        if (done >= measureFrom && done <= end) units += counted;
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
        continue;
      }
      if (done >= measureFrom && done <= end) {
        ops += 1;
        latencies.record(done - begun);
      }
    }
  }
  await Promise.all(Array.from({ length: input.concurrency }, (_, client) => loop(client)));
  clearTimeout(opens);
  clearTimeout(closes);
  cpuTo ??= cpuAt();
  const seconds = input.durationMs / 1_000;
  const { p50, p99 } = latencies.summary();
  const client = cpuTo.client.user + cpuTo.client.system - (cpuFrom.client.user + cpuFrom.client.system);
  const server = cpuTo.server !== undefined && cpuFrom.server !== undefined ? cpuTo.server - cpuFrom.server : Number.NaN;
  return {
    values: {
      opsPerSecond: ops / seconds,
      unitsPerOp: units / ops,
      p50Ms: p50,
      p99Ms: p99,
      clientCpuMicrosPerOp: client / ops,
      serverCpuMicrosPerOp: server / ops,
      errors,
    },
    errors,
    ...(firstError !== undefined && { firstError }),
  };
}

/** What both drivers must read alike: seeded streams, a stream appended here, the two kysely lookups. */
async function check({ store, db }: Open, runId: string): Promise<DriversOutput> {
  const dealer = dealerOf(7);
  const skus = [skuOf(1), skuOf(2), skuOf(3)];
  const strip = (read: RecordedEvent[]) =>
    read.map(({ id, type, streamId, revision, data, metadata }) => ({ id, type, streamId, revision, data, metadata }));
  const seeded = await Promise.all(
    [`dealer-${dealer}`, `credit-${dealer}`, `stock-${skus[0]}@WH-A`, 'index-promotions'].map((stream) => store.readStream(stream)),
  );
  // Appended with fixed content: both drivers must store and read back the same events.
  const fixed = events(6, 3).map((event, index) => ({
    ...event,
    id: createHash('md5')
      .update(`${runId}-${index}`)
      .digest('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
    data: { ...event.data, orderId: 'O-FIXED' },
    metadata: { ...event.metadata, correlationId: 'C-FIXED', occurredAt: '2026-12-06T00:00:00.000Z' },
  }));
  const stream = `check-${runId}`;
  const appended = await store.appendToStream(stream, fixed, { expectedRevision: 'no_stream' });
  const readBack = await store.readStream(stream);
  const sessions = await Promise.all([sessionOf(1), sessionOf(2), 'S-NONE'].map((id) => sessionIsActive(db, id)));
  const history = await dealerOrderHistoryHint(db, { dealerId: dealer, skus });
  const compiled = compiledQueries(db);
  const compiledHistory = await compiled.histories(db, { dealerId: dealer, skus });
  const content = JSON.stringify({
    seeded: seeded.map(strip).map((read) =>
      read.map(({ id: _id, ...rest }) => ({
        ...rest,
        data: { ...rest.data, orderId: null },
        metadata: { ...rest.metadata, correlationId: null, occurredAt: null },
      })),
    ),
    appended: appended.nextExpectedRevision,
    readBack: strip(readBack).map(({ streamId: _streamId, id: _id, ...rest }) => rest),
    sessions,
    history,
    compiledHistory,
  });
  const sameContent =
    canonical(history) === canonical(compiledHistory) &&
    canonical(strip(readBack).map((event) => [event.id, event.type, event.data, event.metadata])) ===
      canonical(fixed.map((event) => [event.id, event.type, event.data, event.metadata]));
  return {
    values: { sameContent: sameContent ? 1 : 0 },
    content,
    errors: sameContent ? 0 : 1,
    ...(!sameContent && { firstError: `read back differs, or the compiled history does: ${content.slice(0, 600)}` }),
  };
}

/** CPU of kysely building a statement, and of a pino line per request: in this process, no database. */
async function micro(): Promise<DriversOutput> {
  const dummy = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const microsPerCall = (iterations: number, run: (index: number) => unknown) => {
    for (let index = 0; index < Math.min(iterations, 2_000); index += 1) run(index);
    const begun = process.cpuUsage();
    for (let index = 0; index < iterations; index += 1) run(index);
    const used = process.cpuUsage(begun);
    return (used.user + used.system) / iterations;
  };
  const asked = Array.from({ length: 20 }, (_, index) => ({
    dealerId: dealerOf(index),
    skus: [skuOf(index), skuOf(index + 1), skuOf(index + 2)],
  }));
  const ids = asked.map((_, index) => sessionOf(index));
  const values: Record<string, number> = {
    compileSession: microsPerCall(20_000, () => SESSION_SQL(ids).compile(dummy)),
    compileHistory: microsPerCall(20_000, () => HISTORY_SQL(asked).compile(dummy)),
    // A query-builder statement (the Idempotency-Key takeover's shape) costs more to build than a raw template.
    compileBuilder: microsPerCall(20_000, (index) =>
      dummy
        .updateTable('idempotency_keys')
        .set({ locked_until: sql<Date>`now() + make_interval(secs => ${15})` })
        .where('scope', '=', `dealer:${index}`)
        .where('key', '=', `k-${index}`)
        .where('request_hash', '=', 'h')
        .where('status_code', 'is', null)
        .where('locked_until', '<', sql<Date>`now()`)
        .returning(['request_hash'])
        .compile(),
    ),
  };
  // A request's log lines as fastify writes them: a child logger per request, then one line when it
  // starts and one when it ends. `debug`: as the app does at `info` (nothing written);
  // `info`: fastify's default request logging, written to /dev/null through pino's async stream.
  const destination = pino.destination({ dest: '/dev/null', sync: false });
  await once(destination, 'ready');
  const logger = createLogger({ logLevel: 'info' }, destination);
  const request = (index: number, level: 'debug' | 'info') => {
    const log = logger.child({ reqId: `req-${index}` });
    log[level](
      {
        req: {
          method: 'POST',
          url: '/v1/orders',
          hostname: 'localhost:3000',
          remoteAddress: '127.0.0.1',
          remotePort: 40_000 + (index % 1_000),
        },
      },
      'incoming request',
    );
    log[level]({ res: { statusCode: 201 }, responseTime: 12.5 }, 'request completed');
  };
  values.logDebug = microsPerCall(50_000, (index) => request(index, 'debug'));
  values.logInfo = microsPerCall(50_000, (index) => request(index, 'info'));
  destination.end();
  await once(destination, 'close');
  return { values, errors: 0 };
}

async function main(): Promise<void> {
  const input = inputFromParent<DriversInput>();
  if (input.workload === 'micro') {
    replyToParent(await micro());
    return;
  }
  const opened = open(input);
  try {
    let output: DriversOutput;
    switch (input.workload) {
      case 'check':
        output = await check(opened, `${input.runId}-${input.driver}`);
        break;
      case 'append1':
      case 'append6': {
        const count = input.workload === 'append1' ? 1 : 6;
        const serial = new Array<number>(input.concurrency).fill(0);
        // Warms the pool and the statement caches before the clock starts.
        await opened.store.appendToStream(`drivers-${input.runId}-${input.driver}-setup`, events(count, 0), {
          expectedRevision: 'no_stream',
        });
        output = await measure(input, async (writer) => {
          await opened.store.appendToStream(
            `drivers-${input.runId}-${input.driver}-${writer}-${serial[writer]!++}`,
            events(count, writer),
            { expectedRevision: 'no_stream' },
          );
          return count;
        });
        break;
      }
      case 'reads':
        output = await measure(input, (client) => placementReads(opened.store, dealerOf(client % WORLD.dealers), orderSkus()));
        break;
      case 'kysely':
        output = await measure(input, async (client) => {
          const [active, history] = await Promise.all([
            sessionIsActive(opened.db, sessionOf(client % WORLD.dealers)),
            dealerOrderHistoryHint(opened.db, { dealerId: dealerOf(client % WORLD.dealers), skus: orderSkus() }),
          ]);
          return (active ? 1 : 0) + Object.keys(history.skuQuantities).length;
        });
        break;
      case 'kysely-compiled': {
        const { sessions, histories } = compiledQueries(opened.db);
        output = await measure(input, async (client) => {
          const [active, history] = await Promise.all([
            sessions(opened.db, sessionOf(client % WORLD.dealers)),
            histories(opened.db, { dealerId: dealerOf(client % WORLD.dealers), skus: orderSkus() }),
          ]);
          return (active ? 1 : 0) + Object.keys(history.skuQuantities).length;
        });
        break;
      }
    }
    replyToParent(output);
  } finally {
    await opened.close();
  }
}

await main();
