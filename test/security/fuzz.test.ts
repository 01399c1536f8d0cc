// Bad input on every route the app serves: fast-check sends malformed, oversized, wrongly typed
// and hostile bodies, path and query parameters. Every refusal is a 4xx problem (400s list their
// fields), nothing is ever a 5xx, and a refused command writes nothing.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/api/auth.ts';
import { demoGtin } from '../../src/demo/data.ts';
import { startTestApp, type ApiResponse, type TestApp } from '../support/app.ts';
import { bodyFields, bodySchema, COMMAND_METHODS, fillPath, queryParameters, servedRoutes, type ServedRoute } from '../support/routes.ts';

const COMMAND_RUNS = 40;
const READ_RUNS = 15;

const WEBHOOK_SECRETS: Record<string, string> = {
  '/v1/webhooks/payments': 'fuzz-payment-webhook-secret-0123',
  '/v1/webhooks/logistics': 'fuzz-logistics-webhook-secret-0123',
};

const app: TestApp = await startTestApp({
  PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRETS['/v1/webhooks/payments']!,
  LOGISTICS_WEBHOOK_SECRET: WEBHOOK_SECRETS['/v1/webhooks/logistics']!,
  RATE_LIMIT_PER_MINUTE: '1000000',
});
const routes = await servedRoutes(app);
const document = (await app.request('GET', '/openapi.json')).body;
const head = () => app.running.infrastructure.store.headPosition();

afterAll(async () => {
  await app.stop();
});

// ---- what is sent --------------------------------------------------------------------------

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString();

/** Valid bodies to break one field at a time; a route without one is fuzzed from its schema's field names. */
const SAMPLES: Record<string, unknown> = {
  'POST /v1/products': { sku: 'FZ-NEW', name: 'Fuzz Tea', brand: 'Fz', category: 'tea', unit: 'case', basePriceMinor: 100 },
  'PATCH /v1/products/{}': { name: 'Fuzz Tea Renamed' },
  'PUT /v1/products/{}/prices': { tiers: { gold: 90 }, dealers: { 'D-FZ': 80 } },
  'POST /v1/dealers': { id: 'D-FZ-NEW', name: 'Fuzz Two', tier: 'gold', territories: ['CN-31'], creditLimitMinor: 1_000 },
  'PUT /v1/dealers/{}/territories': { territories: ['CN-31'] },
  'PUT /v1/dealers/{}/tier': { tier: 'gold' },
  'PUT /v1/dealers/{}/credit-limit': { limitMinor: 100_000 },
  'PUT /v1/dealers/{}/payment-terms': { paymentTermsDays: 30, prepay: false },
  'POST /v1/dealers/{}/suspend': { reason: 'fuzzing' },
  'POST /v1/dealers/{}/payments': { amountMinor: 1, reference: 'FZ-PAY-1' },
  'POST /v1/dealers/{}/credit-notes': { amountMinor: 1, reason: 'fuzzing' },
  'POST /v1/warehouses': { id: 'WH-FZ-NEW', name: 'Fuzz', regionCode: 'CN-31' },
  'POST /v1/stock/receipts': {
    sku: 'FZ-1',
    warehouseId: 'WH-FZ',
    lot: 'LOT-FZ',
    productionDate: '2026-01-01',
    expiryDate: '2099-12-31',
    qty: 1,
  },
  'POST /v1/stock/adjustments': { sku: 'FZ-1', warehouseId: 'WH-FZ', lot: 'LOT-FZ', delta: -1, reason: 'count' },
  'POST /v1/stock/transfers': { sku: 'FZ-1', fromWarehouseId: 'WH-FZ', toWarehouseId: 'WH-FZ-2', lot: 'LOT-FZ', qty: 1 },
  'POST /v1/stock/write-offs': { sku: 'FZ-1', warehouseId: 'WH-FZ' },
  'POST /v1/promotions': {
    id: 'PROMO-FZ-NEW',
    title: 'Fuzz',
    kind: 'percent_off',
    rule: { percent: 5 },
    startsAt: day(-1),
    endsAt: day(9),
  },
  'POST /v1/promotions/{}/end': { reason: 'fuzzing' },
  'POST /v1/quotes': { lines: [{ sku: 'FZ-1', qty: 1 }], regionCode: 'CN-31' },
  'POST /v1/orders': { lines: [{ sku: 'FZ-1', qty: 1 }], regionCode: 'CN-31', note: 'fuzz' },
  'POST /v1/orders/{}/reorder': { regionCode: 'CN-31' },
  'POST /v1/orders/{}/approve': { note: 'fuzz' },
  'POST /v1/orders/{}/reject': { reason: 'fuzz' },
  'POST /v1/orders/{}/cancel': { reason: 'fuzz' },
  'POST /v1/subscriptions': { url: 'https://127.0.0.1/fuzz-hook', events: ['order.approved'] },
  'POST /v1/webhooks/payments': { id: 'FZ-MSG-1', type: 'payment.received', data: { dealerId: 'D-FZ', amountMinor: 1 } },
  'POST /v1/webhooks/logistics': { id: 'FZ-MSG-2', type: 'shipment.delivered', data: { trackingNumber: 'T-1' } },
};

/** What a path parameter names when it should name something that exists (by the path it is in). */
const fixtures: [prefix: string, value: string][] = [
  ['/v1/products/by-gtin/', demoGtin(4242)],
  ['/v1/products/', 'FZ-1'],
  ['/v1/dealers/', 'D-FZ'],
  ['/v1/promotions/', 'PROMO-FZ'],
  // Never a real projection: a rebuild is not what this test is about.
  ['/v1/projections/', 'no-such-projection'],
  ['/v1/integrations/dead-letters/', '1'],
];
const fixtureFor = (route: ServedRoute) => fixtures.find(([prefix]) => route.path.startsWith(prefix))?.[1] ?? 'FZ-UNKNOWN';

/** Parameters that make the server wait by design (read-your-writes, long polling). */
const SLOW_QUERY = ['minPosition', 'waitSeconds'];

const SQL_INJECTION = [
  "'; DROP TABLE events; --",
  "' OR 1=1 --",
  "1' OR '1'='1",
  '"; DROP SCHEMA public CASCADE; --',
  '1; SELECT pg_sleep(5); --',
  "' UNION SELECT usename, passwd FROM pg_shadow --",
  '$$; DELETE FROM idempotency_keys; $$',
  "\\'; TRUNCATE catalog.products; --",
];
const JSON_INJECTION = [
  '{"role":"admin"}',
  '","role":"admin',
  '\\"}',
  '{"$ne":null}',
  '{"$gt":""}',
  '[object Object]',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
];
const UNICODE = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eevil',
  '\ufeff',
  '𝓤𝓷𝓲𝓬𝓸𝓭𝓮',
  '🧨'.repeat(40),
  'e\u0301',
  '\u2028\u2029',
  'ＦＺ－１',
  'İı',
  '\u0085',
  '\t\r\n',
];
const NUMBER_STRINGS = ['1e309', '-1e309', '-0', 'NaN', 'Infinity', '0x10', '1_000', '9007199254740993', '', ' ', '1.0', '01'];
const PATHS = [
  '../../etc/passwd',
  '..\\..\\windows',
  '%00',
  '%2e%2e%2f',
  'file:///etc/passwd',
  'http://169.254.169.254/',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
];
const HOSTILE_STRINGS = [...SQL_INJECTION, ...JSON_INJECTION, ...UNICODE, ...NUMBER_STRINGS, ...PATHS];

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(-1, 0, 0.5, 1e21, 2 ** 53 + 1, -(2 ** 53) - 1, 1e308, -1e308, Number.MIN_VALUE, 2 ** 31, true, false, null),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(10_000), 'ß'.repeat(200_000), ['x'.repeat(1_000)]) },
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 3_000 }).map(nested) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 10_000 }, () => 1)) },
);

type Body = { raw: string; contentType: string };

/** A body that prints shortened in fast-check's counterexamples. */
function body(raw: string, contentType: string): Body {
  return {
    raw,
    contentType,
    [fc.toStringMethod]: () => `${contentType} ${raw.length > 300 ? `${raw.slice(0, 300)}… (${raw.length} chars)` : raw}`,
  } as Body;
}

const json = (value: unknown): Body => body(JSON.stringify(value) ?? 'null', 'application/json');

const RAW_BODIES: Body[] = [
  ...[
    '',
    '{',
    '{"a":',
    'null',
    '[]',
    '"x"',
    '0',
    '1e309',
    '{"amountMinor":1e309,"qty":1e309}',
    '{"qty":-0,"amountMinor":-0}',
    '{"a":NaN}',
    "{'a':1}",
    '{"a":1,"a":2}',
    '\ufeff{}',
    '{"__proto__":{"role":"admin"}}',
    '{"constructor":{"prototype":{"role":"admin"}}}',
    '{"a":"\\u0000"}',
    '{"name":"\\ud800"}',
    '{"a":"\\uZZZZ"}',
    '['.repeat(100_000) + ']'.repeat(100_000),
    '{"a":'.repeat(40_000) + '1' + '}'.repeat(40_000),
  ].map((raw) => body(raw, 'application/json')),
  body('a=1&b=2', 'application/x-www-form-urlencoded'),
  body('sku,qty\nFZ-1,1', 'text/csv'),
  body('sku,qty\n\'; DROP TABLE events; --,1\nFZ-1,1e309\nFZ-1,-0\n"unterminated', 'text/csv'),
  body('sku,qty\n' + 'FZ-1,1\n'.repeat(20_000), 'text/csv'),
  body('<x/>', 'application/xml'),
  body('{}', 'application/json; charset=utf-16'),
  body('{}', 'text/plain'),
  body('--x\r\n\r\n--x--', 'multipart/form-data; boundary=x'),
];

/** The route's sample (or its schema's fields) with one to three fields given hostile values, maybe plus a hostile key. */
function brokenBody(route: ServedRoute): fc.Arbitrary<Body> {
  const sample = (SAMPLES[route.key] ?? {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(sample), ...bodyFields(route, document)])];
  if (fields.length === 0) return fc.constant(json(sample));
  return fc
    .tuple(
      fc.shuffledSubarray(fields, { minLength: 1, maxLength: Math.min(3, fields.length) }),
      fc.array(hostileValue, { minLength: 3, maxLength: 3 }),
      fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', ''), hostileValue)),
    )
    .map(([chosen, values, extra]) =>
      // Object.fromEntries makes `__proto__` an own key, so JSON.stringify sends it.
      json(
        Object.fromEntries([
          ...Object.entries(sample),
          ...chosen.map((field, i) => [field, values[i]] as const),
          ...(extra ? [extra] : []),
        ]),
      ),
    );
}

/** CSV for a route that takes text (the order import): bad headers, quoting, SKUs and quantities. */
const csvBody: fc.Arbitrary<Body> = fc
  .tuple(
    fc.constantFrom('sku,qty', 'SKU,QTY', 'qty,sku', 'sku;qty', 'sku', '', '\ufeffsku,qty', 'sku,qty,sku'),
    fc.array(
      fc.tuple(
        fc.oneof(fc.constant('FZ-1'), fc.constantFrom(...HOSTILE_STRINGS)),
        fc.oneof(fc.constantFrom('1', '0', '-1', '1.5', '1e309', '-0', 'NaN', '99999999999', ''), fc.constantFrom(...HOSTILE_STRINGS)),
      ),
      { maxLength: 6 },
    ),
    fc.constantFrom('\n', '\r\n', '\r'),
  )
  .map(([header, lines, newline]) => body([header, ...lines.map(([sku, qty]) => `${sku},${qty}`)].join(newline), 'text/csv'));

const bodyFor = (route: ServedRoute): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 4, arbitrary: bodySchema(route, document)?.type === 'string' ? csvBody : brokenBody(route) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    { weight: 1, arbitrary: hostileValue.map(json) },
  );

/** UTF-8 percent-encoding that, unlike encodeURIComponent, also takes lone surrogates. */
const percentEncode = (value: string) =>
  [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9._~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

const HOSTILE_PATH = [
  ...HOSTILE_STRINGS,
  'x'.repeat(101),
  'x'.repeat(3_000),
  'a/b',
  'a?b',
  'a#b',
  ';',
  ':id',
  '{id}',
  '-1',
  '0',
  'null',
  'undefined',
  '..',
  '.',
];
/** Already encoded, or deliberately mis-encoded. */
const RAW_PATH = ['%ZZ', '%', '%2', '..%2F..%2F', '%2e%2e', '%C0%AE%C0%AE', '%ED%A0%80', '%FF%FE', '%00', '%0A%0D'];

const pathValue = (route: ServedRoute): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(percentEncode(fixtureFor(route))) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_PATH).map(percentEncode) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(percentEncode) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH) },
  );

function queryFor(route: ServedRoute): fc.Arbitrary<string> {
  const known = queryParameters(route).filter((name) => !SLOW_QUERY.includes(name));
  const key = fc.constantFrom(...known, '__proto__', 'constructor', 'a[b]', 'dealerId', 'limit', 'cursor', '');
  const value = fc.oneof(
    fc.constantFrom(...HOSTILE_STRINGS, 'x'.repeat(5_000)).map(percentEncode),
    fc.string({ unit: 'binary', maxLength: 20 }).map(percentEncode),
    fc.constantFrom('%ZZ', '%', '%FF', '', '1', '-1', '501', 'true', 'false'),
  );
  return fc
    .array(fc.tuple(key, value), { maxLength: 4 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${percentEncode(k)}=${v}`).join('&')}` : ''));
}

const headersFor = (route: ServedRoute): fc.Arbitrary<Record<string, string>> =>
  fc
    .record(
      {
        'idempotency-key': fc.constantFrom("' OR 1=1 --", 'k'.repeat(300), 'has space', '../x', '%00', 'FZ-KEY-1'),
        'if-match': fc.constantFrom('"abc"', '*', 'W/"1"', '"99999999999"', '-1', '"0"'),
        'x-correlation-id': fc.constantFrom("'; DROP TABLE events; --", 'c'.repeat(500)),
      },
      { requiredKeys: [] },
    )
    .map((headers) => (route.method === 'PATCH' ? headers : { ...headers, 'if-match': undefined }) as Record<string, string>);

type Attempt = { path: string; query: string; headers: Record<string, string>; body: Body | undefined };

function attemptsFor(route: ServedRoute): fc.Arbitrary<Attempt> {
  const params = fc.tuple(...route.params.map(() => pathValue(route)));
  const command = COMMAND_METHODS.includes(route.method);
  return fc.record({
    path: params.map((values) => {
      let index = 0;
      return fillPath(route, () => values[index++]!, true);
    }),
    query: queryFor(route),
    headers: command ? headersFor(route) : fc.constant({}),
    body: command ? bodyFor(route) : fc.constant(undefined),
  });
}

// ---- who sends it, and what must come back ---------------------------------------------------

/** A role the route lets in (a dealer token is dealer D-FZ's), or none for a public route. */
function tokenFor(route: ServedRoute): string | undefined {
  if (route.declared === 'public') return undefined;
  const role: Role = route.declared?.[0] ?? 'admin';
  return app.token(role, role === 'dealer' ? 'D-FZ' : undefined, `fuzz-${role}`);
}

function signed(route: ServedRoute, attempt: Attempt): Record<string, string> {
  const secret = WEBHOOK_SECRETS[route.path];
  if (!secret || !attempt.body) return attempt.headers;
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${attempt.body.raw}`).digest('hex');
  return { ...attempt.headers, 'x-signature': `t=${t},v1=${v1}` };
}

function send(route: ServedRoute, attempt: Attempt): Promise<ApiResponse> {
  const headers = Object.fromEntries(Object.entries(signed(route, attempt)).filter(([, value]) => value !== undefined));
  if (attempt.body) headers['content-type'] = attempt.body.contentType;
  return app.request(route.method, `${attempt.path}${attempt.query}`, { token: tokenFor(route), headers, raw: attempt.body?.raw });
}

const described = (attempt: Attempt, response: ApiResponse) =>
  `${response.status} ${response.text.slice(0, 300)} for ${attempt.path.slice(0, 200)}${attempt.query.slice(0, 200)} ${attempt.body?.contentType ?? ''} ${attempt.body?.raw.slice(0, 200) ?? ''}`;

/** The contract for any answer to bad input; `accepted` counts the inputs that happened to be valid. */
async function expectRefusedCleanly(route: ServedRoute, attempt: Attempt, tally: { accepted: number }): Promise<void> {
  const before = await head();
  const response = await send(route, attempt);
  const what = described(attempt, response);
  expect(response.status, what).toBeLessThan(500);
  if (response.status < 400) {
    tally.accepted++;
    return;
  }
  expect(response.headers.get('content-type'), what).toContain('application/problem+json');
  expect(response.body.status, what).toBe(response.status);
  expect(response.body.type, what).toMatch(/^https:\/\//);
  if (response.status === 400) expect(response.body.errors?.length ?? 0, what).toBeGreaterThan(0);
  expect(await head(), `a refused request wrote events: ${what}`).toBe(before);
}

beforeAll(async () => {
  const ops = app.token('ops');
  const steps: [string, string, unknown, string?][] = [
    ['POST', '/v1/dealers', { id: 'D-FZ', name: 'Fuzz Dealer', tier: 'gold', territories: ['CN-31'], creditLimitMinor: 10_000_000 }],
    [
      'POST',
      '/v1/products',
      { sku: 'FZ-1', gtin: demoGtin(4242), name: 'Fuzz Tea', brand: 'Fz', category: 'tea', unit: 'case', basePriceMinor: 100 },
    ],
    ['POST', '/v1/warehouses', { id: 'WH-FZ', name: 'Fuzz', regionCode: 'CN-31' }],
    ['POST', '/v1/warehouses', { id: 'WH-FZ-2', name: 'Fuzz 2', regionCode: 'CN-31' }],
    [
      'POST',
      '/v1/stock/receipts',
      { sku: 'FZ-1', warehouseId: 'WH-FZ', lot: 'LOT-FZ', productionDate: '2026-01-01', expiryDate: '2099-12-31', qty: 1_000 },
    ],
    [
      'POST',
      '/v1/promotions',
      { id: 'PROMO-FZ', title: 'Fuzz', kind: 'percent_off', rule: { percent: 5 }, startsAt: day(-1), endsAt: day(30) },
    ],
  ];
  for (const [method, path, body] of steps) {
    const response = await app.request(method, path, { token: ops, body });
    expect(response.status, `${path}: ${response.text}`).toBeLessThan(300);
  }
  if (routes.some((route) => route.key === 'POST /v1/orders')) {
    const placed = await app.request('POST', '/v1/orders', { token: app.token('dealer', 'D-FZ'), body: SAMPLES['POST /v1/orders'] });
    expect(placed.status, placed.text).toBe(201);
    fixtures.unshift(['/v1/orders/', placed.body.id as string]);
  }
});

describe('bad input on every command route: a 4xx problem, never a 5xx, nothing written', () => {
  for (const route of routes.filter((candidate) => COMMAND_METHODS.includes(candidate.method))) {
    it(route.key, async () => {
      const tally = { accepted: 0 };
      await fc.assert(
        fc.asyncProperty(attemptsFor(route), (attempt) => expectRefusedCleanly(route, attempt, tally)),
        { numRuns: COMMAND_RUNS },
      );
      // Nearly all of it must be refused, or the generators have stopped producing bad input
      // (a route that takes no body fields accepts whatever body it is sent).
      const takesFields = SAMPLES[route.key] !== undefined || bodyFields(route, document).length > 0;
      if (takesFields) expect(tally.accepted).toBeLessThan(COMMAND_RUNS / 2);
    });
  }
});

describe('bad path and query parameters on every read route: a 4xx problem or an answer, never a 5xx', () => {
  for (const route of routes.filter((candidate) => candidate.method === 'GET')) {
    it(route.key, async () => {
      await fc.assert(
        fc.asyncProperty(attemptsFor(route), (attempt) => expectRefusedCleanly(route, attempt, { accepted: 0 })),
        { numRuns: READ_RUNS },
      );
    });
  }
});

describe('what fuzzing found, pinned', () => {
  const ops = () => app.token('ops');
  const product = (sku: string, extra: Record<string, unknown> = {}) => ({
    sku,
    name: 'Pinned',
    brand: 'Fz',
    category: 'tea',
    unit: 'case',
    basePriceMinor: 100,
    ...extra,
  });

  async function expectInvalid(response: ApiResponse, path: string): Promise<void> {
    expect(response.status, response.text).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
  }

  it('refuses NUL characters and unpaired surrogates with a 400 naming the field (they were 500s from Postgres)', async () => {
    const before = await head();
    await expectInvalid(
      await app.request('POST', '/v1/products', { token: ops(), body: product('PIN-NUL', { name: 'a\u0000b' }) }),
      'body.name',
    );
    await expectInvalid(
      await app.request('POST', '/v1/products', { token: ops(), body: product('PIN-SUR', { brand: 'x\ud800' }) }),
      'body.brand',
    );
    await expectInvalid(
      await app.request('POST', '/v1/dealers/D-FZ/payments', {
        token: app.token('finance'),
        body: { amountMinor: 1, reference: 'r\u0000' },
      }),
      'body.reference',
    );
    await expectInvalid(await app.request('GET', '/v1/products?q=%00', { token: ops() }), 'query.q');
    const raw = JSON.stringify({ id: 'PIN-NUL\u0000', type: 'payment.received', data: {} });
    await expectInvalid(
      await send(
        routes.find((route) => route.key === 'POST /v1/webhooks/payments')!,
        { path: '/v1/webhooks/payments', query: '', headers: {}, body: json(JSON.parse(raw)) },
      ),
      'body.id',
    );
    expect(await head()).toBe(before);
  });

  it('refuses JSON nested deeper than any command needs, also in a signed webhook (a 500 before)', async () => {
    const webhook = routes.find((route) => route.key === 'POST /v1/webhooks/payments')!;
    const deep = body(
      `{"id":"PIN-DEEP","type":"payment.received","data":{"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`,
      'application/json',
    );
    const response = await send(webhook, { path: '/v1/webhooks/payments', query: '', headers: {}, body: deep });
    expect(response.status, response.text).toBe(400);
    expect(response.body.errors[0].message).toMatch(/nested more than \d+ levels/);
    const shallow = await send(webhook, {
      path: '/v1/webhooks/payments',
      query: '',
      headers: {},
      body: json({ id: 'PIN-SHALLOW', type: 'payment.received', data: { x: nested(10) } }),
    });
    expect(shallow.status, shallow.text).toBe(202);
  });

  it('answers bad percent-encoding and over-long path parameters with problems (they were plain fastify JSON)', async () => {
    const badUrl = await app.request('GET', '/v1/products/%ZZ', { token: ops() });
    expect(badUrl.status).toBe(400);
    expect(badUrl.headers.get('content-type')).toContain('application/problem+json');
    expect(badUrl.body).toMatchObject({ code: 'invalid_url', errors: [{ path: 'url' }] });
    const long = await app.request('GET', `/v1/products/${'x'.repeat(500)}`, { token: ops() });
    expect(long.status).toBe(414);
    expect(long.headers.get('content-type')).toContain('application/problem+json');
  });

  it('names the body in errors when it is empty, not JSON, or carries __proto__ (400s without errors before)', async () => {
    const json = { 'content-type': 'application/json' };
    await expectInvalid(await app.request('POST', '/v1/products', { token: ops(), raw: '', headers: json }), 'body');
    await expectInvalid(await app.request('POST', '/v1/products', { token: ops(), raw: '{"sku":', headers: json }), 'body');
    await expectInvalid(await app.request('POST', '/v1/products', { token: ops(), raw: '{"__proto__":{"x":1}}', headers: json }), 'body');
  });
});

describe('refusals that still write events (compensations after a first step succeeded)', () => {
  // API.md: "A refused or invalid request writes nothing." These commands write a first stream,
  // then undo it when the second refuses: the answer is a 4xx, and the undo is in the history.
  it('a product refused as a duplicate writes nothing, even when it names a new GTIN', async () => {
    const before = await head();
    const duplicate = await app.request('POST', '/v1/products', {
      token: app.token('ops'),
      body: { sku: 'FZ-1', gtin: demoGtin(4343), name: 'Again', brand: 'Fz', category: 'tea', unit: 'case', basePriceMinor: 100 },
    });
    expect(duplicate.status).toBe(409);
    expect(await head()).toBe(before);
  });

  it('a transfer the destination refuses (lot_mismatch) writes nothing', async () => {
    const ops = app.token('ops');
    for (const [warehouseId, expiryDate] of [
      ['WH-FZ', '2099-12-31'],
      ['WH-FZ-2', '2098-12-31'],
    ] as const) {
      const received = await app.request('POST', '/v1/stock/receipts', {
        token: ops,
        body: { sku: 'FZ-1', warehouseId, lot: 'LOT-CLASH', productionDate: '2026-01-01', expiryDate, qty: 5 },
      });
      expect(received.status, received.text).toBe(201);
    }
    const before = await head();
    const transfer = await app.request('POST', '/v1/stock/transfers', {
      token: ops,
      body: { sku: 'FZ-1', fromWarehouseId: 'WH-FZ', toWarehouseId: 'WH-FZ-2', lot: 'LOT-CLASH', qty: 1 },
    });
    expect(transfer.status, transfer.text).toBe(422);
    expect(await head()).toBe(before);
  });
});
