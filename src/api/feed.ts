// The event feed for the ERP and other systems: every event in global order, cursor-paged by
// position, with long-polling.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readFeed } from '../integrations/erp/feed.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponses } from './openapi.ts';
import { positionSchema } from './read-your-writes.ts';

const MAX_WAIT_SECONDS = 30;
const EVENT_TYPES = /^[A-Za-z][\w.:-]{0,99}(,[A-Za-z][\w.:-]{0,99}){0,49}$/;

const feedQuery = z.object({
  after: positionSchema
    .default('0')
    .describe("Events after this position (exclusive); pass the previous page's `nextAfter`. Default 0: from the start."),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size, 1-500 (default 50).'),
  types: z
    .string()
    .regex(EVENT_TYPES, 'must be a comma-separated list of up to 50 event types')
    .optional()
    .describe('Only these event types, e.g. `ProductRegistered,ProductUpdated`.'),
  waitSeconds: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .default(0)
    .describe(`When nothing is new, wait up to this many seconds (0-${MAX_WAIT_SECONDS}) and answer as soon as an event arrives.`),
});

const feedItemSchema = z
  .object({
    position: z.string().describe('Global position (a decimal string).'),
    stream: z.string(),
    revision: z.number().int().describe("The event's revision in its stream, from 0."),
    type: z.string(),
    id: z.string().describe('Event id: the idempotency key downstream.'),
    data: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'FeedItem' });

const feedPageSchema = z
  .object({
    items: z.array(feedItemSchema),
    nextAfter: z.string().describe('Pass as `after` next time; it moves past filtered-out events too.'),
  })
  .meta({ id: 'FeedPage' });

export function feedRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/feed',
      {
        config: { access: ['integration'] },
        schema: {
          tags: ['integration'],
          summary: 'Every event in global order, after a position; long-polls with waitSeconds',
          querystring: feedQuery,
          response: { 200: feedPageSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const { after, limit, types, waitSeconds } = request.query;
        // A client that hangs up stops the wait.
        const gone = new AbortController();
        reply.raw.once('close', () => gone.abort());
        const page = await readFeed(
          deps.store,
          deps.upcasting,
          { after, limit, types: types?.split(','), waitSeconds },
          gone.signal,
          (now) => (now ? deps.metrics.feedWaiting.inc() : deps.metrics.feedWaiting.dec()),
        );
        return {
          items: page.items.map((event) => ({
            position: event.position,
            stream: event.streamId,
            revision: event.revision,
            type: event.type,
            id: event.id,
            data: event.data,
            metadata: event.metadata,
          })),
          nextAfter: page.nextAfter,
        };
      },
    );
  };
}
