// The event store contract: one suite that both adapters (PostgreSQL, EventStoreDB) must pass.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { describeExternal } from '../support/external.ts';
import {
  ConcurrencyError,
  START_POSITION,
  comparePositions,
  type AllPage,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../../src/eventstore/port.ts';

export type StoreFactory = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

export function newEvent(type: string, data: Record<string, unknown> = {}, id: string = randomUUID()): NewEvent {
  return {
    id,
    type,
    data,
    metadata: {
      actor: 'tester',
      role: 'admin',
      correlationId: 'corr-1',
      causationId: null,
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
}

/** Reads $all after `from` until the store's head, following checkpoints. */
export async function readAllAfter(store: EventStore, from: string, filter?: { eventTypes?: string[]; streamPrefixes?: string[] }) {
  const events: RecordedEvent[] = [];
  let after = from;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 3, ...(filter && { filter }) });
    events.push(...page.events);
    if (comparePositions(page.checkpoint, after) <= 0) return { events, checkpoint: after };
    after = page.checkpoint;
  }
}

async function collect(pages: AsyncIterable<AllPage>, until: (seen: RecordedEvent[], checkpoint: string) => boolean, timeoutMs = 15_000) {
  const seen: RecordedEvent[] = [];
  let checkpoint = START_POSITION;
  const deadline = Date.now() + timeoutMs;
  for await (const page of pages) {
    seen.push(...page.events);
    checkpoint = page.checkpoint;
    if (until(seen, checkpoint)) break;
    if (Date.now() > deadline) throw new Error('subscription did not deliver in time');
  }
  return { seen, checkpoint };
}

/** `skipReason`: the store is not available; every test of the contract is reported skipped. */
export function describeEventStoreContract(name: string, factory: StoreFactory, skipReason?: string): void {
  describeExternal(`event store contract: ${name}`, skipReason, (it) => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    const stream = (label: string) => `contract_${label}-${randomUUID()}`;

    beforeAll(async () => {
      ({ store, cleanup } = await factory());
    });
    afterAll(async () => {
      await cleanup();
    });

    it('appends to a new stream with no_stream and reads it back in order', async () => {
      const id = stream('new');
      const events = [newEvent('Opened', { n: 1 }), newEvent('Changed', { n: 2 }), newEvent('Changed', { n: 3 })];
      const result = await store.appendToStream(id, events, { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(2);
      const read = await store.readStream(id);
      expect(read.map((event) => [event.id, event.type, event.revision, event.data])).toEqual(
        events.map((event, index) => [event.id, event.type, index, event.data]),
      );
      expect(read[2]!.position).toBe(result.position);
      expect(comparePositions(read[0]!.position, read[1]!.position)).toBe(-1);
      expect(read[0]!.metadata).toMatchObject({ actor: 'tester', role: 'admin', correlationId: 'corr-1', schemaVersion: 1 });
      expect(read[0]!.streamId).toBe(id);
      expect(Number.isNaN(Date.parse(read[0]!.createdAt))).toBe(false);
    });

    it('keeps data and metadata exactly, whatever they hold, also for appends sent together', async () => {
      const tricky = {
        quote: 'say "hi", {braces}, [brackets], back\\slash, comma, NULL, null',
        unicode: '茶叶 ✓ 🍵 \u00e9\u2028',
        nested: { list: [1, 'two', { three: [null, true, false] }], empty: {}, none: [] },
        numbers: [0, -1, 1.5, 9_007_199_254_740_991],
      };
      // Metadata holds more than strings: numbers, null, nested objects and lists.
      const odd = (data: Record<string, unknown>) => {
        const event = newEvent('Odd', data);
        return { ...event, metadata: { ...event.metadata, tricky, retries: 0, reviewer: null } };
      };
      const ids = [stream('tricky'), stream('tricky'), stream('tricky')];
      const batches = ids.map((id, index) => [odd({ ...tricky, index }), odd({ index, more: tricky.quote })]);
      // Sent at once: a group-committing store carries them in one call.
      await Promise.all(ids.map((id, index) => store.appendToStream(id, batches[index]!, { expectedRevision: 'no_stream' })));
      // And in one multi-stream append, which some stores encode differently.
      const before = await store.headPosition();
      const together = [stream('tricky'), stream('tricky')];
      const togetherBatches = together.map((id, index) => [
        odd({ ...tricky, together: index }),
        odd({ together: index, more: tricky.unicode }),
      ]);
      await store.appendToStreams(
        together.map((streamId, index) => ({ streamId, events: togetherBatches[index]!, expectedRevision: 'no_stream' as const })),
      );
      for (const [index, id] of [...ids, ...together].entries()) {
        const sent = [...batches, ...togetherBatches][index]!;
        const read = await store.readStream(id);
        expect(read.map((event) => event.data)).toEqual(sent.map((event) => event.data));
        expect(read.map((event) => event.metadata)).toEqual(sent.map((event) => event.metadata));
      }
      const fromAll = await readAllAfter(store, before, { streamPrefixes: together });
      expect(fromAll.events.map((event) => [event.data, event.metadata])).toEqual(
        togetherBatches.flat().map((event) => [event.data, event.metadata]),
      );
    });

    it('answers stream reads asked for together each with its own stream, from its own revision', async () => {
      const [a, b, empty] = [stream('together'), stream('together'), stream('together')];
      await store.appendToStream(a, [newEvent('A', { n: 0 }), newEvent('A', { n: 1 }), newEvent('A', { n: 2 })]);
      await store.appendToStream(b, [newEvent('B', { n: 0 })]);
      const asked = [
        [a, 0],
        [b, 0],
        [a, 2],
        [empty, 0],
        [a, 5],
        [b, 0],
      ] as const;
      const together = await Promise.all(asked.map(([id, fromRevision]) => store.readStream(id, { fromRevision })));
      const alone: RecordedEvent[][] = [];
      for (const [id, fromRevision] of asked) alone.push(await store.readStream(id, { fromRevision }));
      expect(together).toEqual(alone);
      expect(together.map((events) => events.map((event) => `${event.type}${event.revision}`))).toEqual([
        ['A0', 'A1', 'A2'],
        ['B0'],
        ['A2'],
        [],
        [],
        ['B0'],
      ]);
    });

    it('enforces no_stream, stream_exists and exact revisions with ConcurrencyError', async () => {
      const id = stream('expect');
      await expect(store.appendToStream(id, [newEvent('A')], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      await expect(store.appendToStream(id, [newEvent('A')], { expectedRevision: 0 })).rejects.toBeInstanceOf(ConcurrencyError);
      await store.appendToStream(id, [newEvent('A')], { expectedRevision: 'no_stream' });
      await expect(store.appendToStream(id, [newEvent('B')], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(ConcurrencyError);
      const exists = await store.appendToStream(id, [newEvent('B')], { expectedRevision: 'stream_exists' });
      expect(exists.nextExpectedRevision).toBe(1);
      await expect(store.appendToStream(id, [newEvent('C')], { expectedRevision: 0 })).rejects.toBeInstanceOf(ConcurrencyError);
      const exact = await store.appendToStream(id, [newEvent('C')], { expectedRevision: 1 });
      expect(exact.nextExpectedRevision).toBe(2);
      const any = await store.appendToStream(id, [newEvent('D')], { expectedRevision: 'any' });
      expect(any.nextExpectedRevision).toBe(3);
      expect((await store.readStream(id)).map((event) => event.type)).toEqual(['A', 'B', 'C', 'D']);
    });

    it('reports the actual revision in the ConcurrencyError', async () => {
      const id = stream('actual');
      await store.appendToStream(id, [newEvent('A'), newEvent('B')]);
      const error = await store.appendToStream(id, [newEvent('C')], { expectedRevision: 0 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect((error as ConcurrencyError).streamId).toBe(id);
      expect((error as ConcurrencyError).actual).toBe(1);
    });

    it('treats a re-append of the same event ids as the same append (idempotent retry)', async () => {
      const id = stream('idem');
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.appendToStream(id, events, { expectedRevision: 'no_stream' });
      const retried = await store.appendToStream(id, events, { expectedRevision: 'no_stream' });
      expect(retried.nextExpectedRevision).toBe(first.nextExpectedRevision);
      const again = await store.appendToStream(id, events, { expectedRevision: 'any' });
      expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(await store.readStream(id)).toHaveLength(2);
    });

    it('appends to several streams atomically, each with its own expected revision', async () => {
      const [order, stock, credit] = [stream('multi'), stream('multi'), stream('multi')];
      await store.appendToStream(stock, [newEvent('Received', { qty: 10 })]);
      await store.appendToStream(credit, [newEvent('LimitSet'), newEvent('Paid')]);
      const result = await store.appendToStreams([
        { streamId: order, events: [newEvent('Placed'), newEvent('Reviewed')], expectedRevision: 'no_stream' },
        { streamId: stock, events: [newEvent('Reserved', { qty: 3 })], expectedRevision: 0 },
        { streamId: credit, events: [newEvent('CreditReserved')], expectedRevision: 1 },
      ]);
      expect(result.streams).toEqual([
        { streamId: order, nextExpectedRevision: 1 },
        { streamId: stock, nextExpectedRevision: 1 },
        { streamId: credit, nextExpectedRevision: 2 },
      ]);
      const written = [
        ...(await store.readStream(order)),
        ...(await store.readStream(stock)).slice(1),
        ...(await store.readStream(credit)).slice(2),
      ];
      expect(written.map((event) => event.type)).toEqual(['Placed', 'Reviewed', 'Reserved', 'CreditReserved']);
      // One append: its events are adjacent in $all, and the answer's position is the last of them.
      const positions = written.map((event) => BigInt(event.position)).sort((a, b) => (a < b ? -1 : 1));
      expect(positions.at(-1)!.toString()).toBe(result.position);
      const between = await readAllAfter(store, (positions[0]! - 1n).toString());
      expect(
        between.events
          .slice(0, 4)
          .map((event) => event.type)
          .sort(),
      ).toEqual(['CreditReserved', 'Placed', 'Reserved', 'Reviewed']);
    });

    it('writes nothing on any stream when one expected revision does not hold, and names every stream that did not', async () => {
      const [order, stock, credit] = [stream('atomic'), stream('atomic'), stream('atomic')];
      await store.appendToStream(stock, [newEvent('Received')]);
      await store.appendToStream(credit, [newEvent('LimitSet')]);
      const error = await store
        .appendToStreams([
          { streamId: order, events: [newEvent('Placed')], expectedRevision: 'no_stream' },
          { streamId: stock, events: [newEvent('Reserved')], expectedRevision: 5 },
          { streamId: credit, events: [newEvent('CreditReserved')], expectedRevision: 'no_stream' },
        ])
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect((error as ConcurrencyError).conflicts.map((conflict) => [conflict.streamId, conflict.actual]).sort()).toEqual(
        [
          [stock, 0],
          [credit, 0],
        ].sort(),
      );
      expect(await store.readStream(order)).toEqual([]);
      expect(await store.readStream(stock)).toHaveLength(1);
      expect(await store.readStream(credit)).toHaveLength(1);
    });

    it('checks a stream given without events and writes nothing to it', async ({ skip }) => {
      skip(!(await store.checksRevisions()), 'this store cannot check a stream beside streams it writes (checksRevisions() is false)');
      const [product, order] = [stream('check'), stream('check')];
      await store.appendToStream(product, [newEvent('Registered')]);
      const ok = await store.appendToStreams([
        { streamId: order, events: [newEvent('Placed')], expectedRevision: 'no_stream' },
        { streamId: product, events: [], expectedRevision: 0 },
      ]);
      expect(ok.streams[1]).toEqual({ streamId: product, nextExpectedRevision: 0 });
      expect(await store.readStream(product)).toHaveLength(1);
      await store.appendToStream(product, [newEvent('PriceChanged')]);
      const stale = store.appendToStreams([
        { streamId: stream('check'), events: [newEvent('Placed')], expectedRevision: 'no_stream' },
        { streamId: product, events: [], expectedRevision: 0 },
      ]);
      await expect(stale).rejects.toBeInstanceOf(ConcurrencyError);
      const missing = stream('check');
      await expect(
        store.appendToStreams([
          { streamId: stream('check'), events: [newEvent('Placed')], expectedRevision: 'no_stream' },
          { streamId: missing, events: [], expectedRevision: 'stream_exists' },
        ]),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await store.readStream(missing)).toEqual([]);
    });

    it('answers an append of checks alone from the streams as they are, writing nothing', async () => {
      const [product, missing] = [stream('checks-alone'), stream('checks-alone')];
      const appended = await store.appendToStream(product, [newEvent('Registered'), newEvent('PriceChanged')]);
      const ok = await store.appendToStreams([
        { streamId: product, events: [], expectedRevision: 1 },
        { streamId: missing, events: [], expectedRevision: 'no_stream' },
      ]);
      expect(ok.streams).toEqual([
        { streamId: product, nextExpectedRevision: 1 },
        { streamId: missing, nextExpectedRevision: -1 },
      ]);
      expect(comparePositions(ok.position, appended.position)).toBeGreaterThanOrEqual(0);
      const stale = await store
        .appendToStreams([
          { streamId: product, events: [], expectedRevision: 0 },
          { streamId: missing, events: [], expectedRevision: 'no_stream' },
        ])
        .catch((caught: unknown) => caught);
      expect(stale).toBeInstanceOf(ConcurrencyError);
      expect((stale as ConcurrencyError).conflicts.map((conflict) => [conflict.streamId, conflict.actual])).toEqual([[product, 1]]);
      expect(await store.readStream(product)).toHaveLength(2);
      expect(await store.readStream(missing)).toEqual([]);
    });

    it('treats a retried multi-stream append with the same event ids as the same append', async () => {
      const [order, stock] = [stream('multi-idem'), stream('multi-idem')];
      await store.appendToStream(stock, [newEvent('Received')]);
      const appends = [
        { streamId: order, events: [newEvent('Placed'), newEvent('Reviewed')], expectedRevision: 'no_stream' as const },
        { streamId: stock, events: [newEvent('Reserved')], expectedRevision: 0 },
      ];
      const first = await store.appendToStreams(appends);
      const retried = await store.appendToStreams(appends);
      expect(retried.streams).toEqual(first.streams);
      expect(retried.position).toBe(first.position);
      expect(await store.readStream(order)).toHaveLength(2);
      expect(await store.readStream(stock)).toHaveLength(2);
      // The same ids in another combination are not the same append.
      await expect(store.appendToStreams([{ ...appends[0]!, streamId: stream('multi-idem') }, appends[1]!])).rejects.toThrow();
    });

    it('lets exactly one of racing multi-stream appends over a shared stream win, alone or sent beside single-stream appends', async () => {
      const shared = stream('multi-race');
      await store.appendToStream(shared, [newEvent('Received')]);
      const multis = Array.from({ length: 8 }, (_, n) =>
        store.appendToStreams([
          { streamId: stream('multi-race-order'), events: [newEvent('Placed', { n })], expectedRevision: 'no_stream' },
          { streamId: shared, events: [newEvent('Reserved', { n })], expectedRevision: 0 },
        ]),
      );
      const singles = Array.from({ length: 4 }, (_, n) =>
        store.appendToStream(stream('multi-race-single'), [newEvent('Alone', { n })], { expectedRevision: 'no_stream' }),
      );
      const results = await Promise.allSettled(multis);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConcurrencyError);
      expect((await Promise.allSettled(singles)).every((result) => result.status === 'fulfilled')).toBe(true);
      expect((await store.readStream(shared)).map((event) => event.type)).toEqual(['Received', 'Reserved']);
    });

    it('refuses a multi-stream append naming a stream twice, writing nothing', async () => {
      const id = stream('twice');
      await expect(
        store.appendToStreams([
          { streamId: id, events: [newEvent('A')], expectedRevision: 'any' },
          { streamId: id, events: [newEvent('B')], expectedRevision: 'any' },
        ]),
      ).rejects.toThrow(/twice/);
      expect(await store.readStream(id)).toEqual([]);
    });

    it('reads forwards and backwards from a revision, with a maximum count', async () => {
      const id = stream('read');
      await store.appendToStream(
        id,
        [0, 1, 2, 3, 4].map((n) => newEvent('N', { n })),
      );
      const forwards = await store.readStream(id, { fromRevision: 1, maxCount: 3 });
      expect(forwards.map((event) => event.data.n)).toEqual([1, 2, 3]);
      const backwards = await store.readStream(id, { direction: 'backwards', maxCount: 2 });
      expect(backwards.map((event) => event.data.n)).toEqual([4, 3]);
      const backwardsFrom = await store.readStream(id, { direction: 'backwards', fromRevision: 2 });
      expect(backwardsFrom.map((event) => event.data.n)).toEqual([2, 1, 0]);
      expect(await store.readStream(stream('missing'))).toEqual([]);
    });

    it('reads $all after a position, in order, with type and stream-prefix filters', async () => {
      const prefix = `contract_all${randomUUID().slice(0, 8)}-`;
      const before = await store.headPosition();
      await store.appendToStream(`${prefix}a`, [newEvent('Kept', { n: 1 }), newEvent('Skipped', { n: 2 })]);
      await store.appendToStream(`other_${prefix}b`, [newEvent('Kept', { n: 3 })]);
      await store.appendToStream(`${prefix}c`, [newEvent('Kept', { n: 4 })]);

      const all = await readAllAfter(store, before, { streamPrefixes: [prefix, `other_${prefix}`] });
      expect(all.events.map((event) => event.data.n)).toEqual([1, 2, 3, 4]);
      const positions = all.events.map((event) => event.position);
      expect([...positions].sort(comparePositions)).toEqual(positions);
      expect(new Set(positions).size).toBe(4);

      const kept = await readAllAfter(store, before, { streamPrefixes: [prefix], eventTypes: ['Kept'] });
      expect(kept.events.map((event) => event.data.n)).toEqual([1, 4]);

      const afterSecond = await readAllAfter(store, all.events[1]!.position, { streamPrefixes: [prefix, `other_${prefix}`] });
      expect(afterSecond.events.map((event) => event.data.n)).toEqual([3, 4]);
    });

    it('pages through $all in strict position order, however positions compare as text', async () => {
      const prefix = `contract_page${randomUUID().slice(0, 8)}-`;
      const before = await store.headPosition();
      for (let batch = 0; batch < 5; batch++) {
        await store.appendToStream(
          `${prefix}${batch % 2}`,
          Array.from({ length: 5 }, (_, n) => newEvent('Paged', { n: batch * 5 + n })),
        );
      }
      const seen: RecordedEvent[] = [];
      let after = before;
      for (;;) {
        const page = await store.readAll({ after, maxCount: 7, filter: { streamPrefixes: [prefix] } });
        seen.push(...page.events);
        if (comparePositions(page.checkpoint, after) <= 0) break;
        after = page.checkpoint;
      }
      expect(seen.map((event) => event.data.n)).toEqual(Array.from({ length: 25 }, (_, n) => n));
    });

    it('advances the checkpoint of a filtered read even when nothing matches', async () => {
      const before = await store.headPosition();
      await store.appendToStream(stream('nomatch'), [newEvent('Irrelevant')]);
      const head = await store.headPosition();
      const read = await readAllAfter(store, before, { eventTypes: [`NeverWritten${randomUUID()}`] });
      expect(read.events).toEqual([]);
      expect(comparePositions(read.checkpoint, head)).toBeGreaterThanOrEqual(0);
    });

    it('reports the head position', async () => {
      const result = await store.appendToStream(stream('head'), [newEvent('A')]);
      expect(comparePositions(await store.headPosition(), result.position)).toBeGreaterThanOrEqual(0);
      expect(await store.ping()).toBe(true);
    });

    it('subscribes to $all: catches up, then follows live appends, filtered', async () => {
      const prefix = `contract_sub${randomUUID().slice(0, 8)}-`;
      const before = await store.headPosition();
      await store.appendToStream(`${prefix}1`, [newEvent('Sub', { n: 1 }), newEvent('Noise', { n: 0 })]);
      const controller = new AbortController();
      const pages = store.subscribeToAll({
        after: before,
        filter: { streamPrefixes: [prefix], eventTypes: ['Sub'] },
        signal: controller.signal,
      });
      const collecting = collect(pages, (seen) => seen.length >= 3);
      await store.appendToStream(`${prefix}2`, [newEvent('Sub', { n: 2 })]);
      await store.appendToStream(`${prefix}1`, [newEvent('Sub', { n: 3 })]);
      const { seen } = await collecting;
      controller.abort();
      expect(seen.map((event) => event.data.n)).toEqual([1, 2, 3]);
    });

    it('gives subscriptions that follow from one position with different filters and page sizes each its own events, in order', async () => {
      const prefix = stream('shared-');
      const before = await store.headPosition();
      const filters = [
        { filter: { eventTypes: ['SharedA'] }, maxCount: 2 },
        { filter: { streamPrefixes: [prefix], eventTypes: ['SharedB', 'SharedC'] }, maxCount: 5 },
        { filter: { streamPrefixes: [prefix] }, maxCount: 3 },
        { filter: { streamPrefixes: [`${prefix}1`] }, maxCount: 1 },
      ];
      const controller = new AbortController();
      const collecting = filters.map(({ filter, maxCount }, index) =>
        collect(
          store.subscribeToAll({ after: before, filter, maxCount, signal: controller.signal }),
          (seen) => seen.length >= [6, 6, 12, 6][index]!,
        ),
      );
      const types = ['SharedA', 'SharedB', 'SharedC'];
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          [1, 2, 3].map((n) =>
            store.appendToStream(`${prefix}${n}`, [
              newEvent(types[(n + round) % 3]!, { n, round }),
              ...(n === 1 ? [newEvent('SharedA', { n, round, extra: true })] : []),
            ]),
          ),
        );
      }
      const seen = await Promise.all(collecting);
      controller.abort();
      for (const [index, { filter }] of filters.entries()) {
        const expected = (await readAllAfter(store, before, filter)).events.map((event) => event.id);
        expect(
          seen[index]!.seen.map((event) => event.id),
          JSON.stringify(filter),
        ).toEqual(expected);
      }
    });

    it('advances a filtered subscription checkpoint past events that do not match', async () => {
      const controller = new AbortController();
      const before = await store.headPosition();
      const pages = store.subscribeToAll({ after: before, filter: { eventTypes: [`Nothing${randomUUID()}`] }, signal: controller.signal });
      const appended = await store.appendToStream(stream('skip'), [newEvent('Other')]);
      const { seen, checkpoint } = await collect(pages, (_seen, position) => comparePositions(position, appended.position) >= 0);
      controller.abort();
      expect(seen).toEqual([]);
      expect(comparePositions(checkpoint, appended.position)).toBeGreaterThanOrEqual(0);
    });

    it('lets exactly one of many racing writers take each revision', async () => {
      const id = stream('race');
      await store.appendToStream(id, [newEvent('Start')], { expectedRevision: 'no_stream' });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, n) => store.appendToStream(id, [newEvent('Race', { n })], { expectedRevision: 0 })),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConcurrencyError);
      }
      expect(await store.readStream(id)).toHaveLength(2);
    });

    it('keeps concurrent appends with "any" to one stream all, with dense revisions', async () => {
      const id = stream('dense');
      await Promise.all(Array.from({ length: 20 }, (_, n) => store.appendToStream(id, [newEvent('Any', { n })])));
      const read = await store.readStream(id);
      expect(read.map((event) => event.revision)).toEqual(Array.from({ length: 20 }, (_, n) => n));
      expect(new Set(read.map((event) => event.data.n)).size).toBe(20);
    });
  });
}
