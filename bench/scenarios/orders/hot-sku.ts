// Scenario: 200 dealers at once ordering the same promoted SKU until it sells out, against the
// same dealers ordering across the catalog in the same run; then proves that nothing was oversold.
import { createPool } from '../../../src/db/database.ts';
import { startAppServer } from '../../harness/app-server.ts';
import type { HttpAnswer, HttpRequestSpec } from '../../harness/http-load.ts';
import { runHttpLoad } from '../../harness/http-load.ts';
import { formatNumber } from '../../harness/report.ts';
import { percentile } from '../../harness/stats.ts';
import type { BenchContext, Medians, Sample, Scenario, Table } from '../../harness/types.ts';
import { CpuTimeline, type CpuSplit } from './cpu.ts';
import {
  activeWindow,
  apiOf,
  caughtUp,
  Decisions,
  orderRequest,
  placedOf,
  primeDealers,
  random,
  seedWorld,
  stockedProduct,
  WAREHOUSES,
  type Dealer,
} from './world.ts';

const PRODUCTS = 400;
const DEALERS = 200;
/** 200 closed-loop clients need a while to fall out of step (and the hot SKU's first answers take a whole round). */
const WARMUP_MS = 2_000;
/** The hot SKU's stock lasts about this share of the measured window at the spread rate. */
const STOCK_SHARE_OF_WINDOW = 1;
/** The hot load runs this many windows, so that the SKU sells out even at a third of the spread rate. */
const HOT_WINDOWS = 3;
const TARGET_FRACTION = 0.5;

type Timed = { sentAt: number; answeredAt: number; decision: string; qty: number };

/** Server + PostgreSQL CPU ms per order. */
const perOrder = (cpu: CpuSplit, orders: number) => (cpu.serverMs + cpu.postgresMs) / orders;

function latencyOf(answers: readonly Timed[]): { p50: number; p99: number } {
  const sorted = Float64Array.from(answers.map((answer) => answer.answeredAt - answer.sentAt)).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** One order of the hot SKU, one unit: the stream of that SKU is all the orders have in common. */
function hotOrder(dealer: Dealer, sku: string): HttpRequestSpec {
  const request = orderRequest(dealer, [sku], () => 0, 1);
  return { ...request, body: { lines: [{ sku, qty: 1 }], regionCode: dealer.regionCode } };
}

export const hotSkuScenario: Scenario = {
  name: 'hot-sku',
  title: 'Hot SKU: 200 dealers ordering one promoted SKU until it sells out',
  method:
    'The server and world of the `orders` scenario (400 products with plenty of stock, two warehouses in two regions), with 200 gold dealers, ' +
    'each of which places one order first to warm the server up. ' +
    'Each run first measures the spread rate: 200 closed-loop clients, one per dealer with its own JWT, each POST /v1/orders of one SKU drawn ' +
    'across the catalog (1-2 units; 2 s warm-up, then the window). Then a fresh hot SKU is created through the API with a 10 % off promotion on ' +
    'it and limited stock split 60/40 over the two warehouses, sized to last one window at the spread rate, and the same 200 clients each ' +
    'order 1 unit of it, for three windows. The hot rate counts the answers from the first one to the last approved one (the sell-out), against ' +
    'the spread rate of the same run. Afterwards the hot SKU is checked for oversell three ways: the units of approved orders, the net reservations in its ' +
    'stock streams (events) and the inventory read model (GET /v1/stock), each against the units received; and that it did sell out.',

  async prepare(context: BenchContext) {
    const sizes = context.quick ? { products: 100, dealers: DEALERS } : { products: PRODUCTS, dealers: DEALERS };
    const url = await context.postgres.createDatabase('bench_hot_sku', { migrate: true });
    const server = await startAppServer(url, { profileDir: context.profileDir });
    const pool = createPool(url, { max: 2, applicationName: 'dealerline-bench' });
    try {
      const seedStarted = performance.now();
      const world = await seedWorld(server, sizes);
      const seedSeconds = (performance.now() - seedStarted) / 1_000;
      context.log(
        `  seeded ${world.skus.length} products and ${world.dealers.length} dealers through the API in ${seedSeconds.toFixed(1)} s`,
      );
      await primeDealers(server, world, 1);
      const api = apiOf(server);
      const durationMs = context.durationSeconds * 1_000;
      const checks: string[] = [];
      const facts: Record<string, number | string> = {
        products: world.skus.length,
        dealers: world.dealers.length,
        'seeding through the API (s)': seedSeconds,
      };

      return {
        facts,
        async run(index: number): Promise<Sample[]> {
          // The spread rate: the same dealers, one-line orders across the catalog.
          const draws = world.dealers.map((_, client) => random(7_000 * (index + 1) + client));
          const spreadDecisions = new Decisions();
          const spreadCpu = new CpuTimeline(server.pid, context.postgres.dataDir);
          const spreadFrom = performance.now() + WARMUP_MS;
          const spread = await runHttpLoad({
            baseUrl: server.url,
            request: (client) => orderRequest(world.dealers[client]!, world.skus, draws[client]!, 1),
            concurrency: world.dealers.length,
            warmupMs: WARMUP_MS,
            durationMs,
            onResponse(answer) {
              const placed = answer.measured ? placedOf(answer) : undefined;
              if (placed) spreadDecisions.add(placed);
            },
          });
          spreadCpu.stop();
          const spreadCpuPerOrder = perOrder(spreadCpu.between(spreadFrom, spreadFrom + durationMs), spread.requests);
          if (spread.errors > 0) context.log(`  spread: ${spread.errors} errors, first: ${spread.firstError}`);
          context.log(
            `  spread: ${formatNumber(spread.requestsPerSecond)} orders/s, p50 ${formatNumber(spread.p50)} ms, p99 ${formatNumber(spread.p99)} ms; ${spreadDecisions.describe()}`,
          );

          // The hot SKU: limited stock, split over both warehouses, and promoted.
          const sku = `HOT-${index + 1}`;
          const units = Math.max(200, Math.round(spread.requestsPerSecond * context.durationSeconds * STOCK_SHARE_OF_WINDOW));
          const split = [Math.ceil(units * 0.6), units - Math.ceil(units * 0.6)];
          await stockedProduct(api, sku, index, split);
          await api.post('/v1/promotions', {
            ...activeWindow(),
            title: `Hot deal ${sku}`,
            kind: 'percent_off',
            rule: { percent: 10 },
            eligibility: { skus: [sku] },
          });
          await caughtUp(api);

          const answers: Timed[] = [];
          const hotDecisions = new Decisions();
          let highest = 0n;
          let approvedUnits = 0;
          const hotCpu = new CpuTimeline(server.pid, context.postgres.dataDir);
          const started = performance.now();
          const hot = await runHttpLoad({
            baseUrl: server.url,
            request: (client) => hotOrder(world.dealers[client]!, sku),
            concurrency: world.dealers.length,
            warmupMs: 0,
            durationMs: HOT_WINDOWS * durationMs,
            onResponse(answer: HttpAnswer) {
              const placed = placedOf(answer);
              if (!placed) return;
              if (BigInt(placed.position) > highest) highest = BigInt(placed.position);
              hotDecisions.add(placed);
              const qty = placed.lines.find((line) => line.sku === sku)?.qty ?? 0;
              if (placed.decision === 'approved') approvedUnits += qty;
              answers.push({ sentAt: answer.sentAt, answeredAt: answer.answeredAt, decision: placed.decision, qty });
            },
          });
          hotCpu.stop();
          if (hot.errors > 0) context.log(`  hot: ${hot.errors} errors, first: ${hot.firstError}`);

          // Selling phase: from the first answer (the clients' first requests are the warm-up) to the last approved one.
          const approved = answers.filter((answer) => answer.decision === 'approved');
          const firstAt = Math.min(...answers.map((answer) => answer.answeredAt));
          const soldOutAt = approved.length > 0 ? Math.max(...approved.map((answer) => answer.answeredAt)) : Number.NaN;
          const selling = answers.filter((answer) => answer.answeredAt <= soldOutAt);
          const sellingSeconds = (soldOutAt - firstAt) / 1_000;
          const hotRate = (selling.length - 1) / sellingSeconds;
          const after = answers.filter((answer) => answer.answeredAt > soldOutAt);
          const afterRate = after.length / ((started + HOT_WINDOWS * durationMs - soldOutAt) / 1_000);
          const sellingLatency = latencyOf(selling);
          const hotCpuPerOrder = perOrder(hotCpu.between(firstAt, soldOutAt), selling.length - 1);

          // Oversell, three ways: approved orders, the stock streams' events, the inventory read model.
          const { rows } = await pool.query<{ received: string; reserved: string; released: string; stream_id: string }>(
            `SELECT stream_id,
                    coalesce(sum((data->>'qty')::bigint) FILTER (WHERE type = 'StockReceived'), 0)::text AS received,
                    coalesce(sum((data->>'qty')::bigint) FILTER (WHERE type = 'StockReserved'), 0)::text AS reserved,
                    coalesce(sum((data->>'qty')::bigint) FILTER (WHERE type = 'StockReleased'), 0)::text AS released
               FROM es_events WHERE stream_id = ANY ($1) GROUP BY stream_id`,
            [WAREHOUSES.map((warehouse) => `stock-${sku}@${warehouse.id}`)],
          );
          const received = rows.reduce((sum, row) => sum + Number(row.received), 0);
          const streamOversold = rows.reduce(
            (sum, row) => sum + Math.max(0, Number(row.reserved) - Number(row.released) - Number(row.received)),
            0,
          );
          const netReserved = rows.reduce((sum, row) => sum + Number(row.reserved) - Number(row.released), 0);
          const stock = (await api.get(`/v1/stock?sku=${sku}&minPosition=${highest}`)) as {
            items: { onHand: number; reserved: number; available: number }[];
          };
          const model = stock.items.reduce(
            (sum, item) => ({
              onHand: sum.onHand + item.onHand,
              reserved: sum.reserved + item.reserved,
              available: sum.available + item.available,
            }),
            {
              onHand: 0,
              reserved: 0,
              available: 0,
            },
          );
          const modelOversold = stock.items.reduce((sum, item) => sum + Math.max(0, item.reserved - item.onHand), 0);
          const oversold = Math.max(0, approvedUnits - received) + streamOversold + modelOversold;
          const soldOut = received === units && netReserved === received && approvedUnits === received && model.available === 0;
          const check =
            `run ${index + 1}: ${units} units received, ${approvedUnits} in approved orders, ${netReserved} reserved in the streams, ` +
            `${model.reserved} reserved / ${model.available} available in the read model: ${oversold === 0 ? 'no oversell' : `OVERSOLD by ${oversold}`}, ` +
            `${soldOut ? 'sold out' : 'NOT sold out'}`;
          checks.push(check);
          // The report shows medians; a correctness check must show every run.
          facts['oversell checks'] = checks.join('; ');
          context.log(
            `  hot: ${formatNumber(hotRate)} orders/s until sold out after ${sellingSeconds.toFixed(2)} s (${formatNumber((100 * hotRate) / spread.requestsPerSecond)} % of spread), ` +
              `p50 ${formatNumber(sellingLatency.p50)} ms, p99 ${formatNumber(sellingLatency.p99)} ms; then ${formatNumber(afterRate)} orders/s; ${hotDecisions.describe()}; ` +
              `server + PostgreSQL CPU per order: spread ${formatNumber(spreadCpuPerOrder)} ms, hot ${formatNumber(hotCpuPerOrder)} ms`,
          );
          context.log(`  ${check}`);
          return [
            {
              key: 'hot-sku',
              values: {
                spreadOrdersPerSecond: spread.requestsPerSecond,
                spreadP50Ms: spread.p50,
                spreadP99Ms: spread.p99,
                spreadErrors: spread.errors,
                hotOrdersPerSecond: hotRate,
                fraction: hotRate / spread.requestsPerSecond,
                hotP50Ms: sellingLatency.p50,
                hotP99Ms: sellingLatency.p99,
                sellingSeconds,
                afterSoldOutOrdersPerSecond: afterRate,
                hotErrors: hot.errors,
                spreadCpuMsPerOrder: spreadCpuPerOrder,
                hotCpuMsPerOrder: hotCpuPerOrder,
                cpuFraction: spreadCpuPerOrder / hotCpuPerOrder,
                unitsReceived: received,
                unitsApproved: approvedUnits,
                oversoldUnits: oversold,
                soldOut: soldOut ? 1 : 0,
              },
            },
          ];
        },
        async close() {
          await pool.end();
          await server.stop();
        },
      };
    } catch (error) {
      await pool.end();
      await server.stop();
      throw error;
    }
  },

  table(medians: Medians): Table {
    const sample = medians.get('hot-sku');
    if (!sample) return { columns: ['load', 'orders/s', 'p50 ms', 'p99 ms', 'share of spread'], rows: [], notes: [] };
    const fraction = sample.fraction!;
    return {
      columns: ['load', 'orders/s', 'p50 ms', 'p99 ms', 'share of spread', 'CPU ms per order', 'share of spread by CPU'],
      rows: [
        [
          'spread: one SKU each, across the catalog',
          formatNumber(sample.spreadOrdersPerSecond!),
          formatNumber(sample.spreadP50Ms!),
          formatNumber(sample.spreadP99Ms!),
          '100 %',
          formatNumber(sample.spreadCpuMsPerOrder!),
          '100 %',
        ],
        [
          `hot SKU, until sold out (${formatNumber(sample.sellingSeconds!)} s)`,
          formatNumber(sample.hotOrdersPerSecond!),
          formatNumber(sample.hotP50Ms!),
          formatNumber(sample.hotP99Ms!),
          `${formatNumber(100 * fraction)} % (${fraction >= TARGET_FRACTION ? 'meets' : 'misses'} ≥ ${100 * TARGET_FRACTION} %)`,
          formatNumber(sample.hotCpuMsPerOrder!),
          `${formatNumber(100 * sample.cpuFraction!)} %`,
        ],
        ['hot SKU, sold out (orders held for stock)', formatNumber(sample.afterSoldOutOrdersPerSecond!), '', '', '', '', ''],
      ],
      notes: [
        `Target: the hot SKU at ≥ ${100 * TARGET_FRACTION} % of the spread rate. Median ${formatNumber(sample.unitsReceived!)} hot units received, ` +
          `${formatNumber(sample.unitsApproved!)} in approved orders, ${formatNumber(sample.oversoldUnits!)} oversold; every run's check is in the facts above. ` +
          'CPU per order is the server process and every PostgreSQL process over the stretch measured, divided by the orders answered in it; on a ' +
          'shared machine its ratio (spread ÷ hot) is the steadier measure of what a hot SKU costs when the CPU is the limit.',
      ],
    };
  },
};
