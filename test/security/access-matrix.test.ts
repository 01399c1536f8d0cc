// Who may call what: every route the app serves × every role (and no token) against a spec table
// written from API.md, with CLI-minted tokens and with signed-in users' tokens, and every dealer
// kept out of every other dealer's data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/api/auth.ts';
import { demoGtin } from '../../src/demo/data.ts';
import { createUser, signIn } from '../support/accounts.ts';
import { startTestApp, type ApiResponse, type TestApp } from '../support/app.ts';
import { createDealer } from '../support/fixtures.ts';
import {
  bodyFields,
  COMMAND_METHODS,
  fillPath,
  queryParameters,
  routeKey,
  servedRoutes,
  type Access,
  type ServedRoute,
} from '../support/routes.ts';

const EVERYONE: Role[] = ['dealer', 'ops', 'finance', 'analyst', 'integration'];
const STAFF: Role[] = ['ops', 'finance', 'analyst', 'integration'];
const ANALYSTS: Role[] = ['analyst', 'ops', 'finance'];

/**
 * The spec: who may call each route besides admin, who may call everything. Rows come from
 * API.md; rows marked `design` are routes API.md does not name, or whose roles it does not name,
 * with the access agreed for them.
 * Every route the app serves needs a row (the suite fails naming the ones without); rows for
 * routes not built yet are listed as todo.
 */
const SPEC: Record<string, Access> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /metrics': 'public',
  'GET /openapi.json': 'public',
  // The web app's pages and built files (src/api/web.ts).
  'GET /': 'public',
  'GET /signin': 'public',
  'GET /portal': 'public',
  'GET /portal/{section}': 'public',
  'GET /portal/{section}/{item}': 'public',
  'GET /console': 'public',
  'GET /console/{section}': 'public',
  'GET /console/{section}/{item}': 'public',
  'GET /assets/{file}': 'public',

  // API.md: ops write the catalog; the integrations issue adds the ERP (integration role) for
  // product master data and price lists.
  'POST /v1/products': ['ops', 'integration'],
  'PATCH /v1/products/{sku}': ['ops', 'integration'],
  'PUT /v1/products/{sku}/prices': ['ops', 'integration'],
  'GET /v1/products': EVERYONE,
  'GET /v1/products/{sku}': EVERYONE,
  'GET /v1/products/by-gtin/{gtin}': EVERYONE,
  'GET /v1/products/{sku}/history': EVERYONE,

  'POST /v1/dealers': ['ops'],
  'GET /v1/dealers': STAFF, // design
  'GET /v1/dealers/{id}': ['dealer', ...STAFF], // design: a dealer reads its own
  'PUT /v1/dealers/{id}/territories': ['ops'], // design (API.md names roles only for POST /v1/dealers and payments)
  'PUT /v1/dealers/{id}/tier': ['ops'], // design
  'PUT /v1/dealers/{id}/shelf-life': ['ops'],
  'PUT /v1/dealers/{id}/credit-limit': ['ops', 'finance'], // design
  'PUT /v1/dealers/{id}/payment-terms': ['ops', 'finance'], // design
  'POST /v1/dealers/{id}/suspend': ['ops'], // design
  'POST /v1/dealers/{id}/reinstate': ['ops'], // design
  'GET /v1/dealers/{id}/credit': ['dealer', 'ops', 'finance', 'integration'], // design: a dealer reads its own
  'GET /v1/dealers/{id}/ledger': ['dealer', 'ops', 'finance', 'integration'], // design: a dealer reads its own
  'POST /v1/dealers/{id}/payments': ['finance', 'integration'],
  'POST /v1/dealers/{id}/credit-notes': ['finance'], // design

  'POST /v1/warehouses': ['ops'],
  'GET /v1/warehouses': STAFF, // design
  'POST /v1/stock/receipts': ['ops', 'integration'],
  'POST /v1/stock/adjustments': ['ops'],
  'POST /v1/stock/transfers': ['ops'],
  'POST /v1/stock/write-offs': ['ops'], // design
  'GET /v1/stock': STAFF, // design: dealers see stock through the catalog's `available`
  'GET /v1/stock/expiring': STAFF, // design
  'GET /v1/stock/low': STAFF, // design
  'GET /v1/stock/movements': STAFF, // design

  'POST /v1/promotions': ['ops'],
  'POST /v1/promotions/{id}/end': ['ops'],
  'GET /v1/promotions': EVERYONE, // design: a dealer sees the promotions it may have
  'GET /v1/promotions/{id}': EVERYONE, // design
  'GET /v1/promotions/{id}/history': ['ops', 'finance', 'analyst'], // design

  // API.md says (dealer); ops quote on behalf of a dealer as they order on behalf (design, to confirm).
  'POST /v1/quotes': ['dealer', 'ops'],
  'POST /v1/orders': ['dealer', 'ops'],
  'POST /v1/orders/import': ['dealer'],
  'POST /v1/orders/{id}/reorder': ['dealer'],
  'GET /v1/orders': ['dealer', ...STAFF], // design: a dealer sees its own
  'GET /v1/orders/review-queue': ['ops', 'finance'], // design
  'GET /v1/orders/{id}': ['dealer', ...STAFF], // design: a dealer sees its own
  'GET /v1/orders/{id}/history': ['dealer', 'ops', 'finance'],
  'POST /v1/orders/{id}/approve': ['ops'],
  'POST /v1/orders/{id}/reject': ['ops'],
  'POST /v1/orders/{id}/cancel': ['dealer', 'ops'],
  'POST /v1/orders/{id}/dealer-approve': ['dealer'], // the dealer's owner; a buyer gets 403
  'POST /v1/orders/{id}/dealer-reject': ['dealer'], // the dealer's owner; a buyer gets 403
  'POST /v1/orders/{id}/shipments': ['ops', 'integration'],
  'POST /v1/orders/{id}/deliveries': ['ops', 'integration'],
  'POST /v1/orders/{id}/complete': ['ops', 'finance'], // design: closes a delivered order
  'POST /v1/orders/{id}/payments': ['finance', 'integration'], // design: releases a prepay order
  'POST /v1/orders/{id}/returns': ['dealer', 'ops'], // design (API.md names no roles for returns)
  'POST /v1/orders/{id}/returns/{returnId}/approve': ['ops'], // design
  'POST /v1/orders/{id}/returns/{returnId}/reject': ['ops'], // design
  'POST /v1/orders/{id}/returns/{returnId}/receive': ['ops'], // design
  'POST /v1/orders/{id}/returns/{returnId}/refund': ['ops', 'finance'], // design
  'GET /v1/exports/events': ['finance'], // design
  'GET /v1/exports/ledger': ['finance'], // design

  'POST /v1/rebate-programs': ['ops', 'finance'],
  'GET /v1/rebate-programs': ['ops', 'finance', 'analyst'], // design
  'GET /v1/rebate-programs/{id}': ['ops', 'finance', 'analyst'], // design
  'POST /v1/rebate-programs/{id}/settle': ['finance'],
  'GET /v1/dealers/{id}/rebates': ['dealer', 'ops', 'finance'],

  'GET /v1/analytics/sales': ANALYSTS,
  'GET /v1/analytics/bestsellers': ANALYSTS,
  'GET /v1/analytics/promotions': ANALYSTS,
  'GET /v1/analytics/inventory': ANALYSTS,
  'GET /v1/analytics/replenishment': ANALYSTS,
  'GET /v1/analytics/orders': ANALYSTS, // design: order counts, approval rate, time to decision

  'GET /v1/feed': ['integration'],
  // API.md lists webhooks under integration: partners authenticate by HMAC signature, not a token (design).
  'POST /v1/webhooks/payments': 'public',
  'POST /v1/webhooks/logistics': 'public',

  'GET /v1/projections': [],
  // API.md "Accounts and sign-in". The user routes check per user who may do what to whom
  // (an owner only its own dealer's buyers): test/api/users.test.ts.
  'POST /v1/auth/login': 'public',
  'POST /v1/auth/refresh': 'public', // design: the refresh token is the credential
  'POST /v1/auth/logout': 'public', // design: ends the session of the refresh token sent
  'GET /v1/me': EVERYONE,
  'POST /v1/users': ['ops', 'dealer'],
  'GET /v1/users': ['ops', 'dealer'],
  'GET /v1/users/{id}': ['ops', 'dealer'], // design
  'PATCH /v1/users/{id}': ['ops', 'dealer'], // design
  'PUT /v1/users/{id}/password': EVERYONE, // design: everyone changes its own

  'POST /v1/projections/{name}/rebuild': [],
  'POST /v1/projections/{name}/resume': [], // design
  'GET /v1/integrations': [], // design
  'GET /v1/integrations/dead-letters': [], // design
  'GET /v1/integrations/dead-letters/{id}': [], // design
  'POST /v1/integrations/dead-letters/{id}/retry': [], // design

  // API.md "Notifications and recommendations": a dealer subscribes for its own orders, staff
  // for any order and stock (design: the roles that run systems); everyone has an inbox.
  'POST /v1/subscriptions': ['dealer', 'ops', 'integration'],
  'GET /v1/subscriptions': ['dealer', 'ops', 'integration'],
  'DELETE /v1/subscriptions/{id}': ['dealer', 'ops', 'integration'],
  'GET /v1/notifications': EVERYONE,
  'GET /v1/notifications/stream': EVERYONE,
  'POST /v1/notifications/{id}/read': EVERYONE,
  'GET /v1/recommendations': ['dealer'],
};

const spec = new Map(Object.entries(SPEC).map(([route, access]) => [routeKey(route.split(' ')[0]!, route.split(' ')[1]!), access]));

/** A syntactically valid value for any path parameter that names nothing that exists. */
const placeholder = (param: string) => (param === 'gtin' ? demoGtin(404) : 'X404');

const AUTH_CODES = ['missing_token', 'invalid_token', 'forbidden'];

const app: TestApp = await startTestApp();
const routes = await servedRoutes(app);
const document = (await app.request('GET', '/openapi.json')).body;
const tokens = Object.fromEntries(ROLES.map((role) => [role, app.token(role, role === 'dealer' ? 'D-A' : undefined)])) as Record<
  Role,
  string
>;
const head = () => app.running.infrastructure.store.headPosition();

afterAll(async () => {
  await app.stop();
});

const allows = (access: Access, role: Role) => access !== 'public' && (role === 'admin' || access.includes(role));
const sameRoles = (a: Access | undefined, b: Access) =>
  a === b || (Array.isArray(a) && Array.isArray(b) && [...a].sort().join() === [...b].sort().join());

function callAs(route: ServedRoute, token: string | undefined, path = fillPath(route, placeholder)): Promise<ApiResponse> {
  return app.request(route.method, path, { token, ...(COMMAND_METHODS.includes(route.method) && { body: {} }) });
}

describe('the spec table', () => {
  it('has a row for every route the app serves', () => {
    const missing = routes.filter((route) => !spec.has(route.key)).map((route) => route.key);
    expect(missing, `add these routes to SPEC in test/security/access-matrix.test.ts: ${missing.join(', ')}`).toEqual([]);
  });

  it('agrees with the access every route declares in its code (the OpenAPI "Roles:" line)', () => {
    const disagreeing = routes
      .filter((route) => route.operation !== undefined && spec.has(route.key) && !sameRoles(route.declared, spec.get(route.key)!))
      .map((route) => `${route.key}: code says ${JSON.stringify(route.declared)}, spec says ${JSON.stringify(spec.get(route.key))}`);
    expect(disagreeing).toEqual([]);
  });

  const served = new Set(routes.map((route) => route.key));
  for (const key of spec.keys()) if (!served.has(key)) it.todo(`${key} (in the spec, not served yet)`);
});

/** How each role's call of a route was answered against the spec, and whatever is wrong with it. */
async function wrongAnswers(route: ServedRoute, tokenOf: (role: Role) => string): Promise<string[]> {
  const access = spec.get(route.key)!;
  const wrong: string[] = [];
  for (const role of [undefined, ...ROLES]) {
    const response = await callAs(route, role && tokenOf(role));
    const who = role ?? 'anonymous';
    const got = `${response.status} ${response.body?.code ?? ''}`;
    if (response.status >= 500) wrong.push(`${who}: ${got}`);
    else if (access === 'public') {
      if (AUTH_CODES.includes(response.body?.code)) wrong.push(`${who} on a public route: ${got}`);
    } else if (role === undefined) {
      if (response.status !== 401 || response.body.code !== 'missing_token') wrong.push(`anonymous: ${got}, expected 401 missing_token`);
      else if (!response.headers.get('www-authenticate')?.startsWith('Bearer'))
        wrong.push('anonymous: 401 without WWW-Authenticate: Bearer');
    } else if (allows(access, role)) {
      if (response.status === 401 || response.status === 403) wrong.push(`${who}: ${got}, expected to be let through`);
    } else if (response.status !== 403 || response.body.code !== 'forbidden') wrong.push(`${who}: ${got}, expected 403 forbidden`);
    if (response.status >= 400 && !response.headers.get('content-type')?.startsWith('application/problem+json')) {
      wrong.push(`${who}: ${response.status} is not problem+json`);
    }
  }
  return wrong;
}

describe('every route × every role', () => {
  for (const route of routes.filter((candidate) => spec.has(candidate.key))) {
    const access = spec.get(route.key)!;
    const expectation = access === 'public' ? 'public' : `admin, ${access.join(', ') || '(no one else)'}`;
    it(`${route.key} (${expectation})`, async () => {
      const before = await head();
      expect(await wrongAnswers(route, (role) => tokens[role])).toEqual([]);
      // Nothing above names an existing resource or sends a valid body, so nothing may be written.
      if (COMMAND_METHODS.includes(route.method)) expect(await head()).toBe(before);
    });
  }
});

describe('every route × every role, signed in as users', () => {
  const signedIn = new Map<Role, string>();

  beforeAll(async () => {
    await createDealer(app, { id: 'D-USERS' });
    for (const role of ROLES) {
      const username = `matrix.${role}`;
      await createUser(app, { username, role, ...(role === 'dealer' && { dealerId: 'D-USERS', dealerRole: 'owner' as const }) });
      signedIn.set(role, (await signIn(app, username)).accessToken);
    }
  });

  it('lets each user through exactly where its role is, writing nothing', async () => {
    const before = await head();
    const wrong: string[] = [];
    for (const route of routes.filter((candidate) => spec.has(candidate.key))) {
      wrong.push(...(await wrongAnswers(route, (role) => signedIn.get(role)!)).map((answer) => `${route.key}: ${answer}`));
    }
    expect(wrong).toEqual([]);
    expect(await head()).toBe(before);
  });
});

describe('dealer isolation', () => {
  const CANARY_NAME = 'Canary-B Foods Ltd';
  const CANARY_PRICE = 913713;
  const CANARY_PROMOTION = 'Canary-B-only promotion';
  const CANARY_ORDER_NOTE = 'Canary-B order note';
  const CANARY_USER = 'Canary-B buyer';
  const SKU = 'ISO-1';
  const GTIN = demoGtin(777);
  const ids = { promotionForB: 'PROMO-ONLY-B', promotionForAll: 'PROMO-ALL' };
  const dealerA = tokens.dealer;

  /**
   * Dealer-allowed routes with a path parameter that is not the dealer's id: is what they name
   * shared by every dealer, or owned by one? Owned: how to make dealer B's, and the path to it.
   * A new dealer-allowed route with a parameter fails the suite until it has a row here.
   */
  const DEALER_RESOURCES: Record<
    string,
    'shared' | ((ctx: { ops: string; dealerB: string }) => Promise<{ path: string; body?: unknown }>)
  > = {
    'GET /v1/products/{sku}': 'shared',
    'GET /v1/products/by-gtin/{gtin}': 'shared',
    'GET /v1/products/{sku}/history': 'shared',
    'GET /v1/promotions/{id}': async () => ({ path: `/v1/promotions/${ids.promotionForB}` }),
    'GET /v1/orders/{id}': async (ctx) => ({ path: `/v1/orders/${await orderOfB(ctx)}` }),
    'GET /v1/orders/{id}/history': async (ctx) => ({ path: `/v1/orders/${await orderOfB(ctx)}/history` }),
    'POST /v1/orders/{id}/cancel': async (ctx) => ({ path: `/v1/orders/${await orderOfB(ctx)}/cancel`, body: { reason: 'not mine' } }),
    'POST /v1/orders/{id}/dealer-approve': async (ctx) => ({ path: `/v1/orders/${await orderOfB(ctx)}/dealer-approve`, body: {} }),
    'POST /v1/orders/{id}/dealer-reject': async (ctx) => ({
      path: `/v1/orders/${await orderOfB(ctx)}/dealer-reject`,
      body: { reason: 'not mine' },
    }),
    'POST /v1/orders/{id}/reorder': async (ctx) => ({ path: `/v1/orders/${await orderOfB(ctx)}/reorder`, body: {} }),
    'POST /v1/orders/{id}/returns': async (ctx) => ({
      path: `/v1/orders/${await orderOfB(ctx)}/returns`,
      body: { lines: [{ sku: SKU, qty: 1, reason: 'not mine' }] },
    }),
    'GET /v1/users/{id}': async (ctx) => ({ path: `/v1/users/${await userOfB(ctx)}` }),
    'PATCH /v1/users/{id}': async (ctx) => ({ path: `/v1/users/${await userOfB(ctx)}`, body: { status: 'disabled' } }),
    'PUT /v1/users/{id}/password': async (ctx) => ({
      path: `/v1/users/${await userOfB(ctx)}/password`,
      body: { newPassword: 'a passphrase not mine' },
    }),
    'POST /v1/notifications/{id}/read': async (ctx) => ({ path: `/v1/notifications/${await notificationOfB(ctx)}/read` }),
    'DELETE /v1/subscriptions/{id}': async (ctx) => ({ path: `/v1/subscriptions/${await subscriptionOfB(ctx)}` }),
  };

  /**
   * Valid bodies (but for `dealerId`) of dealer-allowed commands whose body may name a dealer
   * (staff acting on behalf). A new such command fails the suite until it has a row here.
   */
  const ON_BEHALF_BODIES: Record<string, unknown> = {
    'POST /v1/quotes': { lines: [{ sku: SKU, qty: 1 }], regionCode: 'CN-44' },
    'POST /v1/orders': { lines: [{ sku: SKU, qty: 1 }], regionCode: 'CN-44' },
    'POST /v1/users': {
      username: 'iso.buyer',
      displayName: 'Isolation buyer',
      password: 'isolation passphrase',
      role: 'dealer',
      dealerRole: 'buyer',
    },
  };
  const onBehalf = new Map(
    Object.entries(ON_BEHALF_BODIES).map(([route, body]) => [routeKey(route.split(' ')[0]!, route.split(' ')[1]!), body]),
  );

  let placedForB: string | undefined;
  async function orderOfB(ctx: { dealerB: string }): Promise<string> {
    if (placedForB) return placedForB;
    const placed = await app.request('POST', '/v1/orders', {
      token: ctx.dealerB,
      body: { lines: [{ sku: SKU, qty: 1 }], regionCode: 'CN-44', note: CANARY_ORDER_NOTE },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    placedForB = placed.body.id as string;
    return placedForB;
  }
  let userOfBCreated: string | undefined;
  async function userOfB(ctx: { dealerB: string }): Promise<string> {
    if (userOfBCreated) return userOfBCreated;
    const created = await app.request('POST', '/v1/users', {
      token: ctx.dealerB,
      body: { username: 'canary.b', displayName: CANARY_USER, password: 'canary buyer passphrase', role: 'dealer', dealerRole: 'buyer' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    userOfBCreated = created.body.id as string;
    return userOfBCreated;
  }
  async function notificationOfB(ctx: { dealerB: string }): Promise<string> {
    const orderId = await orderOfB(ctx);
    const events = await app.running.infrastructure.store.readStream(`order-${orderId}`);
    return events.find((event) => event.type === 'OrderReviewed')!.id;
  }
  let subscriptionOfBCreated: string | undefined;
  async function subscriptionOfB(ctx: { dealerB: string }): Promise<string> {
    if (subscriptionOfBCreated) return subscriptionOfBCreated;
    const created = await app.request('POST', '/v1/subscriptions', {
      token: ctx.dealerB,
      body: { url: 'https://127.0.0.1/canary-b', events: ['order.approved'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    subscriptionOfBCreated = created.body.id as string;
    return subscriptionOfBCreated;
  }
  const resources = new Map(
    Object.entries(DEALER_RESOURCES).map(([route, entry]) => [routeKey(route.split(' ')[0]!, route.split(' ')[1]!), entry]),
  );

  const forDealers = routes.filter((route) => spec.has(route.key) && allows(spec.get(route.key)!, 'dealer'));
  const underDealer = (route: ServedRoute) => /^\/v1\/dealers\/:[^/]+/.test(route.path);
  /** Fixtures for parameters; a dealer id parameter is the caller's own. */
  const fixture = (route: ServedRoute) => (param: string) => {
    if (underDealer(route) && param === route.params[0]) return 'D-A';
    if (param === 'sku') return SKU;
    if (param === 'gtin') return GTIN;
    if (route.path.startsWith('/v1/promotions/')) return ids.promotionForAll;
    return placeholder(param);
  };

  beforeAll(async () => {
    const ops = tokens.ops;
    const created = [
      await app.request('POST', '/v1/dealers', {
        token: ops,
        body: { id: 'D-A', name: 'Alpha Trading', tier: 'gold', territories: ['CN-31'], creditLimitMinor: 10_000 },
      }),
      await app.request('POST', '/v1/dealers', {
        token: ops,
        body: { id: 'D-B', name: CANARY_NAME, tier: 'silver', territories: ['CN-44'], creditLimitMinor: 20_000 },
      }),
      await app.request('POST', '/v1/dealers/D-B/payments', {
        token: tokens.finance,
        body: { amountMinor: 555, reference: 'Canary-B-payment' },
      }),
      await app.request('POST', '/v1/products', {
        token: ops,
        body: { sku: SKU, gtin: GTIN, name: 'Isolation Tea', brand: 'Iso', category: 'tea', unit: 'case', basePriceMinor: 1000 },
      }),
      await app.request('PUT', `/v1/products/${SKU}/prices`, {
        token: ops,
        body: { tiers: { gold: 900 }, dealers: { 'D-A': 800, 'D-B': CANARY_PRICE } },
      }),
    ];
    const at = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    for (const [id, title, eligibility] of [
      [ids.promotionForB, CANARY_PROMOTION, { dealerIds: ['D-B'] }],
      [ids.promotionForAll, 'For everyone', {}],
    ] as const) {
      created.push(
        await app.request('POST', '/v1/promotions', {
          token: ops,
          body: { id, title, kind: 'percent_off', rule: { percent: 5 }, startsAt: at(-1), endsAt: at(30), eligibility },
        }),
      );
    }
    for (const response of created) expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
    const last = created.map((response) => BigInt(response.body.position ?? 0)).reduce((a, b) => (a > b ? a : b));
    expect((await app.request('GET', `/v1/dealers/D-B?minPosition=${last}`, { token: ops })).status).toBe(200);
  });

  const leaks = (response: ApiResponse) =>
    [CANARY_NAME, String(CANARY_PRICE), CANARY_PROMOTION, CANARY_ORDER_NOTE, CANARY_USER, 'Canary-B-payment'].filter((canary) =>
      response.text.includes(canary),
    );

  it("answers 404 to a dealer for another dealer's dealer, credit and ledger (and whatever else hangs under /v1/dealers/{id})", async () => {
    const scoped = forDealers.filter(underDealer);
    expect(scoped.map((route) => route.key)).toEqual(
      expect.arrayContaining(['GET /v1/dealers/{}', 'GET /v1/dealers/{}/credit', 'GET /v1/dealers/{}/ledger']),
    );
    for (const route of scoped) {
      const own = await app.request(route.method, fillPath(route, fixture(route)), {
        token: dealerA,
        ...(route.method !== 'GET' && { body: {} }),
      });
      const before = await head();
      const other = await app.request(
        route.method,
        fillPath(route, (param) => (param === route.params[0] ? 'D-B' : fixture(route)(param))),
        {
          token: dealerA,
          ...(route.method !== 'GET' && { body: {} }),
        },
      );
      if (route.method === 'GET') expect(own.status, `${route.key} own`).toBe(200);
      expect(other.status, `${route.key} as another dealer`).toBe(404);
      expect(other.headers.get('content-type')).toContain('application/problem+json');
      expect(leaks(other), route.key).toEqual([]);
      expect(await head()).toBe(before);
    }
  });

  it('answers 404 to a dealer naming another dealer in ?dealerId=, on every route that takes it', async () => {
    const taking = forDealers.filter((route) => route.method === 'GET' && queryParameters(route).includes('dealerId'));
    expect(taking.length).toBeGreaterThan(0);
    for (const route of taking) {
      const path = fillPath(route, fixture(route));
      const own = await app.request('GET', `${path}?dealerId=D-A`, { token: dealerA });
      const other = await app.request('GET', `${path}?dealerId=D-B`, { token: dealerA });
      expect(own.status, `${route.key} own`).toBe(200);
      expect(other.status, `${route.key} as D-B`).toBe(404);
      expect(leaks(other), route.key).toEqual([]);
    }
  });

  it('answers 404 to a dealer naming another dealer as dealerId in a command body, writing nothing', async () => {
    const naming = forDealers.filter((route) => COMMAND_METHODS.includes(route.method) && bodyFields(route, document).includes('dealerId'));
    const unlisted = naming.filter((route) => !onBehalf.has(route.key)).map((route) => route.key);
    expect(unlisted, `add a valid body for these routes to ON_BEHALF_BODIES: ${unlisted.join(', ')}`).toEqual([]);
    for (const route of naming) {
      const path = fillPath(route, fixture(route));
      const before = await head();
      const other = await app.request(route.method, path, {
        token: dealerA,
        body: { ...(onBehalf.get(route.key) as object), dealerId: 'D-B' },
      });
      expect(other.status, `${route.key} naming D-B: ${other.text.slice(0, 200)}`).toBe(404);
      expect(leaks(other), route.key).toEqual([]);
      expect(await head()).toBe(before);
      const own = await app.request(route.method, path, {
        token: dealerA,
        body: { ...(onBehalf.get(route.key) as object), dealerId: 'D-A' },
      });
      expect(own.status, `${route.key} naming itself: ${own.text.slice(0, 200)}`).toBeLessThan(300);
    }
  });

  it("answers 404 for another dealer's resources on every dealer route with an id, and names routes not classified", async () => {
    const withIds = forDealers.filter((route) => route.params.length > 0 && !underDealer(route));
    const unclassified = withIds.filter((route) => !resources.has(route.key)).map((route) => route.key);
    expect(
      unclassified,
      `classify these routes in DEALER_RESOURCES (shared, or how to make dealer B's): ${unclassified.join(', ')}`,
    ).toEqual([]);
    for (const route of withIds) {
      const entry = resources.get(route.key)!;
      if (entry === 'shared') continue;
      const { path, body } = await entry({ ops: tokens.ops, dealerB: app.token('dealer', 'D-B') });
      const before = await head();
      const response = await app.request(route.method, path, { token: dealerA, ...(body !== undefined && { body }) });
      expect(response.status, `${route.key} for dealer B's`).toBe(404);
      expect(leaks(response), route.key).toEqual([]);
      expect(await head()).toBe(before);
    }
  });

  it("never shows a dealer another dealer's name, contract price, payments or promotions, on any route it may read", async () => {
    // Dealer B's own resources exist (an order with a canary note, once orders are served).
    for (const route of forDealers) {
      const entry = resources.get(route.key);
      if (entry && entry !== 'shared') await entry({ ops: tokens.ops, dealerB: app.token('dealer', 'D-B') });
    }
    const reads = forDealers.filter((route) => route.method === 'GET');
    for (const route of reads) {
      const response = await app.request('GET', fillPath(route, fixture(route)), { token: dealerA });
      expect(response.status, `${route.key}: ${response.text.slice(0, 200)}`).toBeLessThan(500);
      expect(leaks(response), route.key).toEqual([]);
    }
    // The canaries are there to be found: staff see them.
    const staffView = await app.request('GET', `/v1/products/${SKU}/history`, { token: tokens.ops });
    expect(staffView.text).toContain(String(CANARY_PRICE));
  });
});
