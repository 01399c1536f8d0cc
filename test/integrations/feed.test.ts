// GET /v1/feed over the real server: paging by position, the types filter, long-polling woken by
// appends, roles and parameter validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type TestApp } from '../support/app.ts';
import { metricValue } from '../support/metrics.ts';
import { newEvent } from '../eventstore/contract.ts';

describe('event feed', () => {
  let app: TestApp;
  let integration: string;
  const append = (stream: string, type: string, data: Record<string, unknown> = {}) =>
    app.running.infrastructure.store.appendToStream(stream, [newEvent(type, data)]);

  beforeAll(async () => {
    app = await startTestApp();
    integration = app.token('integration', undefined, 'erp-system');
  });
  afterAll(async () => {
    await app.stop();
  });

  const feed = (query: string, token = integration) => app.request('GET', `/v1/feed?${query}`, { token });

  async function readAll(query: string, after = '0') {
    const items: any[] = [];
    let next = after;
    for (let pages = 0; pages < 100; pages++) {
      const response = await feed(`after=${next}&${query}`);
      expect(response.status).toBe(200);
      items.push(...response.body.items);
      if (response.body.items.length === 0) return { items, nextAfter: response.body.nextAfter as string, pages };
      next = response.body.nextAfter;
    }
    throw new Error('the feed did not end');
  }

  it('pages through every event in global order and ends at the head', async () => {
    const start = await app.running.infrastructure.store.headPosition();
    const written: string[] = [];
    for (let i = 0; i < 7; i++) written.push((await append(`feed-page-${i % 3}`, i % 2 ? 'FeedB' : 'FeedA', { i })).position);
    const { items, nextAfter, pages } = await readAll('limit=3', start);
    expect(pages).toBe(3);
    expect(items.map((item) => item.position)).toEqual(written);
    expect(items[0]).toMatchObject({ stream: 'feed-page-0', revision: 0, type: 'FeedA', data: { i: 0 }, metadata: { actor: 'tester' } });
    expect(items[0].id).toMatch(/^[0-9a-f-]{36}$/);
    expect(nextAfter).toBe(written.at(-1));
  });

  it('filters by type and still moves nextAfter past the events it skips', async () => {
    const start = await app.running.infrastructure.store.headPosition();
    const b = await append('feed-filter-1', 'FilterB');
    await append('feed-filter-1', 'FilterA');
    const c = await append('feed-filter-2', 'FilterC');
    const last = await append('feed-filter-2', 'FilterA');
    const response = await feed(`after=${start}&types=FilterB,FilterC&limit=10`);
    expect(response.body.items.map((item: any) => [item.type, item.position])).toEqual([
      ['FilterB', b.position],
      ['FilterC', c.position],
    ]);
    expect(response.body.nextAfter).toBe(last.position);
    const none = await feed(`after=${start}&types=NoSuchType`);
    expect(none.body).toEqual({ items: [], nextAfter: last.position });
  });

  it('long-polls: answers as soon as a matching event is appended, and empty at the deadline', async () => {
    const head = await app.running.infrastructure.store.headPosition();
    const waiting = feed(`after=${head}&types=Awaited&waitSeconds=20`);
    // Appended once the request found nothing and waits: the long-poll, not its first read, answers.
    const isWaiting = async () => ((await metricValue(app.url, 'dealerline_feed_waiting')) === 1 ? true : undefined);
    await eventually(isWaiting, 10_000, 'the long-poll to wait');
    const skipped = await append('feed-wait-1', 'NotAwaited');
    const awaited = await append('feed-wait-1', 'Awaited', { x: 1 });
    const appendedAt = performance.now();
    const response = await waiting;
    // Woken by the append, not by the 1 s fallback poll (test/scale-out/wake-up.test.ts measures it closely).
    expect(performance.now() - appendedAt).toBeLessThan(900);
    expect(response.status).toBe(200);
    expect(response.body.items.map((item: any) => item.id)).toHaveLength(1);
    expect(response.body.items[0]).toMatchObject({ type: 'Awaited', position: awaited.position, data: { x: 1 } });
    expect(BigInt(response.body.nextAfter)).toBeGreaterThan(BigInt(skipped.position));

    const quiet = Date.now();
    const empty = await feed(`after=${awaited.position}&waitSeconds=1`);
    expect(Date.now() - quiet).toBeGreaterThanOrEqual(900);
    expect(await metricValue(app.url, 'dealerline_feed_waiting')).toBe(0);
    expect(empty.body).toEqual({ items: [], nextAfter: awaited.position });
  });

  it('is for the integration role (and admin) only', async () => {
    expect((await feed('limit=1', app.token('admin'))).status).toBe(200);
    expect((await feed('limit=1', app.token('ops'))).status).toBe(403);
    expect((await feed('limit=1', app.token('dealer', 'D-1'))).status).toBe(403);
    expect((await app.request('GET', '/v1/feed')).status).toBe(401);
  });

  it('refuses bad parameters with 400 naming each field', async () => {
    const response = await feed('after=abc&limit=0&types=,bad type&waitSeconds=31');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.errors.map((error: any) => error.path).sort()).toEqual([
      'query.after',
      'query.limit',
      'query.types',
      'query.waitSeconds',
    ]);
    expect((await feed('limit=501')).status).toBe(400);
    expect((await feed('waitSeconds=-1')).status).toBe(400);
  });
});
