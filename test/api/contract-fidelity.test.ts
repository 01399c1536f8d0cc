// The served OpenAPI document against the contract in API.md: every path, method, status code,
// field, query parameter and header API.md names is there, spelled as API.md spells it; and the
// document passes independent validators and the checks strict OpenAPI linters make.
import SwaggerParser from '@apidevtools/swagger-parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedSince, startTestApp, type TestApp } from '../support/app.ts';

let app: TestApp;
let document: any;

beforeAll(async () => {
  app = await startTestApp();
  document = (await app.request('GET', '/openapi.json')).body;
});

afterAll(async () => {
  await app?.stop();
});

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

function operations(): { method: string; path: string; operation: any }[] {
  return Object.entries<any>(document.paths).flatMap(([path, byMethod]) =>
    Object.entries<any>(byMethod)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ method, path, operation })),
  );
}

function operation(key: string): any {
  const [method, path] = key.split(' ') as [string, string];
  const found = document.paths[path]?.[method.toLowerCase()];
  if (!found) throw new Error(`${key} is not in the OpenAPI document`);
  return found;
}

function resolve(schema: any): any {
  const ref = typeof schema?.$ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1] : undefined;
  return ref ? resolve(document.components.schemas[ref]) : schema;
}

/** The object variants of a schema (itself, or each of its anyOf / oneOf members). */
function objects(schema: any): any[] {
  const resolved = resolve(schema);
  const members = resolved?.anyOf ?? resolved?.oneOf;
  return members ? members.flatMap(objects) : resolved?.type === 'object' || resolved?.properties ? [resolved] : [];
}

/** The fields of an object schema: `name` when required, `name?` when optional (the union over variants). */
function fields(schema: any): string[] {
  const names = new Set<string>();
  for (const variant of objects(schema)) {
    const required = new Set<string>(variant.required ?? []);
    for (const name of Object.keys(variant.properties ?? {})) names.add(required.has(name) ? name : `${name}?`);
  }
  return [...names].sort();
}

const property = (schema: any, name: string) => resolve(objects(schema).find((variant) => variant.properties?.[name])?.properties[name]);
const body = (key: string) => operation(key).requestBody?.content?.['application/json']?.schema;
const response = (key: string, status: number) => operation(key).responses[status]?.content?.['application/json']?.schema;
const parameters = (key: string, where: string) =>
  (operation(key).parameters ?? []).filter((parameter: any) => parameter.in === where).map((parameter: any) => parameter.name);

/** Every route API.md names, with the success status it fixes (or the one agreed where it names none). */
const CONTRACT: Record<string, number> = {
  'GET /health/live': 200,
  'GET /health/ready': 200,
  'GET /metrics': 200,

  'POST /v1/products': 201,
  'PATCH /v1/products/{sku}': 200,
  'PUT /v1/products/{sku}/prices': 200,
  'GET /v1/products': 200,
  'GET /v1/products/{sku}': 200,
  'GET /v1/products/by-gtin/{gtin}': 200,
  'GET /v1/products/{sku}/history': 200,

  'POST /v1/dealers': 201,
  'PUT /v1/dealers/{id}/territories': 200,
  'PUT /v1/dealers/{id}/credit-limit': 200,
  'PUT /v1/dealers/{id}/tier': 200,
  'POST /v1/dealers/{id}/suspend': 200,
  'POST /v1/dealers/{id}/reinstate': 200,
  'GET /v1/dealers/{id}': 200,
  'GET /v1/dealers/{id}/credit': 200,
  'GET /v1/dealers/{id}/ledger': 200,
  'POST /v1/dealers/{id}/payments': 201,

  'POST /v1/warehouses': 201,
  'POST /v1/stock/receipts': 201,
  'POST /v1/stock/adjustments': 201,
  'POST /v1/stock/transfers': 201,
  'GET /v1/stock': 200,
  'GET /v1/stock/expiring': 200,
  'GET /v1/stock/low': 200,

  'POST /v1/promotions': 201,
  'GET /v1/promotions': 200,
  'POST /v1/promotions/{id}/end': 200,

  'POST /v1/quotes': 200,
  'POST /v1/orders': 201,
  'POST /v1/orders/import': 201,
  'POST /v1/orders/{id}/reorder': 201,
  'GET /v1/orders': 200,
  'GET /v1/orders/{id}': 200,
  'GET /v1/orders/{id}/history': 200,
  'POST /v1/orders/{id}/approve': 200,
  'POST /v1/orders/{id}/reject': 200,
  'POST /v1/orders/{id}/cancel': 200,
  'POST /v1/orders/{id}/shipments': 201,
  'POST /v1/orders/{id}/deliveries': 200,
  'POST /v1/orders/{id}/returns': 201,
  'POST /v1/orders/{id}/returns/{returnId}/approve': 200,
  'POST /v1/orders/{id}/returns/{returnId}/receive': 200,
  'POST /v1/orders/{id}/returns/{returnId}/refund': 200,

  'GET /v1/analytics/sales': 200,
  'GET /v1/analytics/bestsellers': 200,
  'GET /v1/analytics/promotions': 200,
  'GET /v1/analytics/inventory': 200,
  'GET /v1/analytics/replenishment': 200,

  'GET /v1/feed': 200,
  'POST /v1/webhooks/payments': 202,
  'POST /v1/webhooks/logistics': 202,

  'GET /v1/projections': 200,
  'POST /v1/projections/{name}/rebuild': 202,

  'POST /v1/auth/login': 200,
  'POST /v1/auth/refresh': 200,
  'POST /v1/auth/logout': 204,
  'GET /v1/me': 200,
  'POST /v1/users': 201,
  'GET /v1/users': 200,
  'GET /v1/users/{id}': 200,
  'PATCH /v1/users/{id}': 200,
  'PUT /v1/users/{id}/password': 200,

  'POST /v1/subscriptions': 201,
  'GET /v1/subscriptions': 200,
  'DELETE /v1/subscriptions/{id}': 200,
  'GET /v1/notifications': 200,
  'GET /v1/notifications/stream': 200,
  'POST /v1/notifications/{id}/read': 200,
  'GET /v1/recommendations': 200,
};

/** Commands that create: they take Idempotency-Key. */
const CREATING = [
  'POST /v1/products',
  'POST /v1/dealers',
  'POST /v1/dealers/{id}/payments',
  'POST /v1/warehouses',
  'POST /v1/stock/receipts',
  'POST /v1/stock/adjustments',
  'POST /v1/stock/transfers',
  'POST /v1/promotions',
  'POST /v1/orders',
  'POST /v1/orders/import',
  'POST /v1/orders/{id}/reorder',
  'POST /v1/orders/{id}/shipments',
  'POST /v1/orders/{id}/returns',
  'POST /v1/users',
  'POST /v1/subscriptions',
];

/** The lists API.md names: `?limit=&cursor=` in, `{ items, nextCursor }` out. */
const LISTS = [
  'GET /v1/products',
  'GET /v1/products/{sku}/history',
  'GET /v1/dealers/{id}/ledger',
  'GET /v1/stock',
  'GET /v1/stock/expiring',
  'GET /v1/stock/low',
  'GET /v1/promotions',
  'GET /v1/orders',
  'GET /v1/orders/{id}/history',
  'GET /v1/analytics/sales',
  'GET /v1/analytics/bestsellers',
  'GET /v1/analytics/promotions',
  'GET /v1/analytics/inventory',
  'GET /v1/analytics/replenishment',
  'GET /v1/users',
  'GET /v1/subscriptions',
];

describe('the document is valid for independent checkers', () => {
  it('passes the OpenAPI 3.1 schema validator and swagger-parser', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // swagger-parser dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeTruthy();
  });

  it('gives every operation a unique operationId, its tags declared, and a security decision', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.filter((id) => typeof id !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    const declared = new Set(document.tags.map((tag: any) => tag.name));
    expect(
      operations()
        .flatMap(({ operation }) => operation.tags ?? [])
        .filter((tag) => !declared.has(tag)),
    ).toEqual([]);
    expect(Object.keys(document.components.securitySchemes)).toEqual(['bearerAuth']);
    for (const { method, path, operation } of operations()) {
      const public_ = /(^|\n)Public\.$/m.test(operation.description ?? '');
      expect(operation.security, `${method} ${path}`).toEqual(public_ ? [] : [{ bearerAuth: [] }]);
    }
    expect(document.servers?.length).toBeGreaterThan(0);
  });

  it('describes every response, serves problems as application/problem+json with Retry-After where it applies', () => {
    for (const { method, path, operation } of operations()) {
      for (const [status, answer] of Object.entries<any>(operation.responses)) {
        const where = `${method} ${path} ${status}`;
        expect(answer.description, where).toMatch(/\S/);
        expect(answer.description, where).not.toBe('Default Response');
        if (Number(status) >= 400 && !(path === '/health/ready' && status === '503')) {
          expect(Object.keys(answer.content ?? {}), where).toEqual(['application/problem+json']);
          expect(answer.content['application/problem+json'].schema.$ref, where).toBe('#/components/schemas/Problem');
        }
        if (status === '429' || status === '503') expect(Object.keys(answer.headers ?? {}), where).toContain('Retry-After');
      }
    }
  });

  it('marks a request body required only where the server requires one', async () => {
    const optional = operations()
      .filter(({ operation }) => operation.requestBody?.required === false)
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(optional).toEqual(
      expect.arrayContaining([
        'POST /v1/orders/{id}/cancel',
        'POST /v1/orders/{id}/approve',
        'POST /v1/orders/{id}/reject',
        'POST /v1/promotions/{id}/end',
      ]),
    );
    expect(operation('POST /v1/orders').requestBody.required).toBe(true);
    // Sent without a body, an optional-body command gets as far as looking its order up.
    const ops = app.token('ops');
    for (const key of optional.filter((candidate) => candidate.includes('{id}'))) {
      const [method, path] = key.split(' ') as [string, string];
      const answer = await app.request(method, path.replace('{id}', 'NO-SUCH-1').replace('{returnId}', 'NO-SUCH-R'), { token: ops });
      expect(answer.status, `${key}: ${answer.text}`).not.toBe(400);
    }
  });

  it('documents the statuses the platform gives any route: 400, 414 for a path parameter, 413/415 for a body, 409/422 for an Idempotency-Key, 404 for another dealer named', async () => {
    for (const { method, path, operation } of operations()) {
      const statuses = Object.keys(operation.responses);
      const names = (where: string) =>
        (operation.parameters ?? []).filter((parameter: any) => parameter.in === where).map((parameter: any) => parameter.name);
      expect(statuses, `${method} ${path}`).toContain('400');
      if (path.includes('{')) expect(statuses, `${method} ${path}`).toContain('414');
      if (operation.requestBody || method !== 'get') expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['413', '415']));
      if (names('header').includes('idempotency-key'))
        expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['409', '422']));
      if (names('query').includes('dealerId') && /^Roles: (.*, )?dealer[,.]/m.test(operation.description))
        expect(statuses, `${method} ${path}`).toContain('404');
    }
    const dealer = app.token('dealer', 'D-SELF');
    for (const path of ['/v1/products?dealerId=D-OTHER', '/v1/promotions?dealerId=D-OTHER']) {
      expect((await app.request('GET', path, { token: dealer })).status, path).toBe(404);
    }
    const form = await app.request('POST', '/v1/warehouses', {
      token: app.token('ops'),
      raw: 'id=W',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect(Object.keys(operation('POST /v1/warehouses').responses)).toContain('415');
    // Even a route without a body or query schema refuses a malformed request with a documented 400.
    const malformed = await app.request('GET', '/health/ready?q=a%00b');
    expect(malformed.status).toBe(400);
    expect(Object.keys(operation('GET /health/ready').responses)).toContain('400');
    const long = await app.request('POST', `/v1/projections/${'x'.repeat(300)}/rebuild`, { token: app.token('admin') });
    expect(long.status).toBe(414);
    expect(Object.keys(operation('POST /v1/projections/{name}/rebuild').responses)).toContain('414');
  });

  it('has no unused components', () => {
    const text =
      JSON.stringify({ ...document, components: { ...document.components, schemas: {} } }) + JSON.stringify(document.components.schemas);
    const unused = Object.keys(document.components.schemas).filter((name) => !text.includes(`"#/components/schemas/${name}"`));
    expect(unused).toEqual([]);
  });

  it('defines the problem details of RFC 9457 with the field errors API.md names', () => {
    expect(fields({ $ref: '#/components/schemas/Problem' })).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'errors?']),
    );
    expect(fields(property({ $ref: '#/components/schemas/Problem' }, 'errors').items)).toEqual(['message', 'path']);
  });
});

describe('every route API.md names', () => {
  it('is served with its path spelled as API.md spells it, and its success status', () => {
    const missing = Object.keys(CONTRACT).filter((key) => {
      const [method, path] = key.split(' ') as [string, string];
      return !document.paths[path]?.[method.toLowerCase()];
    });
    expect(missing).toEqual([]);
    const wrong = Object.entries(CONTRACT)
      .filter(([key, status]) => !Object.keys(operation(key).responses).includes(String(status)))
      .map(([key, status]) => `${key}: expected ${status}, documents ${Object.keys(operation(key).responses).join(',')}`);
    expect(wrong).toEqual([]);
  });

  it('documents the error statuses API.md gives each kind of route', () => {
    const gaps: string[] = [];
    for (const key of Object.keys(CONTRACT)) {
      const [method, path] = key.split(' ') as [string, string];
      const statuses = Object.keys(operation(key).responses);
      const public_ = operation(key).security?.length === 0;
      const expected = [
        ...(public_ ? [] : ['401', '403', '429']),
        ...(path.startsWith('/v1/') &&
        (method !== 'GET' || LISTS.includes(key) || path.includes('{')) &&
        !path.startsWith('/v1/projections')
          ? ['400']
          : []),
        ...(path.includes('{') && !path.startsWith('/v1/webhooks') ? ['404'] : []),
        ...(path.startsWith('/v1/') && method === 'GET' ? ['503'] : []),
      ];
      for (const status of expected) if (!statuses.includes(status)) gaps.push(`${key} lacks ${status}`);
    }
    expect(gaps).toEqual([]);
    expect(Object.keys(operation('PATCH /v1/products/{sku}').responses)).toContain('409');
    for (const key of ['POST /v1/orders', 'POST /v1/orders/import', 'POST /v1/orders/{id}/reorder', 'POST /v1/orders/{id}/shipments']) {
      expect(Object.keys(operation(key).responses), key).toContain('422');
    }
    for (const key of ['POST /v1/orders/{id}/approve', 'POST /v1/orders/{id}/reject', 'POST /v1/orders/{id}/cancel']) {
      expect(Object.keys(operation(key).responses), key).toContain('409');
    }
    for (const key of ['POST /v1/webhooks/payments', 'POST /v1/webhooks/logistics'])
      expect(Object.keys(operation(key).responses), key).toContain('401');
  });

  it('accepts Idempotency-Key on every creating command, and If-Match on the product update', () => {
    expect(CREATING.filter((key) => !parameters(key, 'header').includes('idempotency-key'))).toEqual([]);
    expect(parameters('PATCH /v1/products/{sku}', 'header')).toContain('if-match');
  });

  it('answers every command with its position', () => {
    const without = Object.entries(CONTRACT)
      // Sign-in writes no event: its answers are tokens, not positions.
      .filter(
        ([key]) =>
          key.startsWith('P') &&
          !key.includes('/webhooks/') &&
          !key.includes('/projections/') &&
          !key.includes('/auth/') &&
          key !== 'POST /v1/quotes',
      )
      .filter(([key, status]) => !fields(response(key, status)).includes('position'))
      .map(([key]) => key);
    expect(without).toEqual([]);
  });

  it('takes minPosition on every GET under /v1, and pages every list with limit (default 50, max 500) and cursor', () => {
    for (const { method, path } of operations())
      if (method === 'get' && path.startsWith('/v1/')) expect(parameters(`GET ${path}`, 'query'), path).toContain('minPosition');
    for (const key of LISTS) {
      const limit = operation(key).parameters.find((parameter: any) => parameter.name === 'limit' && parameter.in === 'query');
      expect(limit?.schema, key).toMatchObject({ type: 'integer', default: 50, maximum: 500 });
      expect(parameters(key, 'query'), key).toContain('cursor');
      expect(fields(response(key, 200)), key).toEqual(expect.arrayContaining(['items', 'nextCursor']));
    }
  });

  it('takes the query parameters API.md names', () => {
    const named: Record<string, string[]> = {
      'GET /v1/products': ['q', 'category', 'brand', 'inStock'],
      'GET /v1/dealers/{id}/ledger': ['from', 'to'],
      'GET /v1/stock': ['sku', 'warehouseId'],
      'GET /v1/stock/expiring': ['tier'],
      'GET /v1/promotions': ['active'],
      'POST /v1/orders/import': ['regionCode'],
      'GET /v1/orders': ['status', 'from', 'to'],
      'GET /v1/orders/{id}': ['asOf'],
      'GET /v1/analytics/sales': ['groupBy', 'from', 'to'],
      'GET /v1/feed': ['after', 'limit', 'types', 'waitSeconds'],
      'GET /v1/notifications': ['after', 'limit', 'waitSeconds'],
    };
    for (const [key, names] of Object.entries(named)) expect(parameters(key, 'query'), key).toEqual(expect.arrayContaining(names));
    const query = (key: string, name: string) => operation(key).parameters.find((parameter: any) => parameter.name === name).schema;
    expect(query('GET /v1/stock/expiring', 'tier').enum).toEqual(expect.arrayContaining(['red', 'yellow', 'blue']));
    expect(query('GET /v1/analytics/sales', 'groupBy').enum).toEqual(
      expect.arrayContaining(['day', 'sku', 'dealer', 'region', 'category']),
    );
    expect(query('GET /v1/products', 'inStock').enum).toContain('true');
    expect(query('GET /v1/promotions', 'active').enum).toContain('true');
    expect(operation('POST /v1/orders/import').requestBody.content).toHaveProperty(['text/csv']);
  });

  it('takes the request fields API.md names, required as API.md says', () => {
    expect(fields(body('POST /v1/products'))).toEqual(
      expect.arrayContaining([
        'sku',
        'name',
        'brand',
        'category',
        'gtin?',
        'unit',
        'caseSize?',
        'shelfLifeDays?',
        'basePriceMinor',
        'currency?',
      ]),
    );
    expect(fields(body('PUT /v1/products/{sku}/prices'))).toEqual(expect.arrayContaining(['tiers', 'dealers?']));
    expect(fields(body('PATCH /v1/products/{sku}')).every((field) => field.endsWith('?'))).toBe(true);
    expect(fields(body('POST /v1/dealers'))).toEqual(
      expect.arrayContaining(['id?', 'name', 'tier', 'territories', 'creditLimitMinor', 'paymentTermsDays?', 'prepay?']),
    );
    expect(property(body('POST /v1/dealers'), 'prepay').type).toBe('boolean');
    expect(fields(body('POST /v1/dealers/{id}/payments'))).toEqual(expect.arrayContaining(['amountMinor', 'reference']));
    expect(fields(body('POST /v1/warehouses'))).toEqual(expect.arrayContaining(['id', 'name', 'regionCode']));
    expect(fields(body('POST /v1/stock/receipts'))).toEqual(
      expect.arrayContaining(['sku', 'warehouseId', 'lot', 'productionDate', 'expiryDate', 'qty']),
    );
    expect(fields(body('POST /v1/promotions'))).toEqual(
      expect.arrayContaining(['id?', 'title', 'kind', 'rule', 'startsAt', 'endsAt', 'eligibility?', 'stackable?']),
    );
    const kinds = objects(body('POST /v1/promotions')).flatMap(
      (variant) => resolve(variant.properties.kind).enum ?? [resolve(variant.properties.kind).const],
    );
    expect(kinds).toEqual(
      expect.arrayContaining(['percent_off', 'amount_off', 'spend_threshold', 'buy_x_get_y', 'bundle_price', 'tiered_quantity']),
    );
    expect(fields(body('POST /v1/quotes'))).toEqual(expect.arrayContaining(['lines', 'regionCode?']));
    expect(fields(body('POST /v1/orders'))).toEqual(
      expect.arrayContaining(['lines', 'regionCode', 'deliveryAddress?', 'note?', 'dealerId?']),
    );
    expect(fields(property(body('POST /v1/orders'), 'lines').items)).toEqual(['qty', 'sku']);
    expect(fields(body('POST /v1/orders/{id}/shipments'))).toEqual(expect.arrayContaining(['lines', 'carrier?', 'trackingNumber?']));
    expect(fields(body('POST /v1/auth/login'))).toEqual(['password', 'username']);
    expect(fields(body('POST /v1/auth/refresh'))).toEqual(['refreshToken']);
    expect(fields(body('PATCH /v1/users/{id}'))).toEqual(['displayName?', 'spendingLimits?', 'status?']);
    expect(fields(property(body('PATCH /v1/users/{id}'), 'spendingLimits'))).toEqual(['perMonthMinor?', 'perOrderMinor?']);
    expect(property(body('PATCH /v1/users/{id}'), 'status').enum).toEqual(['active', 'disabled']);
  });

  it('answers with the response fields API.md names', () => {
    const order = response('POST /v1/orders', 201);
    expect(fields(order)).toEqual(expect.arrayContaining(['id', 'dealerId', 'status', 'review', 'lines', 'gifts', 'totals', 'position']));
    expect(property(order, 'status').enum).toEqual(expect.arrayContaining(['approved', 'on_hold', 'rejected']));
    expect(fields(property(order, 'review'))).toEqual(expect.arrayContaining(['decision', 'reasons']));
    expect(fields(property(property(order, 'review'), 'reasons').items)).toEqual(['code', 'detail']);
    expect(fields(property(order, 'totals'))).toEqual(expect.arrayContaining(['subtotalMinor', 'discountMinor', 'totalMinor', 'currency']));
    expect(fields(response('GET /v1/orders/{id}', 200))).toEqual(expect.arrayContaining(['timeline', 'shipments']));
    expect(fields(resolve(property(response('GET /v1/orders/{id}/history', 200), 'items')).items)).toEqual(
      expect.arrayContaining(['position', 'revision', 'type', 'data', 'metadata', 'occurredAt']),
    );
    expect(fields(response('POST /v1/quotes', 200))).toEqual(expect.arrayContaining(['lines', 'gifts', 'totals', 'warnings']));
    expect(fields(resolve(property(response('GET /v1/products', 200), 'items')).items)).toEqual(
      expect.arrayContaining(['priceMinor', 'available', 'promotions']),
    );
    expect(fields(response('GET /v1/dealers/{id}/credit', 200))).toEqual(
      expect.arrayContaining(['limitMinor', 'reservedMinor', 'outstandingMinor', 'availableMinor']),
    );
    expect(fields(resolve(property(response('GET /v1/stock', 200), 'items')).items)).toEqual(
      expect.arrayContaining(['onHand', 'reserved', 'available', 'lots']),
    );
    const feed = response('GET /v1/feed', 200);
    expect(fields(feed)).toEqual(expect.arrayContaining(['items', 'nextAfter']));
    expect(fields(property(feed, 'items').items)).toEqual(expect.arrayContaining(['position', 'stream', 'type', 'id', 'data', 'metadata']));
    const projections = resolve(response('GET /v1/projections', 200));
    expect(projections.type).toBe('array');
    expect(fields(projections.items)).toEqual(expect.arrayContaining(['name', 'position', 'lag', 'status']));
    for (const key of ['POST /v1/webhooks/payments', 'POST /v1/webhooks/logistics'])
      expect(parameters(key, 'header'), key).toContain('x-signature');
    expect(fields(response('POST /v1/auth/login', 200))).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'user']);
    const user = response('POST /v1/users', 201);
    expect(fields(user)).toEqual(
      expect.arrayContaining([
        'id',
        'username',
        'displayName',
        'role',
        'dealerId?',
        'dealerRole?',
        'status',
        'spendingLimits?',
        'position',
      ]),
    );
    expect(fields(user).filter((field) => /password|hash/i.test(field))).toEqual([]);
    expect(property(user, 'role').enum).toEqual(expect.arrayContaining(['dealer', 'ops', 'finance', 'analyst', 'integration', 'admin']));
    expect(property(user, 'dealerRole').enum).toEqual(['owner', 'buyer']);
    expect(Object.keys(operation('POST /v1/auth/login').responses)).toEqual(expect.arrayContaining(['200', '400', '401', '429']));
    expect(fields(body('POST /v1/subscriptions'))).toEqual(['events', 'secret?', 'url']);
    expect(property(body('POST /v1/subscriptions'), 'events').items.enum).toEqual([
      'order.approved',
      'order.on_hold',
      'order.rejected',
      'order.awaiting_dealer_approval',
      'order.shipped',
      'order.delivered',
      'shipment.delayed',
      'stock.low',
      'stock.expiring',
    ]);
    expect(fields(property(response('GET /v1/notifications', 200), 'items').items)).toEqual(
      expect.arrayContaining(['id', 'position', 'type', 'title', 'body', 'link', 'occurredAt', 'read']),
    );
    expect(Object.keys(operation('GET /v1/notifications/stream').responses[200].content)).toEqual(['text/event-stream']);
    expect(parameters('GET /v1/notifications/stream', 'header')).toContain('last-event-id');
    const recommendations = response('GET /v1/recommendations', 200);
    expect(fields(property(recommendations, 'items').items)).toEqual(['available', 'detail', 'name', 'priceMinor', 'reason', 'sku']);
    expect(property(property(recommendations, 'items').items, 'reason').enum.sort()).toEqual([
      'bought_together',
      'due_to_reorder',
      'popular_in_region',
      'promoted_for_you',
    ]);
    expect(parameters('GET /v1/recommendations', 'query')).toContain('limit');
  });
});

describe('the statuses served match the document', () => {
  it('lists every invalid field of a 400, across path, body, query and headers (fastify alone stops at the first bad part)', async () => {
    const ops = app.token('ops');
    const before = await app.running.infrastructure.store.headPosition();
    const paths = (answer: { body: any }) => answer.body.errors.map((error: any) => error.path).sort();

    const tier = await app.request('PUT', '/v1/dealers/bad%20id!/tier', { token: ops, body: { tier: 'NOT A TIER' } });
    expect(tier.status).toBe(400);
    expect(paths(tier)).toEqual(['body.tier', 'params.id']);

    const ledger = await app.request('GET', '/v1/dealers/bad%20id!/ledger?from=yesterday&limit=0', { token: ops });
    expect(ledger.status).toBe(400);
    expect(paths(ledger)).toEqual(['params.id', 'query.from', 'query.limit']);

    const receipt = await app.request('POST', '/v1/stock/receipts', {
      token: ops,
      body: { sku: 'S-1' },
      headers: { 'idempotency-key': 'k'.repeat(300) },
    });
    expect(receipt.status).toBe(400);
    expect(paths(receipt)).toEqual(expect.arrayContaining(['body.warehouseId', 'body.lot', 'body.qty', 'headers.idempotency-key']));
    expect(receipt.body.detail).toContain('headers.idempotency-key');

    expect(await appendedSince(app, before)).toEqual([]);
  });

  it('takes analytics from/to as days or as ISO 8601 timestamps (widened to whole business days), like every other period', async () => {
    const analyst = app.token('analyst');
    const range = async (query: string) => {
      const answer = await app.request('GET', `/v1/analytics/sales?${query}`, { token: analyst });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.timeZone).toBe('Asia/Shanghai');
      return [answer.body.from, answer.body.to];
    };
    expect(await range('from=2024-03-01&to=2024-03-05')).toEqual(['2024-03-01', '2024-03-05']);
    // Business days start at midnight in Shanghai: 16:00 UTC the day before.
    expect(await range('from=2024-03-01T10:00:00Z&to=2024-03-04T16:00:00Z')).toEqual(['2024-03-01', '2024-03-05']);
    expect(await range('from=2024-03-01T02:00:00%2B08:00&to=2024-03-04T16:00:00.001Z')).toEqual(['2024-03-01', '2024-03-06']);
    expect(await range('from=2024-02-29T15:59:59Z&to=2024-03-05T00:00:00Z')).toEqual(['2024-02-29', '2024-03-06']);
    expect(
      Object.keys(operation('GET /v1/analytics/bestsellers').parameters.find((parameter: any) => parameter.name === 'from').schema),
    ).toContain('anyOf');
    const bad = await app.request('GET', '/v1/analytics/sales?from=yesterday&to=2024-13-01', { token: analyst });
    expect(bad.body.errors.map((error: any) => error.path).sort()).toEqual(['query.from', 'query.to']);
  });

  it("shows a product's history as every change with its actor and time", async () => {
    const ops = app.token('ops', undefined, 'ops-alice');
    const created = await app.request('POST', '/v1/products', {
      token: ops,
      body: { sku: 'HIST-1', name: 'History Tea', brand: 'B', category: 'tea', unit: 'case', basePriceMinor: 500 },
    });
    expect(created.status).toBe(201);
    const changed = await app.request('PATCH', '/v1/products/HIST-1', {
      token: app.token('ops', undefined, 'ops-bob'),
      body: { name: 'History Tea II' },
    });
    expect(changed.status).toBe(200);
    const history = await app.request('GET', '/v1/products/HIST-1/history', { token: app.token('analyst') });
    expect(history.status).toBe(200);
    expect(history.body.items.map((item: any) => [item.type, item.actor, item.metadata.actor])).toEqual([
      ['ProductRegistered', 'ops-alice', 'ops-alice'],
      ['ProductUpdated', 'ops-bob', 'ops-bob'],
    ]);
    // A dealer is told the role that made each change, not the staff user.
    const asDealer = await app.request('GET', '/v1/products/HIST-1/history', { token: app.token('dealer', 'D-ANY') });
    expect(asDealer.body.items.map((item: any) => [item.type, item.actor, item.metadata.actor, item.metadata.role])).toEqual([
      ['ProductRegistered', null, undefined, 'ops'],
      ['ProductUpdated', null, undefined, 'ops'],
    ]);
    for (const item of history.body.items) expect(Date.parse(item.occurredAt)).not.toBeNaN();
    expect(fields(property(response('GET /v1/products/{sku}/history', 200), 'items').items)).toEqual(
      expect.arrayContaining(['actor', 'occurredAt', 'position', 'revision', 'type', 'data', 'metadata']),
    );
  });

  it('declares the media types the exports and /metrics really send', async () => {
    for (const key of ['GET /v1/exports/events', 'GET /v1/exports/ledger']) {
      expect(Object.keys(operation(key).responses[200].content).sort(), key).toEqual(['application/x-ndjson', 'text/csv']);
    }
    const finance = app.token('finance');
    expect((await app.request('GET', '/v1/exports/events?format=csv', { token: finance })).headers.get('content-type')).toMatch(
      /^text\/csv/,
    );
    expect((await app.request('GET', '/v1/exports/ledger', { token: finance })).headers.get('content-type')).toMatch(
      /^application\/x-ndjson/,
    );
    expect(Object.keys(operation('GET /metrics').responses[200].content)).toEqual(['text/plain']);
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/^# HELP /m);
  });

  it('answers problems as application/problem+json, as documented', async () => {
    const anonymous = await app.request('GET', '/v1/products');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(anonymous.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: 401, detail: expect.any(String) });
  });
});
