// Scenario: GET /v1/recommendations over real HTTP, on a catalog of 50 000 SKUs and a year of orders.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { createPool } from '../../src/db/database.ts';
import { allProjections } from '../../src/projections/index.ts';
import { startAppServer, type AppServer } from '../harness/app-server.ts';
import { writeCatalogEvents } from '../harness/catalog-events.ts';
import { runHttpLoad } from '../harness/http-load.ts';
import { dealerOf, regionOf, skuOf, writeOrderHistory, type OrderHistoryPlan } from '../harness/order-history.ts';
import { formatNumber } from '../harness/report.ts';
import type { BenchContext, Medians, Sample, Scenario, Table } from '../harness/types.ts';

const PRODUCTS = 50_000;
const DEALERS = 200;
const ORDERS = 60_000;
/** The dealers asking, in turn: created through the API (their tier and territory). */
const ASKING = 20;
const CONCURRENCY = [1, 8];
const WARMUP_MS = 1_000;
const TARGET_P99_MS = 20;

async function caughtUp(pool: pg.Pool, timeoutMs: number): Promise<void> {
  const started = performance.now();
  for (;;) {
    const { rows } = await pool.query<{ done: number }>(
      'SELECT count(*)::int AS done FROM projection_checkpoints c, es_head h WHERE h.id = 1 AND c.name = ANY ($1) AND c.position >= h.position',
      [allProjections.map((projection) => projection.name)],
    );
    if (rows[0]!.done === allProjections.length) return;
    if (performance.now() - started > timeoutMs) throw new Error('the projections did not catch up with the store');
    await sleep(250);
  }
}

/** The asking dealers, and promotions for them: on some of their habitual SKUs, on a brand, on a tier's category. */
async function seedDealersAndPromotions(server: AppServer, plan: OrderHistoryPlan): Promise<void> {
  const headers = { authorization: `Bearer ${server.token('admin')}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': randomUUID() },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  for (let n = 1; n <= ASKING; n++) {
    await post('/v1/dealers', {
      id: dealerOf(n),
      name: `Bench Dealer ${n}`,
      tier: 'gold',
      territories: [regionOf(plan, n)],
      creditLimitMinor: 100_000_000,
    });
  }
  const window = {
    startsAt: new Date(Date.now() - 86_400_000).toISOString(),
    endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  };
  const habitual = Array.from({ length: 40 }, (_, n) => skuOf(1 + n * 73));
  await post('/v1/promotions', {
    ...window,
    title: 'Habit deal',
    kind: 'percent_off',
    rule: { percent: 5 },
    eligibility: { skus: habitual },
  });
  await post('/v1/promotions', {
    ...window,
    title: 'Panda week',
    kind: 'amount_off',
    rule: { amountMinor: 100 },
    eligibility: { brands: ['Panda Foods'] },
  });
  await post('/v1/promotions', {
    ...window,
    title: 'Gold snacks',
    kind: 'percent_off',
    rule: { percent: 3 },
    eligibility: { tiers: ['gold'], categories: ['snacks'] },
  });
}

export const recommendationsScenario: Scenario = {
  name: 'recommendations',
  title: 'Recommendations, 50 000 SKUs and a year of orders',
  method:
    'The catalog is seeded as events (50 000 ProductRegistered and 50 000 ProductPricesSet), stock for nine SKUs in ten, and a year of ' +
    '60 000 placed orders of 3-8 lines by 200 dealers in three regions (each dealer keeps to a habit of 20 SKUs among the 3 000 most ' +
    'popular, a third of its lines from the whole catalog), bulk-inserted into the event store tables; the real server (`node src/cli.ts start`) ' +
    "projects them; 20 of the dealers (gold tier) and three active promotions (named SKUs, a brand, a tier's category) are created through the " +
    "API; VACUUM ANALYZE. The harness then sends GET /v1/recommendations?limit=10, the 20 dealers' tokens in turn, from closed-loop " +
    'keep-alive clients after a 1 s warm-up.',

  async prepare(context: BenchContext) {
    const products = context.quick ? 5_000 : PRODUCTS;
    const plan: OrderHistoryPlan = {
      products,
      dealers: DEALERS,
      orders: context.quick ? 6_000 : ORDERS,
      days: 365,
      until: new Date(),
      regions: ['CN-31', 'CN-11', 'CN-44'],
      unstockedEvery: 10,
    };
    const url = await context.postgres.createDatabase('bench_recommendations', { migrate: true });
    const pool = createPool(url, { max: 2, applicationName: 'dealerline-bench' });
    await writeCatalogEvents(pool, { products, events: 2 * products });
    const head = await writeOrderHistory(pool, plan);

    const server = await startAppServer(url, { profileDir: context.profileDir });
    const started = performance.now();
    await caughtUp(pool, 20 * 60_000);
    const catchUpSeconds = (performance.now() - started) / 1_000;
    context.log(`  the projections caught up with ${head} events in ${catchUpSeconds.toFixed(1)} s`);
    await seedDealersAndPromotions(server, plan);
    await caughtUp(pool, 60_000);
    await pool.query('VACUUM ANALYZE');
    const sizes = await pool.query<{ pairs: number; dealerSkus: number }>(
      'SELECT (SELECT count(*)::int FROM recommendations.pairs) AS pairs, (SELECT count(*)::int FROM recommendations.dealer_skus) AS "dealerSkus"',
    );
    await pool.end();

    const tokens = Array.from({ length: ASKING }, (_, n) => `Bearer ${server.token('dealer', dealerOf(n + 1))}`);
    return {
      facts: {
        products,
        'placed orders': plan.orders,
        dealers: plan.dealers,
        'SKU pairs ordered together': sizes.rows[0]!.pairs,
        'dealer × SKU cadences': sizes.rows[0]!.dealerSkus,
        'events in the store': head,
        'live projections catching up with the seeded events (events/s)': head / catchUpSeconds,
      },
      async run() {
        const samples: Sample[] = [];
        for (const concurrency of CONCURRENCY) {
          let items = 0;
          let answers = 0;
          const reasons = new Set<string>();
          const result = await runHttpLoad({
            baseUrl: server.url,
            request: (client, sequence) => ({
              path: '/v1/recommendations?limit=10',
              headers: { authorization: tokens[(client + sequence) % ASKING]! },
            }),
            onResponse: (answer) => {
              if (!answer.measured || !answer.ok) return;
              const body = JSON.parse(answer.body) as { items: { reason: string }[] };
              answers += 1;
              items += body.items.length;
              for (const item of body.items) reasons.add(item.reason);
            },
            concurrency,
            warmupMs: WARMUP_MS,
            durationMs: context.durationSeconds * 1_000,
          });
          if (result.errors > 0) context.log(`  ${result.errors} errors, first: ${result.firstError}`);
          context.log(
            `  ${concurrency} clients: ${formatNumber(result.requestsPerSecond)} req/s, p50 ${formatNumber(result.p50)} ms, p99 ${formatNumber(result.p99)} ms, ` +
              `${formatNumber(items / Math.max(1, answers))} items per answer, reasons ${[...reasons].sort().join(', ')}`,
          );
          samples.push({
            key: String(concurrency),
            values: {
              requestsPerSecond: result.requestsPerSecond,
              p50Ms: result.p50,
              p99Ms: result.p99,
              errors: result.errors,
              itemsPerAnswer: items / Math.max(1, answers),
              reasons: reasons.size,
            },
          });
        }
        return samples;
      },
      close: () => server.stop(),
    };
  },

  table(medians: Medians): Table {
    const rows: string[][] = [];
    for (const concurrency of CONCURRENCY) {
      const sample = medians.get(String(concurrency));
      if (!sample) continue;
      rows.push([
        String(concurrency),
        formatNumber(sample.requestsPerSecond!),
        formatNumber(sample.p50Ms!),
        formatNumber(sample.p99Ms!),
        formatNumber(sample.itemsPerAnswer!),
        formatNumber(sample.reasons!),
        sample.p99Ms! <= TARGET_P99_MS ? 'yes' : 'no',
      ]);
    }
    return {
      columns: ['clients', 'requests/s', 'p50 ms', 'p99 ms', 'items per answer', 'reasons seen', `p99 ≤ ${TARGET_P99_MS} ms`],
      rows,
      notes: [`Target: p99 ≤ ${TARGET_P99_MS} ms at 1 client.`],
    };
  },
};
