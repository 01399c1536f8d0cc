// Scenario: orders from the first instant after seeding. A fresh catalog, stock and dealers are
// seeded through the API and the load starts at once: no priming, no waiting for any read model,
// every answer counted from the first. An order placed before a read model caught up must be decided
// exactly as one placed later, so every answer that is not an approval is a failure here.
import { allProjections } from '../../../src/projections/index.ts';
import { startAppServer } from '../../harness/app-server.ts';
import { runHttpLoad } from '../../harness/http-load.ts';
import { formatNumber } from '../../harness/report.ts';
import type { BenchContext, Medians, Scenario, Table } from '../../harness/types.ts';
import { cpuWindow } from './cpu.ts';
import { CheckpointWatcher } from './projection-lag.ts';
import { Decisions, orderRequest, placedOf, random, seedWorld } from './world.ts';

const PRODUCTS = 200;
const DEALERS = 50;
const LINES = 3;
const TARGET = { ordersPerSecond: 1_000, p99Ms: 50, lagP99Ms: 100, cpuMsPerOrder: 2 };

const yes = (met: boolean) => (met ? 'yes' : 'no');

export const coldOrdersScenario: Scenario = {
  name: 'orders-cold',
  title: 'Orders from the first instant after seeding, 50 dealers',
  method:
    'The real server (`node src/cli.ts start`, a child process, projections running in it) on a fresh database. Each run seeds a new world ' +
    'through the API (two warehouses in two regions, 200 products with 1 000 000 units in each warehouse, 50 gold dealers in their own ' +
    'territory with a generous credit limit, an uncapped 5 % off beverages) and the moment the last seeding command is answered, 50 ' +
    'closed-loop keep-alive clients, one per dealer with its own JWT, send POST /v1/orders: 3 distinct SKUs of the new catalog, 1-2 each, ' +
    'a fresh Idempotency-Key per request. No priming and no warm-up: every answer from the first is counted, and any answer that is not an ' +
    'approval (a hold, a rejection, an error) is a failure. A separate PostgreSQL connection polls the projection checkpoints for the ' +
    'read-model lag, as in `orders`.',

  async prepare(context: BenchContext) {
    const sizes = context.quick ? { products: 50, dealers: DEALERS } : { products: PRODUCTS, dealers: DEALERS };
    const url = await context.postgres.createDatabase('bench_orders_cold', { migrate: true });
    const server = await startAppServer(url, { profileDir: context.profileDir });
    const names = allProjections.map((projection) => projection.name);
    const watcher = await CheckpointWatcher.open(url, names);
    return {
      facts: { products: sizes.products, warehouses: 2, dealers: sizes.dealers, 'lines per order': LINES },
      async run(index: number) {
        const world = await seedWorld(server, sizes, { prefix: `C${index}`, wait: false });
        const draws = world.dealers.map((_, client) => random(7_000 + 100 * index + client));
        const decisions = new Decisions();
        const answers: { answeredAt: number; position: number }[] = [];
        let highest = 0;
        watcher.start();
        const cpu = cpuWindow([server.pid], context.postgres.dataDir, 0);
        const result = await runHttpLoad({
          baseUrl: server.url,
          request: (client) => orderRequest(world.dealers[client]!, world.skus, draws[client]!, LINES),
          concurrency: world.dealers.length,
          warmupMs: 0,
          durationMs: context.durationSeconds * 1_000,
          onResponse(answer) {
            const placed = placedOf(answer);
            if (!placed) return;
            const position = Number(placed.position);
            highest = Math.max(highest, position);
            // Answers after the window closed (the clients' last requests) are not counted, as in the figures.
            if (!answer.measured) return;
            decisions.add(placed);
            answers.push({ answeredAt: answer.answeredAt, position });
          },
        });
        const used = cpu.stop();
        const caught = await watcher.waitFor(highest, 30_000);
        await watcher.stop();
        if (!caught) context.log('  the read models did not catch up within 30 s of the load');
        const lag = watcher.lag(answers, 'orders');
        const approved = decisions.decisions.approved ?? 0;
        const failures = result.requests - approved;
        const perOrder = (ms: number) => ms / result.requests;
        context.log(
          `  ${formatNumber(result.requestsPerSecond)} orders/s, p50 ${formatNumber(result.p50)} ms, p99 ${formatNumber(result.p99)} ms; ${decisions.describe()}; ` +
            `statuses ${JSON.stringify(result.statuses)}; failures ${failures}; orders read model lag p99 ${formatNumber(lag.p99)} ms; ` +
            `CPU per order: server ${formatNumber(perOrder(used.serverMs))} ms, PostgreSQL ${formatNumber(perOrder(used.postgresMs))} ms`,
        );
        if (result.errors > 0) context.log(`  ${result.errors} errors, first: ${result.firstError}`);
        return [
          {
            key: 'orders-cold',
            values: {
              ordersPerSecond: result.requestsPerSecond,
              p50Ms: result.p50,
              p99Ms: result.p99,
              orders: result.requests,
              approved,
              failures,
              lagP99Ms: lag.p99,
              serverCpuMsPerOrder: perOrder(used.serverMs),
              postgresCpuMsPerOrder: perOrder(used.postgresMs),
            },
          },
        ];
      },
      async close() {
        await watcher.close();
        await server.stop();
      },
    };
  },

  table(medians: Medians): Table {
    const columns = ['measure', 'value', 'target', 'met'];
    const x = medians.get('orders-cold');
    if (!x) return { columns, rows: [], notes: [] };
    const cpu = x.serverCpuMsPerOrder! + x.postgresCpuMsPerOrder!;
    return {
      columns,
      rows: [
        [
          'orders/s',
          formatNumber(x.ordersPerSecond!),
          `≥ ${formatNumber(TARGET.ordersPerSecond)}`,
          yes(x.ordersPerSecond! >= TARGET.ordersPerSecond),
        ],
        [
          'POST /v1/orders p50 / p99 ms',
          `${formatNumber(x.p50Ms!)} / ${formatNumber(x.p99Ms!)}`,
          `p99 ≤ ${TARGET.p99Ms}`,
          yes(x.p99Ms! <= TARGET.p99Ms),
        ],
        ['orders answered (median per run)', formatNumber(x.orders!), '', ''],
        ['failures (anything but an approval, from the first answer)', formatNumber(x.failures!), '0', yes(x.failures === 0)],
        ['`orders` read model lag p99 ms', formatNumber(x.lagP99Ms!), `≤ ${TARGET.lagP99Ms}`, yes(x.lagP99Ms! <= TARGET.lagP99Ms)],
        [
          'CPU ms per order: server + PostgreSQL',
          `${formatNumber(x.serverCpuMsPerOrder!)} + ${formatNumber(x.postgresCpuMsPerOrder!)} = ${formatNumber(cpu)}`,
          `≤ ${TARGET.cpuMsPerOrder}`,
          yes(cpu <= TARGET.cpuMsPerOrder),
        ],
      ],
      notes: [
        'CPU is read from /proc over the whole load (the server process with its projections, every PostgreSQL process) and divided by the ' +
          'orders answered; it is far steadier than orders/s on a shared machine. With 50 closed-loop clients the mean latency is 50 ÷ orders/s ' +
          "(Little's law): a p99 ≤ 50 ms needs well over 1 000 orders/s.",
      ],
    };
  },
};
