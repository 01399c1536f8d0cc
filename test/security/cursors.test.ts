// Every paged list answers an edited cursor with 400 naming `query.cursor` (or, for a cursor that
// still means something, a page), never with a 500: a cursor is client input like any other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse } from '../support/fixtures.ts';
import { fillPath, queryParameters, servedRoutes, type ServedRoute } from '../support/routes.ts';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Values a database column or a comparison cannot take, or that a loose schema would let through. */
const HOSTILE: unknown[] = [
  'not a date',
  '0000-01-01',
  '2026-13-45T99:00:00Z',
  'a\u0000b',
  '\ud800',
  'x'.repeat(400),
  2 ** 31,
  2 ** 63,
  -1,
  1.5,
  1e300,
  null,
  true,
  [],
  {},
];

/** Fields the API's cursors are made of, each with a value of its kind that could be real. */
const PLAUSIBLE: Record<string, unknown> = {
  placedAt: '2026-01-01T00:00:00.000Z',
  id: 'X-1',
  sku: 'SKU-1',
  warehouseId: 'WH-1',
  lot: 'LOT-1',
  expiryDate: '2026-01-01',
  score: 0.5,
  offset: 1,
};

const SHAPES = [['placedAt', 'id'], ['score', 'sku'], ['sku', 'warehouseId'], ['expiryDate', 'sku', 'warehouseId', 'lot'], ['offset']];

/** Each shape with one field made hostile at a time, and each hostile value as a cursor on its own. */
function editedCursors(): unknown[] {
  const cursors: unknown[] = [...HOSTILE];
  for (const shape of SHAPES) {
    for (const field of shape) {
      for (const value of HOSTILE) cursors.push(Object.fromEntries(shape.map((name) => [name, name === field ? value : PLAUSIBLE[name]])));
    }
  }
  return cursors;
}

describe('edited pagination cursors', () => {
  let app: TestApp;
  let paged: ServedRoute[];
  let orderId: string;

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMIT_PER_MINUTE: '1000000' });
    await createWarehouse(app, 'WH-CUR', 'CN-31');
    await createProduct(app, { sku: 'P-CUR' });
    await createDealer(app, { id: 'D-CUR' });
    const promotion = {
      id: 'PROMO-CUR',
      title: 'Cursor',
      kind: 'percent_off',
      rule: { percent: 5 },
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2099-01-01T00:00:00Z',
    };
    expect((await app.request('POST', '/v1/promotions', { token: app.token('ops'), body: promotion })).status).toBe(201);
    const order = await app.request('POST', '/v1/orders', {
      token: app.token('dealer', 'D-CUR'),
      body: { lines: [{ sku: 'P-CUR', qty: 1 }], regionCode: 'CN-31' },
    });
    expect(order.status, order.text).toBe(201);
    orderId = order.body.id;
    paged = (await servedRoutes(app)).filter((route) => route.method === 'GET' && queryParameters(route).includes('cursor'));
  });
  afterAll(async () => {
    await app.stop();
  });

  const pathParam = (route: ServedRoute) => (name: string) => {
    if (name === 'sku') return 'P-CUR';
    if (route.path.startsWith('/v1/orders/')) return orderId;
    if (route.path.startsWith('/v1/dealers/')) return 'D-CUR';
    if (route.path.startsWith('/v1/promotions/')) return 'PROMO-CUR';
    return 'X-1';
  };

  it('answers 400 problem+json (or a page), never a 5xx, on every paged list', async () => {
    expect(paged.map((route) => route.path)).toEqual(
      expect.arrayContaining(['/v1/orders', '/v1/orders/review-queue', '/v1/products', '/v1/stock', '/v1/stock/expiring', '/v1/stock/low']),
    );
    const admin = app.token('admin');
    const wrong: string[] = [];
    for (const route of paged) {
      const path = fillPath(route, pathParam(route));
      for (const cursor of editedCursors()) {
        const response = await app.request('GET', `${path}?cursor=${encode(cursor)}`, { token: admin });
        const refused = response.status === 400 && response.body?.errors?.some((error: { path: string }) => error.path === 'query.cursor');
        if (!(refused || response.status === 200))
          wrong.push(`${route.path} ${JSON.stringify(cursor).slice(0, 80)}: ${response.status} ${response.text.slice(0, 100)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
