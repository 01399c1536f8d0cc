// The dealers slice over HTTP: ops register and change dealers, staff list them, a dealer reads
// itself; registration converges on retry; the dealer's tier picks its catalog price.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedSince, startTestApp, type TestApp } from '../support/app.ts';

describe('dealers API', () => {
  let app: TestApp;
  let ops: string;

  beforeAll(async () => {
    app = await startTestApp();
    ops = app.token('ops');
  });
  afterAll(async () => {
    await app.stop();
  });

  const dealer = (id: string | undefined, extra: Record<string, unknown> = {}) => ({
    ...(id !== undefined && { id }),
    name: `Dealer ${id ?? 'new'}`,
    tier: 'gold',
    territories: ['CN-32', 'CN-31'],
    creditLimitMinor: 1_000_000,
    ...extra,
  });

  const streamTypes = async (stream: string) => (await app.running.infrastructure.store.readStream(stream)).map((event) => event.type);

  it('registers a dealer with its credit ledger; the dealer reads itself, another dealer gets 404', async () => {
    const created = await app.request('POST', '/v1/dealers', { token: ops, body: dealer('DL-1', { paymentTermsDays: 45 }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'DL-1',
      tier: 'gold',
      territories: ['CN-31', 'CN-32'],
      paymentTermsDays: 45,
      prepay: false,
      status: 'active',
      suspensionReason: null,
      version: 0,
      creditLimitMinor: 1_000_000,
    });
    expect(created.body.position).toMatch(/^\d+$/);

    const own = await app.request('GET', `/v1/dealers/DL-1?minPosition=${created.body.position}`, { token: app.token('dealer', 'DL-1') });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: 'DL-1', name: 'Dealer DL-1', territories: ['CN-31', 'CN-32'], registeredAt: expect.any(String) });
    const credit = await app.request('GET', '/v1/dealers/DL-1/credit', { token: app.token('dealer', 'DL-1') });
    expect(credit.body).toMatchObject({ limitMinor: 1_000_000, availableMinor: 1_000_000 });

    const other = await app.request('GET', '/v1/dealers/DL-1', { token: app.token('dealer', 'DL-OTHER') });
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    const missing = await app.request('GET', '/v1/dealers/DL-NOPE', { token: ops });
    expect(missing.status).toBe(404);
  });

  it('assigns an id when none is given, and replays the first answer for the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'register-new-dealer-1' };
    const first = await app.request('POST', '/v1/dealers', { token: ops, headers, body: dealer(undefined) });
    expect(first.status).toBe(201);
    expect(first.body.id).toMatch(/^D-[0-9A-F]{10}$/);
    const again = await app.request('POST', '/v1/dealers', { token: ops, headers, body: dealer(undefined) });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('converges when a registration is retried, never resetting a limit changed since; other details are a 409', async () => {
    const body = dealer('DL-RETRY');
    const first = await app.request('POST', '/v1/dealers', { token: ops, body });
    const limit = await app.request('PUT', '/v1/dealers/DL-RETRY/credit-limit', { token: ops, body: { limitMinor: 2_500_000 } });
    expect(limit.status).toBe(200);
    const retried = await app.request('POST', '/v1/dealers', { token: ops, body });
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ id: 'DL-RETRY', version: first.body.version, creditLimitMinor: 2_500_000 });
    expect(await streamTypes('dealer-DL-RETRY')).toEqual(['DealerRegistered']);
    expect(await streamTypes('credit-DL-RETRY')).toEqual(['CreditLimitSet', 'CreditLimitSet']);

    const clash = await app.request('POST', '/v1/dealers', { token: ops, body: { ...body, tier: 'silver' } });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('dealer_exists');
  });

  it('registers a dealer once when the same registration races', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => app.request('POST', '/v1/dealers', { token: ops, body: dealer('DL-RACE') })),
    );
    expect(results.map((result) => result.status)).toEqual(Array(12).fill(201));
    expect(await streamTypes('dealer-DL-RACE')).toEqual(['DealerRegistered']);
    expect(await streamTypes('credit-DL-RACE')).toEqual(['CreditLimitSet']);
  });

  it('changes territories, tier, payment terms and status; a change that changes nothing writes nothing', async () => {
    await app.request('POST', '/v1/dealers', { token: ops, body: dealer('DL-CHG') });
    const territories = await app.request('PUT', '/v1/dealers/DL-CHG/territories', {
      token: ops,
      body: { territories: ['CN-44', 'CN-31', 'CN-44'] },
    });
    expect(territories.status).toBe(200);
    expect(territories.body).toMatchObject({ territories: ['CN-31', 'CN-44'], version: 1 });
    const tier = await app.request('PUT', '/v1/dealers/DL-CHG/tier', { token: ops, body: { tier: 'platinum' } });
    expect(tier.body).toMatchObject({ tier: 'platinum', version: 2 });
    const sameTier = await app.request('PUT', '/v1/dealers/DL-CHG/tier', { token: ops, body: { tier: 'platinum' } });
    expect(sameTier.body.version).toBe(2);
    const terms = await app.request('PUT', '/v1/dealers/DL-CHG/payment-terms', {
      token: app.token('finance'),
      body: { paymentTermsDays: 60, prepay: true },
    });
    expect(terms.body).toMatchObject({ paymentTermsDays: 60, prepay: true, version: 3 });
    const suspended = await app.request('POST', '/v1/dealers/DL-CHG/suspend', { token: ops, body: { reason: 'overdue invoices' } });
    expect(suspended.body).toMatchObject({ status: 'suspended', suspensionReason: 'overdue invoices', version: 4 });
    const read = await app.request('GET', `/v1/dealers/DL-CHG?minPosition=${suspended.body.position}`, { token: ops });
    expect(read.body).toMatchObject({
      tier: 'platinum',
      territories: ['CN-31', 'CN-44'],
      paymentTermsDays: 60,
      prepay: true,
      status: 'suspended',
    });
    const reinstated = await app.request('POST', '/v1/dealers/DL-CHG/reinstate', { token: ops });
    expect(reinstated.body).toMatchObject({ status: 'active', suspensionReason: null, version: 5 });
    // API.md names no body for a suspension: without one (or without a reason) it still suspends.
    const bare = await app.request('POST', '/v1/dealers/DL-CHG/suspend', { token: ops });
    expect(bare.body).toMatchObject({ status: 'suspended', suspensionReason: 'No reason given', version: 6 });
    await app.request('POST', '/v1/dealers/DL-CHG/reinstate', { token: ops });
    const empty = await app.request('POST', '/v1/dealers/DL-CHG/suspend', { token: ops, body: {} });
    expect(empty.body).toMatchObject({ status: 'suspended', version: 8 });
    await app.request('POST', '/v1/dealers/DL-CHG/reinstate', { token: ops });
    expect(await streamTypes('dealer-DL-CHG')).toEqual([
      'DealerRegistered',
      'DealerTerritoriesChanged',
      'DealerTierChanged',
      'PaymentTermsChanged',
      'DealerSuspended',
      'DealerReinstated',
      'DealerSuspended',
      'DealerReinstated',
      'DealerSuspended',
      'DealerReinstated',
    ]);

    const unknown = await app.request('PUT', '/v1/dealers/DL-NOPE/tier', { token: ops, body: { tier: 'gold' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('dealer_not_found');
  });

  it('lists dealers for staff by tier, status and territory, paging with a cursor', async () => {
    for (const [id, tier, territories] of [
      ['LST-1', 'bronze', ['CN-11']],
      ['LST-2', 'bronze', ['CN-11', 'CN-12']],
      ['LST-3', 'bronze', ['CN-12']],
    ] as const) {
      await app.request('POST', '/v1/dealers', { token: ops, body: dealer(id, { tier, territories }) });
    }
    const last = (await app.request('POST', '/v1/dealers/LST-3/suspend', { token: ops, body: { reason: 'audit' } })).body.position;
    const analyst = app.token('analyst');
    const ids = (response: any) => response.body.items.map((item: any) => item.id);
    expect(ids(await app.request('GET', `/v1/dealers?tier=bronze&minPosition=${last}`, { token: analyst }))).toEqual([
      'LST-1',
      'LST-2',
      'LST-3',
    ]);
    expect(ids(await app.request('GET', '/v1/dealers?tier=bronze&territory=CN-12', { token: analyst }))).toEqual(['LST-2', 'LST-3']);
    expect(ids(await app.request('GET', '/v1/dealers?tier=bronze&status=active', { token: analyst }))).toEqual(['LST-1', 'LST-2']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await app.request('GET', `/v1/dealers?tier=bronze&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: analyst });
      seen.push(...ids(page));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['LST-1', 'LST-2', 'LST-3']);
  });

  it('rejects bad input with every invalid field named, and writes nothing', async () => {
    const before = await app.running.infrastructure.store.headPosition();
    const bad = await app.request('POST', '/v1/dealers', {
      token: ops,
      body: {
        id: 'bad id!',
        name: '',
        tier: 'Gold',
        territories: ['shanghai'],
        creditLimitMinor: -1,
        paymentTermsDays: 1000,
        prepay: 'yes',
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: 400, detail: expect.any(String) });
    const paths = bad.body.errors.map((error: any) => error.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.id',
        'body.name',
        'body.tier',
        'body.territories.0',
        'body.creditLimitMinor',
        'body.paymentTermsDays',
        'body.prepay',
      ]),
    );
    const empty = await app.request('PUT', '/v1/dealers/DL-1/territories', { token: ops, body: { territories: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.errors.map((error: any) => error.path)).toEqual(['body.territories']);
    const blankReason = await app.request('POST', '/v1/dealers/DL-1/suspend', { token: ops, body: { reason: '  ' } });
    expect(blankReason.body.errors.map((error: any) => error.path)).toEqual(['body.reason']);
    const badFilter = await app.request('GET', '/v1/dealers?status=closed&territory=x', { token: ops });
    expect(badFilter.body.errors.map((error: any) => error.path).sort()).toEqual(['query.status', 'query.territory']);
    expect(await appendedSince(app, before)).toEqual([]);
  });

  it('lets only ops manage dealers, and only staff list them', async () => {
    const asDealer = await app.request('POST', '/v1/dealers', { token: app.token('dealer', 'DL-1'), body: dealer('DL-ROLE') });
    expect(asDealer.status).toBe(403);
    expect((await app.request('PUT', '/v1/dealers/DL-1/tier', { token: app.token('analyst'), body: { tier: 'silver' } })).status).toBe(403);
    expect((await app.request('POST', '/v1/dealers/DL-1/suspend', { token: app.token('finance'), body: { reason: 'x' } })).status).toBe(
      403,
    );
    expect((await app.request('GET', '/v1/dealers', { token: app.token('dealer', 'DL-1') })).status).toBe(403);
    expect((await app.request('GET', '/v1/dealers/DL-1')).status).toBe(401);
    expect((await app.request('POST', '/v1/dealers', { token: app.token('admin'), body: dealer('DL-ADMIN') })).status).toBe(201);
  });

  it('documents the dealer and credit routes in a valid OpenAPI document', async () => {
    const document = (await app.request('GET', '/openapi.json')).body;
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/dealers',
        '/v1/dealers/{id}',
        '/v1/dealers/{id}/territories',
        '/v1/dealers/{id}/tier',
        '/v1/dealers/{id}/payment-terms',
        '/v1/dealers/{id}/suspend',
        '/v1/dealers/{id}/reinstate',
        '/v1/dealers/{id}/credit-limit',
        '/v1/dealers/{id}/credit',
        '/v1/dealers/{id}/ledger',
        '/v1/dealers/{id}/payments',
        '/v1/dealers/{id}/credit-notes',
      ]),
    );
    expect(document.paths['/v1/dealers/{id}/ledger'].get.parameters.map((parameter: any) => parameter.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'limit', 'cursor', 'minPosition']),
    );
  });

  it("prices the catalog at the dealer's tier, for the dealer and for staff naming it", async () => {
    const product = await app.request('POST', '/v1/products', {
      token: ops,
      body: { sku: 'TIER-TEA', name: 'Tier Tea', brand: 'Jade', category: 'beverages', unit: 'case', basePriceMinor: 1000 },
    });
    expect(product.status).toBe(201);
    await app.request('PUT', '/v1/products/TIER-TEA/prices', { token: ops, body: { tiers: { gold: 900, silver: 950 } } });
    const registered = await app.request('POST', '/v1/dealers', { token: ops, body: dealer('DL-GOLD') });
    const gold = app.token('dealer', 'DL-GOLD');

    const seen = await app.request('GET', `/v1/products/TIER-TEA?minPosition=${registered.body.position}`, { token: gold });
    expect(seen.body).toMatchObject({ priceMinor: 900, priceBasis: 'tier' });
    const listed = await app.request('GET', '/v1/products?q=TIER-TEA', { token: gold });
    expect(listed.body.items[0]).toMatchObject({ sku: 'TIER-TEA', priceMinor: 900 });
    const asStaff = await app.request('GET', '/v1/products/TIER-TEA?dealerId=DL-GOLD', { token: ops });
    expect(asStaff.body).toMatchObject({ priceMinor: 900, priceBasis: 'tier' });

    const demoted = await app.request('PUT', '/v1/dealers/DL-GOLD/tier', { token: ops, body: { tier: 'silver' } });
    const after = await app.request('GET', `/v1/products/TIER-TEA?minPosition=${demoted.body.position}`, { token: gold });
    expect(after.body).toMatchObject({ priceMinor: 950, priceBasis: 'tier' });
    const unknownDealer = await app.request('GET', '/v1/products/TIER-TEA', { token: app.token('dealer', 'DL-UNREGISTERED') });
    expect(unknownDealer.body).toMatchObject({ priceMinor: 1000, priceBasis: 'base' });
  });
});
