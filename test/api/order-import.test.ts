// Quick order from the dealer's own file, over HTTP: .xlsx workbooks and CSV in UTF-8 (BOM or
// not), GBK and GB18030 with `,` `;` or tab; English and Chinese headers; lines by SKU or GTIN;
// suggestions for what does not match; a preview that writes nothing; bad files refused with a
// problem naming what is wrong, writing nothing.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS, ean13 } from '../../src/demo/catalog.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer } from '../support/fixtures.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const product = (sku: string) => DEMO_PRODUCTS.find((candidate) => candidate.sku === sku)!;
const unknownGtin = ean13('690000000001');
const SKUS = ['WTR-NFSQ-01', 'TEA-TY-02', 'CND-HT-01', 'CND-HT-05', 'INS-KSF-01', 'SNK-LAYS-01', 'DRY-YILI-01'];

async function workbook(sheets: Record<string, (string | number | null)[][]>): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) book.addWorksheet(name).addRows(rows);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

describe('order import', () => {
  let app: TestApp;
  let dealer: string;

  beforeAll(async () => {
    app = await startTestApp();
    await createDealer(app, { id: 'D-IMP', tier: 'gold', territories: ['CN-31'] });
    dealer = app.token('dealer', 'D-IMP');
    let position = '0';
    for (const sku of SKUS) {
      const { name, brand, category, gtin, unit, caseSize, basePriceMinor } = product(sku);
      const created = await app.request('POST', '/v1/products', {
        token: app.token('ops'),
        body: { sku, name, brand, category, gtin, unit, caseSize, basePriceMinor },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      position = created.body.position;
    }
    expect((await app.request('GET', `/v1/products?minPosition=${position}`, { token: dealer })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
  });

  const post = (raw: string | Uint8Array, contentType: string, query = '') =>
    app.request('POST', `/v1/orders/import${query}`, { token: dealer, raw, headers: { 'content-type': contentType } });
  const linesOf = (order: any) => order.lines.map((line: any) => [line.sku, line.qty]);
  const head = () => app.running.infrastructure.store.headPosition();

  it('places an order from an .xlsx workbook with Chinese headers, a title row and extra columns', async () => {
    const file = await workbook({
      说明: [['请在“订单”表填写']],
      订单: [
        ['华东经销商 12月订货单'],
        ['序号', '商品编码', '商品名称', '规格', '订货数量', '备注'],
        [1, 'WTR-NFSQ-01', '农夫山泉 饮用天然水', '550ml×24瓶', 20, '加急'],
        [2, 'CND-HT-01', '海天金标生抽', '1.28L×6瓶', '5', null],
        [null, '合计', null, null, 25, null],
      ],
    });
    const placed = await post(file, XLSX, '?regionCode=CN-31');
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.channel).toBe('csv');
    expect(linesOf(placed.body)).toEqual([
      ['WTR-NFSQ-01', 20],
      ['CND-HT-01', 5],
    ]);
  });

  it('reads CSV in UTF-8 with a BOM and semicolons, GBK with tabs, UTF-16, and GB18030 as declared', async () => {
    const utf8 = await post('\uFEFF货号;数量;品名\nTEA-TY-02;3;统一绿茶\n', 'text/csv');
    expect(utf8.status, JSON.stringify(utf8.body)).toBe(201);
    expect(linesOf(utf8.body)).toEqual([['TEA-TY-02', 3]]);

    const gbk = iconv.encode('物料编码\t订货数量\t商品名称\nINS-KSF-01\t12\t康师傅红烧牛肉面\nSNK-LAYS-01\t"1,200"\t乐事薯片\n', 'gbk');
    const fromGbk = await post(gbk, 'text/csv');
    expect(fromGbk.status, JSON.stringify(fromGbk.body)).toBe(201);
    expect(linesOf(fromGbk.body)).toEqual([
      ['INS-KSF-01', 12],
      ['SNK-LAYS-01', 1200],
    ]);

    // Excel's "Unicode text": UTF-16 with a byte order mark, tab-separated.
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from('商品编码\t数量\nTEA-TY-02\t1\n', 'utf16le')]);
    const fromUtf16 = await post(utf16, 'text/tab-separated-values');
    expect(fromUtf16.status, JSON.stringify(fromUtf16.body)).toBe(201);
    expect(linesOf(fromUtf16.body)).toEqual([['TEA-TY-02', 1]]);

    const gb18030 = iconv.encode('商品编码,数量,备注\nDRY-YILI-01,2,𠮷 要新鲜的\n', 'gb18030');
    const fromGb18030 = await post(gb18030, 'text/csv; charset=GB18030');
    expect(fromGb18030.status, JSON.stringify(fromGb18030.body)).toBe(201);
    expect(linesOf(fromGb18030.body)).toEqual([['DRY-YILI-01', 2]]);
  });

  it('takes lines by GTIN, and a SKU written in another case', async () => {
    const csv = `条码,数量\n${product('CND-HT-05').gtin},4\n`;
    const byGtin = await post(csv, 'text/csv');
    expect(byGtin.status, JSON.stringify(byGtin.body)).toBe(201);
    expect(linesOf(byGtin.body)).toEqual([['CND-HT-05', 4]]);

    const file = await workbook({
      Sheet1: [
        ['SKU', 'GTIN', 'Qty'],
        ['wtr-nfsq-01', null, 1],
        [null, Number(product('TEA-TY-02').gtin), 2],
      ],
    });
    const mixed = await post(file, XLSX);
    expect(mixed.status, JSON.stringify(mixed.body)).toBe(201);
    expect(linesOf(mixed.body)).toEqual([
      ['WTR-NFSQ-01', 1],
      ['TEA-TY-02', 2],
    ]);
  });

  it('previews the lines, what matched, suggestions for what did not, and the quote, writing nothing', async () => {
    const before = await head();
    const file = await workbook({
      订单: [
        ['商品编码', '条码', '商品名称', '数量'],
        ['CND-HT-01', null, null, 2],
        ['CND-HT-0', null, null, 1],
        [null, unknownGtin, '统一绿茶', 3],
        ['NO-SUCH-1', null, '海天蚝油', 1],
      ],
    });
    const preview = await post(file, XLSX, '?preview=true');
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.lines).toEqual([
      { row: 2, sheet: '订单', sku: 'CND-HT-01', qty: 2, matched: true, name: '海天金标生抽酱油1.28L×6瓶' },
      {
        row: 3,
        sheet: '订单',
        sku: 'CND-HT-0',
        qty: 1,
        matched: false,
        suggestions: expect.arrayContaining([expect.objectContaining({ sku: 'CND-HT-01' })]),
      },
      {
        row: 4,
        sheet: '订单',
        sku: null,
        gtin: unknownGtin,
        qty: 3,
        matched: false,
        suggestions: [expect.objectContaining({ sku: 'TEA-TY-02', name: '统一 绿茶 500ml×15瓶' })],
      },
      { row: 5, sheet: '订单', sku: 'NO-SUCH-1', qty: 1, matched: false, suggestions: [expect.objectContaining({ sku: 'CND-HT-05' })] },
    ]);
    expect(preview.body.quote).toMatchObject({ dealerId: 'D-IMP', regionCode: 'CN-31' });
    expect(preview.body.quote.lines.map((line: any) => line.sku)).toEqual(['CND-HT-01']);
    expect(preview.body.quote.warnings.map((warning: any) => warning.code)).toContain('unknown_sku');
    expect(await head()).toBe(before);

    // Placing the same file: a GTIN nothing has cannot become a line.
    const placed = await post(file, XLSX);
    expect(placed.status).toBe(400);
    expect(placed.body.errors).toEqual([
      { path: '订单!B4', message: expect.stringContaining('did you mean TEA-TY-02 (统一 绿茶 500ml×15瓶)') },
    ]);
    expect(await head()).toBe(before);
  });

  it('names the sheet, row and column of every bad cell, and writes nothing', async () => {
    const before = await head();
    const file = await workbook({
      订单: [
        ['商品编码', '名称', '数量'],
        ['WTR-NFSQ-01', '农夫山泉', 'two'],
        ['绿茶!', '统一绿茶', 2],
        [null, '无编码', 1],
      ],
    });
    const bad = await post(file, XLSX);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((error: any) => error.path)).toEqual(['订单!C2', '订单!A3', '订单!A4']);

    const shortened = await post('条码,数量\n6.92296E+12,1\n', 'text/csv');
    expect(shortened.body.errors).toEqual([{ path: 'line 2.gtin', message: expect.stringContaining('format the column as text') }]);

    const headerless = await post(await workbook({ A: [['x', 'y']], B: [['品名', '数量']] }), XLSX);
    expect(headerless.status).toBe(400);
    expect(headerless.body.errors).toEqual([{ path: 'A!1, B!1', message: expect.stringContaining('商品编码') }]);
    expect(await head()).toBe(before);
  });

  it('refuses corrupt workbooks, old .xls files, binary data and files too large, with a problem', async () => {
    const before = await head();
    const corrupt = await post(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]), XLSX);
    expect([corrupt.status, corrupt.body.errors]).toEqual([400, [{ path: 'body', message: 'is not a readable .xlsx workbook' }]]);

    const xls = await post(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'application/vnd.ms-excel');
    expect([xls.status, xls.body.detail]).toEqual([415, expect.stringContaining('.xls')]);

    const binary = await post(new Uint8Array([0x73, 0x6b, 0x75, 0x00, 0xff, 0x00, 0x01]), 'application/octet-stream');
    expect([binary.status, binary.body.errors]).toEqual([400, [{ path: 'body', message: expect.stringContaining('binary') }]]);

    // A zip whose directory says it unpacks to 2 GB (a hundred bytes sent).
    const entry = new TextEncoder().encode('bomb.xml');
    const zipped = new Uint8Array(4 + 46 + entry.length + 22);
    const view = new DataView(zipped.buffer);
    view.setUint32(0, 0x04034b50, true);
    view.setUint32(4, 0x02014b50, true);
    view.setUint32(4 + 24, 0x7fffffff, true);
    view.setUint16(4 + 28, entry.length, true);
    zipped.set(entry, 4 + 46);
    const end = 4 + 46 + entry.length;
    view.setUint32(end, 0x06054b50, true);
    view.setUint16(end + 10, 1, true);
    view.setUint32(end + 16, 4, true);
    const unpacked = await post(zipped, XLSX);
    expect([unpacked.status, unpacked.body.code]).toEqual([413, 'payload_too_large']);

    const large = await post(`sku,qty\n${'WTR-NFSQ-01,1\n'.repeat(90_000)}`, 'text/csv');
    expect(large.status).toBe(413);
    expect(large.headers.get('content-type')).toContain('application/problem+json');
    expect(await head()).toBe(before);
  });

  it('caps the lines of an order and the problems it lists', async () => {
    const many = await post(`sku,qty\n${'WTR-NFSQ-01,1\n'.repeat(501)}`, 'text/csv');
    expect(many.status).toBe(400);
    expect(many.body.errors).toEqual([{ path: 'line 502', message: 'at most 500 lines per order' }]);

    const bad = await post(`sku,qty\n${'WTR-NFSQ-01,x\n'.repeat(55_000)}`, 'text/csv');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toHaveLength(51);
    expect(bad.body.errors.at(-1)).toEqual({ path: 'body', message: expect.stringMatching(/^and \d+ more problem\(s\) not listed$/) });
    expect(JSON.stringify(bad.body).length).toBeLessThan(10_000);
  });
});
