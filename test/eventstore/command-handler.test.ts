// The command handler on real PostgreSQL: commands on one stream decided in sequence and
// appended together, refusals as values, conflicts with other processes retried.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/database.ts';
import { refuse, type Decider, type DomainEvent } from '../../src/domain/shared/decider.ts';
import { createCommandHandler, type CommandContext } from '../../src/eventstore/command-handler.ts';
import { ConcurrencyError } from '../../src/eventstore/port.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createUpcasting } from '../../src/eventstore/upcasting.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

type Taken = DomainEvent<'Taken', { by: string; n: number }>;
type Take = { by: string; n: number };

/** A counter with a capacity: the shape of every "never more than available" invariant. */
const capacity = (limit: number): Decider<Take, Taken, { taken: number; takers: string[] }> => ({
  initialState: { taken: 0, takers: [] },
  decide(command, state) {
    if (state.takers.includes(command.by)) return [];
    if (state.taken + command.n > limit) return refuse('capacity_exceeded', `${limit - state.taken} left, ${command.n} asked`);
    return [{ type: 'Taken', data: { by: command.by, n: command.n } }];
  },
  evolve: (state, event) => ({ taken: state.taken + event.data.n, takers: [...state.takers, event.data.by] }),
});

const context = (): CommandContext => ({ actor: 'test', role: 'admin', correlationId: randomUUID(), now: new Date() });

describe('command handler', () => {
  let database: TestDatabase;
  const stores: PostgresEventStore[] = [];
  const pools: ReturnType<typeof createPool>[] = [];
  const upcasting = createUpcasting([]);

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(pools.map((pool) => pool.end()));
    await database.drop();
  });

  const newHandler = () => {
    const pool = createPool(database.url, { max: 10 });
    const store = new PostgresEventStore(pool);
    pools.push(pool);
    stores.push(store);
    return { store, commands: createCommandHandler(store, { upcasting }) };
  };

  it('decides racing commands on one stream in sequence, appends them in few batches, never past capacity', async () => {
    const { store, commands } = newHandler();
    const decider = capacity(120);
    const stream = `cap-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => commands.handle(decider, stream, { by: `t${i}`, n: 1 }, context())),
    );
    const accepted = results.filter((result) => result.ok);
    expect(accepted).toHaveLength(120);
    for (const result of results.filter((r) => !r.ok)) expect(result.ok === false && result.refusal.code).toBe('capacity_exceeded');
    const events = await store.readStream(stream);
    expect(events).toHaveLength(120);
    expect(events.map((event) => event.revision)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    // Shared positions show that many commands went out in one append.
    const appends = new Set(accepted.map((result) => result.ok && result.position));
    expect(appends.size).toBeLessThan(accepted.length / 2);
  });

  it('keeps the invariant when separate processes race on the same stream', async () => {
    const a = newHandler();
    const b = newHandler();
    const decider = capacity(50);
    const stream = `cap-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 80 }, (_, i) => (i % 2 ? a : b).commands.handle(decider, stream, { by: `p${i}`, n: 1 }, context())),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(50);
    const events = await a.store.readStream(stream);
    expect(events.reduce((sum, event) => sum + Number(event.data.n), 0)).toBe(50);
  });

  it('refuses a stale expected revision (If-Match) without retrying', async () => {
    const { commands } = newHandler();
    const decider = capacity(10);
    const stream = `cap-${randomUUID()}`;
    await commands.handle(decider, stream, { by: 'x', n: 1 }, context());
    await expect(commands.handle(decider, stream, { by: 'y', n: 1 }, context(), { expectedRevision: 5 })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    const ok = await commands.handle(decider, stream, { by: 'y', n: 1 }, context(), { expectedRevision: 0 });
    expect(ok.ok && ok.revision).toBe(1);
  });

  it('records who did what: actor, role, correlation and schema version on every event', async () => {
    const { store, commands } = newHandler();
    const stream = `cap-${randomUUID()}`;
    await commands.handle(
      capacity(5),
      stream,
      { by: 'meta', n: 1 },
      { actor: 'alice', role: 'ops', correlationId: 'c-1', causationId: 'e-0', now: new Date('2026-01-02T03:04:05Z') },
    );
    const [event] = await store.readStream(stream);
    expect(event!.metadata).toEqual({
      actor: 'alice',
      role: 'ops',
      correlationId: 'c-1',
      causationId: 'e-0',
      occurredAt: '2026-01-02T03:04:05.000Z',
      schemaVersion: 1,
    });
  });

  it('decides from its cached state without reading, and decides again on the stream when that state was stale', async () => {
    const a = newHandler();
    const b = newHandler();
    const decider = capacity(3);
    const stream = `stale-${randomUUID()}`;
    // a caches the stream at 1 taken; b (another process) takes 2 more behind a's back.
    expect((await a.commands.handle(decider, stream, { by: 'a1', n: 1 }, context())).ok).toBe(true);
    expect((await b.commands.handle(decider, stream, { by: 'b1', n: 2 }, context())).ok).toBe(true);
    // From its stale cache a would take 1 more (2 of 3): the append conflicts, a reads and refuses.
    const late = await a.commands.handle(decider, stream, { by: 'a2', n: 1 }, context());
    expect(late.ok === false && late.refusal.code).toBe('capacity_exceeded');
    // b's repeat is a no-op on b's cache; a's repeat of b's command is a no-op only on the stream as it is.
    const repeat = await a.commands.handle(decider, stream, { by: 'b1', n: 2 }, context());
    expect(repeat.ok && repeat.events).toEqual([]);
    expect((await a.store.readStream(stream)).map((event) => event.data.by)).toEqual(['a1', 'b1']);
  });

  it('re-checks a refusal decided on a stale cache against the stream as it is', async () => {
    const a = newHandler();
    const b = newHandler();
    const stream = `recheck-${randomUUID()}`;
    // A capacity another process raised: a's cache says full, the stream says there is room.
    const limits = { value: 1 };
    const raisable: Decider<Take, Taken, { taken: number; takers: string[] }> = {
      ...capacity(0),
      decide: (command, state) => capacity(limits.value).decide(command, state),
    };
    expect((await a.commands.handle(raisable, stream, { by: 'a1', n: 1 }, context())).ok).toBe(true);
    // b returns a unit by taking a negative amount (the stream's state changes behind a's cache).
    expect((await b.commands.handle(raisable, stream, { by: 'b-return', n: -1 }, context())).ok).toBe(true);
    const again = await a.commands.handle(raisable, stream, { by: 'a2', n: 1 }, context());
    expect(again.ok).toBe(true);
    expect((await a.store.readStream(stream)).map((event) => event.data.by)).toEqual(['a1', 'b-return', 'a2']);
  });
});
