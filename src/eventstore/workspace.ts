// A decision over several streams, recorded in one atomic append: the states it read (checked
// unchanged when it is appended) and the events it decided on each, evolving as it goes.
import { randomUUID } from 'node:crypto';
import { isRefusal, type Decider, type DomainEvent, type Refusal } from '../domain/shared/decider.ts';
import type { ExpectedRevision, JsonObject, NewEvent, StreamAppend } from './port.ts';
import type { Upcasting } from './upcasting.ts';

/** Who issues a command, and in answer to what. */
export type CommandContext = {
  actor: string;
  role: string;
  correlationId: string;
  causationId?: string | null;
  now: Date;
  /** Recorded in every event's metadata beside the fields above. */
  metadata?: JsonObject;
};

export type StreamState<State> = { state: State; revision: number };

type AnyDecider = Pick<Decider<unknown, DomainEvent, unknown>, 'initialState' | 'evolve' | 'decide'>;
type Folding<Event extends DomainEvent, State> = Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>;

/**
 * Where a workspace gets a stream's state the first time it touches it. `expectNew`: a stream the
 * caller expects not to exist yet (a new order's), taken as empty unless known otherwise; the
 * append's `no_stream` check catches one that exists.
 */
export type StreamLoader = <Event extends DomainEvent, State>(
  decider: Folding<Event, State>,
  streamId: string,
  options: { expectNew: boolean },
) => Promise<StreamState<State>> | StreamState<State>;

export function toNewEvent(event: DomainEvent, id: string, context: CommandContext, upcasting: Upcasting): NewEvent {
  return {
    id,
    type: event.type,
    data: event.data as JsonObject,
    metadata: {
      ...context.metadata,
      actor: context.actor,
      role: context.role,
      correlationId: context.correlationId,
      causationId: context.causationId ?? null,
      occurredAt: context.now.toISOString(),
      schemaVersion: upcasting.schemaVersion(event.type),
    },
  };
}

type Entry = {
  decider: unknown;
  /** The revision the stream had when first touched: the append's expected revision. */
  base: number;
  state: unknown;
  events: NewEvent[];
  /** Checked unchanged at the append even if nothing is written to it (the default). */
  check: boolean;
};

type Undo = { streamId: string; entry: Entry | undefined };

export class Workspace {
  readonly #loader: StreamLoader;
  readonly #upcasting: Upcasting;
  readonly #entries = new Map<string, Entry>();
  readonly #journal: Undo[] = [];
  #trace: Set<string> | undefined;

  constructor(loader: StreamLoader, upcasting: Upcasting) {
    this.#loader = loader;
    this.#upcasting = upcasting;
  }

  /** The stream's state as this workspace sees it: as loaded, with the events decided here since. */
  async load<Event extends DomainEvent, State>(
    decider: Folding<Event, State>,
    streamId: string,
    options: { expectNew?: boolean } = {},
  ): Promise<State> {
    this.#trace?.add(streamId);
    const known = this.#entries.get(streamId);
    if (known) return this.#stateOf(known, decider, streamId);
    const loaded = await this.#loader(decider, streamId, { expectNew: options.expectNew ?? false });
    // Loaded meanwhile by another load of the same stream: the first one stands.
    const raced = this.#entries.get(streamId);
    if (raced) return this.#stateOf(raced, decider, streamId);
    this.#set(streamId, { decider, base: loaded.revision, state: loaded.state, events: [], check: true });
    return loaded.state;
  }

  /** The state of a stream already loaded here. */
  stateOf<Event extends DomainEvent, State>(decider: Folding<Event, State>, streamId: string): State {
    this.#trace?.add(streamId);
    const entry = this.#entries.get(streamId);
    if (!entry) throw new Error(`Stream ${streamId} was not loaded into this workspace`);
    return this.#stateOf(entry, decider, streamId);
  }

  /**
   * A stream read whose content cannot change what was decided (a promotion's terms, which never
   * change once created) need not be checked at the append unless something is written to it.
   */
  skipCheck(streamId: string): void {
    const entry = this.#entries.get(streamId);
    if (entry?.check) this.#set(streamId, { ...entry, check: false });
  }

  /** The revision a loaded stream has here: as loaded, plus the events decided here since. */
  revisionOf(streamId: string): number {
    const entry = this.#entries.get(streamId);
    if (!entry) throw new Error(`Stream ${streamId} was not loaded into this workspace`);
    return entry.base + entry.events.length;
  }

  /** Starts recording which streams are touched; `endTrace` answers them. */
  startTrace(): void {
    this.#trace = new Set();
  }

  endTrace(): Set<string> {
    const touched = this.#trace ?? new Set<string>();
    this.#trace = undefined;
    return touched;
  }

  #stateOf<State>(entry: Entry, decider: unknown, streamId: string): State {
    if (entry.decider !== decider) throw new Error(`Stream ${streamId} is folded by another decider in this workspace`);
    return entry.state as State;
  }

  /**
   * Decides a command on a loaded stream's current state here; the events it yields are kept for
   * the append and evolve the state. A refusal changes nothing.
   */
  decide<Command, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    command: Command,
    context: CommandContext,
    eventId?: (event: Event, index: number) => string,
  ): readonly Event[] | Refusal {
    this.#trace?.add(streamId);
    const entry = this.#entries.get(streamId);
    if (!entry) throw new Error(`Stream ${streamId} was not loaded into this workspace`);
    const state = this.#stateOf<State>(entry, decider, streamId);
    const decision = decider.decide(command, state);
    if (isRefusal(decision) || decision.length === 0) return decision;
    const events = decision.map((event, index) => toNewEvent(event, eventId?.(event, index) ?? randomUUID(), context, this.#upcasting));
    this.#set(streamId, { ...entry, state: decision.reduce(decider.evolve, state), events: [...entry.events, ...events] });
    return decision;
  }

  /** A point to roll back to: what was decided after it is forgotten (the loads stay). */
  mark(): number {
    return this.#journal.length;
  }

  rollback(mark: number): void {
    while (this.#journal.length > mark) {
      const undo = this.#journal.pop()!;
      if (undo.entry) this.#entries.set(undo.streamId, undo.entry);
      else this.#entries.delete(undo.streamId);
    }
  }

  #set(streamId: string, entry: Entry): void {
    this.#journal.push({ streamId, entry: this.#entries.get(streamId) });
    this.#entries.set(streamId, entry);
  }

  get hasEvents(): boolean {
    for (const entry of this.#entries.values()) if (entry.events.length > 0) return true;
    return false;
  }

  /**
   * Every stream touched: those written with their events, and (with `checks`) those only read,
   * as checks that they have not moved.
   */
  appends(options: { checks: boolean }): StreamAppend[] {
    return [...this.#entries]
      .filter(([, entry]) => entry.events.length > 0 || (options.checks && entry.check))
      .map(([streamId, entry]) => ({ streamId, events: entry.events, expectedRevision: expectedOf(entry.base) }));
  }

  /** The streams touched, each with its state and revision once the append has succeeded. */
  outcome(): { streamId: string; decider: AnyDecider; state: unknown; revision: number }[] {
    return [...this.#entries].map(([streamId, entry]) => ({
      streamId,
      decider: entry.decider as AnyDecider,
      state: entry.state,
      revision: entry.base + entry.events.length,
    }));
  }
}

const expectedOf = (revision: number): ExpectedRevision => (revision < 0 ? 'no_stream' : revision);
