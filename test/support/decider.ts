// Given events / when command / then events (or a refusal): the decider test shape.
import { expect } from 'vitest';
import { fold, isRefusal, type Decider, type DomainEvent } from '../../src/domain/shared/decider.ts';

export function specification<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: readonly Event[] = []) {
      const state = fold(decider, events);
      return {
        when(command: Command) {
          const decision = decider.decide(command, state);
          return {
            then(expected: readonly Event[]) {
              if (isRefusal(decision)) throw new Error(`expected events, got refusal ${decision.code}: ${decision.detail}`);
              expect(decision).toEqual(expected);
            },
            thenNothing() {
              expect(decision).toEqual([]);
            },
            thenRefused(code: string, kind?: 'rule' | 'conflict' | 'not_found') {
              if (!isRefusal(decision)) throw new Error(`expected refusal ${code}, got ${JSON.stringify(decision)}`);
              expect(decision.code).toBe(code);
              if (kind) expect(decision.kind).toBe(kind);
            },
            decision,
          };
        },
      };
    },
  };
}
