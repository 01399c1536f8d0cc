// The API platform: tokens and roles, problem details, Idempotency-Key, OpenAPI, health, metrics,
// request ids and rate limits, over the real HTTP server.
import { createHmac } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedSince, startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app.ts';
import { metricValue } from '../support/metrics.ts';

const product = (sku: string) => ({ sku, name: `Product ${sku}`, brand: 'B', category: 'c', unit: 'case', basePriceMinor: 500 });

function unsignedToken(payload: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

function hs256Token(payload: object, secret: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('API platform', () => {
  let app: TestApp;
  let ops: string;

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMIT_PER_MINUTE: '40' });
    ops = app.token('ops', undefined, 'platform-ops');
  });
  afterAll(async () => {
    await app.stop();
  });

  describe('authentication', () => {
    const now = () => Math.floor(Date.now() / 1000);

    it('refuses missing, malformed, forged, expired and alg:none tokens with 401 problem+json', async () => {
      const cases: [string, string | undefined][] = [
        ['missing', undefined],
        ['malformed', 'not-a-jwt'],
        ['forged', hs256Token({ sub: 'x', role: 'admin', exp: now() + 600 }, 'another-secret-of-enough-length-000000')],
        ['expired', hs256Token({ sub: 'x', role: 'admin', exp: now() - 600 }, TEST_JWT_SECRET)],
        ['alg none', unsignedToken({ sub: 'x', role: 'admin', exp: now() + 600 })],
        ['no exp', hs256Token({ sub: 'x', role: 'admin' }, TEST_JWT_SECRET)],
        ['unknown role', hs256Token({ sub: 'x', role: 'root', iat: now(), exp: now() + 600 }, TEST_JWT_SECRET)],
        ['dealer without dealerId', hs256Token({ sub: 'x', role: 'dealer', iat: now(), exp: now() + 600 }, TEST_JWT_SECRET)],
      ];
      for (const [label, token] of cases) {
        const response = await app.request('GET', '/v1/products', { token });
        expect(response.status, label).toBe(401);
        expect(response.headers.get('content-type'), label).toContain('application/problem+json');
        expect(response.body.status, label).toBe(401);
      }
      const valid = hs256Token({ sub: 'x', role: 'analyst', iat: now(), exp: now() + 600 }, TEST_JWT_SECRET);
      expect((await app.request('GET', '/v1/products', { token: valid })).status).toBe(200);
    });

    it('lets admin do everything and keeps projections admin-only', async () => {
      expect((await app.request('GET', '/v1/projections', { token: app.token('admin') })).status).toBe(200);
      expect((await app.request('GET', '/v1/projections', { token: ops })).status).toBe(403);
      expect((await app.request('POST', '/v1/products', { token: app.token('admin'), body: product('ADMIN-1') })).status).toBe(201);
    });
  });

  describe('problem details', () => {
    it('answers unknown routes, bad JSON and wrong media types with problem+json', async () => {
      const missing = await app.request('GET', '/v1/nothing-here', { token: ops });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      const badJson = await app.request('POST', '/v1/products', {
        token: ops,
        raw: '{"sku": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(badJson.status).toBe(400);
      expect(badJson.body.type).toMatch(/^https:\/\//);
      const xml = await app.request('POST', '/v1/products', { token: ops, raw: '<p/>', headers: { 'content-type': 'application/xml' } });
      expect(xml.status).toBe(415);
    });

    it('refuses prototype-poisoning keys instead of dropping them', async () => {
      const poisoned = await app.request('POST', '/v1/products', {
        token: ops,
        raw: '{"sku":"PP-1","name":"n","brand":"b","category":"c","unit":"u","basePriceMinor":1,"__proto__":{"admin":true}}',
        headers: { 'content-type': 'application/json' },
      });
      expect(poisoned.status).toBe(400);
    });

    it('rejects a body over the size limit with 413', async () => {
      const huge = await app.request('POST', '/v1/products', { token: ops, body: { ...product('BIG-1'), name: 'x'.repeat(2_000_000) } });
      expect(huge.status).toBe(413);
      expect(huge.headers.get('content-type')).toContain('application/problem+json');
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for the same key and body, and creates one product', async () => {
      const headers = { 'idempotency-key': 'create-IDEM-1' };
      const first = await app.request('POST', '/v1/products', { token: ops, headers, body: product('IDEM-1') });
      const again = await app.request('POST', '/v1/products', { token: ops, headers, body: product('IDEM-1') });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const history = await app.request('GET', '/v1/products/IDEM-1/history', { token: ops });
      expect(history.body.items).toHaveLength(1);
    });

    it('refuses the same key with a different body with 422, writing nothing', async () => {
      const headers = { 'idempotency-key': 'create-IDEM-2' };
      await app.request('POST', '/v1/products', { token: ops, headers, body: product('IDEM-2') });
      const before = await app.running.infrastructure.store.headPosition();
      const other = await app.request('POST', '/v1/products', { token: ops, headers, body: product('IDEM-3') });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('idempotency_key_reused');
      expect(await appendedSince(app, before)).toEqual([]);
    });

    it('makes at most one product when the same key races', async () => {
      const headers = { 'idempotency-key': 'race-IDEM-4' };
      const responses = await Promise.all(
        Array.from({ length: 12 }, () => app.request('POST', '/v1/products', { token: ops, headers, body: product('IDEM-4') })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(12).fill(201));
      expect(new Set(responses.map((response) => response.body.position)).size).toBe(1);
      const history = await app.request('GET', '/v1/products/IDEM-4/history', { token: ops });
      expect(history.body.items).toHaveLength(1);
    });

    it('scopes keys per caller', async () => {
      const headers = { 'idempotency-key': 'shared-key' };
      const mine = await app.request('POST', '/v1/products', { token: ops, headers, body: product('IDEM-5') });
      const theirs = await app.request('POST', '/v1/products', {
        token: app.token('ops', undefined, 'someone-else'),
        headers,
        body: product('IDEM-6'),
      });
      expect(mine.status).toBe(201);
      expect(theirs.status).toBe(201);
    });
  });

  describe('read your writes', () => {
    it('answers 503 with Retry-After when read models cannot reach minPosition in time', async () => {
      const response = await app.request('GET', '/v1/products?minPosition=999999999', { token: ops, allowBehind: true });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      const invalid = await app.request('GET', '/v1/products?minPosition=abc', { token: ops });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors[0].path).toBe('query.minPosition');
    }, 20_000);
  });

  describe('operations endpoints', () => {
    it('serves liveness, readiness and Prometheus metrics without a token', async () => {
      expect((await app.request('GET', '/health/live')).body).toEqual({ status: 'ok' });
      const ready = await app.request('GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toMatchObject({ database: true, eventStore: true });
      const metrics = await app.request('GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('dealerline_http_request_duration_seconds');
    });

    it('counts the commands the domain refuses by their code, and not bad input', async () => {
      const refused = () => metricValue(app.url, 'dealerline_commands_refused_total', { code: 'dealer_not_found' });
      const before = await refused();
      const total = () => metricValue(app.url, 'dealerline_commands_refused_total');
      const totalBefore = await total();
      const suspend = await app.request('POST', '/v1/dealers/D-NOWHERE/suspend', { token: app.token('ops'), body: {} });
      expect(suspend.status, suspend.text).toBe(404);
      expect(suspend.body.code).toBe('dealer_not_found');
      expect(await refused()).toBe(before + 1);
      const invalid = await app.request('POST', '/v1/dealers/D-NOWHERE/suspend', { token: app.token('ops'), body: { reason: 7 } });
      expect(invalid.status).toBe(400);
      expect(await total()).toBe(totalBefore + 1);
    });

    it('echoes a request id, or makes one', async () => {
      const given = await app.request('GET', '/health/live', { headers: { 'x-request-id': 'trace-abc-123' } });
      expect(given.headers.get('x-request-id')).toBe('trace-abc-123');
      const made = await app.request('GET', '/health/live');
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('serves an OpenAPI 3.1 document that an independent validator accepts, with roles on every route', async () => {
      const document = (await app.request('GET', '/openapi.json')).body;
      const validator = new Validator();
      const result = await validator.validate(document);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(document.openapi).toBe('3.1.0');
      for (const [path, operations] of Object.entries<any>(document.paths)) {
        for (const [method, operation] of Object.entries<any>(operations)) {
          expect(operation.description, `${method} ${path}`).toMatch(/Roles: |Public\./);
        }
      }
      expect(document.paths['/v1/products'].get.parameters.map((parameter: any) => parameter.name)).toContain('minPosition');
      expect((await app.request('GET', '/docs')).status).toBe(200);
    });
  });

  describe('rate limiting', () => {
    it('limits each dealer separately and answers 429 problem+json', async () => {
      const noisy = app.token('dealer', 'D-NOISY');
      const statuses: number[] = [];
      for (let i = 0; i < 45; i++) statuses.push((await app.request('GET', '/v1/products?limit=1', { token: noisy })).status);
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
      const limited = await app.request('GET', '/v1/products?limit=1', { token: noisy });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toContain('application/problem+json');
      const quiet = await app.request('GET', '/v1/products?limit=1', { token: app.token('dealer', 'D-QUIET') });
      expect(quiet.status).toBe(200);
    });
  });
});
