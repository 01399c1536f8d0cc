// Catalog search over HTTP: relevance bands (exact SKU or GTIN, SKU prefix, full text, fuzzy),
// typo and prefix tolerance, Chinese words, sub-words, pinyin and keywords, cursors through every
// band, and the caller's prices on the page. (The relevance figures: test/search/.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGtin } from '../../src/demo/data.ts';
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
      ['CN-GT-500', '统一绿茶 500毫升', '统一', '饮料'],
      ['CN-SOY-128', '海天金标生抽酱油1.28L', '海天', '调味品'],
      ['CN-OYS-700', '海天上等蚝油 700g', '海天', '调味品'],
      ['CN-WTR-550', '农夫山泉 饮用天然水 550ml', '农夫山泉', '饮料'],
      ['CN-JAS-500', 'Jasmine green tea 茉莉花茶', '统一', '饮料'],
      ['CN-NDL-5', '康师傅红烧牛肉面五连包', '康师傅', '方便食品', { keywords: ['方便面'] }],
    ];
    for (const [sku, name, brand, category, extra] of products) {
      const created = await app.request('POST', '/v1/products', {
        token: ops,
        body: { sku, name, brand, category, unit: 'case', basePriceMinor: 1000, ...extra },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const priced = await app.request('PUT', '/v1/products/SRX-100/prices', {
      token: ops,
      body: { tiers: { gold: 900, silver: 950 }, dealers: { 'D-CS1': 800, 'D-OTHER': 700 } },
    });
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
    expect(await skus('q=tea')).toEqual(['TEA-1', 'SRX-100', 'SRX-101', 'CN-JAS-500']);
    expect(await skus('q=jade%20spring%20oolong&category=beverages')).toEqual(['SRX-100', 'SRX-101']);
    expect(await skus('q=oolong&category=snacks')).toEqual([]);
  });

  it('forgives typos and unfinished words', async () => {
    expect(await skus('q=oolnog')).toEqual(['SRX-100', 'SRX-101']);
    expect(await skus('q=noodels')).toEqual(['SRX-200']);
    expect(await skus('q=instant%20noodels%20beef')).toEqual(['SRX-200']);
    expect(await skus('q=braised%20bee')).toEqual(['SRX-200']);
    expect(await skus('q=chrysanth')).toEqual(['TEA-1']);
    // Known words written together.
    expect(await skus('q=potatochips%20seaweed')).toEqual(['srx-300']);
    // Nothing holds every word: products with any of them, then names merely like the text.
    expect(await skus('q=barbecue%20seaweed')).toEqual(['SRX-301', 'srx-300']);
    expect((await skus('q=potato%20chipz%20wasabi')).sort()).toEqual(['SRX-301', 'srx-300']);
    expect(await skus('q=qqqqxxxx')).toEqual([]);
  });

  it('finds Chinese words, parts of words, and words in any order', async () => {
    expect(await skus('q=绿茶')).toEqual(['CN-GT-500']);
    expect((await skus('q=茶')).sort()).toEqual(['CN-GT-500', 'CN-JAS-500']);
    expect(await skus('q=酱油')).toEqual(['CN-SOY-128']);
    expect(await skus('q=生抽')).toEqual(['CN-SOY-128']);
    expect(await skus('q=海天%20酱油')).toEqual(['CN-SOY-128']);
    expect(await skus('q=酱油海天')).toEqual(['CN-SOY-128']);
    expect((await skus('q=海天')).sort()).toEqual(['CN-OYS-700', 'CN-SOY-128']);
    expect(await skus('q=农夫')).toEqual(['CN-WTR-550']);
    expect(await skus('q=茉莉')).toEqual(['CN-JAS-500']);
    expect(await skus('q=天然水')).toEqual(['CN-WTR-550']);
    // Sizes in either spelling; Chinese and Latin words mixed.
    expect(await skus(`q=${encodeURIComponent('绿茶 500ml')}`)).toEqual(['CN-GT-500']);
    expect(await skus(`q=${encodeURIComponent('农夫山泉 550毫升')}`)).toEqual(['CN-WTR-550']);
    expect(await skus(`q=${encodeURIComponent('统一 green tea')}`)).toEqual(['CN-JAS-500']);
    // The name before the brand before the category.
    expect((await skus('q=统一'))[0]).toBe('CN-GT-500');
  });

  it('finds Chinese words by pinyin, initials, typos in pinyin, and keywords', async () => {
    expect(await skus('q=lvcha')).toEqual(['CN-GT-500']);
    expect(await skus('q=kangshifu')).toEqual(['CN-NDL-5']);
    expect(await skus('q=kangshifo')).toEqual(['CN-NDL-5']);
    expect(await skus('q=kangshi')).toEqual(['CN-NDL-5']);
    expect(await skus('q=ht%20jiangyou')).toEqual(['CN-SOY-128']);
    expect(await skus('q=haitianjiangyou')).toEqual(['CN-SOY-128']);
    expect(await skus('q=nfsq')).toEqual(['CN-WTR-550']);
    expect(await skus('q=方便面')).toEqual(['CN-NDL-5']);
  });

  it('searches a changed name, brand or keywords at once', async () => {
    const ops = app.token('ops');
    expect(await skus('q=fangbianmian')).toEqual(['CN-NDL-5']);
    const changed = await app.request('PATCH', '/v1/products/CN-NDL-5', { token: ops, body: { keywords: ['泡面'], brand: '康师傅控股' } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.keywords).toEqual(['泡面']);
    expect((await app.request('GET', `/v1/products?minPosition=${changed.body.position}`, { token: ops })).status).toBe(200);
    expect(await skus('q=泡面')).toEqual(['CN-NDL-5']);
    expect(await skus('q=fangbianmian')).toEqual([]);
    expect(await skus('q=控股')).toEqual(['CN-NDL-5']);
    const renamed = await app.request('PATCH', '/v1/products/CN-NDL-5', { token: ops, body: { name: '康师傅老坛酸菜牛肉面' } });
    expect((await app.request('GET', `/v1/products?minPosition=${renamed.body.position}`, { token: ops })).status).toBe(200);
    expect(await skus('q=酸菜')).toEqual(['CN-NDL-5']);
    expect(await skus('q=红烧')).toEqual([]);
    const product = await app.request('GET', '/v1/products/CN-NDL-5', { token: dealer });
    expect(product.body).toMatchObject({ name: '康师傅老坛酸菜牛肉面', keywords: ['泡面'] });
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
    expect(await all('q=barbecue%20seaweed')).toEqual(['SRX-301', 'srx-300']);
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
