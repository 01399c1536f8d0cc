// The delivery runner against partners played by local HTTP servers: flaky, slow and failing
// ones. Nothing is lost, nothing is sent twice with different content, each stream stays in order,
// dead letters after the retry budget and their retry, replay from a position, one active instance.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdvisoryLocks } from '../../src/db/advisory-lock.ts';
import { createDb, createPool, type Db } from '../../src/db/database.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createUpcasting } from '../../src/eventstore/upcasting.ts';
import type { Adapter } from '../../src/integrations/adapter.ts';
import { adapterStates } from '../../src/integrations/checkpoints.ts';
import { listDeadLetters, requestRetry } from '../../src/integrations/dead-letters.ts';
import { DeliveryRunner } from '../../src/integrations/delivery-runner.ts';
import { createIntegrationMetrics, type IntegrationMetrics } from '../../src/integrations/metrics.ts';
import { ReplayInProgressError, replayAdapter, type ReplayProgress } from '../../src/integrations/replay.ts';
import { eventually } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { newEvent } from '../eventstore/contract.ts';
import { acceptedKeys, expectOrderPerStream, expectSameContentPerKey, ok, partnerAdapter, startPartner, type Partner } from './partner.ts';

describe('delivery runner', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let db: Db;
  let store: PostgresEventStore;
  let locks: AdvisoryLocks;
  const upcasting = createUpcasting([]);
  const logger = pino({ level: 'silent' });
  const partners: Partner[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool(database.url);
    db = createDb(pool);
    store = new PostgresEventStore(pool, { pollIntervalMs: 100 });
    locks = new AdvisoryLocks(pool);
  });
  afterAll(async () => {
    await Promise.all(partners.map((partner) => partner.close()));
    await store.close();
    await locks.close();
    await db.destroy();
    await database.drop();
  });

  async function partner(...args: Parameters<typeof startPartner>) {
    const started = await startPartner(...args);
    partners.push(started);
    return started;
  }

  function runner(adapters: Adapter[], options: { metrics?: IntegrationMetrics; locks?: AdvisoryLocks; db?: Db } = {}) {
    return new DeliveryRunner({
      db: options.db ?? db,
      store,
      locks: options.locks ?? locks,
      upcasting,
      adapters,
      metrics: options.metrics ?? createIntegrationMetrics(new Registry()),
      logger,
      batchSize: 50,
      idleRetryMs: 50,
      retryPollMs: 50,
    });
  }

  /** `streams` streams of `perStream` events each, streams appended concurrently. */
  async function appendStreams(prefix: string, streams: number, perStream: number): Promise<string[]> {
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: streams }, async (_, s) => {
        const streamId = `${prefix}${s}-${randomUUID()}`;
        for (let n = 0; n < perStream; n++) {
          const event = newEvent('Happened', { s, n });
          ids.push(event.id);
          await store.appendToStream(streamId, [event]);
        }
      }),
    );
    return ids;
  }

  const allDelivered = (target: Partner, ids: string[]) => () => {
    const keys = acceptedKeys(target);
    return ids.every((id) => keys.has(id)) ? true : undefined;
  };

  it('delivers every event through a flaky partner, in order per stream, while a slow partner lags alone', async () => {
    const flaky = await partner(({ call }) => ({ status: call <= 25 || call % 10 === 3 ? 503 : 200 }));
    // The slow partner answers nothing while the flaky one catches up: a stuck partner.
    const slow = await partner(() => ({ status: 200, delayMs: 60_000 }));
    const fastAdapter = partnerAdapter('flaky-partner', flaky, { prefix: 'flow-', retry: { maxAttempts: 20 }, maxInFlight: 16 });
    const slowAdapter = partnerAdapter('slow-partner', slow, { prefix: 'flow-', maxInFlight: 4 });
    const first = runner([fastAdapter, slowAdapter]);
    first.start();
    let ids: string[];
    try {
      ids = await appendStreams('flow-', 20, 10);
      await eventually(allDelivered(flaky, ids), 20_000, 'the flaky partner to get every event');
      // The stuck partner got no further than its window of in-flight calls, and did not hold the other adapter back.
      expect(acceptedKeys(slow).size).toBe(0);
      expect(slow.calls.length).toBeLessThanOrEqual(4);
    } finally {
      await first.stop();
    }
    expectSameContentPerKey(flaky);
    expectOrderPerStream(flaky);
    expect(flaky.calls.filter((call) => call.callsForKey === 1).length).toBe(ids.length);

    // A restarted runner resumes the slow adapter from its checkpoint: nothing lost.
    slow.behave(ok);
    const second = runner([slowAdapter]);
    second.start();
    try {
      await eventually(allDelivered(slow, ids), 20_000, 'the slow partner to get every event');
      // The checkpoint follows the deliveries it covers (in order per stream, so a little behind).
      const head = await store.headPosition();
      await eventually(
        async () => ((await adapterStates(db, store, ['slow-partner']))[0]!.position === head ? true : undefined),
        20_000,
        "the slow partner's checkpoint to reach the head",
      );
    } finally {
      await second.stop();
    }
    expectSameContentPerKey(slow);
    expectOrderPerStream(slow);
    const [state] = await adapterStates(db, store, ['slow-partner']);
    expect(state!.position).toBe(await store.headPosition());
  });

  it('dead-letters after the retry budget or a refusal, moves on, and retries on request', async () => {
    const failing = await partner(({ payload, callsForKey }) => {
      const data = payload.data as { kind: string };
      if (data.kind === 'poison') return { status: 500 };
      if (data.kind === 'refused') return { status: 422 };
      if (data.kind === 'throttled' && callsForKey <= 2) return { status: 429, headers: { 'retry-after': '0' } };
      return { status: 200 };
    });
    const metrics = createIntegrationMetrics(new Registry());
    const adapter = partnerAdapter('failing-partner', failing, { prefix: 'dead-', retry: { maxAttempts: 3 } });
    const stream = `dead-${randomUUID()}`;
    const kinds = ['fine', 'poison', 'refused', 'throttled', 'fine'];
    const events = kinds.map((kind) => newEvent('Happened', { kind }));
    await store.appendToStream(stream, events);
    const running = runner([adapter], { metrics });
    running.start();
    try {
      await eventually(() => (acceptedKeys(failing).has(events[4]!.id) ? true : undefined), 15_000, 'the last event');
      expect(failing.accepted.map((call) => call.key)).toEqual([events[0]!.id, events[3]!.id, events[4]!.id]);
      expect(failing.calls.filter((call) => call.key === events[1]!.id)).toHaveLength(3);
      expect(failing.calls.filter((call) => call.key === events[2]!.id)).toHaveLength(1);

      const deadLetters = await eventually(async () => {
        const rows = await listDeadLetters(db, { adapter: 'failing-partner', limit: 10 });
        return rows.length === 2 ? rows : undefined;
      });
      expect(deadLetters.map((row) => [row.eventId, row.attempts, row.status])).toEqual([
        [events[1]!.id, 3, 'open'],
        [events[2]!.id, 1, 'open'],
      ]);
      expect(deadLetters[0]!.lastError).toContain('HTTP 500');
      expect(deadLetters[1]!.lastError).toContain('HTTP 422');
      expect(deadLetters[0]!.event).toMatchObject({ id: events[1]!.id, streamId: stream, data: { kind: 'poison' } });

      // The runner counts a delivery once the partner's answer is back, a moment after the partner logged it.
      const counts = async () =>
        Promise.all(
          [metrics.delivered, metrics.deadLettered, metrics.failedAttempts].map(async (metric) => (await metric.get()).values[0]?.value),
        );
      await eventually(async () => ((await counts())[0] === 3 ? true : undefined));
      expect(await counts()).toEqual([3, 2, 3 + 1 + 2]);

      const [state] = await eventually(async () => {
        const states = await adapterStates(db, store, ['failing-partner']);
        return states[0]!.lag === '0' ? states : undefined;
      });
      expect(state).toMatchObject({ active: true, openDeadLetters: 2 });
      expect(state!.lastError).toMatch(/HTTP (500|429)/);

      // The partner fixes its side; an operator retries the poison event.
      failing.behave(ok);
      const requested = await requestRetry(db, Number(deadLetters[0]!.id));
      expect(requested.outcome).toBe('requested');
      await eventually(async () => {
        const [row] = await listDeadLetters(db, { adapter: 'failing-partner', status: 'delivered', limit: 10 });
        return row?.eventId === events[1]!.id ? row : undefined;
      });
      expect(acceptedKeys(failing).has(events[1]!.id)).toBe(true);
      expect((await requestRetry(db, Number(deadLetters[0]!.id))).outcome).toBe('already_delivered');
      expect((await requestRetry(db, 987_654)).outcome).toBe('not_found');
    } finally {
      await running.stop();
    }
    expectSameContentPerKey(failing);
  });

  it('replays from a position: the same content again, in order per stream; one replay at a time', async () => {
    const target = await partner();
    const adapter = partnerAdapter('replayed-partner', target, { prefix: 'replay-' });
    const ids = await appendStreams('replay-', 5, 6);
    const running = runner([adapter]);
    running.start();
    try {
      await eventually(allDelivered(target, ids), 15_000, 'the first delivery');
    } finally {
      await running.stop();
    }
    const delivered = target.calls.length;
    const ours = target.accepted.map((call) => call.payload.eventId as string);
    const positions = new Map<string, string>();
    for (const event of (await store.readAll({ filter: { streamPrefixes: ['replay-'] }, maxCount: 1_000 })).events)
      positions.set(event.id, event.position);
    const fromId = ours[12]!;
    const from = positions.get(fromId)!;
    const expected = ids.filter((id) => BigInt(positions.get(id)!) >= BigInt(from));

    const progress: ReplayProgress[] = [];
    const result = await replayAdapter(adapter, {
      from,
      db,
      store,
      locks,
      upcasting,
      metrics: createIntegrationMetrics(new Registry()),
      logger,
      batchSize: 7,
      onProgress: (p) => progress.push(p),
    });
    const replayed = target.calls.slice(delivered);
    expect(new Set(replayed.map((call) => call.key))).toEqual(new Set(expected));
    expect(replayed).toHaveLength(expected.length);
    expect(result).toMatchObject({ events: expected.length, delivered: expected.length, deadLettered: 0 });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)!.position).toBe(result.head);
    expectSameContentPerKey(target);
    expectOrderPerStream({ ...target, accepted: replayed });

    const otherPool = createPool(database.url);
    const otherLocks = new AdvisoryLocks(otherPool);
    try {
      expect(await otherLocks.tryLock('integration-replay:replayed-partner')).toBe(true);
      await expect(
        replayAdapter(adapter, { from: '0', db, store, locks, upcasting, metrics: createIntegrationMetrics(new Registry()), logger }),
      ).rejects.toThrow(ReplayInProgressError);
    } finally {
      await otherLocks.close();
      await otherPool.end();
    }
  });

  it('runs one active instance per adapter: two runners deliver each event once', async () => {
    const target = await partner(() => ({ status: 200, delayMs: 5 }));
    const adapter = partnerAdapter('single-instance', target, { prefix: 'single-' });
    const otherPool = createPool(database.url);
    const otherLocks = new AdvisoryLocks(otherPool);
    const otherDb = createDb(otherPool);
    const first = runner([adapter]);
    const second = runner([adapter], { locks: otherLocks, db: otherDb });
    first.start();
    second.start();
    try {
      const ids = await appendStreams('single-', 8, 8);
      await eventually(allDelivered(target, ids), 15_000, 'every event');
      expect(target.calls).toHaveLength(ids.length);
      expect((await adapterStates(db, store, ['single-instance']))[0]!.active).toBe(true);
    } finally {
      await first.stop();
      await second.stop();
      await otherLocks.close();
      await otherDb.destroy();
    }
    expectOrderPerStream(target);
  });

  it('starts a `startFrom: now` adapter at the head, not at the beginning', async () => {
    const target = await partner();
    await appendStreams('late-', 2, 3);
    const adapter = partnerAdapter('late-partner', target, { prefix: 'late-', startFrom: 'now' });
    const running = runner([adapter]);
    running.start();
    try {
      await eventually(async () => ((await adapterStates(db, store, ['late-partner']))[0]!.lag === '0' ? true : undefined));
      const ids = await appendStreams('late-', 2, 2);
      await eventually(allDelivered(target, ids), 10_000, 'the new events');
      expect(target.calls.map((call) => call.key).sort()).toEqual([...ids].sort());
    } finally {
      await running.stop();
    }
  });
});
