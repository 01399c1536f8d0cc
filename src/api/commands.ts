// Shared plumbing of command routes: the command context, refusals, the response with position.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Handled, CommandContext } from '../eventstore/command-handler.ts';
import { maxPosition, type EventStore } from '../eventstore/port.ts';
import { principalOf } from './auth.ts';
import type { CommandResponse } from './idempotency.ts';
import { refusalProblem } from './problem.ts';

export function commandContext(request: FastifyRequest): CommandContext {
  const principal = principalOf(request);
  const correlation = request.headers['x-correlation-id'];
  return {
    actor: principal.sub,
    role: principal.role,
    correlationId: typeof correlation === 'string' && /^[\w.:-]{1,100}$/.test(correlation) ? correlation : request.id,
    causationId: null,
    now: new Date(),
  };
}

/** The state after a command, or the refusal thrown as its problem response. */
export function accepted<State, Event>(handled: Handled<State, Event>): Extract<Handled<State, Event>, { ok: true }> {
  if (!handled.ok) throw refusalProblem(handled.refusal);
  return handled;
}

/**
 * The position a command response carries: its last event's, or the store head when the
 * command changed nothing (waiting for the head is at least as strong).
 */
export async function positionOf(store: EventStore, ...positions: (string | undefined)[]): Promise<string> {
  const known = positions.filter((position): position is string => position !== undefined);
  if (known.length === 0) return store.headPosition();
  return known.reduce(maxPosition);
}

export function send<Body>(reply: FastifyReply, response: CommandResponse<Body>): FastifyReply {
  reply.code(response.status).headers(response.headers ?? {});
  if (response.status >= 400) reply.type('application/problem+json');
  return reply.send(response.body);
}
