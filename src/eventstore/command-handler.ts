// Loads a stream, folds it, decides, appends with the expected revision; retries conflicts. Also
// runs decisions over several streams (workspaces) appended atomically, on the same state cache.
import { randomUUID } from 'node:crypto';
import { isRefusal, type Decider, type DomainEvent, type Refusal } from '../domain/shared/decider.ts';
import { ConcurrencyError, type EventStore, type NewEvent } from './port.ts';
import type { Upcasting } from './upcasting.ts';
import { toNewEvent, Workspace, type CommandContext, type StreamLoader, type StreamState } from './workspace.ts';

export type { CommandContext } from './workspace.ts';

export type Handled<State, Event = DomainEvent> =
  | { ok: true; state: State; events: readonly Event[]; position: string | undefined; revision: number }
  | { ok: false; state: State; refusal: Refusal; revision: number };

export type HandleOptions<Event> = {
  /** Deterministic ids make a repeated step idempotent (the store skips known ids). */
  eventId?: (event: Event, index: number) => string;
  /** Decides only if the stream is at this revision (If-Match); otherwise a ConcurrencyError. */
  expectedRevision?: number;
};

/** `stale`: another process is known to have written the stream since (a conflict said so). */
type Cached = { decider: unknown; state: unknown; revision: number; stale?: boolean };

/** Aggregate states by stream, so a hot stream is read from its last known revision only. */
class StateCache {
  readonly #entries = new Map<string, Cached>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The cached state; a stale one only when asked for (to read on from its revision). */
  get(streamId: string, decider: unknown, options: { stale?: boolean } = {}): Cached | undefined {
    const entry = this.#entries.get(streamId);
    if (!entry || entry.decider !== decider || (entry.stale && !options.stale)) return undefined;
    this.#entries.delete(streamId);
    this.#entries.set(streamId, entry);
    return entry;
  }

  /** Never goes back: an older revision (a slower writer finishing late) leaves a newer one in place. */
  set(streamId: string, entry: Cached): void {
    const known = this.#entries.get(streamId);
    if (known && known.decider === entry.decider && !known.stale && known.revision > entry.revision) return;
    this.#entries.delete(streamId);
    this.#entries.set(streamId, entry);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** A stream not cached at all is remembered as known to exist, so it is read, not taken as new. */
  markStale(streamId: string): void {
    const entry = this.#entries.get(streamId);
    if (entry) entry.stale = true;
    else this.set(streamId, { decider: undefined, state: undefined, revision: -1, stale: true });
  }

  /** Whether anything is known of the stream (a stale entry included). */
  knows(streamId: string): boolean {
    return this.#entries.has(streamId);
  }
}

export type CommandHandlerOptions = {
  upcasting: Upcasting;
  maxAttempts?: number;
  cacheCapacity?: number;
  /**
   * Called for each append the store refused on an expected revision (another writer moved the
   * stream on): `stream` for a command on one stream, `streams` for a multi-stream decision.
   */
  onConflict?: (by: 'stream' | 'streams') => void;
};

/** What a multi-stream decision answers: its own result, and the position of its append (if it wrote). */
export type Transacted<Result> = { result: Result; position: string | undefined };

export type CommandHandler = {
  handle<Command, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    command: Command,
    context: CommandContext,
    options?: HandleOptions<Event>,
  ): Promise<Handled<State, Event>>;
  load<Event extends DomainEvent, State>(
    decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
    streamId: string,
  ): Promise<{ state: State; revision: number }>;
  /**
   * Runs a decision over several streams and appends everything it decided atomically, each stream
   * at the revision it was read at (streams only read are checked unchanged). On a conflict it runs
   * again on the streams as they are now. A run that answers a refusal writes nothing, whatever it
   * decided before. A run that writes nothing was decided on cached states, so it runs once more on
   * freshly read ones before its answer stands. `run` may run several times.
   */
  transact<Result>(run: (workspace: Workspace) => Promise<Result>): Promise<Transacted<Result>>;
  /** A workspace on this handler's cache, for callers that append it themselves (batched placements). */
  workspace(options?: { fresh?: boolean }): Workspace;
  /** Whether the store checks streams only read (see EventStore.checksRevisions). */
  checksRevisions(): Promise<boolean>;
  /** After a workspace's append succeeded: its states become the cached ones. */
  remember(workspace: Workspace): void;
  /** After a conflict: these streams are read again before they are decided on. */
  invalidate(streamIds: Iterable<string>): void;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const MAX_BATCH = 200;

export function createCommandHandler(store: EventStore, options: CommandHandlerOptions): CommandHandler {
  const { upcasting } = options;
  const maxAttempts = options.maxAttempts ?? 12;
  const cache = new StateCache(options.cacheCapacity ?? 20_000);

  async function load<Event extends DomainEvent, State>(
    decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
    streamId: string,
  ): Promise<{ state: State; revision: number }> {
    const cached = cache.get(streamId, decider, { stale: true });
    let state = (cached?.state as State | undefined) ?? decider.initialState;
    let revision = cached?.revision ?? -1;
    const events = await store.readStream(streamId, { fromRevision: revision + 1 });
    for (const recorded of events) {
      const event = upcasting.upcast(recorded);
      state = decider.evolve(state, { type: event.type, data: event.data } as Event);
      revision = event.revision;
    }
    // A stream found empty is cached too: a command that creates it next decides without reading
    // it again (a stream created meanwhile elsewhere shows up as a conflict on append).
    if (events.length > 0 || !cached || cached.stale) cache.set(streamId, { decider, state, revision });
    return { state, revision };
  }

  function loader(fresh: boolean): StreamLoader {
    return <Event extends DomainEvent, State>(
      decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
      streamId: string,
      options: { expectNew: boolean },
    ): Promise<StreamState<State>> | StreamState<State> => {
      if (fresh) return load(decider, streamId);
      const cached = cache.get(streamId, decider);
      if (cached) return { state: cached.state as State, revision: cached.revision };
      if (options.expectNew && !cache.knows(streamId)) return { state: decider.initialState, revision: -1 };
      return load(decider, streamId);
    };
  }

  function workspace(options: { fresh?: boolean } = {}): Workspace {
    return new Workspace(loader(options.fresh ?? false), upcasting);
  }

  function remember(done: Workspace): void {
    for (const { streamId, decider, state, revision } of done.outcome()) cache.set(streamId, { decider, state, revision });
  }

  /** Called after a multi-stream append met a conflict (here, or by a caller appending a workspace). */
  function invalidate(streamIds: Iterable<string>): void {
    options.onConflict?.('streams');
    for (const streamId of streamIds) cache.markStale(streamId);
  }

  // Without checks of streams only read, every decision reads its streams afresh first.
  let checks: Promise<boolean> | undefined;
  const checksRevisions = () => (checks ??= store.checksRevisions());

  async function transact<Result>(run: (workspace: Workspace) => Promise<Result>): Promise<Transacted<Result>> {
    const withChecks = await checksRevisions();
    let fresh = !withChecks;
    for (let attempt = 1; ; attempt++) {
      const current = workspace({ fresh });
      const result = await run(current);
      // A refusal writes nothing, whatever was decided before it.
      if (isRefusal(result)) current.rollback(0);
      if (!current.hasEvents) {
        if (fresh) return { result, position: undefined };
        fresh = true;
        attempt -= 1;
        continue;
      }
      try {
        const appended = await store.appendToStreams(current.appends({ checks: withChecks }));
        remember(current);
        return { result, position: appended.position };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= maxAttempts) throw error;
        invalidate(error.conflicts.map((conflict) => conflict.streamId));
        await sleep(Math.random() * Math.min(50, 2 ** attempt));
      }
    }
  }

  type Job = {
    decider: Decider<unknown, DomainEvent, unknown>;
    command: unknown;
    context: CommandContext;
    options: HandleOptions<DomainEvent>;
    resolve: (handled: Handled<unknown, DomainEvent>) => void;
    reject: (error: unknown) => void;
  };

  // Commands on one stream queue here and are decided one after the other against the
  // evolving state, then appended together: a hot stream (one SKU's stock, one dealer's credit)
  // costs one append per batch instead of a storm of conflicting appends.
  const queues = new Map<string, Job[]>();

  function handle<Command, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    command: Command,
    context: CommandContext,
    handleOptions: HandleOptions<Event> = {},
  ): Promise<Handled<State, Event>> {
    return new Promise((resolve, reject) => {
      const job = { decider, command, context, options: handleOptions, resolve, reject } as unknown as Job;
      const queue = queues.get(streamId);
      if (queue) {
        queue.push(job);
        return;
      }
      queues.set(streamId, [job]);
      void drain(streamId);
    });
  }

  async function drain(streamId: string): Promise<void> {
    for (;;) {
      const queue = queues.get(streamId)!;
      if (queue.length === 0) {
        queues.delete(streamId);
        return;
      }
      // One batch shares one decider; a different decider on the same stream waits its turn.
      const first = queue[0]!;
      let size = 1;
      while (size < queue.length && size < MAX_BATCH && queue[size]!.decider === first.decider) size++;
      const batch = queue.slice(0, size);
      try {
        await decideAndAppend(streamId, batch);
      } catch (error) {
        for (const job of batch) job.reject(error);
      }
      queue.splice(0, size);
    }
  }

  type Outcome = { job: Job; handled: Handled<unknown, DomainEvent> } | { job: Job; error: unknown };

  async function decideAndAppend(streamId: string, batch: Job[]): Promise<void> {
    const decider = batch[0]!.decider;
    // First try from the cached state without reading the stream (this process appended last,
    // most often): a stale cache shows up as a conflict on append. Only a refusal, an error or a
    // no-op decided on unread state is decided again on the stream as it is.
    let unread = cache.get(streamId, decider);
    for (let attempt = 1; ; attempt++) {
      const loaded = unread ? { state: unread.state, revision: unread.revision } : await load(decider, streamId);
      let state = loaded.state;
      let revision = loaded.revision;
      const outcomes: Outcome[] = [];
      const newEvents: NewEvent[] = [];
      for (const job of batch) {
        const { expectedRevision, eventId } = job.options;
        if (expectedRevision !== undefined && expectedRevision !== revision) {
          outcomes.push({ job, error: new ConcurrencyError(streamId, expectedRevision, revision < 0 ? 'no_stream' : revision) });
          continue;
        }
        let decision: ReturnType<typeof decider.decide>;
        try {
          decision = decider.decide(job.command, state);
        } catch (error) {
          outcomes.push({ job, error });
          continue;
        }
        if (isRefusal(decision)) {
          outcomes.push({ job, handled: { ok: false, state, refusal: decision, revision } });
          continue;
        }
        decision.forEach((event, index) =>
          newEvents.push(toNewEvent(event, eventId?.(event, index) ?? randomUUID(), job.context, upcasting)),
        );
        state = decision.reduce(decider.evolve, state);
        revision += decision.length;
        outcomes.push({ job, handled: { ok: true, state, events: decision, position: undefined, revision } });
      }
      if (unread && outcomes.some((outcome) => 'error' in outcome || !outcome.handled.ok || outcome.handled.events.length === 0)) {
        unread = undefined;
        attempt -= 1;
        continue;
      }
      let position: string | undefined;
      if (newEvents.length > 0) {
        try {
          const appended = await store.appendToStream(streamId, newEvents, {
            expectedRevision: loaded.revision < 0 ? 'no_stream' : loaded.revision,
          });
          position = appended.position;
          cache.set(streamId, { decider, state, revision: appended.nextExpectedRevision });
        } catch (error) {
          // Another process wrote this stream meanwhile: read again and decide again.
          if (!(error instanceof ConcurrencyError) || attempt >= maxAttempts) throw error;
          options.onConflict?.('stream');
          cache.markStale(streamId);
          if (unread) {
            unread = undefined;
            continue;
          }
          await sleep(Math.random() * Math.min(50, 2 ** attempt));
          continue;
        }
      }
      for (const outcome of outcomes) {
        if ('error' in outcome) outcome.job.reject(outcome.error);
        else
          outcome.job.resolve(outcome.handled.ok && outcome.handled.events.length > 0 ? { ...outcome.handled, position } : outcome.handled);
      }
      return;
    }
  }

  return { handle, load, transact, workspace, remember, invalidate, checksRevisions };
}
