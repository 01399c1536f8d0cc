// Admin routes for integration adapters: status and lag, dead letters, and retrying one.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adapterStates } from '../integrations/checkpoints.ts';
import { findDeadLetter, listDeadLetters, requestRetry, type DeadLetter } from '../integrations/dead-letters.ts';
import { subscriptionAdapterNames } from '../integrations/subscriptions/supervisor.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponses } from './openapi.ts';
import { decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';
import { HttpProblem, notFound } from './problem.ts';

const DEAD_LETTER_STATUSES = ['open', 'retry_requested', 'retrying', 'delivered'] as const;

const adapterStateSchema = z
  .object({
    name: z.string(),
    position: z.string().describe('Every event up to here was delivered or dead-lettered.'),
    lag: z.string().describe('Store head position minus the checkpoint.'),
    active: z.boolean().describe("A worker holds the adapter's lock and is running it."),
    openDeadLetters: z.number().int().describe('Dead letters not delivered yet.'),
    lastError: z.string().nullable().describe("The last failed delivery attempt's error."),
    lastErrorAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'AdapterState' });

const deadLetterSchema = z
  .object({
    id: z.string(),
    adapter: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    streamId: z.string(),
    revision: z.number().int(),
    position: z.string(),
    attempts: z.number().int().describe('Delivery attempts so far, over every run.'),
    lastError: z.string(),
    status: z.enum(DEAD_LETTER_STATUSES),
    event: z.object({ data: z.record(z.string(), z.unknown()), metadata: z.record(z.string(), z.unknown()) }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    resolvedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'DeadLetter' });

const idParams = z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be a dead letter id') });

function toResponse(deadLetter: DeadLetter) {
  return { ...deadLetter, event: { data: deadLetter.event.data, metadata: deadLetter.event.metadata } };
}

export function integrationRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const configured = deps.adapters.map((adapter) => adapter.name);
  /** The configured adapters, and one per webhook subscription. */
  const adapterNames = async () => [...configured, ...(await subscriptionAdapterNames(deps.db))];

  return async (app) => {
    app.get(
      '/v1/integrations',
      {
        config: { access: [] },
        schema: {
          tags: ['integration'],
          summary: 'Enabled integration adapters (and webhook subscriptions) with position, lag, dead letters and last error',
          response: { 200: z.array(adapterStateSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async () => {
        const states = await adapterStates(deps.db, deps.store, await adapterNames());
        for (const state of states) deps.metrics.integrations.lag.labels(state.name).set(Number(state.lag));
        return states;
      },
    );

    app.get(
      '/v1/integrations/dead-letters',
      {
        config: { access: [] },
        schema: {
          tags: ['integration'],
          summary: 'Dead letters, oldest first',
          querystring: z.object({
            adapter: z.string().max(100).optional(),
            status: z.enum(DEAD_LETTER_STATUSES).optional(),
            ...pageQuery,
          }),
          response: { 200: pageOf(deadLetterSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { adapter, status, limit, cursor } = request.query;
        const afterId = decodeCursor(cursor, z.number().int().positive());
        const rows = await listDeadLetters(deps.db, { adapter, status, limit, afterId });
        return paginate(rows, limit, toResponse, (row) => Number(row.id));
      },
    );

    app.get(
      '/v1/integrations/dead-letters/:id',
      {
        config: { access: [] },
        schema: {
          tags: ['integration'],
          summary: 'One dead letter with its event',
          params: idParams,
          response: { 200: deadLetterSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const deadLetter = await findDeadLetter(deps.db, Number(request.params.id));
        if (!deadLetter) throw notFound(`Dead letter ${request.params.id}`);
        return toResponse(deadLetter);
      },
    );

    app.post(
      '/v1/integrations/dead-letters/:id/retry',
      {
        config: { access: [] },
        schema: {
          tags: ['integration'],
          summary: 'Deliver a dead-lettered event again',
          description:
            "The adapter's active worker delivers it with a fresh retry budget; watch `status` become `delivered` (or `open` again, " +
            'with more attempts and the new error). Asking again while a retry is pending changes nothing.',
          params: idParams,
          response: { 202: deadLetterSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const id = Number(request.params.id);
        const existing = await findDeadLetter(deps.db, id);
        if (!existing) throw notFound(`Dead letter ${request.params.id}`);
        if (!(await adapterNames()).includes(existing.adapter)) {
          throw new HttpProblem(409, 'adapter_disabled', `Adapter ${existing.adapter} is not enabled, so nothing would deliver the event`);
        }
        const requested = await requestRetry(deps.db, id);
        if (requested.outcome === 'not_found') throw notFound(`Dead letter ${request.params.id}`);
        if (requested.outcome === 'already_delivered')
          throw new HttpProblem(409, 'already_delivered', `Dead letter ${id} was delivered already`);
        return reply.code(202).send(toResponse(requested.deadLetter));
      },
    );
  };
}
