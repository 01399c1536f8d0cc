// The catalog slice end to end over HTTP: ops write products and prices, everyone reads and scans.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGtin } from '../../src/demo/data.ts';
import { appendedSince, startTestApp, type TestApp } from '../support/app.ts';

describe('catalog API', () => {
  let app: TestApp;
  let ops: string;
  let dealer: string;

  beforeAll(async () => {
    app = await startTestApp();
    ops = app.token('ops');
    dealer = app.token('dealer', 'D-1');
  });
  afterAll(async () => {
    await app.stop();
  });

  const tea = (sku: string, extra: Record<string, unknown> = {}) => ({
    sku,
    name: `Jasmine Green Tea ${sku}`,
    brand: 'Jade Spring',
    category: 'beverages',
    unit: 'case',
    caseSize: 12,
    shelfLifeDays: 365,
    basePriceMinor: 1000,
    ...extra,
  });

  it('registers a product and serves it to a dealer once the read model has the position', async () => {
    const created = await app.request('POST', '/v1/products', { token: ops, body: tea('CAT-1', { gtin: demoGtin(901) }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      sku: 'CAT-1',
      version: 0,
      currency: 'CNY',
      gtin: demoGtin(901),
      prices: { tiers: {}, dealers: {} },
    });
    expect(created.body.position).toMatch(/^\d+$/);

    const read = await app.request('GET', `/v1/products/CAT-1?minPosition=${created.body.position}`, { token: dealer });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ sku: 'CAT-1', priceMinor: 1000, priceBasis: 'base', available: 0, promotions: [] });
    expect(read.body.prices).toBeUndefined();
    expect(read.headers.get('etag')).toBe('"0"');

    const scanned = await app.request('GET', `/v1/products/by-gtin/${demoGtin(901)}`, { token: dealer });
    expect(scanned.status).toBe(200);
    expect(scanned.body.sku).toBe('CAT-1');
  });

  it('prices a product at its base price for a dealer whose tier is named like an inherited property (constructor)', async () => {
    const registered = await app.request('POST', '/v1/dealers', {
      token: ops,
      body: { id: 'D-CTOR', name: 'Dealer D-CTOR', tier: 'constructor', territories: ['CN-31'], creditLimitMinor: 1_000_000 },
    });
    expect(registered.status, registered.text).toBe(201);
    const created = await app.request('POST', '/v1/products', { token: ops, body: tea('CAT-CTOR') });
    const dealerToken = app.token('dealer', 'D-CTOR');
    for (const path of [`/v1/products/CAT-CTOR?minPosition=${created.body.position}`, '/v1/products?q=CAT-CTOR']) {
      const read = await app.request('GET', path, { token: dealerToken });
      expect(read.status, read.text).toBe(200);
      const product = 'items' in read.body ? read.body.items.find((item: { sku: string }) => item.sku === 'CAT-CTOR') : read.body;
      expect(product).toMatchObject({ sku: 'CAT-CTOR', priceMinor: 1000, priceBasis: 'base' });
    }
  });

  it("resolves the caller's price: contract over tier over base; a dealer never sees others' contract prices", async () => {
    await app.request('POST', '/v1/products', { token: ops, body: tea('CAT-PRICE') });
    const priced = await app.request('PUT', '/v1/products/CAT-PRICE/prices', {
      token: ops,
      body: { tiers: { gold: 900 }, dealers: { 'D-1': 800, 'D-2': 700 } },
    });
    expect(priced.status).toBe(200);
    expect(priced.body.prices).toEqual({ tiers: { gold: 900 }, dealers: { 'D-1': 800, 'D-2': 700 } });

    const mine = await app.request('GET', `/v1/products/CAT-PRICE?minPosition=${priced.body.position}`, { token: dealer });
    expect(mine.body).toMatchObject({ priceMinor: 800, priceBasis: 'contract' });
    const other = await app.request('GET', '/v1/products/CAT-PRICE', { token: app.token('dealer', 'D-3') });
    expect(other.body).toMatchObject({ priceMinor: 1000, priceBasis: 'base' });
    const asStaff = await app.request('GET', '/v1/products/CAT-PRICE?dealerId=D-2', { token: ops });
    expect(asStaff.body).toMatchObject({ priceMinor: 700, priceBasis: 'contract', prices: { dealers: { 'D-1': 800, 'D-2': 700 } } });
    const probing = await app.request('GET', '/v1/products/CAT-PRICE?dealerId=D-2', { token: dealer });
    expect(probing.status).toBe(404);

    const history = await app.request('GET', '/v1/products/CAT-PRICE/history', { token: dealer });
    expect(history.status).toBe(200);
    const priceChange = history.body.items.find((item: any) => item.type === 'ProductPricesSet');
    expect(priceChange.data.dealers).toEqual({ 'D-1': 800 });
  });

  it('updates with If-Match, refusing a stale version with 409', async () => {
    const created = await app.request('POST', '/v1/products', { token: ops, body: tea('CAT-PATCH') });
    const patched = await app.request('PATCH', '/v1/products/CAT-PATCH', {
      token: ops,
      headers: { 'if-match': `"${created.body.version}"` },
      body: { name: 'Jasmine Tea Premium', basePriceMinor: 1200 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Jasmine Tea Premium', basePriceMinor: 1200, version: 1 });
    expect(patched.headers.get('etag')).toBe('"1"');

    const stale = await app.request('PATCH', '/v1/products/CAT-PATCH', {
      token: ops,
      headers: { 'if-match': '"0"' },
      body: { name: 'Lost update' },
    });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');

    const history = await app.request('GET', '/v1/products/CAT-PATCH/history', { token: ops });
    expect(history.body.items.map((item: any) => item.type)).toEqual(['ProductRegistered', 'ProductUpdated']);
    expect(history.body.items[1]).toMatchObject({ revision: 1, data: { changes: { name: 'Jasmine Tea Premium', basePriceMinor: 1200 } } });
    expect(history.body.items[1].metadata).toMatchObject({ actor: 'ops-user', role: 'ops' });
  });

  it('keeps a GTIN on one product only, and frees it when the product moves to another', async () => {
    const gtin = demoGtin(902);
    const first = await app.request('POST', '/v1/products', { token: ops, body: tea('CAT-G1', { gtin }) });
    expect(first.status).toBe(201);
    const clash = await app.request('POST', '/v1/products', { token: ops, body: tea('CAT-G2', { gtin }) });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('gtin_taken');
    const missing = await app.request('GET', '/v1/products/CAT-G2', { token: ops });
    expect(missing.status).toBe(404);

    const moved = await app.request('PATCH', '/v1/products/CAT-G1', { token: ops, body: { gtin: demoGtin(903) } });
    expect(moved.status).toBe(200);
    const reused = await app.request('POST', '/v1/products', { token: ops, body: tea('CAT-G2', { gtin }) });
    expect(reused.status).toBe(201);
  });

  it('searches by words, fuzzy name, SKU prefix, category and brand, paging with a cursor', async () => {
    let last = '0';
    for (const [sku, name, category, brand] of [
      ['SRCH-1', 'Oolong Tea Classic', 'beverages', 'Panda'],
      ['SRCH-2', 'Oolong Tea Light', 'beverages', 'Panda'],
      ['SRCH-3', 'Potato Chips Seaweed', 'snacks', 'Panda'],
      ['SRCH-4', 'Oolong Cookies', 'snacks', 'Golden'],
    ] as const) {
      const created = await app.request('POST', '/v1/products', { token: ops, body: { ...tea(sku), name, category, brand } });
      last = created.body.position;
    }
    const words = await app.request('GET', `/v1/products?q=oolong&minPosition=${last}`, { token: dealer });
    expect(words.body.items.map((item: any) => item.sku).sort()).toEqual(['SRCH-1', 'SRCH-2', 'SRCH-4']);
    const fuzzy = await app.request('GET', '/v1/products?q=potatoe%20chip', { token: dealer });
    expect(fuzzy.body.items.map((item: any) => item.sku)).toContain('SRCH-3');
    const bySku = await app.request('GET', '/v1/products?q=SRCH-', { token: dealer });
    expect(bySku.body.items).toHaveLength(4);
    const filtered = await app.request('GET', '/v1/products?q=oolong&category=snacks&brand=Golden', { token: dealer });
    expect(filtered.body.items.map((item: any) => item.sku)).toEqual(['SRCH-4']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await app.request('GET', `/v1/products?q=SRCH&limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: dealer });
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((item: any) => item.sku));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['SRCH-1', 'SRCH-2', 'SRCH-3', 'SRCH-4']);
  });

  it('rejects bad input with every invalid field named, and writes nothing', async () => {
    const before = await app.running.infrastructure.store.headPosition();
    const bad = await app.request('POST', '/v1/products', {
      token: ops,
      body: {
        sku: 'bad sku!',
        name: '',
        brand: 'B',
        category: 'c',
        unit: 'case',
        basePriceMinor: -5,
        gtin: '1234567890123',
        currency: 'yen',
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: 400, detail: expect.any(String) });
    const paths = bad.body.errors.map((error: any) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['body.sku', 'body.name', 'body.basePriceMinor', 'body.gtin', 'body.currency']));
    expect(await appendedSince(app, before)).toEqual([]);
  });

  it('lets only ops write the catalog', async () => {
    const asDealer = await app.request('POST', '/v1/products', { token: dealer, body: tea('CAT-ROLE') });
    expect(asDealer.status).toBe(403);
    const asFinance = await app.request('PUT', '/v1/products/CAT-1/prices', { token: app.token('finance'), body: { tiers: {} } });
    expect(asFinance.status).toBe(403);
    const anonymous = await app.request('GET', '/v1/products');
    expect(anonymous.status).toBe(401);
  });
});
