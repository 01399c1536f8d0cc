// Search relevance on the demo catalog (306 Chinese FMCG products), over HTTP: for each labelled
// query (labelled-queries.ts), whether the first result is one the dealer meant, and precision
// at 5 — of the first five results (or of the first k, when only k < 5 products are relevant),
// the share that are relevant. Fails below the figures committed here (docs/architecture.md: "Chinese catalog search").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DEMO_PRODUCTS } from '../../src/demo/catalog.ts';
import { rebuildProjection } from '../../src/projections/rebuild.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer } from '../support/fixtures.ts';
import { LABELLED_QUERIES, type Kind } from './labelled-queries.ts';

/** The committed figures. */
const MIN_FIRST = 0.97;
const MIN_PRECISION_AT_5 = 0.97;

type Outcome = { q: string; kind: Kind; first: boolean; precision: number; top: string[] };

describe('search relevance', () => {
  let app: TestApp;
  let dealer: string;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    await createDealer(app, { id: 'D-REL', tier: 'gold' });
    dealer = app.token('dealer', 'D-REL');
    const ops = app.token('ops');
    let position = '0';
    for (const { sku, name, brand, category, gtin, unit, caseSize, shelfLifeDays, basePriceMinor, keywords } of DEMO_PRODUCTS) {
      const body = { sku, name, brand, category, gtin, unit, caseSize, shelfLifeDays, basePriceMinor, ...(keywords && { keywords }) };
      const created = await app.request('POST', '/v1/products', { token: ops, body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      position = created.body.position;
    }
    expect((await app.request('GET', `/v1/products?limit=1&minPosition=${position}`, { token: ops })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('labels every query with products of the catalog', () => {
    expect(LABELLED_QUERIES.length).toBeGreaterThanOrEqual(60);
    for (const query of LABELLED_QUERIES) {
      expect(DEMO_PRODUCTS.filter(query.relevant).length, query.q).toBeGreaterThan(0);
      expect(DEMO_PRODUCTS.filter(query.first ?? query.relevant).length, query.q).toBeGreaterThan(0);
    }
  });

  it(`puts an expected product first for at least ${MIN_FIRST * 100} % of the queries, with precision at 5 of at least ${MIN_PRECISION_AT_5}`, async () => {
    const bySku = new Map(DEMO_PRODUCTS.map((product) => [product.sku, product]));
    for (const query of LABELLED_QUERIES) {
      const page = await app.request('GET', `/v1/products?limit=5&q=${encodeURIComponent(query.q)}`, { token: dealer });
      expect(page.status, query.q).toBe(200);
      const top = page.body.items.map((item: { sku: string }) => bySku.get(item.sku)!);
      const relevant = DEMO_PRODUCTS.filter(query.relevant).length;
      const hits = top.filter(query.relevant).length;
      outcomes.push({
        q: query.q,
        kind: query.kind,
        first: top.length > 0 && (query.first ?? query.relevant)(top[0]),
        precision: hits / Math.min(5, relevant),
        top: top.map((product: { name: string }) => product.name),
      });
    }
    const share = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const first = share(outcomes.map((outcome) => (outcome.first ? 1 : 0)));
    const precision = share(outcomes.map((outcome) => outcome.precision));
    const byKind = [...new Set(outcomes.map((outcome) => outcome.kind))].map((kind) => {
      const of = outcomes.filter((outcome) => outcome.kind === kind);
      return `${kind}: ${of.length} queries, first ${(100 * share(of.map((o) => (o.first ? 1 : 0)))).toFixed(0)} %, P@5 ${share(of.map((o) => o.precision)).toFixed(2)}`;
    });
    const misses = outcomes
      .filter((outcome) => !outcome.first || outcome.precision < 1)
      .map(
        (outcome) =>
          `${outcome.q} (${outcome.first ? 'first ok' : 'first wrong'}, P@5 ${outcome.precision.toFixed(2)}): ${outcome.top.join(' | ') || 'nothing'}`,
      );
    const report = [
      `${outcomes.length} queries: expected product first ${(100 * first).toFixed(1)} %, precision at 5 ${precision.toFixed(3)}`,
      ...byKind,
      'not perfect:',
      ...misses,
    ].join('\n');
    console.info(report);
    expect(first, report).toBeGreaterThanOrEqual(MIN_FIRST);
    expect(precision, report).toBeGreaterThanOrEqual(MIN_PRECISION_AT_5);
  });

  it('ranks the same after a rebuild of the catalog read model, on the search index the rebuild made', async () => {
    const topFive = async () => {
      const tops: string[][] = [];
      for (const query of LABELLED_QUERIES) {
        const page = await app.request('GET', `/v1/products?limit=5&q=${encodeURIComponent(query.q)}`, { token: dealer });
        tops.push(page.body.items.map((item: { sku: string }) => item.sku));
      }
      return tops;
    };
    const before = await topFive();
    const { db, store, locks, upcasting, projections } = app.running.infrastructure;
    await rebuildProjection(
      projections.find((projection) => projection.name === 'catalog')!,
      { db, store, locks, upcasting },
    );
    const indexes = await sql<{
      indexdef: string;
    }>`SELECT indexdef FROM pg_indexes WHERE schemaname = 'catalog' AND tablename = 'products'`.execute(db);
    expect(indexes.rows.map((row) => row.indexdef)).toEqual(
      expect.arrayContaining([expect.stringMatching(/USING gin \(search\) WITH \(gin_pending_list_limit='256'\)/)]),
    );
    expect(await topFive()).toEqual(before);
  });
});
