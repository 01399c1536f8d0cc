// The decider shape every aggregate follows: pure decide and evolve, refusals as values.

export type DomainEvent<Type extends string = string, Data extends object = object> = {
  type: Type;
  data: Data;
};

/**
 * A refusal is the domain saying no. `rule`: a business rule refused (422); `conflict`: the
 * command is illegal in the current state (409); `not_found`: the aggregate does not exist (404).
 */
export type Refusal = {
  refused: true;
  code: string;
  detail: string;
  kind: 'rule' | 'conflict' | 'not_found';
};

/** What `decide` returns: the events to append (none: nothing to do), or a refusal. */
export type EventsOrRefusal<Event> = readonly Event[] | Refusal;

export type Decider<Command, Event extends DomainEvent, State> = {
  initialState: State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => EventsOrRefusal<Event>;
};

export function refuse(code: string, detail: string, kind: Refusal['kind'] = 'rule'): Refusal {
  return { refused: true, code, detail, kind };
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && (value as { refused?: unknown }).refused === true;
}

export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
  state: State = decider.initialState,
): State {
  return events.reduce(decider.evolve, state);
}
