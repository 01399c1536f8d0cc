// Catalog search over HTTP: relevance bands (exact SKU or GTIN, SKU prefix, full text, fuzzy),
// typo and prefix tolerance, cursors through every band, and the caller's prices on the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editDistance, fullTextQuery } from '../../src/api/catalog-search.ts';
import { demoGtin } from '../../src/demo-data.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer } from '../support/fixtures.ts';

describe('catalog search', () => {
  let app: TestApp;
  let dealer: string;
  const gtin = demoGtin(950);

  beforeAll(async () => {
    app = await startTestApp();
    const ops = app.token('ops');
    dealer = app.token('dealer', 'D-CS1');
    await createDealer(app, { id: 'D-CS1', tier: 'gold' });
    const products: [string, string, string, string, Record<string, unknown>?][] = [
      ['SRX-100', 'Oolong Tea Classic', 'Jade Spring', 'beverages'],
      ['SRX-101', 'Oolong Tea Classic Family Pack Extra Large', 'Jade Spring', 'beverages'],
      ['SRX-200', 'Instant Noodles Braised Beef', 'Red Lantern', 'noodles'],
      ['srx-300', 'Potato Chips Seaweed', 'Panda Foods', 'snacks', { gtin }],
      ['SRX-301', 'Potato Chips Barbecue', 'Panda Foods', 'snacks'],
      ['TEA-1', 'Chrysanthemum Infusion', 'Blossom', 'beverages'],
    ];
    for (const [sku, name, brand, category, extra] of products) {
      const created = await app.request('POST', '/v1/products', { token: ops, body: { sku, name, brand, category, unit: 'case', basePriceMinor: 1000, ...extra } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const priced = await app.request('PUT', '/v1/products/SRX-100/prices', { token: ops, body: { tiers: { gold: 900, silver: 950 }, dealers: { 'D-CS1': 800, 'D-OTHER': 700 } } });
    const tiered = await app.request('PUT', '/v1/products/SRX-101/prices', { token: ops, body: { tiers: { gold: 920 } } });
    expect([priced.status, tiered.status]).toEqual([200, 200]);
    expect((await app.request('GET', `/v1/products?minPosition=${tiered.body.position}`, { token: ops })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
  });

  const skus = async (query: string, token = dealer) => {
    const page = await app.request('GET', `/v1/products?${query}`, { token });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    return page.body.items.map((item: { sku: string }) => item.sku);
  };

  it('ranks an exact SKU or GTIN first, then SKU prefixes, then words, shorter names before longer ones', async () => {
    expect(await skus('q=SRX-300')).toEqual(['srx-300']);
    expect(await skus(`q=${gtin}`)).toEqual(['srx-300']);
    expect(await skus('q=srx-10')).toEqual(['SRX-100', 'SRX-101']);
    expect(await skus('q=oolong')).toEqual(['SRX-100', 'SRX-101']);
    // TEA-1 by its SKU prefix, before the products with the word in their name.
    expect(await skus('q=tea')).toEqual(['TEA-1', 'SRX-100', 'SRX-101']);
    expect(await skus('q=jade%20spring%20oolong&category=beverages')).toEqual(['SRX-100', 'SRX-101']);
    expect(await skus('q=oolong&category=snacks')).toEqual([]);
  });

  it('forgives typos and unfinished words', async () => {
    expect(await skus('q=oolnog')).toEqual(['SRX-100', 'SRX-101']);
    expect(await skus('q=noodels')).toEqual(['SRX-200']);
    expect(await skus('q=instant%20noodels%20beef')).toEqual(['SRX-200']);
    expect(await skus('q=braised%20bee')).toEqual(['SRX-200']);
    expect(await skus('q=chrysanth')).toEqual(['TEA-1']);
    // Nothing matches word by word: the names most like the text.
    expect(await skus('q=potatochips%20seaweed')).toEqual(['srx-300', 'SRX-301']);
    expect(await skus('q=qqqqxxxx')).toEqual([]);
  });

  it('pages with a cursor through every band without repeats or gaps', async () => {
    const all = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { sku: string }[]; nextCursor: string | null } } = await app.request(
          'GET',
          `/v1/products?${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          { token: dealer },
        );
        seen.push(...page.body.items.map((item) => item.sku));
        cursor = page.body.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await all('q=tea')).toEqual(await skus('q=tea'));
    // Ties by SKU in the database's order (code points: upper case first).
    expect(await all('q=srx')).toEqual(['SRX-100', 'SRX-101', 'SRX-200', 'SRX-301', 'srx-300']);
    expect(await all('q=potatochips%20seaweed')).toEqual(['srx-300', 'SRX-301']);
    expect(await all('category=beverages')).toEqual(['SRX-100', 'SRX-101', 'TEA-1']);
  });

  it("carries the caller's prices: contract over tier over base, other dealers' contracts for staff only", async () => {
    const page = await app.request('GET', '/v1/products?q=srx-10', { token: dealer });
    expect(page.body.items.map((item: Record<string, unknown>) => [item.sku, item.priceMinor, item.priceBasis, item.prices])).toEqual([
      ['SRX-100', 800, 'contract', undefined],
      ['SRX-101', 920, 'tier', undefined],
    ]);
    const staff = await app.request('GET', '/v1/products?q=srx-10&dealerId=D-CS1', { token: app.token('ops') });
    expect(staff.body.items[0]).toMatchObject({
      priceMinor: 800,
      priceBasis: 'contract',
      prices: { tiers: { gold: 900, silver: 950 }, dealers: { 'D-CS1': 800, 'D-OTHER': 700 } },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const asBase = await app.request('GET', '/v1/products?q=TEA-1', { token: dealer });
    expect(asBase.body.items[0]).toMatchObject({ sku: 'TEA-1', priceMinor: 1000, priceBasis: 'base' });
  });
});

describe('catalog search helpers', () => {
  it('counts edits, transpositions as one, and stops past the limit', () => {
    expect(editDistance('oolnog', 'oolong', 2)).toBe(1);
    expect(editDistance('noodels', 'noodles', 2)).toBe(1);
    expect(editDistance('chocolat', 'chocolate', 2)).toBe(1);
    expect(editDistance('watr', 'water', 1)).toBe(1);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });

  it('widens unknown words to prefixes and corrections, and keeps web search syntax as it is', () => {
    const vocabulary = { has: (word: string) => ['oolong', 'tea'].includes(word), corrections: (word: string) => (word === 'oolnog' ? ['oolong'] : []) };
    expect(fullTextQuery('Oolnog TEA 500ml', vocabulary)).toEqual({ tsquery: "( 'oolnog' | 'oolnog':* | 'oolong' ) & 'tea' & '500ml'" });
    expect(fullTextQuery("it's \\ SKU-1", vocabulary)).toEqual({ tsquery: "'it s' & 'sku-1'" });
    expect(fullTextQuery('"green tea" -oolong', vocabulary)).toEqual({ websearch: '"green tea" -oolong' });
    expect(fullTextQuery(' - & ', vocabulary)).toBeUndefined();
    const many = fullTextQuery('aaa bbb ccc ddd eee fff ggg', vocabulary);
    expect(many && 'tsquery' in many && many.tsquery.endsWith("( 'fff' | 'fff':* ) & 'ggg'")).toBe(true);
  });
});
