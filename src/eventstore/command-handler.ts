// Loads a stream, folds it, decides, appends with the expected revision; retries conflicts.
import { randomUUID } from 'node:crypto';
import { isRefusal, type Decider, type DomainEvent, type Refusal } from '../domain/shared/decider.ts';
import { ConcurrencyError, type EventStore, type JsonObject, type NewEvent } from './port.ts';
import type { Upcasting } from './upcasting.ts';

/** Who issues a command, and in answer to what. */
export type CommandContext = {
  actor: string;
  role: string;
  correlationId: string;
  causationId?: string | null;
  now: Date;
};

export type Handled<State, Event = DomainEvent> =
  | { ok: true; state: State; events: readonly Event[]; position: string | undefined; revision: number }
  | { ok: false; state: State; refusal: Refusal; revision: number };

export type HandleOptions<Event> = {
  /** Deterministic ids make a repeated step idempotent (the store skips known ids). */
  eventId?: (event: Event, index: number) => string;
  /** Appends only if the stream is still at this revision (If-Match); no retry on conflict. */
  expectedRevision?: number;
};

type Cached = { decider: unknown; state: unknown; revision: number };

/** Aggregate states by stream, so a hot stream is read from its last known revision only. */
class StateCache {
  readonly #entries = new Map<string, Cached>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(streamId: string, decider: unknown): Cached | undefined {
    const entry = this.#entries.get(streamId);
    if (!entry || entry.decider !== decider) return undefined;
    this.#entries.delete(streamId);
    this.#entries.set(streamId, entry);
    return entry;
  }

  set(streamId: string, entry: Cached): void {
    this.#entries.delete(streamId);
    this.#entries.set(streamId, entry);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

export type CommandHandlerOptions = {
  upcasting: Upcasting;
  maxAttempts?: number;
  cacheCapacity?: number;
};

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
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createCommandHandler(store: EventStore, options: CommandHandlerOptions): CommandHandler {
  const { upcasting } = options;
  const maxAttempts = options.maxAttempts ?? 12;
  const cache = new StateCache(options.cacheCapacity ?? 20_000);

  async function load<Event extends DomainEvent, State>(
    decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
    streamId: string,
  ): Promise<{ state: State; revision: number }> {
    const cached = cache.get(streamId, decider);
    let state = (cached?.state as State | undefined) ?? decider.initialState;
    let revision = cached?.revision ?? -1;
    const events = await store.readStream(streamId, { fromRevision: revision + 1 });
    for (const recorded of events) {
      const event = upcasting.upcast(recorded);
      state = decider.evolve(state, { type: event.type, data: event.data } as Event);
      revision = event.revision;
    }
    if (events.length > 0) cache.set(streamId, { decider, state, revision });
    return { state, revision };
  }

  function toNewEvent<Event extends DomainEvent>(event: Event, id: string, context: CommandContext): NewEvent {
    return {
      id,
      type: event.type,
      data: event.data as JsonObject,
      metadata: {
        actor: context.actor,
        role: context.role,
        correlationId: context.correlationId,
        causationId: context.causationId ?? null,
        occurredAt: context.now.toISOString(),
        schemaVersion: upcasting.schemaVersion(event.type),
      },
    };
  }

  async function handle<Command, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    command: Command,
    context: CommandContext,
    handleOptions: HandleOptions<Event> = {},
  ): Promise<Handled<State, Event>> {
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await load(decider, streamId);
      if (handleOptions.expectedRevision !== undefined && handleOptions.expectedRevision !== revision) {
        throw new ConcurrencyError(streamId, handleOptions.expectedRevision, revision < 0 ? 'no_stream' : revision);
      }
      const decision = decider.decide(command, state);
      if (isRefusal(decision)) return { ok: false, state, refusal: decision, revision };
      if (decision.length === 0) return { ok: true, state, events: [], position: undefined, revision };
      const newEvents = decision.map((event, index) =>
        toNewEvent(event, handleOptions.eventId?.(event, index) ?? randomUUID(), context),
      );
      try {
        const appended = await store.appendToStream(streamId, newEvents, {
          expectedRevision: revision < 0 ? 'no_stream' : revision,
        });
        const nextState = decision.reduce(decider.evolve, state);
        cache.set(streamId, { decider, state: nextState, revision: appended.nextExpectedRevision });
        return { ok: true, state: nextState, events: decision, position: appended.position, revision: appended.nextExpectedRevision };
      } catch (error) {
        const retry = error instanceof ConcurrencyError && handleOptions.expectedRevision === undefined && attempt < maxAttempts;
        if (!retry) throw error;
        // Jittered, growing pause so that racing writers spread out instead of colliding again.
        await sleep(Math.random() * Math.min(50, 2 ** attempt));
      }
    }
  }

  return { handle, load };
}
