// The promotions slice over HTTP: ops create and end promotions, everyone lists them (a dealer
// only those it may have), the catalog shows them per SKU.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promotionDecider, promotionStream } from '../../src/domain/promotions/promotion.ts';
import { promotionsProjection } from '../../src/projections/promotions/projection.ts';
import { rebuildProjection } from '../../src/projections/rebuild.ts';
import { appendedSince, startTestApp, type TestApp } from '../support/app.ts';

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.now() + days * DAY).toISOString();

describe('promotions API', () => {
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

  const spring = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    title: `Jade Spring 10% off (${id})`,
    kind: 'percent_off',
    rule: { percent: 10 },
    startsAt: at(-1),
    endsAt: at(30),
    eligibility: { brands: ['Jade Spring'] },
    ...extra,
  });

  const create = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await app.request('POST', '/v1/promotions', { token: ops, body, headers });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  };

  const idsOf = (page: any) => page.body.items.map((item: any) => item.id);

  it('creates a promotion and lists it as active once the read model has the position', async () => {
    const created = await create(spring('SPRING10', { caps: { perDealer: 2 } }));
    expect(created).toMatchObject({
      id: 'SPRING10',
      kind: 'percent_off',
      rule: { percent: 10 },
      stackable: false,
      priority: 0,
      status: 'active',
      endedAt: null,
      caps: { perDealer: 2, total: null },
      eligibility: { brands: ['Jade Spring'], tiers: [], territories: [], dealerIds: [], skus: [], categories: [] },
      redemptions: 0,
      version: 0,
    });
    expect(created.position).toMatch(/^\d+$/);

    const read = await app.request('GET', `/v1/promotions/SPRING10?minPosition=${created.position}`, { token: dealer });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: 'SPRING10', status: 'active', startsAt: created.startsAt, endsAt: created.endsAt });
    expect(read.body.redemptions).toBeUndefined();

    const active = await app.request('GET', '/v1/promotions?active=true', { token: app.token('finance') });
    expect(idsOf(active)).toContain('SPRING10');

    const generated = await create({ ...spring('ignored'), id: undefined });
    expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('makes a retried create safe with Idempotency-Key, and refuses an existing id', async () => {
    const headers = { 'idempotency-key': 'promo-key-1' };
    const body = spring('IDEM-1');
    const first = await create(body, headers);
    const again = await app.request('POST', '/v1/promotions', { token: ops, body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first);
    const otherBody = await app.request('POST', '/v1/promotions', { token: ops, body: spring('IDEM-2'), headers });
    expect(otherBody.status).toBe(422);

    const duplicate = await app.request('POST', '/v1/promotions', { token: ops, body });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('promotion_exists');
  });

  it('ends a promotion early: it leaves the active list; ending it again changes nothing', async () => {
    await create(spring('ENDING'));
    const ended = await app.request('POST', '/v1/promotions/ENDING/end', { token: ops, body: { reason: 'campaign stopped' } });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ id: 'ENDING', status: 'ended', version: 1 });
    expect(ended.body.endedAt).toEqual(expect.any(String));

    const active = await app.request('GET', `/v1/promotions?active=true&minPosition=${ended.body.position}`, { token: ops });
    expect(idsOf(active)).not.toContain('ENDING');
    const inactive = await app.request('GET', '/v1/promotions?active=false', { token: ops });
    expect(idsOf(inactive)).toContain('ENDING');

    const again = await app.request('POST', '/v1/promotions/ENDING/end', { token: ops });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ version: 1, endedAt: ended.body.endedAt });

    const history = await app.request('GET', '/v1/promotions/ENDING/history', { token: app.token('finance') });
    expect(history.body.items.map((item: any) => item.type)).toEqual(['PromotionCreated', 'PromotionEnded']);
    expect(history.body.items[1].data).toMatchObject({ reason: 'campaign stopped' });

    const unknown = await app.request('POST', '/v1/promotions/NOPE/end', { token: ops });
    expect(unknown.status).toBe(404);
  });

  it("shows a dealer only the promotions it may have, and never other dealers' ids", async () => {
    await create(spring('FOR-D1-D2', { eligibility: { dealerIds: ['D-1', 'D-2'] } }));
    await create(spring('FOR-GOLD', { eligibility: { tiers: ['gold'] } }));
    const last = await create(spring('FOR-EAST', { eligibility: { territories: ['CN-31'] } }));

    const mine = await app.request('GET', `/v1/promotions?minPosition=${last.position}&limit=500`, { token: dealer });
    expect(idsOf(mine)).toContain('FOR-D1-D2');
    expect(idsOf(mine)).not.toContain('FOR-GOLD');
    expect(idsOf(mine)).not.toContain('FOR-EAST');
    expect(mine.body.items.find((item: any) => item.id === 'FOR-D1-D2').eligibility.dealerIds).toEqual(['D-1']);

    const other = app.token('dealer', 'D-3');
    expect(idsOf(await app.request('GET', '/v1/promotions?limit=500', { token: other }))).not.toContain('FOR-D1-D2');
    expect((await app.request('GET', '/v1/promotions/FOR-D1-D2', { token: other })).status).toBe(404);
    expect((await app.request('GET', '/v1/promotions?dealerId=D-2', { token: dealer })).status).toBe(404);

    const staff = await app.request('GET', '/v1/promotions/FOR-D1-D2', { token: ops });
    expect(staff.body.eligibility.dealerIds).toEqual(['D-1', 'D-2']);
    expect(idsOf(await app.request('GET', '/v1/promotions?limit=500', { token: ops }))).toEqual(
      expect.arrayContaining(['FOR-GOLD', 'FOR-EAST']),
    );
    expect(idsOf(await app.request('GET', '/v1/promotions?dealerId=D-3&limit=500', { token: ops }))).not.toContain('FOR-D1-D2');
  });

  it('pages with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await app.request('GET', `/v1/promotions?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: ops });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...idsOf(page));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(4);
  });

  it('rejects bad input with every invalid field named, and writes nothing', async () => {
    const before = await app.running.infrastructure.store.headPosition();
    const bad = await app.request('POST', '/v1/promotions', {
      token: ops,
      body: {
        id: 'BAD',
        title: '',
        kind: 'amount_off',
        rule: { percent: 10 },
        startsAt: at(5),
        endsAt: at(1),
        eligibility: { tiers: ['Gold!'] },
        caps: { total: 0 },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const paths = bad.body.errors.map((error: any) => error.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.title',
        'body.rule.amountMinor',
        'body.rule',
        'body.endsAt',
        'body.eligibility.tiers.0',
        'body.caps.total',
      ]),
    );

    const unknownKind = await app.request('POST', '/v1/promotions', {
      token: ops,
      body: { title: '', kind: 'free_lunch', rule: {}, startsAt: 'soon', endsAt: at(1) },
    });
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.body.errors.map((error: any) => error.path)).toEqual(
      expect.arrayContaining(['body.kind', 'body.title', 'body.startsAt']),
    );
    expect(await appendedSince(app, before)).toEqual([]);
  });

  it('lets only ops write promotions, and everyone with a token read them', async () => {
    expect((await app.request('POST', '/v1/promotions', { token: dealer, body: spring('ROLE-1') })).status).toBe(403);
    expect((await app.request('POST', '/v1/promotions/SPRING10/end', { token: app.token('finance') })).status).toBe(403);
    expect((await app.request('GET', '/v1/promotions')).status).toBe(401);
    expect((await app.request('GET', '/v1/promotions', { token: app.token('analyst') })).status).toBe(200);
    expect((await app.request('GET', '/v1/promotions/SPRING10/history', { token: dealer })).status).toBe(403);
    expect((await app.request('POST', '/v1/promotions', { token: app.token('admin'), body: spring('ROLE-ADMIN') })).status).toBe(201);
  });

  it('shows each product the active promotions the caller may have', async () => {
    const product = (sku: string, brand: string, category: string) =>
      app.request('POST', '/v1/products', {
        token: ops,
        body: { sku, name: `Product ${sku}`, brand, category, unit: 'case', basePriceMinor: 1000 },
      });
    await product('PRM-TEA', 'Leafy', 'tea');
    await product('PRM-NUT', 'Crunch', 'snacks');
    await create(spring('CAT-TEA', { title: 'Leafy tea 10% off', eligibility: { brands: ['Leafy'] } }));
    await create(
      spring('CAT-BUNDLE', {
        kind: 'bundle_price',
        rule: {
          items: [
            { sku: 'PRM-TEA', qty: 1 },
            { sku: 'PRM-NUT', qty: 1 },
          ],
          priceMinor: 1500,
        },
        eligibility: {},
      }),
    );
    await create(spring('CAT-D2', { eligibility: { skus: ['PRM-NUT'], dealerIds: ['D-2'] } }));
    await create(spring('CAT-LATER', { startsAt: at(10), eligibility: { skus: ['PRM-NUT'] } }));
    const ended = await create(spring('CAT-ENDED', { eligibility: { categories: ['tea'] } }));
    const last = (await app.request('POST', '/v1/promotions/CAT-ENDED/end', { token: ops })).body.position;
    expect(ended.status).toBe('active');

    const page = await app.request('GET', `/v1/products?q=PRM-&minPosition=${last}`, { token: dealer });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    // Only this test's promotions: earlier ones (e.g. for dealer D-1 on every SKU) apply too.
    const ours = (promotions: any[]) => promotions.map((promotion: any) => promotion.id).filter((id: string) => id.startsWith('CAT-'));
    const promotionsOf = (sku: string) => ours(page.body.items.find((item: any) => item.sku === sku).promotions);
    expect(promotionsOf('PRM-TEA').sort()).toEqual(['CAT-BUNDLE', 'CAT-TEA']);
    expect(promotionsOf('PRM-NUT')).toEqual(['CAT-BUNDLE']);

    const detail = await app.request('GET', '/v1/products/PRM-NUT', { token: app.token('dealer', 'D-2') });
    expect(ours(detail.body.promotions).sort()).toEqual(['CAT-BUNDLE', 'CAT-D2']);
    expect(detail.body.promotions.find((promotion: any) => promotion.id === 'CAT-D2')).toEqual({
      id: 'CAT-D2',
      title: 'Jade Spring 10% off (CAT-D2)',
    });
  });

  it('rebuilds the read model from the events to the same promotions and counts', async () => {
    const { db, store, locks, upcasting, commands } = app.running.infrastructure;
    // Redemptions of a capped promotion, and one released again.
    await create(spring('RB-CAPPED', { caps: { perDealer: 2, total: 5 } }));
    const context = { actor: 'test', role: 'ops', correlationId: 'test', now: new Date() };
    for (const [orderId, dealerId] of [
      ['O-RB1', 'D-1'],
      ['O-RB2', 'D-9'],
      ['O-RB3', 'D-1'],
    ] as const) {
      const redeemed = await commands.handle(
        promotionDecider,
        promotionStream('RB-CAPPED'),
        { type: 'RedeemPromotion', data: { orderId, dealerId, now: new Date().toISOString() } },
        context,
      );
      expect(redeemed.ok).toBe(true);
    }
    await commands.handle(
      promotionDecider,
      promotionStream('RB-CAPPED'),
      { type: 'ReleasePromotion', data: { orderId: 'O-RB2' } },
      context,
    );
    const snapshot = async () => ({
      promotions: await db.selectFrom('promotions.promotions').selectAll().orderBy('id').execute(),
      redemptions: await db.selectFrom('promotions.dealer_redemptions').selectAll().orderBy('promotion_id').orderBy('dealer_id').execute(),
    });
    const head = await store.headPosition();
    expect((await app.request('GET', `/v1/promotions?minPosition=${head}`, { token: ops })).status).toBe(200);
    const before = await snapshot();
    expect(before.redemptions.length).toBeGreaterThan(0);
    await rebuildProjection(promotionsProjection, { db, store, locks, upcasting, batchSize: 5 });
    expect(await snapshot()).toEqual(before);
  });

  it('documents its routes in a valid OpenAPI document', async () => {
    const document = (await app.request('GET', '/openapi.json')).body;
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/promotions', '/v1/promotions/{id}', '/v1/promotions/{id}/end']),
    );
  });
});
