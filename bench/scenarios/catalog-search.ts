// Scenario: GET /v1/products over real HTTP on a catalog of 50 000 SKUs.
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createPool } from '../../src/db/database.ts';
import { allProjections } from '../../src/projections/index.ts';
import { startAppServer, type AppServer } from '../harness/app-server.ts';
import { SEARCH_TERMS, writeCatalogEvents } from '../harness/catalog-events.ts';
import { runHttpLoad } from '../harness/http-load.ts';
import { formatNumber } from '../harness/report.ts';
import type { BenchContext, Medians, Sample, Scenario, Table } from '../harness/types.ts';

const PRODUCTS = 50_000;
const CONCURRENCY = [1, 8];
const WARMUP_MS = 1_000;
const TARGET_P99_MS = 20;

const QUERIES = [
  {
    name: 'q',
    label: '`?q=` search (Chinese words and parts, phrases, pinyin, initials, typos, SKU prefixes)',
    paths: [...SEARCH_TERMS.words, ...SEARCH_TERMS.phrases, ...SEARCH_TERMS.pinyin, ...SEARCH_TERMS.typos, ...SEARCH_TERMS.skuPrefixes].map(
      (term) => `/v1/products?q=${encodeURIComponent(term)}`,
    ),
  },
  { name: 'browse', label: 'no filter (first page)', paths: ['/v1/products'] },
  {
    name: 'category',
    label: '`?category=`',
    paths: SEARCH_TERMS.categories.map((category) => `/v1/products?category=${encodeURIComponent(category)}`),
  },
] as const;

/** The buying dealer (gold tier) and three active promotions a catalog page has to match, created through the API. */
async function seedDealerAndPromotions(server: AppServer): Promise<void> {
  const headers = { authorization: `Bearer ${server.token('admin')}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': randomUUID() },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  await post('/v1/dealers', { id: 'D-1001', name: 'Bench Dealer', tier: 'gold', territories: ['CN-31'], creditLimitMinor: 100_000_000 });
  const window = {
    startsAt: new Date(Date.now() - 86_400_000).toISOString(),
    endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  };
  await post('/v1/promotions', {
    ...window,
    title: '夏季饮料九五折',
    kind: 'percent_off',
    rule: { percent: 5 },
    eligibility: { categories: ['饮料'] },
  });
  await post('/v1/promotions', {
    ...window,
    title: '旺旺品牌周',
    kind: 'amount_off',
    rule: { amountMinor: 100 },
    eligibility: { brands: ['旺旺'] },
  });
  await post('/v1/promotions', {
    ...window,
    title: '金牌经销商零食优惠',
    kind: 'percent_off',
    rule: { percent: 3 },
    eligibility: { tiers: ['gold'], categories: ['休闲零食'] },
  });
}

/** Waits until every projection has processed the whole store. */
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

export const catalogSearchScenario: Scenario = {
  name: 'catalog-search',
  title: 'Catalog search, 50 000 SKUs',
  method:
    'The catalog is seeded as events (50 000 ProductRegistered with Chinese names such as 康师傅乌龙茶 蜂蜜 500毫升, and 50 000 ProductPricesSet, ' +
    'bulk-inserted into the event store tables), then the ' +
    'real server (`node src/cli.ts start`, a child process) projects them into the read models; a gold-tier dealer and three active promotions ' +
    "are created through the API; the database is VACUUMed and ANALYZEd (as autovacuum would soon after such a load). The harness process then sends GET /v1/products with that dealer's token (default " +
    'page size 50: tier price, stock, promotions per row) from closed-loop keep-alive clients, after a 1 s warm-up.',

  async prepare(context: BenchContext) {
    const products = context.quick ? 5_000 : PRODUCTS;
    const url = await context.postgres.createDatabase('bench_catalog', { migrate: true });
    const pool = createPool(url, { max: 2, applicationName: 'dealerline-bench' });
    const events = 2 * products;
    await writeCatalogEvents(pool, { products, events });

    const server = await startAppServer(url, { profileDir: context.profileDir });
    const started = performance.now();
    await caughtUp(pool, 15 * 60_000);
    const catchUpSeconds = (performance.now() - started) / 1_000;
    context.log(`  the projections caught up with ${events} events in ${catchUpSeconds.toFixed(1)} s`);
    await seedDealerAndPromotions(server);
    await caughtUp(pool, 60_000);
    // As autovacuum would soon after the bulk load (every product's price event left a dead
    // version of it behind), and so that it does not start in the middle of a measured load.
    await pool.query('VACUUM ANALYZE');
    const count = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM catalog.products');
    await pool.end();

    const headers = { authorization: `Bearer ${server.token('dealer', 'D-1001')}` };
    return {
      facts: {
        products: count.rows[0]!.count,
        'live projections catching up with the seeded events (events/s)': events / catchUpSeconds,
      },
      async run() {
        const samples: Sample[] = [];
        for (const concurrency of CONCURRENCY) {
          for (const query of QUERIES) {
            const result = await runHttpLoad({
              baseUrl: server.url,
              paths: query.paths,
              headers,
              concurrency,
              warmupMs: WARMUP_MS,
              durationMs: context.durationSeconds * 1_000,
            });
            if (result.errors > 0) context.log(`  ${query.name}: ${result.errors} errors, first: ${result.firstError}`);
            context.log(
              `  ${query.name.padEnd(8)} ${concurrency} clients: ${formatNumber(result.requestsPerSecond)} req/s, p50 ${formatNumber(result.p50)} ms, p99 ${formatNumber(result.p99)} ms`,
            );
            samples.push({
              key: `${query.name}|${concurrency}`,
              values: { requestsPerSecond: result.requestsPerSecond, p50Ms: result.p50, p99Ms: result.p99, errors: result.errors },
            });
          }
        }
        return samples;
      },
      close: () => server.stop(),
    };
  },

  table(medians: Medians): Table {
    const rows: string[][] = [];
    for (const query of QUERIES) {
      for (const concurrency of CONCURRENCY) {
        const sample = medians.get(`${query.name}|${concurrency}`);
        if (!sample) continue;
        rows.push([
          query.label,
          String(concurrency),
          formatNumber(sample.requestsPerSecond!),
          formatNumber(sample.p50Ms!),
          formatNumber(sample.p99Ms!),
          sample.p99Ms! <= TARGET_P99_MS ? 'yes' : 'no',
        ]);
      }
    }
    return {
      columns: ['query', 'clients', 'requests/s', 'p50 ms', 'p99 ms', `p99 ≤ ${TARGET_P99_MS} ms`],
      rows,
      notes: [`Target: p99 ≤ ${TARGET_P99_MS} ms.`],
    };
  },
};
