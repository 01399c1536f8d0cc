// The operator's way past an event already in the store that a projection cannot store: the
// projection fails on it and stops; `dealerline skip-event` records who skipped which event and
// why, the projection resumes past it, and a rebuild skips it too. The event stays in the store.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockStream } from '../../src/domain/inventory/stock.ts';
import { rebuildProjection } from '../../src/projections/rebuild.ts';
import { eventually, startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app.ts';
import { createProduct, createWarehouse, receiveStock, stockOf } from '../support/fixtures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

type Run = { code: number; stdout: string; stderr: string };
type State = { name: string; status: string; error: string | null };

describe('skipping an event a projection cannot store', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-SKIP', 'CN-31');
    await createProduct(app, { sku: 'SKIP-1' });
  });
  afterAll(async () => {
    await app.stop();
  });

  function cli(...args: string[]): Promise<Run> {
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      DATABASE_URL: app.database.url,
      DEMO_DATA: 'false',
      LOG_LEVEL: 'silent',
      JWT_SECRET: TEST_JWT_SECRET,
    };
    return new Promise((resolve) => {
      execFile(process.execPath, ['src/cli.ts', ...args], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  const states = async () => (await app.request<State[]>('GET', '/v1/projections', { token: app.token('admin') })).body;
  const stateOf = async (name: string) => (await states()).find((state) => state.name === name)!;

  it('stops on the event, skips it with an audit record, resumes, and rebuilds past it', async () => {
    const { store, db } = app.running.infrastructure;
    // A receipt dated year 0, as the API once accepted: in the store for good.
    const poison = randomUUID();
    await store.appendToStream(stockStream('SKIP-1', 'WH-SKIP'), [
      {
        id: poison,
        type: 'StockReceived',
        data: {
          sku: 'SKIP-1',
          warehouseId: 'WH-SKIP',
          receiptId: 'R-POISON',
          lot: 'L-POISON',
          productionDate: '0000-01-01',
          expiryDate: '2099-12-31',
          qty: 5,
        },
        metadata: {
          actor: 'ops-user',
          role: 'ops',
          correlationId: poison,
          causationId: null,
          occurredAt: new Date().toISOString(),
          schemaVersion: 1,
        },
      },
    ]);
    for (const name of ['inventory', 'analytics']) {
      await eventually(async () => ((await stateOf(name)).status === 'failed' ? true : undefined), 10_000, `${name} to fail`);
    }
    expect((await stateOf('inventory')).error).toContain(poison);
    const later = await receiveStock(app, { sku: 'SKIP-1', warehouseId: 'WH-SKIP', qty: 7, lot: 'L-GOOD' });

    const refused = await cli('skip-event', 'inventory');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--reason');

    for (const name of ['inventory', 'analytics']) {
      const skipped = await cli('skip-event', name, '--reason', 'receipt dated year 0, re-entered as R-FIXED', '--by', 'alice');
      expect(skipped.stderr).toBe('');
      expect(skipped.code).toBe(0);
      expect(skipped.stdout).toContain(`passes over StockReceived ${poison}`);
      expect(skipped.stdout).toContain('date/time field value out of range');
    }
    expect(await stockOf(app, 'SKIP-1', 'WH-SKIP', later)).toMatchObject({ onHand: 7 });
    expect((await states()).filter((state) => state.status !== 'running')).toEqual([]);

    const audit = await db.selectFrom('projection_skipped_events').selectAll().orderBy('projection').execute();
    expect(audit).toEqual([
      expect.objectContaining({
        projection: 'analytics',
        event_id: poison,
        event_type: 'StockReceived',
        reason: 'receipt dated year 0, re-entered as R-FIXED',
        skipped_by: 'alice',
      }),
      expect.objectContaining({
        projection: 'inventory',
        event_id: poison,
        event_type: 'StockReceived',
        stream_id: stockStream('SKIP-1', 'WH-SKIP'),
      }),
    ]);
    const listed = await cli('skipped-events', 'inventory');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(poison);
    expect(listed.stdout).toContain('alice');

    // The event is still in the store; a rebuild passes over it as the live runner did.
    expect((await store.readStream(stockStream('SKIP-1', 'WH-SKIP'))).map((event) => event.id)).toContain(poison);
    const { locks, upcasting, projections } = app.running.infrastructure;
    for (const name of ['inventory', 'analytics']) {
      await rebuildProjection(
        projections.find((projection) => projection.name === name)!,
        { db, store, locks, upcasting },
      );
    }
    expect(await stockOf(app, 'SKIP-1', 'WH-SKIP')).toMatchObject({ onHand: 7 });
    expect((await states()).filter((state) => state.status !== 'running')).toEqual([]);
  });

  it('refuses to skip anything on a projection that has not failed', async () => {
    const run = await cli('skip-event', 'orders', '--reason', 'just because');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('has not failed');
    expect((await cli('skip-event', 'nothing', '--reason', 'x')).code).toBe(2);
  });
});
