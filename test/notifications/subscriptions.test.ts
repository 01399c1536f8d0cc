// Webhook subscriptions against real local HTTP receivers: signed deliveries of the types
// subscribed to, a dealer's only about its own orders, staff's about any order and stock; a
// receiver that is down gets its deliveries after it returns, in order per order; a refused
// delivery is dead-lettered and retried by admin through the existing dead-letter routes; alerts
// reach receivers once per crossing through restarts, rebuilds and replays; bad subscriptions are
// 400s naming the field, writing nothing.
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIntegrationMetrics } from '../../src/integrations/metrics.ts';
import { replayCommand } from '../../src/integrations/cli-commands.ts';
import { replayAdapter } from '../../src/integrations/replay.ts';
import { subscriptionAdapterName } from '../../src/integrations/subscriptions/adapter.ts';
import { STOCK_ALERTS } from '../../src/processes/stock-alerts.ts';
import { rebuildProjection } from '../../src/projections/rebuild.ts';
import { eventually, restartTestApp, startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createWarehouse } from '../support/fixtures.ts';
import { adapterPast, checkpointOf } from '../integrations/order-partners.ts';
import { firstAccepted, startReceiver, type Receiver } from './receiver.ts';

describe('webhook subscriptions', () => {
  let app: TestApp;
  const receivers: Receiver[] = [];
  const ops = () => app.token('ops');
  const head = () => app.running.infrastructure.store.headPosition();

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-N', 'CN-31');
    for (const [sku, threshold] of [
      ['NT-TEA', null],
      ['NT-LOW', 10],
    ] as const) {
      const created = await app.request('POST', '/v1/products', {
        token: ops(),
        body: {
          sku,
          name: `Notified ${sku}`,
          brand: 'N',
          category: 'tea',
          unit: 'case',
          basePriceMinor: 100,
          lowStockThreshold: threshold,
        },
      });
      expect(created.status, created.text).toBe(201);
      const received = await app.request('POST', '/v1/stock/receipts', {
        token: ops(),
        body: {
          sku,
          warehouseId: 'WH-N',
          lot: `LOT-${sku}`,
          productionDate: '2026-01-01',
          expiryDate: '2099-12-31',
          qty: sku === 'NT-TEA' ? 10_000 : 30,
        },
      });
      expect(received.status, received.text).toBe(201);
    }
    await createDealer(app, { id: 'D-NA' });
    await createDealer(app, { id: 'D-NB' });
    expect((await app.request('GET', `/v1/products?minPosition=${await head()}`, { token: ops() })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function receiver(): Promise<Receiver> {
    const started = await startReceiver(`receiver-secret-${receivers.length}-0123456789`);
    receivers.push(started);
    return started;
  }

  async function subscribe(token: string, target: Receiver, events: string[]): Promise<string> {
    const created = await app.request('POST', '/v1/subscriptions', { token, body: { url: target.url, events, secret: target.secret } });
    expect(created.status, created.text).toBe(201);
    return created.body.id as string;
  }

  async function order(
    dealerId: string,
    qty = 1,
    regionCode = 'CN-31',
    sku = 'NT-TEA',
  ): Promise<{ id: string; status: string; position: string }> {
    const placed = await app.request('POST', '/v1/orders', {
      token: app.token('dealer', dealerId),
      body: { lines: [{ sku, qty }], regionCode },
    });
    expect(placed.status, placed.text).toBe(201);
    return placed.body;
  }

  async function ship(orderId: string, qty = 1, sku = 'NT-TEA'): Promise<string> {
    const shipped = await app.request('POST', `/v1/orders/${orderId}/shipments`, {
      token: ops(),
      body: { lines: [{ sku, qty }], carrier: 'SF' },
    });
    expect(shipped.status, shipped.text).toBe(201);
    return shipped.body.position as string;
  }

  /** Everything up to now, alerts it led to included, has been delivered (or dead-lettered) to the subscription. */
  async function settled(subscriptionId: string): Promise<void> {
    await adapterPast(app, STOCK_ALERTS, await head());
    await adapterPast(app, subscriptionAdapterName(subscriptionId), await head());
  }

  /** What the receiver got, sorted: different orders' notifications may arrive in any order (each order's in its own). */
  const summary = (target: Receiver) =>
    firstAccepted(target)
      .map((delivery) => `${delivery.type} ${String(delivery.data.orderId ?? delivery.data.sku)}`)
      .sort();
  const sorted = (items: string[]) => [...items].sort();

  it('sends each subscriber the notifications it took, signed, a dealer only about its own orders, staff about any', async () => {
    const [forA, forB, forStaff] = [await receiver(), await receiver(), await receiver()];
    const subA = await subscribe(app.token('dealer', 'D-NA'), forA, ['order.approved', 'order.on_hold', 'order.shipped']);
    const subB = await subscribe(app.token('dealer', 'D-NB'), forB, ['order.approved']);
    const subStaff = await subscribe(ops(), forStaff, ['order.approved', 'stock.low']);

    const approvedA = await order('D-NA');
    const approvedB = await order('D-NB');
    const heldA = await order('D-NA', 1, 'CN-44');
    expect([approvedA.status, approvedB.status, heldA.status]).toEqual(['approved', 'approved', 'on_hold']);
    await ship(approvedA.id);
    const low = await order('D-NB', 25, 'CN-31', 'NT-LOW');
    expect(low.status).toBe('approved');
    await Promise.all([subA, subB, subStaff].map(settled));

    expect(summary(forA)).toEqual(sorted([`order.approved ${approvedA.id}`, `order.on_hold ${heldA.id}`, `order.shipped ${approvedA.id}`]));
    expect(summary(forB)).toEqual(sorted([`order.approved ${approvedB.id}`, `order.approved ${low.id}`]));
    expect(summary(forStaff)).toEqual(
      sorted([`order.approved ${approvedA.id}`, `order.approved ${approvedB.id}`, `order.approved ${low.id}`, 'stock.low NT-LOW']),
    );
    expect(
      firstAccepted(forA)
        .filter((delivery) => delivery.data.orderId === approvedA.id)
        .map((delivery) => delivery.type),
    ).toEqual(['order.approved', 'order.shipped']);
    for (const delivery of [...forA.calls, ...forB.calls, ...forStaff.calls]) {
      expect(delivery.signatureValid).toBe(true);
      expect(delivery.idempotencyKey).toBe(delivery.id);
      expect(Object.keys(JSON.parse(delivery.raw)).sort()).toEqual(['data', 'id', 'occurredAt', 'type']);
    }
    expect(forA.accepted.length).toBeGreaterThan(0);
    expect(forA.accepted.every((delivery) => delivery.data.dealerId === 'D-NA')).toBe(true);
    expect(firstAccepted(forA).find((delivery) => delivery.type === 'order.on_hold')!.data).toMatchObject({
      orderId: heldA.id,
      reasons: [{ code: 'territory_not_authorized' }],
    });
    expect(firstAccepted(forStaff).find((delivery) => delivery.type === 'stock.low')!.data).toEqual({
      sku: 'NT-LOW',
      warehouseId: 'WH-N',
      available: 5,
      threshold: 10,
    });

    // Each lists its own, never a secret; deleting one stops its deliveries.
    const listed = await app.request('GET', '/v1/subscriptions', { token: app.token('dealer', 'D-NA') });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: subA, url: forA.url, secretHint: `…${forA.secret.slice(-4)}` })]);
    expect(listed.text).not.toContain(forA.secret);
    expect((await app.request('DELETE', `/v1/subscriptions/${subA}`, { token: app.token('dealer', 'D-NB') })).status).toBe(404);
    const deleted = await app.request('DELETE', `/v1/subscriptions/${subA}`, { token: app.token('dealer', 'D-NA') });
    expect(deleted.status, deleted.text).toBe(200);
    expect(
      (await app.request('GET', `/v1/subscriptions?minPosition=${deleted.body.position}`, { token: app.token('dealer', 'D-NA') })).body
        .items,
    ).toEqual([]);
    await eventually(
      () => (app.running.deliveries!.running().includes(subscriptionAdapterName(subA)) ? undefined : true),
      10_000,
      'the subscription to stop',
    );
    const after = await order('D-NA');
    await settled(subB);
    expect(forA.calls.some((delivery) => delivery.data.orderId === after.id)).toBe(false);
  });

  it('refuses bad subscriptions with a 400 naming the field, and writes nothing', async () => {
    const before = await head();
    const cases: [string, Record<string, unknown>, string][] = [
      [ops(), { url: 'not a url', events: ['order.approved'] }, 'body.url'],
      [ops(), { url: 'ftp://127.0.0.1/hook', events: ['order.approved'] }, 'body.url'],
      [ops(), { url: 'https://10.1.2.3/hook', events: ['order.approved'] }, 'body.url'],
      [ops(), { url: 'http://169.254.169.254/latest/meta-data/', events: ['order.approved'] }, 'body.url'],
      [ops(), { url: 'https://[fe80::1]/hook', events: ['order.approved'] }, 'body.url'],
      [ops(), { url: 'https://[::ffff:192.168.1.1]/hook', events: ['order.approved'] }, 'body.url'],
      [ops(), { url: 'https://100.100.100.200/hook', events: ['order.approved'] }, 'body.url'],
      [ops(), { url: 'http://93.184.216.34/hook', events: ['order.approved'] }, 'body.url'],
      [ops(), { url: 'https://user:pass@127.0.0.1/hook', events: ['order.approved'] }, 'body.url'],
      [ops(), { url: 'https://127.0.0.1/hook', events: ['order.paid'] }, 'body.events.0'],
      [ops(), { url: 'https://127.0.0.1/hook', events: [] }, 'body.events'],
      [ops(), { url: 'https://127.0.0.1/hook', events: ['order.approved'], secret: 'short' }, 'body.secret'],
      [app.token('dealer', 'D-NA'), { url: 'https://127.0.0.1/hook', events: ['order.approved', 'stock.low'] }, 'body.events.1'],
    ];
    for (const [token, body, path] of cases) {
      const response = await app.request('POST', '/v1/subscriptions', { token, body });
      expect(response.status, `${JSON.stringify(body)}: ${response.text}`).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(
        response.body.errors.map((error: { path: string }) => error.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    const both = await app.request('POST', '/v1/subscriptions', {
      token: app.token('dealer', 'D-NA'),
      body: { url: 'https://10.0.0.1/', events: ['stock.expiring'] },
    });
    expect(both.body.errors.map((error: { path: string }) => error.path)).toEqual(['body.url', 'body.events.0']);
    const buyer = await app.request('POST', '/v1/subscriptions', {
      token: app.running.infrastructure.tokens.sign({ sub: 'buyer-1', role: 'dealer', dealerId: 'D-NA', dealerRole: 'buyer' }),
      body: { url: 'https://127.0.0.1/hook', events: ['order.approved'] },
    });
    expect(buyer.status).toBe(403);
    expect(await head()).toBe(before);
  });

  it('gets a receiver that was down its deliveries once it is back, in order per order, without holding up another', async () => {
    const target = await receiver();
    const other = await receiver();
    const subscriptionId = await subscribe(ops(), target, ['order.approved', 'order.on_hold', 'order.shipped']);
    await subscribe(ops(), other, ['order.shipped']);
    await eventually(() => checkpointOf(app, subscriptionAdapterName(subscriptionId)), 10_000, 'the subscription to start');
    await target.down();
    const held = await Promise.all([order('D-NA', 1, 'CN-44'), order('D-NB', 1, 'CN-44')]);
    for (const { id } of held) expect((await app.request('POST', `/v1/orders/${id}/approve`, { token: ops(), body: {} })).status).toBe(200);
    for (const { id } of held) await ship(id);
    const state = () =>
      app.running.infrastructure.db
        .selectFrom('integration.checkpoints')
        .select('last_error')
        .where('adapter', '=', subscriptionAdapterName(subscriptionId))
        .executeTakeFirst();
    await eventually(async () => ((await state())?.last_error ? true : undefined), 15_000, 'a failed attempt');
    // The other receiver has its shipments meanwhile.
    await eventually(() => (firstAccepted(other).length === 2 ? true : undefined), 15_000, "the other receiver's deliveries");
    expect(target.calls).toEqual([]);
    await target.up();
    await eventually(() => (firstAccepted(target).length === 6 ? true : undefined), 30_000, 'every delivery after the receiver returned');
    for (const { id } of held) {
      expect(
        firstAccepted(target)
          .filter((delivery) => delivery.data.orderId === id)
          .map((delivery) => delivery.type),
      ).toEqual(['order.on_hold', 'order.approved', 'order.shipped']);
    }
    expect((await app.request('GET', '/v1/integrations/dead-letters?status=open', { token: app.token('admin') })).body.items).toEqual([]);
  });

  it('dead-letters a delivery the receiver refuses, shows it to admin and delivers it on retry, the same content under the same id', async () => {
    const target = await receiver();
    target.answer(() => 400);
    const subscriptionId = await subscribe(ops(), target, ['order.approved']);
    const placed = await order('D-NA');
    const admin = app.token('admin');
    const adapter = subscriptionAdapterName(subscriptionId);
    const deadLetter = await eventually(
      async () => {
        const page = await app.request('GET', `/v1/integrations/dead-letters?adapter=${encodeURIComponent(adapter)}`, { token: admin });
        return page.body.items[0];
      },
      15_000,
      'the dead letter',
    );
    expect(deadLetter).toMatchObject({ adapter, eventType: 'OrderReviewed', status: 'open', attempts: 1 });
    expect(deadLetter.lastError).toContain('HTTP 400');
    const states = await app.request('GET', '/v1/integrations', { token: admin });
    expect(states.body).toContainEqual(expect.objectContaining({ name: adapter, openDeadLetters: 1 }));

    target.answer(() => 204);
    const retried = await app.request('POST', `/v1/integrations/dead-letters/${deadLetter.id}/retry`, { token: admin });
    expect(retried.status, retried.text).toBe(202);
    await eventually(async () =>
      (await app.request('GET', `/v1/integrations/dead-letters/${deadLetter.id}`, { token: admin })).body.status === 'delivered'
        ? true
        : undefined,
    );
    expect(target.calls.map((delivery) => delivery.id)).toEqual([deadLetter.eventId, deadLetter.eventId]);
    expect(target.calls[1]!.raw).toBe(target.calls[0]!.raw);
    expect(target.accepted[0]!.data.orderId).toBe(placed.id);
  });

  it('tells a receiver of each crossing once, through a restart, a rebuild of the read models and a replay of the alerts', async () => {
    const target = await receiver();
    const subscriptionId = await subscribe(ops(), target, ['stock.low']);
    const adjust = async (delta: number) => {
      const adjusted = await app.request('POST', '/v1/stock/adjustments', {
        token: ops(),
        body: { sku: 'NT-LOW', warehouseId: 'WH-N', lot: 'LOT-NT-LOW', delta, reason: 'count' },
      });
      expect(adjusted.status, adjusted.text).toBe(201);
    };
    // Available 5 (below 10) since the first test: up to 25, then down to 2 — one new crossing.
    await adjust(20);
    await adjust(-23);
    await eventually(() => (firstAccepted(target).length === 1 ? true : undefined), 15_000, 'the first crossing');

    app = await restartTestApp(app);
    const { db, store, locks, upcasting, adapters, projections } = app.running.infrastructure;
    for (const projection of projections.filter((candidate) => candidate.name === 'notifications'))
      await rebuildProjection(projection, { db, store, locks, upcasting });
    const alerts = adapters.find((adapter) => adapter.name === STOCK_ALERTS)!;
    await replayAdapter(alerts, {
      from: '0',
      db,
      store,
      locks,
      upcasting,
      metrics: createIntegrationMetrics(new Registry()),
      logger: pino({ level: 'silent' }),
    });
    await adjust(30);
    await adjust(-31);
    await eventually(() => (firstAccepted(target).length === 2 ? true : undefined), 15_000, 'the second crossing');
    await settled(subscriptionId);
    expect(new Set(target.calls.map((delivery) => delivery.id)).size).toBe(2);
    expect(firstAccepted(target).map((delivery) => delivery.data.available)).toEqual([2, 1]);
  });
  it("replays a subscription's deliveries from a position with the CLI's replay, the same content under the same ids", async () => {
    const target = await receiver();
    const subscriptionId = await subscribe(app.token('dealer', 'D-NA'), target, ['order.approved']);
    const before = await head();
    const placed = await order('D-NA');
    expect(placed.status).toBe('approved');
    await settled(subscriptionId);
    expect(firstAccepted(target)).toHaveLength(1);
    // The order's events come after everything before it: the replay starts at the first of them.
    const from = (BigInt(before) + 1n).toString();

    const written: string[] = [];
    const output = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    let code: number;
    try {
      code = await replayCommand(app.running.infrastructure, [subscriptionAdapterName(subscriptionId), '--from', from]);
    } finally {
      output.mockRestore();
    }
    expect(code, written.join('')).toBe(0);
    expect(target.calls, written.join('')).toHaveLength(2);
    expect(target.calls[1]!.id).toBe(target.calls[0]!.id);
    expect(target.calls[1]!.data).toEqual(target.calls[0]!.data);
    expect(target.calls[1]!.signatureValid).toBe(true);
  });
});
