// Tokens that must not get in (expired, forged, alg:none, tampered, other algorithms) on a read and
// a command of every resource; the body size limit on every command route; rate limits per dealer.
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/api/auth.ts';
import { appendedSince, startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app.ts';
import { COMMAND_METHODS, fillPath, servedRoutes, type ServedRoute } from '../support/routes.ts';

const BODY_LIMIT = 4_096;
/** The default maximum lifetime of a token: 7 days. */
const MAX_LIFETIME_SECONDS = 7 * 86_400;

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function signed(header: object, payload: object, secret: string, hash = 'sha256'): string {
  const body = `${encode(header)}.${encode(payload)}`;
  return `${body}.${createHmac(hash, secret).update(body).digest('base64url')}`;
}

/** Each of these claims admin, the role that may do everything. */
function badTokens(valid: string): Record<string, string> {
  const admin = { sub: 'intruder', role: 'admin', iat: now(), exp: now() + 600 };
  const [header, , signature] = valid.split('.');
  return {
    'forged (another secret)': signed({ alg: 'HS256', typ: 'JWT' }, admin, 'another-secret-that-is-long-enough-000000'),
    'forged with the development default secret': signed({ alg: 'HS256', typ: 'JWT' }, admin, 'dealerline-dev-secret-change-me-0123456789'),
    expired: signed({ alg: 'HS256', typ: 'JWT' }, { ...admin, exp: now() - 600 }, TEST_JWT_SECRET),
    'not yet valid (nbf)': signed({ alg: 'HS256', typ: 'JWT' }, { ...admin, nbf: now() + 600 }, TEST_JWT_SECRET),
    'alg none, no signature': `${encode({ alg: 'none', typ: 'JWT' })}.${encode(admin)}.`,
    'alg none, a valid signature kept': `${encode({ alg: 'none', typ: 'JWT' })}.${encode(admin)}.${signature}`,
    'alg NONE': `${encode({ alg: 'NONE', typ: 'JWT' })}.${encode(admin)}.`,
    'HS512 with the right secret': signed({ alg: 'HS512', typ: 'JWT' }, admin, TEST_JWT_SECRET, 'sha512'),
    'payload swapped under a valid signature': `${header}.${encode(admin)}.${signature}`,
    'no exp': signed({ alg: 'HS256', typ: 'JWT' }, { sub: 'intruder', role: 'admin' }, TEST_JWT_SECRET),
    'exp 1e300': signed({ alg: 'HS256', typ: 'JWT' }, { ...admin, exp: 1e300 }, TEST_JWT_SECRET),
    'no iat': signed({ alg: 'HS256', typ: 'JWT' }, { sub: 'intruder', role: 'admin', exp: now() + 600 }, TEST_JWT_SECRET),
    'valid longer than the maximum lifetime': signed(
      { alg: 'HS256', typ: 'JWT' },
      { ...admin, exp: now() + MAX_LIFETIME_SECONDS + 3_600 },
      TEST_JWT_SECRET,
    ),
    'issued in the future': signed({ alg: 'HS256', typ: 'JWT' }, { ...admin, iat: now() + 86_400, exp: now() + 90_000 }, TEST_JWT_SECRET),
  };
}

/** Per resource (`/v1/<resource>/...`), its first read and its first command that need a token. */
function representatives(routes: ServedRoute[]): ServedRoute[] {
  const chosen = new Map<string, ServedRoute>();
  for (const route of routes) {
    if (route.declared === 'public' || !route.path.startsWith('/v1/')) continue;
    const kind = `${route.path.split('/')[2]} ${COMMAND_METHODS.includes(route.method) ? 'command' : 'read'}`;
    if (!chosen.has(kind)) chosen.set(kind, route);
  }
  return [...chosen.values()];
}

const placeholder = () => 'X404';

describe('tokens', () => {
  let app: TestApp;
  let routes: ServedRoute[];

  beforeAll(async () => {
    app = await startTestApp();
    routes = await servedRoutes(app);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('refuses expired, forged, alg:none, tampered and other-algorithm tokens with 401 on a read and a command of every resource', async () => {
    const chosen = representatives(routes);
    expect(chosen.length).toBeGreaterThanOrEqual(10);
    const wrong: string[] = [];
    const before = await app.running.infrastructure.store.headPosition();
    for (const route of chosen) {
      const path = fillPath(route, placeholder);
      const body = COMMAND_METHODS.includes(route.method) ? {} : undefined;
      for (const [label, token] of Object.entries(badTokens(app.token('ops')))) {
        const response = await app.request(route.method, path, { token, body });
        if (
          response.status !== 401 ||
          response.body.code !== 'invalid_token' ||
          !response.headers.get('content-type')?.includes('application/problem+json')
        ) {
          wrong.push(`${route.key} with ${label}: ${response.status} ${response.body?.code}`);
        }
      }
      // The same route with a good admin token is let through, so the 401s above are the token's.
      const admitted = await app.request(route.method, path, { token: app.token('admin'), body });
      if (admitted.status === 401 || admitted.status === 403) wrong.push(`${route.key} refuses a valid admin token: ${admitted.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await appendedSince(app, before)).toEqual([]);
  });
});

describe('limits', () => {
  let app: TestApp;
  let routes: ServedRoute[];

  beforeAll(async () => {
    app = await startTestApp({ BODY_LIMIT_BYTES: String(BODY_LIMIT), RATE_LIMIT_PER_MINUTE: '6' });
    routes = await servedRoutes(app);
  });
  afterAll(async () => {
    await app.stop();
  });

  let addresses = 0;
  /** A request sent from `localAddress`, answered as the test app's client answers. */
  const fromAddress = (localAddress: string, method: string, path: string, body: string, contentType: string) =>
    new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
      const url = new URL(app.url);
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          localAddress,
          headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: new Headers(response.headers as Record<string, string>), text }),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });

  /** An allowed role's token, a fresh user each time so that the rate limit stays out of the way. */
  let users = 0;
  const tokenFor = (route: ServedRoute) => {
    if (route.declared === 'public') return undefined;
    const role: Role = route.declared?.[0] ?? 'admin';
    return app.token(role, role === 'dealer' ? `D-SIZE-${users}` : undefined, `size-${role}-${users++}`);
  };

  it('answers 413 problem+json to a body over the limit on every command route, writing nothing', async () => {
    const before = await app.running.infrastructure.store.headPosition();
    const oversized = JSON.stringify({ padding: 'x'.repeat(BODY_LIMIT) });
    const wrong: string[] = [];
    for (const route of routes.filter((candidate) => COMMAND_METHODS.includes(candidate.method))) {
      for (const contentType of ['application/json', 'text/csv']) {
        // Public routes are limited per address: each request from an address of its own in 127.0.0.0/8.
        const response =
          route.declared === 'public'
            ? await fromAddress(`127.0.1.${++addresses}`, route.method, fillPath(route, placeholder), oversized, contentType)
            : await app.request(route.method, fillPath(route, placeholder), {
                token: tokenFor(route),
                raw: oversized,
                headers: { 'content-type': contentType },
              });
        // A route that does not take this media type may refuse it first; never with anything but a problem.
        const acceptable = response.status === 413 || (contentType !== 'application/json' && response.status === 415);
        if (!acceptable || !response.headers.get('content-type')?.includes('application/problem+json')) {
          wrong.push(`${route.key} (${contentType}): ${response.status} ${response.text.slice(0, 120)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(await appendedSince(app, before)).toEqual([]);
  });

  it('applies the limit to a streamed body without Content-Length too', async () => {
    const route = routes.find((candidate) => candidate.key === 'POST /v1/products')!;
    const chunk = new TextEncoder().encode('x'.repeat(1_024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 16) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${app.url}${route.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenFor(route)}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('lets a body within the limit through to validation', async () => {
    const response = await app.request('POST', '/v1/products', {
      token: app.token('ops', undefined, 'size-within'),
      body: { padding: 'x'.repeat(BODY_LIMIT / 2) },
    });
    expect(response.status).toBe(400);
  });

  it('limits per dealer (every user of a dealer shares its budget), per staff user, and a 429 writes nothing', async () => {
    const buyer = (dealerId: string, sub: string) => app.token('dealer', dealerId, sub);
    const statuses = async (token: string, times: number) => {
      const seen: number[] = [];
      for (let i = 0; i < times; i++) seen.push((await app.request('GET', '/v1/products?limit=1', { token })).status);
      return seen;
    };
    expect(await statuses(buyer('D-RATE', 'alice'), 4)).toEqual([200, 200, 200, 200]);
    expect(await statuses(buyer('D-RATE', 'bob'), 4)).toEqual([200, 200, 429, 429]);
    expect(await statuses(buyer('D-CALM', 'carol'), 1)).toEqual([200]);

    const ops = app.token('ops', undefined, 'rate-ops');
    const created: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await app.request('POST', '/v1/warehouses', {
        token: ops,
        body: { id: `WH-RATE-${i}`, name: 'Rate', regionCode: 'CN-31' },
      });
      created.push(response.status);
    }
    expect(created).toEqual([201, 201, 201, 201, 201, 201]);
    const before = await app.running.infrastructure.store.headPosition();
    const limited = await app.request('POST', '/v1/warehouses', {
      token: ops,
      body: { id: 'WH-RATE-X', name: 'Rate', regionCode: 'CN-31' },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await appendedSince(app, before)).toEqual([]);
    expect((await app.request('GET', '/v1/warehouses', { token: app.token('ops', undefined, 'other-ops') })).status).toBe(200);
  });
});
