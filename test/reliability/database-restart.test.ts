// The database restarting under an order load: requests fail fast with 503 and Retry-After,
// nothing is half written, and the service recovers by itself. This file runs its own embedded
// PostgreSQL, because it stops and restarts it (the shared test server must stay up).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createDb, createPool } from '../../src/db/database.ts';
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { stockDecider, stockLevel, stockStream } from '../../src/domain/inventory/stock.ts';
import { orderDecider, orderStream } from '../../src/domain/ordering/order.ts';
import { createLogger } from '../../src/logger.ts';
import { openInfrastructure, start, type Running } from '../../src/main.ts';
import { eventually, request, TEST_JWT_SECRET, type TestApp } from '../support/app.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';
import { businessDayOf } from '../../src/domain/shared/calendar.ts';

describe('the database restarting under load', () => {
  let dir: string;
  let server: EmbeddedServer;
  let port: number;
  let running: Running;
  let app: TestApp;

  const startServer = () =>
    startEmbeddedPostgres({ dataDir: dir, port, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dealerline-restart-'));
    await chmod(dir, 0o755);
    port = await freePort();
    server = await startServer();
    const url = server.url('dealerline');
    const db = createDb(createPool(url, { max: 2 }));
    await migrateToLatest(db);
    await db.destroy();
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: url,
      PORT: '0',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'silent',
      JWT_SECRET: TEST_JWT_SECRET,
    });
    const infrastructure = await openInfrastructure(config, createLogger(config), { migrate: false });
    running = await start(infrastructure, { api: true, workers: true, seed: false });
    const base = running.url!;
    app = {
      url: base,
      running,
      database: { url, drop: async () => undefined },
      token: (role, dealerId, sub) => infrastructure.tokens.sign({ sub: sub ?? `${role}-user`, role, dealerId }),
      request: (method, route, options) => request(base, method, route, options),
      stop: async () => undefined,
    };
    await createWarehouse(app, 'WH-DB', 'CN-31');
    await createProduct(app, { sku: 'DB-1' });
    const last = await receiveStock(app, { sku: 'DB-1', warehouseId: 'WH-DB', qty: 100_000 });
    await createDealer(app, { id: 'D-DB' });
    expect((await app.request('GET', `/v1/stock?minPosition=${last}`, { token: app.token('ops') })).status).toBe(200);
  });

  afterAll(async () => {
    await running?.stop();
    await running?.infrastructure.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'answers 503 with Retry-After while the database is down, loses nothing acknowledged, and recovers',
    { timeout: 120_000 },
    async () => {
      const token = app.token('dealer', 'D-DB');
      const acknowledged: string[] = [];
      const outageStatuses: number[] = [];
      let down = false;
      let stopLoad = false;
      const order = async () => {
        const started = Date.now();
        const response = await app.request('POST', '/v1/orders', {
          token,
          body: { lines: [{ sku: 'DB-1', qty: 1 }], regionCode: 'CN-31' },
        });
        if (response.status === 201) acknowledged.push(response.body.id);
        else if (down) {
          outageStatuses.push(response.status);
          expect(response.status, response.text).toBe(503);
          expect(response.headers.get('retry-after')).toBeTruthy();
          expect(response.headers.get('content-type')).toContain('application/problem+json');
          // Failing fast: no request waits out the outage.
          expect(Date.now() - started).toBeLessThan(10_000);
        }
      };
      const load = (async () => {
        while (!stopLoad) await Promise.all(Array.from({ length: 4 }, order));
      })();

      await eventually(() => (acknowledged.length >= 10 ? true : undefined), 20_000, 'orders before the outage');
      down = true;
      await server.stop();
      await eventually(() => (outageStatuses.length >= 8 ? true : undefined), 30_000, 'requests during the outage');
      const ready = await app.request('GET', '/health/ready');
      expect(ready.status).toBe(503);

      server = await startServer();
      down = false;
      const before = acknowledged.length;
      await eventually(() => (acknowledged.length >= before + 10 ? true : undefined), 60_000, 'orders after the restart');
      stopLoad = true;
      await load;
      await eventually(async () => ((await app.request('GET', '/health/ready')).status === 200 ? true : undefined), 30_000, 'readiness');

      // Every acknowledged order exists with its decision; nothing is reserved that no order claims.
      const { commands } = running.infrastructure;
      let approvedQty = 0;
      for (const id of new Set(acknowledged)) {
        const { state } = await commands.load(orderDecider, orderStream(id));
        expect(state.exists && state.decision, id).toBe('approved');
        if (state.exists) approvedQty += state.reservations.stock.reduce((sum, held) => sum + held.qty, 0);
      }
      const head = await running.infrastructure.store.headPosition();
      expect((await app.request('GET', `/v1/stock?minPosition=${head}`, { token: app.token('ops') })).status).toBe(200);
      const { state } = await commands.load(stockDecider, stockStream('DB-1', 'WH-DB'));
      expect(stockLevel(state, businessDayOf(new Date())).reserved).toBe(approvedQty);
    },
  );
});
