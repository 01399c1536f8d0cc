// Scenario: order placement with review over HTTP (POST /v1/orders), 50 concurrent dealers, and
// the lag of the read models behind it in the same run.
import { availableParallelism } from 'node:os';
import { allProjections } from '../../../src/projections/index.ts';
import { startAppServer, type AppServer } from '../../harness/app-server.ts';
import { runHttpLoad } from '../../harness/http-load.ts';
import { counterTotal } from '../../harness/metrics.ts';
import { formatNumber } from '../../harness/report.ts';
import type { BenchContext, Medians, Sample, Scenario, Table } from '../../harness/types.ts';
import { resetStatements, statementsPerUnit } from '../../harness/statements.ts';
import { cpuWindow } from './cpu.ts';
import { CheckpointWatcher } from './projection-lag.ts';
import { Decisions, orderRequest, placedOf, primeDealers, primeEveryStream, random, seedWorld } from './world.ts';

const PRODUCTS = 400;
const DEALERS = 50;
const LINES = 3;
/**
 * Seconds of load before the measured window. The server's JIT takes that long to settle: under
 * this load, TurboFan and Maglev took 14 % of the server's CPU 1-4 s into the load and 4 % 10-12 s
 * into it (perf), so a 1 s warm-up counted compilation into each order's CPU.
 */
const WARMUP_SECONDS = 8;
const TARGET = { ordersPerSecond: 1_000, p99Ms: 50, lagP99Ms: 100 };

const CORES = availableParallelism();

const yes = (met: boolean) => (met ? 'yes' : 'no');
const percent = (part: number, whole: number) => (whole > 0 ? `${formatNumber((100 * part) / whole)} %` : '–');

/**
 * The deployments measured, in their order: `name` for --deployment, `key` their samples', `label`
 * in the log, `column` and `ordinal` in the table, `salt` of their clients' random draws.
 */
const DEPLOYMENTS = [
  { name: 'one', key: 'orders', label: 'one process', column: 'one process', ordinal: 'one', salt: 0 },
  { name: 'split', key: 'orders-split', label: 'API + worker', column: 'API + worker processes', ordinal: 'two', salt: 500 },
  {
    name: 'replicas',
    key: 'orders-replicas',
    label: '2 × API + worker',
    column: '2 × API + worker processes',
    ordinal: 'three',
    salt: 700,
  },
] as const;

/** The sample keys of the deployments to measure: those named, or all. */
function deploymentKeys(names: readonly string[] | undefined): string[] {
  if (names === undefined) return DEPLOYMENTS.map((deployment) => deployment.key);
  const unknown = names.filter((name) => !DEPLOYMENTS.some((deployment) => deployment.name === name));
  if (unknown.length > 0)
    throw new Error(
      `Unknown --deployment ${unknown.join(', ')}; choose from ${DEPLOYMENTS.map((deployment) => deployment.name).join(', ')}`,
    );
  return DEPLOYMENTS.filter((deployment) => names.includes(deployment.name)).map((deployment) => deployment.key);
}

export const ordersScenario: Scenario = {
  name: 'orders',
  title: 'Order placement with review, 50 dealers',
  method:
    'The real server (`node src/cli.ts start`, a child process, projections running in it) on a fresh database, seeded through its API: two ' +
    'warehouses in two regions, 400 products (prices 10.00-14.99) with 1 000 000 units in each warehouse, 50 gold dealers (territory = their ' +
    'region, credit limit 10 000 000 000.00), an uncapped 5 % off beverages; each dealer places one order to warm the server up. The harness process then runs 50 closed-loop keep-alive clients, ' +
    'one per dealer with its own JWT, each sending POST /v1/orders: 3 distinct SKUs drawn at random, 1-2 each, delivered to its own region, a ' +
    'fresh Idempotency-Key per request; 8 s warm-up (the JIT has settled by then), then the measured window; in every run once against each deployment (see below: one process, API + worker, 2 × API + worker). Meanwhile a separate PostgreSQL connection polls ' +
    "`projection_checkpoints` every ~5 ms: an order's read-model lag is the time from its answer (carrying its event `position`) to the first " +
    'poll that saw the `orders` checkpoint at or past that position (resolution a few ms); "all read models" waits for the slowest projection.',

  async prepare(context: BenchContext) {
    const measured = deploymentKeys(context.deployments);
    const sizes = context.quick ? { products: 100, dealers: DEALERS } : { products: PRODUCTS, dealers: DEALERS };
    const url = await context.postgres.createDatabase('bench_orders', { migrate: true });
    const server = await startAppServer(url, { profileDir: context.profileDir });
    let api: AppServer | undefined;
    let api2: AppServer | undefined;
    const names = allProjections.map((projection) => projection.name);
    let watcher: CheckpointWatcher | undefined;
    try {
      const seedStarted = performance.now();
      const world = await seedWorld(server, sizes);
      const seedSeconds = (performance.now() - seedStarted) / 1_000;
      context.log(
        `  seeded ${world.skus.length} products and ${world.dealers.length} dealers through the API in ${seedSeconds.toFixed(1)} s`,
      );
      await primeDealers(server, world, LINES);
      // The API alone, beside `server`: loaded through it, `server` is the worker process (its
      // projections hold the locks, its API gets no requests). Same secret, so the same tokens.
      api = await startAppServer(url, { profileDir: context.profileDir, command: 'serve' });
      await primeEveryStream(api, world, LINES);
      // A second API replica beside it: the load split between the two by client, both primed alike.
      api2 = await startAppServer(url, { profileDir: context.profileDir, command: 'serve' });
      await primeEveryStream(api2, world, LINES);
      watcher = await CheckpointWatcher.open(url, names);
      const lagWatcher = watcher;
      const deployments = [
        { ...DEPLOYMENTS[0], url: server.url as string | string[], pids: [server.pid] },
        { ...DEPLOYMENTS[1], url: api.url, pids: [api.pid, server.pid] },
        { ...DEPLOYMENTS[2], url: [api.url, api2.url], pids: [api.pid, api2.pid, server.pid] },
      ].filter((deployment) => measured.includes(deployment.key));

      async function measure(deployment: (typeof deployments)[number], index: number): Promise<Sample> {
        const draws = world.dealers.map((_, client) => random(1_000 * (index + 1) + client + deployment.salt));
        const decisions = new Decisions();
        const answers: { answeredAt: number; position: number }[] = [];
        let highest = 0;
        // Orders answered since the statements were reset, the warm-up's included: what they are divided by.
        let placedSinceReset = 0;
        if (context.statements) await resetStatements(url);
        const apis = [deployment.url].flat();
        const conflictsBefore = await counterTotal(apis, 'dealerline_append_conflicts_total');
        lagWatcher.start();
        const warmupMs = (context.warmupSeconds ?? (context.quick ? 1 : WARMUP_SECONDS)) * 1_000;
        const cpu = cpuWindow(deployment.pids, context.postgres.dataDir, warmupMs);
        const result = await runHttpLoad({
          baseUrl: deployment.url,
          request: (client) => orderRequest(world.dealers[client]!, world.skus, draws[client]!, LINES),
          concurrency: world.dealers.length,
          warmupMs,
          durationMs: context.durationSeconds * 1_000,
          onResponse(answer) {
            const placed = placedOf(answer);
            if (!placed) return;
            placedSinceReset += 1;
            const position = Number(placed.position);
            highest = Math.max(highest, position);
            if (!answer.measured) return;
            decisions.add(placed);
            answers.push({ answeredAt: answer.answeredAt, position });
          },
        });
        const used = cpu.stop();
        // Includes the warm-up's few: a count, not a rate, so it is put per 100 orders of the window.
        const conflicts = (await counterTotal(apis, 'dealerline_append_conflicts_total')) - conflictsBefore;
        const perOrder = (ms: number) => ms / result.requests;
        const caught = await lagWatcher.waitFor(highest, 30_000);
        await lagWatcher.stop();
        // After the catch-up, so the projections' work for these orders is counted too (and the lag watcher's polls).
        if (context.statements) for (const line of await statementsPerUnit(url, placedSinceReset)) context.log(line);
        if (!caught) context.log('  the read models did not catch up within 30 s of the load');
        const orders = lagWatcher.lag(answers, 'orders');
        const all = lagWatcher.lag(answers);
        if (result.errors > 0) context.log(`  ${result.errors} errors, first: ${result.firstError}`);
        context.log(
          `  ${deployment.label}: ${formatNumber(result.requestsPerSecond)} orders/s, p50 ${formatNumber(result.p50)} ms, p99 ${formatNumber(result.p99)} ms; ${decisions.describe()}; ` +
            `statuses ${JSON.stringify(result.statuses)}; orders read model lag p50 ${formatNumber(orders.p50)} ms, p99 ${formatNumber(orders.p99)} ms ` +
            `(max ${formatNumber(orders.max)}, ${orders.unseen} unseen); all read models p99 ${formatNumber(all.p99)} ms; ` +
            `CPU per order: server ${formatNumber(perOrder(used.serverMs))} ms, PostgreSQL ${formatNumber(perOrder(used.postgresMs))} ms, load generator ${formatNumber(perOrder(used.harnessMs))} ms; ` +
            `append conflicts ${conflicts}`,
        );
        return {
          key: deployment.key,
          values: {
            ordersPerSecond: result.requestsPerSecond,
            p50Ms: result.p50,
            p99Ms: result.p99,
            maxMs: result.max,
            orders: decisions.total,
            approved: decisions.decisions.approved ?? 0,
            onHold: decisions.decisions.on_hold ?? 0,
            rejected: decisions.decisions.rejected ?? 0,
            errors: result.errors,
            lagP50Ms: orders.p50,
            lagP99Ms: orders.p99,
            lagMaxMs: orders.max,
            lagUnseen: orders.unseen,
            allLagP50Ms: all.p50,
            allLagP99Ms: all.p99,
            serverCpuMsPerOrder: perOrder(used.serverMs),
            postgresCpuMsPerOrder: perOrder(used.postgresMs),
            harnessCpuMsPerOrder: perOrder(used.harnessMs),
            conflictsPer100Orders: (100 * conflicts) / result.requests,
          },
        };
      }

      return {
        facts: {
          products: world.skus.length,
          warehouses: 2,
          dealers: world.dealers.length,
          'lines per order': LINES,
          'seeding through the API (s)': seedSeconds,
        },
        async run(index: number): Promise<Sample[]> {
          const samples: Sample[] = [];
          for (const deployment of deployments) samples.push(await measure(deployment, index));
          return samples;
        },
        async close() {
          await lagWatcher.close();
          await api2?.stop();
          await api?.stop();
          await server.stop();
        },
      };
    } catch (error) {
      await watcher?.close().catch(() => undefined);
      await api2?.stop();
      await api?.stop();
      await server.stop();
      throw error;
    }
  },

  table(medians: Medians): Table {
    // The deployments measured (all three, unless --deployment named fewer), in their order.
    const measured = DEPLOYMENTS.filter((deployment) => medians.has(deployment.key));
    const columns = [
      'measure',
      ...measured.map((deployment) => deployment.column),
      'target',
      `met (${measured.map((deployment) => deployment.ordinal).join(' / ')})`,
    ];
    if (measured.length === 0) return { columns, rows: [], notes: [] };
    const both = measured.map((deployment) => medians.get(deployment.key)!);
    const ceiling = (sample: Record<string, number>) => (CORES * 1_000) / (sample.serverCpuMsPerOrder! + sample.postgresCpuMsPerOrder!);
    const row = (
      measure: string,
      value: (sample: Record<string, number>) => string,
      target = '',
      met?: (sample: Record<string, number>) => boolean,
    ) => [measure, ...both.map(value), target, met ? both.map((sample) => yes(met(sample))).join(' / ') : ''];
    return {
      columns,
      rows: [
        row(
          'orders/s',
          (x) => formatNumber(x.ordersPerSecond!),
          `≥ ${formatNumber(TARGET.ordersPerSecond)}`,
          (x) => x.ordersPerSecond! >= TARGET.ordersPerSecond,
        ),
        row('POST /v1/orders p50 ms', (x) => formatNumber(x.p50Ms!)),
        row(
          'POST /v1/orders p99 ms',
          (x) => formatNumber(x.p99Ms!),
          `≤ ${TARGET.p99Ms}`,
          (x) => x.p99Ms! <= TARGET.p99Ms,
        ),
        row(
          'approved',
          (x) => percent(x.approved!, x.orders!),
          'nearly all',
          (x) => x.approved! >= 0.99 * x.orders!,
        ),
        row('on hold / rejected', (x) => `${percent(x.onHold!, x.orders!)} / ${percent(x.rejected!, x.orders!)}`),
        row(
          'errors (non-201 answers)',
          (x) => formatNumber(x.errors!),
          '0',
          (x) => x.errors === 0,
        ),
        row('`orders` read model lag p50 ms', (x) => formatNumber(x.lagP50Ms!)),
        row(
          '`orders` read model lag p99 ms',
          (x) => formatNumber(x.lagP99Ms!),
          `≤ ${TARGET.lagP99Ms}`,
          (x) => x.lagP99Ms! <= TARGET.lagP99Ms,
        ),
        row('all read models lag p50 / p99 ms', (x) => `${formatNumber(x.allLagP50Ms!)} / ${formatNumber(x.allLagP99Ms!)}`),
        row('CPU ms per order: server / PostgreSQL / load generator', (x) =>
          [x.serverCpuMsPerOrder!, x.postgresCpuMsPerOrder!, x.harnessCpuMsPerOrder!].map(formatNumber).join(' / '),
        ),
        row('append conflicts per 100 orders (decided again)', (x) => formatNumber(x.conflictsPer100Orders ?? 0)),
        row(
          'orders/s the cores allow (cores ÷ server + PostgreSQL CPU per order)',
          (x) => formatNumber(ceiling(x)),
          `≥ ${formatNumber(TARGET.ordersPerSecond)}`,
          (x) => ceiling(x) >= TARGET.ordersPerSecond,
        ),
      ],
      notes: [
        'Three deployments of the same code on the same database, each measured in every run: `one process` is `dealerline start` (API, projections ' +
          'and adapters in one process, as the quick start runs it); `API + worker processes` sends the load to `dealerline serve` (the API only) ' +
          'while the `start` process beside it runs the projections (a worker); the `serve` process is first primed with orders touching every ' +
          'stock stream from both regions, as a process running for a while would be. Its server CPU is both processes together. ' +
          '`2 × API + worker processes` adds a second `serve` replica (primed alike) and splits the clients between the two (no balancer: ' +
          'client i talks to replica i mod 2); its server CPU is all three processes together, so CPU per order shows what the replicas ' +
          'cost in conflicts and in caches each process warms on its own.',
        `Decisions are shares of the orders answered in the measured window (median ${formatNumber(both[0]!.orders!)} per run). CPU is read from /proc over the ` +
          'measured window (the server processes, every PostgreSQL process, the harness process) and divided by the orders answered in it; it includes ' +
          "the projections run meanwhile and the lag watcher's polls (~200 small queries/s), and it is far steadier than orders/s on a " +
          'shared machine.',
      ],
    };
  },
};
