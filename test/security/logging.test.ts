// Secrets stay out of the logs: the app's own log lines, captured at LOG_LEVEL=trace over normal,
// refused, invalid and failing requests, never hold a bearer token, a webhook signature or a
// configured secret; and the logger's redaction covers the shapes it promises to.
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, REDACTED_PATHS } from '../../src/logger.ts';
import { eventually, startTestApp, type TestApp } from '../support/app.ts';

const SECRETS = {
  JWT_SECRET: 'logging-jwt-secret-that-is-long-enough-42',
  PAYMENT_WEBHOOK_SECRET: 'logging-payment-secret-7f3a',
  LOGISTICS_WEBHOOK_SECRET: 'logging-logistics-secret-9c1e',
};

/** A pino destination that keeps every line. */
function captured() {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(line) } };
}

function sign(secret: string, raw: string): string {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex')}`;
}

function hs256(payload: object, secret: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('logs at LOG_LEVEL=trace', () => {
  const log = captured();
  let app: TestApp;
  /** Everything that must never be logged: grows with every token and signature sent. */
  const secrets = new Set<string>(Object.values(SECRETS));

  beforeAll(async () => {
    app = await startTestApp({ LOG_LEVEL: 'trace', ...SECRETS }, { logDestination: log.stream });
    const password = decodeURIComponent(new URL(app.database.url).password);
    if (password) secrets.add(password);
  });
  afterAll(async () => {
    await app.stop();
  });

  const remembered = (token: string) => {
    secrets.add(token);
    // Its signature alone would do as well as the whole token.
    secrets.add(token.split('.')[2]!);
    return token;
  };

  it('hold no token, signature or secret, over accepted, refused, invalid and failing requests', async () => {
    const ops = remembered(app.token('ops', undefined, 'logging-ops'));
    const dealer = remembered(app.token('dealer', 'D-LOG'));
    const forged = remembered(
      hs256({ sub: 'x', role: 'admin', exp: Math.floor(Date.now() / 1000) + 600 }, 'a-forged-secret-that-is-long-enough-0000'),
    );
    const product = { sku: 'LOG-1', name: 'Logged Tea', brand: 'L', category: 'tea', unit: 'case', basePriceMinor: 100 };

    const created = await app.request('POST', '/v1/products', { token: ops, body: product });
    const statuses = [
      created.status,
      (await app.request('GET', `/v1/products/LOG-1?minPosition=${created.body.position}`, { token: dealer })).status,
      (await app.request('GET', '/v1/products', { token: forged })).status,
      (await app.request('GET', '/v1/products', { headers: { authorization: `Bearer ${remembered('not.a.jwt')}` } })).status,
      (
        await app.request('GET', '/v1/products', {
          headers: { authorization: `Basic ${remembered(Buffer.from('user:hunter2-password').toString('base64'))}` },
        })
      ).status,
      (await app.request('POST', '/v1/products', { token: dealer, body: product })).status,
      (await app.request('POST', '/v1/products', { token: ops, body: { ...product, sku: 'bad sku!', basePriceMinor: -1 } })).status,
      (await app.request('POST', '/v1/products', { token: ops, raw: '{"sku":', headers: { 'content-type': 'application/json' } })).status,
    ];
    for (const [path, secret] of [
      ['/v1/webhooks/payments', SECRETS.PAYMENT_WEBHOOK_SECRET],
      ['/v1/webhooks/logistics', SECRETS.LOGISTICS_WEBHOOK_SECRET],
    ] as const) {
      const raw = JSON.stringify({ id: `LOG-${path.length}`, type: 'noted', data: { n: 1 } });
      const good = sign(secret, raw);
      const bad = sign('the-wrong-secret-0000000000', raw);
      for (const signature of [good, bad]) secrets.add(signature.split('v1=')[1]!);
      statuses.push(
        (await app.request('POST', path, { raw, headers: { 'content-type': 'application/json', 'x-signature': good } })).status,
      );
      statuses.push((await app.request('POST', path, { raw, headers: { 'content-type': 'application/json', 'x-signature': bad } })).status);
    }
    // An unexpected failure deep inside a command: the 500 path logs the error.
    const store = app.running.infrastructure.store;
    const failing = vi.spyOn(store, 'appendToStream').mockRejectedValueOnce(new Error('the disk caught fire'));
    statuses.push((await app.request('POST', '/v1/products', { token: ops, body: { ...product, sku: 'LOG-2' } })).status);
    failing.mockRestore();

    expect(statuses).toEqual([201, 200, 401, 401, 401, 403, 400, 400, 202, 401, 202, 401, 500]);
    const text = log.lines.join('');
    expect(log.lines.length).toBeGreaterThan(20);
    expect(text).toContain('incoming request');
    expect(text).toMatch(/"level":50.*the disk caught fire/);
    const leaked = [...secrets].filter((secret) => text.includes(secret));
    expect(
      leaked.map((secret) => `${secret.slice(0, 12)}… appears in ${log.lines.filter((line) => line.includes(secret)).length} line(s)`),
    ).toEqual([]);
  });

  it('hold no password or session token over sign-in, refresh, sign-out and password changes; nor do responses but the tokens themselves, nor events', async () => {
    const admin = remembered(app.token('admin', undefined, 'logging-admin'));
    const [password, wrong, next] = ['first logging passphrase', 'wrong logging passphrase', 'second logging passphrase'];
    for (const secret of [password, wrong, next]) secrets.add(secret);
    const others: string[] = [];
    const answer = async (method: string, path: string, options: Parameters<TestApp['request']>[2]) => {
      const response = await app.request(method, path, options);
      others.push(response.text);
      return response;
    };
    const tokensOf = async (path: string, body: object) => {
      const response = await app.request('POST', path, { body });
      expect(response.status, response.text).toBe(200);
      remembered(response.body.accessToken);
      secrets.add(response.body.refreshToken);
      return response.body as { accessToken: string; refreshToken: string; user: { id: string } };
    };

    const created = await answer('POST', '/v1/users', {
      token: admin,
      body: { username: 'log.user', displayName: 'Logged', password, role: 'analyst' },
    });
    expect(created.status).toBe(201);
    await answer('POST', '/v1/users', {
      token: admin,
      body: { username: 'log.weak', displayName: 'Weak', password: 'qwertyuiop123', role: 'analyst' },
    });
    expect((await answer('POST', '/v1/auth/login', { body: { username: 'log.user', password: wrong } })).status).toBe(401);
    expect((await answer('POST', '/v1/auth/login', { body: { username: password, password } })).status).toBe(401);
    const first = await tokensOf('/v1/auth/login', { username: 'log.user', password });
    const second = await tokensOf('/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect((await answer('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })).status).toBe(401);
    const third = await tokensOf('/v1/auth/login', { username: 'log.user', password });
    expect((await answer('GET', '/v1/me', { token: third.accessToken })).status).toBe(200);
    const path = `/v1/users/${third.user.id}/password`;
    expect((await answer('PUT', path, { token: third.accessToken, body: { currentPassword: wrong, newPassword: next } })).status).toBe(422);
    expect((await answer('PUT', path, { token: third.accessToken, body: { currentPassword: password, newPassword: next } })).status).toBe(
      200,
    );
    expect((await answer('POST', '/v1/auth/logout', { body: { refreshToken: third.refreshToken } })).status).toBe(204);
    expect((await answer('GET', '/v1/me', { token: second.accessToken })).status).toBe(401);

    const text = log.lines.join('');
    expect(text).toContain('signed in');
    const leakedToLogs = [...secrets].filter((secret) => text.includes(secret));
    expect(
      leakedToLogs.map(
        (secret) => `${secret.slice(0, 12)}… appears in ${log.lines.filter((line) => line.includes(secret)).length} line(s)`,
      ),
    ).toEqual([]);
    const leakedToResponses = [password, wrong, next, first.refreshToken, second.refreshToken, third.refreshToken].filter((secret) =>
      others.some((body) => body.includes(secret)),
    );
    expect(leakedToResponses).toEqual([]);
    const { events } = await app.running.infrastructure.store.readAll({ maxCount: 10_000 });
    const stored = JSON.stringify(events);
    expect(stored).toContain('log.user');
    expect([password, next, '$argon2'].filter((secret) => stored.includes(secret))).toEqual([]);
  });
});

describe('webhook subscription secrets', () => {
  const log = captured();
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ LOG_LEVEL: 'trace', ...SECRETS }, { logDestination: log.stream });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('are answered once, when made, and never logged, listed or stored in an event, even when deliveries fail', async () => {
    const secret = 'subscription-secret-never-to-be-seen-9d2f';
    const generated = await app.request('POST', '/v1/subscriptions', {
      token: app.token('ops'),
      body: { url: 'https://127.0.0.1:9/hook', events: ['order.on_hold'] },
    });
    expect(generated.status, generated.text).toBe(201);
    expect(generated.body.secret).toMatch(/^whsec_/);
    const created = await app.request('POST', '/v1/subscriptions', {
      token: app.token('ops'),
      body: { url: 'http://127.0.0.1:9/hook', events: ['stock.low'], secret },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ secret, secretHint: `…${secret.slice(-4)}` });
    const listed = await app.request('GET', `/v1/subscriptions?minPosition=${created.body.position}`, { token: app.token('ops') });
    expect(listed.body.items).toHaveLength(2);
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain(generated.body.secret);
    // A threshold crossing: delivered to a closed port, failing and retried.
    const ops = app.token('ops');
    expect(
      (await app.request('POST', '/v1/warehouses', { token: ops, body: { id: 'WH-LOG', name: 'Log', regionCode: 'CN-31' } })).status,
    ).toBe(201);
    expect(
      (
        await app.request('POST', '/v1/products', {
          token: ops,
          body: { sku: 'LOG-LOW', name: 'L', brand: 'L', category: 'tea', unit: 'case', basePriceMinor: 1, lowStockThreshold: 5 },
        })
      ).status,
    ).toBe(201);
    const received = await app.request('POST', '/v1/stock/receipts', {
      token: ops,
      body: { sku: 'LOG-LOW', warehouseId: 'WH-LOG', lot: 'L1', productionDate: '2026-01-01', expiryDate: '2099-12-31', qty: 6 },
    });
    expect(received.status).toBe(201);
    expect(
      (
        await app.request('POST', '/v1/stock/adjustments', {
          token: ops,
          body: { sku: 'LOG-LOW', warehouseId: 'WH-LOG', lot: 'L1', delta: -2, reason: 'count' },
        })
      ).status,
    ).toBe(201);
    const { db } = app.running.infrastructure;
    await eventually(
      async () => {
        const row = await db
          .selectFrom('integration.checkpoints')
          .select('last_error')
          .where('adapter', '=', `subscription:${created.body.id}`)
          .executeTakeFirst();
        return row?.last_error ? true : undefined;
      },
      15_000,
      'a failed delivery',
    );
    const text = log.lines.join('');
    expect(text).toContain('delivery failed; retrying');
    for (const hidden of [secret, generated.body.secret]) expect(text).not.toContain(hidden);
    const { events } = await app.running.infrastructure.store.readAll({ maxCount: 10_000 });
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it('are stored once: a creation’s Idempotency-Key keeps its answer without the secret, and its replay reads the secret back', async () => {
    const secret = 'subscription-secret-replayed-4e1c-0123456789';
    const create = () =>
      app.request('POST', '/v1/subscriptions', {
        token: app.token('ops'),
        headers: { 'idempotency-key': 'subscribe-once' },
        body: { url: 'https://127.0.0.1:9/replayed', events: ['order.approved'], secret },
      });
    const first = await create();
    expect(first.status, first.text).toBe(201);
    expect(first.body.secret).toBe(secret);
    const { rows } = await sql<{ row: string }>`SELECT k::text AS row FROM idempotency_keys k WHERE k.key = 'subscribe-once'`.execute(
      app.running.infrastructure.db,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.row).toContain(first.body.id);
    expect(rows[0]!.row).not.toContain(secret);
    const again = await create();
    expect(again.status, again.text).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });
});

describe('the logger redaction', () => {
  const token = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  const secret = 'a-configured-secret-value';

  /** `req.headers["x-signature"]` → ['req', 'headers', 'x-signature']; a `*` stands for any key. */
  const segments = (path: string) =>
    [...path.matchAll(/([^.[\]"]+)|\["([^"]+)"\]/g)].map((match) => (match[1] ?? match[2]!).replace('*', 'anything'));

  it('censors every path it lists', () => {
    for (const path of REDACTED_PATHS) {
      const log = captured();
      const value = segments(path).reduceRight<unknown>((inner, key) => ({ [key]: inner }), `${token} ${secret}`);
      createLogger({ logLevel: 'info' }, log.stream).info(value as object, 'redaction');
      expect(log.lines[0], path).not.toContain(secret);
      expect(log.lines[0], path).toContain('[redacted]');
    }
  });

  it('censors the shapes the app logs: request headers, configuration, connection strings', () => {
    const log = captured();
    const logger = createLogger({ logLevel: 'info' }, log.stream);
    logger.info({ req: { headers: { authorization: token, cookie: `session=${secret}`, 'x-signature': `t=1,v1=${secret}` } } }, 'request');
    logger.info(
      {
        config: {
          jwtSecret: secret,
          paymentWebhookSecret: secret,
          logisticsWebhookSecret: secret,
          databaseUrl: `postgres://u:${secret}@h/db`,
        },
      },
      'config',
    );
    logger.info({ esdb: { connectionString: `esdb://admin:${secret}@h:2113` } }, 'connection');
    const text = log.lines.join('');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);
  });

  it('keeps what is not secret', () => {
    const log = captured();
    createLogger({ logLevel: 'info' }, log.stream).info({ req: { method: 'GET', url: '/v1/products' }, sku: 'A-1' }, 'kept');
    expect(JSON.parse(log.lines[0]!)).toMatchObject({ req: { method: 'GET', url: '/v1/products' }, sku: 'A-1', msg: 'kept' });
  });
});
