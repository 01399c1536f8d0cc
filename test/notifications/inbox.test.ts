// The inbox: a dealer's users see their dealer's order and shipment notifications, staff see held
// orders, delayed shipments and stock alerts; in Chinese, or English on request; long-polling
// answers as soon as something arrives; the event stream resumes from Last-Event-ID without loss
// or repeats; read marks are each reader's own; the read model equals its rebuild.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedSince, startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createWarehouse } from '../support/fixtures.ts';
import { expectReadModelsToEqualRebuilds } from '../support/read-models.ts';
import { STOCK_ALERTS } from '../../src/processes/stock-alerts.ts';
import { adapterPast } from '../integrations/order-partners.ts';
import { openEventStream, type EventStream } from './event-stream.ts';

describe('inbox', () => {
  let app: TestApp;
  const streams: EventStream[] = [];
  const ops = () => app.token('ops', undefined, 'ops-inbox');
  const dealerA = () => app.token('dealer', 'D-IA', 'user-ia-owner');
  const dealerB = () => app.token('dealer', 'D-IB', 'user-ib-owner');

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-I', 'CN-31');
    for (const [sku, threshold, qty] of [
      ['IN-TEA', null, 10_000],
      ['IN-LOW', 5, 8],
    ] as const) {
      const created = await app.request('POST', '/v1/products', {
        token: ops(),
        body: { sku, name: `Inbox ${sku}`, brand: 'I', category: 'tea', unit: 'case', basePriceMinor: 100, lowStockThreshold: threshold },
      });
      expect(created.status, created.text).toBe(201);
      const received = await app.request('POST', '/v1/stock/receipts', {
        token: ops(),
        body: { sku, warehouseId: 'WH-I', lot: `LOT-${sku}`, productionDate: '2026-01-01', expiryDate: '2099-12-31', qty },
      });
      expect(received.status, received.text).toBe(201);
    }
    await createDealer(app, { id: 'D-IA' });
    await createDealer(app, { id: 'D-IB' });
    expect(
      (await app.request('GET', `/v1/products?minPosition=${await app.running.infrastructure.store.headPosition()}`, { token: ops() }))
        .status,
    ).toBe(200);
  });
  afterAll(async () => {
    await Promise.all(streams.map((stream) => stream.close()));
    await app.stop();
  });

  async function order(token: string, regionCode = 'CN-31', sku = 'IN-TEA', qty = 1) {
    const placed = await app.request('POST', '/v1/orders', { token, body: { lines: [{ sku, qty }], regionCode } });
    expect(placed.status, placed.text).toBe(201);
    return placed.body as { id: string; status: string; position: string };
  }

  const inbox = async (token: string, query = '', headers: Record<string, string> = {}) => {
    const response = await app.request('GET', `/v1/notifications${query}`, { token, headers });
    expect(response.status, response.text).toBe(200);
    return response.body as {
      items: { id: string; position: string; type: string; title: string; body: string; link: string; read: boolean }[];
      nextAfter: string;
    };
  };

  async function stream(token: string, headers: Record<string, string> = {}, query = ''): Promise<EventStream> {
    const opened = await openEventStream(`${app.url}/v1/notifications/stream${query}`, { authorization: `Bearer ${token}`, ...headers });
    streams.push(opened);
    return opened;
  }

  it("shows a dealer's users their dealer's notifications in Chinese, or English, and staff what needs them", async () => {
    const approved = await order(dealerA());
    const held = await order(dealerA(), 'CN-44');
    const other = await order(dealerB());
    const low = await order(dealerB(), 'CN-31', 'IN-LOW', 4);
    const a = await inbox(dealerA(), `?minPosition=${low.position}`);
    expect(a.items.map((item) => [item.type, item.link])).toEqual([
      ['order.approved', `/v1/orders/${approved.id}`],
      ['order.on_hold', `/v1/orders/${held.id}`],
    ]);
    expect(a.items[0]).toMatchObject({ title: '订单已批准', body: `订单 ${approved.id} 已批准。`, read: false });
    expect(a.items[1]!.body).toContain('配送区域未授权');
    expect(JSON.stringify(a)).not.toContain(other.id);
    const english = await inbox(dealerA(), '', { 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' });
    expect(english.items.map((item) => item.title)).toEqual(['Order approved', 'Order on hold']);
    expect(english.items[1]!.body).toBe(`Order ${held.id} is on hold for review: delivery region not authorized.`);

    const b = await inbox(dealerB());
    expect(b.items.map((item) => item.type)).toEqual(['order.approved', 'order.approved']);
    expect(JSON.stringify(b)).not.toContain(approved.id);

    // The stock alert comes from the stock-alerts process, after the order that took the stock low.
    await adapterPast(app, STOCK_ALERTS, await app.running.infrastructure.store.headPosition());
    const staff = await inbox(ops(), `?minPosition=${await app.running.infrastructure.store.headPosition()}`);
    expect(staff.items.map((item) => item.type)).toEqual(['order.on_hold', 'stock.low']);
    expect(staff.items[1]).toMatchObject({ title: '库存不足预警', link: '/v1/stock?sku=IN-LOW&warehouseId=WH-I' });
    expect(staff.items[1]!.body).toBe('仓库 WH-I 的商品 IN-LOW 可用库存 4，低于预警值 5。');
  });

  it('pages by position, and long-polls: an empty page at once without waitSeconds, the first new item as soon as it arrives with it', async () => {
    const all = await inbox(dealerA());
    const first = await inbox(dealerA(), '?limit=1');
    expect(first.items).toEqual(all.items.slice(0, 1));
    expect((await inbox(dealerA(), `?after=${first.nextAfter}`)).items).toEqual(all.items.slice(1));
    const idle = await inbox(dealerA(), `?after=${all.nextAfter}`);
    expect(idle).toEqual({ items: [], nextAfter: all.nextAfter });

    const waiting = inbox(dealerA(), `?after=${all.nextAfter}&waitSeconds=20`);
    const placed = await order(dealerA());
    const answered = await waiting;
    expect(answered.items.map((item) => item.link)).toEqual([`/v1/orders/${placed.id}`]);
    expect(answered.nextAfter).toBe(answered.items[0]!.position);

    const started = Date.now();
    expect((await inbox(dealerA(), `?after=${answered.nextAfter}&waitSeconds=1`)).items).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('keeps read marks per reader: another user of the dealer still sees it unread, another dealer cannot touch it', async () => {
    const [item] = (await inbox(dealerA())).items;
    const marked = await app.request('POST', `/v1/notifications/${item!.id}/read`, { token: dealerA() });
    expect(marked.status, marked.text).toBe(200);
    expect((await app.request('POST', `/v1/notifications/${item!.id}/read`, { token: dealerA() })).status).toBe(200);
    const mine = await inbox(dealerA(), `?minPosition=${marked.body.position}`);
    expect(mine.items.find((candidate) => candidate.id === item!.id)!.read).toBe(true);
    expect(mine.items.filter((candidate) => candidate.read)).toHaveLength(1);
    const colleague = await inbox(app.token('dealer', 'D-IA', 'user-ia-buyer'));
    expect(colleague.items.find((candidate) => candidate.id === item!.id)!.read).toBe(false);
    const reads = await app.running.infrastructure.store.readStream('inbox-user-ia-owner');
    expect(reads.map((event) => event.type)).toEqual(['NotificationRead']);

    const before = await app.running.infrastructure.store.headPosition();
    expect((await app.request('POST', `/v1/notifications/${item!.id}/read`, { token: dealerB() })).status).toBe(404);
    expect((await app.request('POST', `/v1/notifications/${randomUUID()}/read`, { token: dealerA() })).status).toBe(404);
    const invalid = await app.request('POST', '/v1/notifications/not-an-id/read', { token: dealerA() });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].path).toBe('params.id');
    expect(await appendedSince(app, before)).toEqual([]);
  });

  it('streams the inbox as server-sent events, live, and resumes from Last-Event-ID without loss or repeats', async () => {
    const everything = (await inbox(dealerA())).items;
    const first = await stream(dealerA());
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/event-stream/);
    await first.live();
    expect(first.events.map((event) => [event.id, event.event, event.data.id])).toEqual(
      everything.map((item) => [item.position, 'notification', item.id]),
    );

    // Live: what arrives while connected comes at once.
    const live = await order(dealerA());
    const [arrived] = (await first.received(everything.length + 1)).slice(everything.length);
    expect(arrived!.data).toMatchObject({ type: 'order.approved', link: `/v1/orders/${live.id}` });
    await first.close();

    // Missed while away: all of it after the last id seen, nothing before it again.
    const missed = [await order(dealerA()), await order(dealerA(), 'CN-44'), await order(dealerB())];
    // The inbox read model holds them (what "live" means on reconnecting: sent up to there).
    await inbox(dealerA(), `?minPosition=${missed[2]!.position}`);
    const again = await stream(dealerA(), { 'last-event-id': arrived!.id!, 'accept-language': 'en' });
    await again.live();
    expect(again.events.map((event) => event.data.link)).toEqual([`/v1/orders/${missed[0]!.id}`, `/v1/orders/${missed[1]!.id}`]);
    expect(again.events.map((event) => event.data.title)).toEqual(['Order approved', 'Order on hold']);
    await again.close();

    const fromQuery = await stream(dealerA(), {}, `?after=${again.events[0]!.id}`);
    await fromQuery.live();
    expect(fromQuery.events.map((event) => event.data.link)).toEqual([`/v1/orders/${missed[1]!.id}`]);
    await fromQuery.close();
  });

  it('answers problems, not streams, to callers it refuses', async () => {
    const anonymous = await app.request('GET', '/v1/notifications/stream');
    expect(anonymous.status).toBe(401);
    const bad = await app.request('GET', '/v1/notifications/stream', { token: dealerA(), headers: { 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { path: string }) => error.path)).toEqual(['headers.last-event-id']);
  });

  it('leaves the inbox as a rebuild from the events leaves it', async () => {
    await expectReadModelsToEqualRebuilds(app);
  });
});
