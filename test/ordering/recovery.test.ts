// Recovery of the order process: a server killed with SIGKILL again and again in the middle of an
// order load converges after restart. A placement is one atomic append, so a crash leaves all of an
// order (with its reservations) or nothing: no stream ever holds stock or credit for an order that
// does not exist, and nothing has to be swept up.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../src/api/auth.ts';
import { freePort } from '../../src/db/embedded.ts';
import { creditLedgerDecider, creditStream } from '../../src/domain/credit/credit-ledger.ts';
import { stockDecider, stockLevel, stockStream } from '../../src/domain/inventory/stock.ts';
import { orderDecider, orderStream } from '../../src/domain/ordering/order.ts';
import { eventually, request, startTestApp, TEST_JWT_SECRET, type ApiResponse, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';
import { expectReadModelsToEqualRebuilds } from '../support/read-models.ts';
import { businessDayOf } from '../../src/domain/shared/calendar.ts';

describe('order process recovery', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-C', 'CN-31');
    await createProduct(app, { sku: 'CRASH-1' });
    const last = await receiveStock(app, { sku: 'CRASH-1', warehouseId: 'WH-C', qty: 1_000 });
    await createDealer(app, { id: 'D-CRASH', creditLimitMinor: 100_000_000 });
    expect((await app.request('GET', `/v1/stock?minPosition=${last}`, { token: app.token('ops') })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
  });

  const deps = () => ({ commands: app.running.infrastructure.commands });

  describe('a server killed mid-load', () => {
    let child: ChildProcess | undefined;
    let url = '';

    async function startServer(port: number): Promise<ChildProcess> {
      const server = spawn(process.execPath, ['src/cli.ts', 'start'], {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: app.database.url,
          PORT: String(port),
          HOST: '127.0.0.1',
          DEMO_DATA: 'false',
          LOG_LEVEL: 'silent',
          JWT_SECRET: TEST_JWT_SECRET,
        },
        stdio: 'ignore',
      });
      await eventually(
        async () => ((await request(url, 'GET', '/health/ready')).status === 200 ? true : undefined),
        30_000,
        'the server to be ready',
      );
      return server;
    }

    afterAll(() => {
      child?.kill('SIGKILL');
    });

    it(
      'keeps every acknowledged order, decides every order, leaves nothing held that no order claims, and converges to a rebuild',
      { timeout: 240_000 },
      async () => {
        const port = await freePort();
        url = `http://127.0.0.1:${port}`;
        child = await startServer(port);
        const token = createTokenService(TEST_JWT_SECRET).sign({ sub: 'crash-dealer', role: 'dealer', dealerId: 'D-CRASH' });
        const attempt = (key: string) =>
          request(url, 'POST', '/v1/orders', {
            token,
            headers: { 'idempotency-key': key },
            body: { lines: [{ sku: 'CRASH-1', qty: 3 }], regionCode: 'CN-31' },
          }).catch(() => ({ status: 0, body: undefined }) as const);
        // A client's retry loop: a key whose first attempt died stays leased for a while (409, 15 s at
        // most), so it retries once a second (as Retry-After says) until an answer, within a deadline.
        const place = (key: string) =>
          eventually(
            async (): Promise<ApiResponse | undefined> => {
              const response = await attempt(key);
              return response.status === 409 ? undefined : (response as ApiResponse);
            },
            { timeoutMs: 60_000, intervalMs: 1_000, what: `an answer other than 409 for ${key}` },
          );

        // Three times over: a wave of orders, killed with SIGKILL once some are acknowledged, restarted.
        const keys: string[] = [];
        const acknowledged = new Map<string, string>();
        for (let round = 0; round < 3; round += 1) {
          const wave = Array.from({ length: 25 }, (_, i) => `crash-key-${round}-${i}`);
          keys.push(...wave);
          const ackedBefore = acknowledged.size;
          const attempts = wave.map(async (key) => {
            const response = await attempt(key);
            if (response.status === 201) acknowledged.set(key, response.body.id);
          });
          await eventually(
            () => (acknowledged.size >= ackedBefore + 3 ? true : undefined),
            30_000,
            `some orders of round ${round} to be acknowledged`,
          );
          child.kill('SIGKILL');
          await Promise.all(attempts);
          child = await startServer(port);
        }

        // Clients retry what was not acknowledged (and some of what was) with the same keys.
        const retried = await Promise.all(keys.map(async (key) => [key, await place(key)] as const));
        for (const [key, response] of retried) {
          expect(response.status, key).toBe(201);
          if (acknowledged.has(key)) expect(response.body.id, key).toBe(acknowledged.get(key));
        }
        const orderIds = new Set(retried.map(([, response]) => response.body.id as string));
        expect(orderIds.size).toBe(keys.length);

        const { commands } = deps();
        let approvedQty = 0;
        const claimed = new Map<string, number>();
        for (const orderId of orderIds) {
          const { state } = await commands.load(orderDecider, orderStream(orderId));
          expect(state.exists && state.decision, orderId).toBeTruthy();
          if (state.exists && state.reservations.stock.length > 0) {
            approvedQty += state.reservations.stock.reduce((sum, held) => sum + held.qty, 0);
            claimed.set(orderId, state.reservations.creditMinor);
          }
        }
        expect(claimed.size).toBeGreaterThan(0);
        const head = await app.running.infrastructure.store.headPosition();
        expect((await app.request('GET', `/v1/stock?minPosition=${head}`, { token: app.token('ops') })).status).toBe(200);
        // Every reservation on the stock and credit streams belongs to an order that claims it, and no more.
        const stock = await commands.load(stockDecider, stockStream('CRASH-1', 'WH-C'));
        expect(new Set(stock.state.reservations.keys())).toEqual(new Set([...claimed.keys()]));
        expect([...stock.state.reservations.values()].reduce((sum, qty) => sum + qty, 0)).toBe(approvedQty);
        const credit = await commands.load(creditLedgerDecider, creditStream('D-CRASH'));
        expect(new Set(credit.state.reservations.keys())).toEqual(new Set([...claimed.keys()]));
        for (const [orderId, minor] of claimed) expect(credit.state.reservations.get(orderId)?.reservedMinor, orderId).toBe(minor);
        // Never more reserved than on hand.
        const level = stockLevel(stock.state, businessDayOf(new Date()));
        expect(level.reserved).toBeLessThanOrEqual(level.sellable);
        child.kill('SIGKILL');
        // The read models the crashes interrupted converge to a rebuild from scratch, row by row.
        await expectReadModelsToEqualRebuilds(app);
      },
    );
  });
});
