// A CSV body is read in the charset its Content-Type names: UTF-16 is decoded as UTF-16, never
// as UTF-8 (where its NUL bytes made it unreadable); a charset the server cannot decode is a 415.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';

const CSV = 'sku,qty\r\nCS-1,3\r\n';

function utf16be(text: string): Buffer {
  const little = Buffer.from(text, 'utf16le');
  return Buffer.from(little.map((_byte, index) => little[index ^ 1]!));
}

describe('CSV charsets', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-CS', 'CN-31');
    await createProduct(app, { sku: 'CS-1' });
    await receiveStock(app, { sku: 'CS-1', warehouseId: 'WH-CS', qty: 100 });
    const created = await createDealer(app, { id: 'D-CS' });
    // Orders are priced from the catalog read model: wait until it has the product.
    expect((await app.request('GET', `/v1/products?minPosition=${created}`, { token: app.token('ops') })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
  });

  async function importCsv(body: Buffer, contentType: string) {
    const response = await fetch(`${app.url}/v1/orders/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.token('dealer', 'D-CS')}`, 'content-type': contentType },
      body,
    });
    return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as any };
  }

  it.each([
    [
      'utf-16 with a little-endian BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CSV, 'utf16le')]),
      'text/csv; charset=utf-16',
    ],
    ['utf-16 with a big-endian BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(CSV)]), 'text/csv; charset=UTF-16'],
    ['utf-16le without a BOM', Buffer.from(CSV, 'utf16le'), 'text/csv;charset="utf-16le"'],
    ['utf-8, named', Buffer.from(CSV), 'text/csv; charset=utf-8'],
  ])('decodes %s', async (_name, body, contentType) => {
    const response = await importCsv(body, contentType);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.lines).toEqual([expect.objectContaining({ sku: 'CS-1', qty: 3 })]);
  });

  it('refuses a charset it cannot decode with 415, and bytes not in the named charset with 400', async () => {
    const unknown = await importCsv(Buffer.from(CSV), 'text/csv; charset=x-klingon');
    expect(unknown.status).toBe(415);
    expect(unknown.contentType).toContain('application/problem+json');
    expect(unknown.body.code).toBe('unsupported_media_type');
    const broken = await importCsv(Buffer.from([0x73, 0x6b, 0x75, 0xff, 0xfe, 0xfd]), 'text/csv; charset=utf-8');
    expect(broken.status).toBe(400);
    expect(broken.body.errors).toEqual([expect.objectContaining({ path: 'body' })]);
  });
});
