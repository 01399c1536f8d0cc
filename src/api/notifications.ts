// The inbox: what the caller is told (a dealer's user: its dealer's orders and shipments; staff:
// held orders, late shipments and stock alerts), read by long-polling or as server-sent events,
// in Chinese or (Accept-Language: en) English, and marked read one item at a time.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import Negotiator from 'negotiator';
import { z } from 'zod';
import { NOTIFICATION_TYPES, type Notification } from '../domain/notifications/catalog.ts';
import { inboxDecider, inboxStream } from '../domain/notifications/inbox.ts';
import { LANGUAGES, notificationText, type Language } from '../domain/notifications/texts.ts';
import { abortableSleep } from '../shared/sleep.ts';
import { inboxAfter, inboxItem, type InboxOwner, type InboxRow } from '../projections/notifications/queries.ts';
import { principalOf, type Role } from './auth.ts';
import { accepted, commandContext, positionOf } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponses } from './openapi.ts';
import { notFound } from './problem.ts';
import { positionSchema } from './read-your-writes.ts';

const READERS: Role[] = ['dealer', 'ops', 'finance', 'analyst', 'integration'];
const PROJECTION = 'notifications';
const MAX_WAIT_SECONDS = 30;
const STREAM_PAGE = 100;
const HEARTBEAT_MS = 15_000;
/** The comment a stream sends once it has sent everything so far: what follows is live. */
export const STREAM_LIVE_COMMENT = ': live';

export const notificationSchema = z
  .object({
    id: z.string().describe('The id of the event the notification came from: what `POST /v1/notifications/{id}/read` takes.'),
    position: z.string().describe("Its global position: the inbox's order, and what `after` (or Last-Event-ID) resumes from."),
    type: z.enum(NOTIFICATION_TYPES),
    title: z.string(),
    body: z.string(),
    link: z.string().describe('The API resource it is about.'),
    occurredAt: z.iso.datetime(),
    read: z.boolean().describe('Marked read by the caller.'),
  })
  .meta({ id: 'Notification' });

const inboxQuery = z.object({
  after: positionSchema
    .default('0')
    .describe("Items after this position (exclusive); pass the previous page's `nextAfter`. Default 0: from the start."),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size, 1-500 (default 50).'),
  waitSeconds: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .default(0)
    .describe(`When nothing is new, wait up to this many seconds (0-${MAX_WAIT_SECONDS}) and answer as soon as something arrives.`),
});

const streamQuery = z.object({
  after: positionSchema
    .optional()
    .describe('Items after this position; `Last-Event-ID` (sent by a reconnecting EventSource) takes precedence. Default: from the start.'),
});

const languageDescription = 'Titles and bodies in Chinese, or in English with `Accept-Language: en`.';

/** Whose inbox the caller reads: its own read marks, over its dealer's items or staff's. */
export function inboxOwnerOf(request: FastifyRequest): InboxOwner {
  const { sub, role, dealerId } = principalOf(request);
  return { reader: sub, dealerId: role === 'dealer' ? (dealerId ?? null) : null };
}

/** Chinese unless the caller prefers English. */
export function languageOf(request: FastifyRequest): Language {
  return new Negotiator(request.raw).language([...LANGUAGES]) === 'en' ? 'en' : 'zh';
}

export function toNotification(row: InboxRow, language: Language): z.infer<typeof notificationSchema> {
  const notification = { type: row.type, facts: row.facts } as Notification;
  return {
    id: row.event_id,
    position: row.position,
    type: notification.type,
    ...notificationText(notification, language),
    occurredAt: row.occurred_at.toISOString(),
    read: row.read,
  };
}

export function notificationRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, clock, commands, store } = deps;
  /** Streams open now: ended when the server closes, which waits for open connections. */
  const streams = new Set<AbortController>();

  /** The owner's items after `after`; when there are none and `waitSeconds` > 0, the first that arrive in that time. */
  async function readInbox(owner: InboxOwner, after: string, limit: number, waitSeconds: number, gone: AbortSignal): Promise<InboxRow[]> {
    const deadline = AbortSignal.any([gone, AbortSignal.timeout(waitSeconds * 1_000)]);
    for (;;) {
      // Read before the items: anything committed after the read moves the checkpoint past it.
      const seen = await clock.checkpointOf(PROJECTION);
      const rows = await inboxAfter(db, owner, after, limit);
      if (rows.length > 0 || waitSeconds <= 0 || deadline.aborted) return rows;
      await clock.waitPast(PROJECTION, seen, deadline);
      if (deadline.aborted) return inboxAfter(db, owner, after, limit);
    }
  }

  async function stream(request: FastifyRequest, reply: FastifyReply, owner: InboxOwner, from: string): Promise<void> {
    const language = languageOf(request);
    const ended = new AbortController();
    streams.add(ended);
    reply.raw.once('close', () => ended.abort());
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    reply.raw.write('retry: 3000\n\n');
    let after = from;
    let live = false;
    let beat = Date.now();
    try {
      while (!ended.signal.aborted) {
        const seen = await clock.checkpointOf(PROJECTION);
        const rows = await inboxAfter(db, owner, after, STREAM_PAGE);
        for (const row of rows) {
          reply.raw.write(`id: ${row.position}\nevent: notification\ndata: ${JSON.stringify(toNotification(row, language))}\n\n`);
          after = row.position;
        }
        if (rows.length === STREAM_PAGE) continue;
        if (!live) {
          reply.raw.write(`${STREAM_LIVE_COMMENT}\n\n`);
          live = true;
        }
        if (Date.now() - beat >= HEARTBEAT_MS) {
          reply.raw.write(': keep-alive\n\n');
          beat = Date.now();
        }
        await clock.waitPast(PROJECTION, seen, AbortSignal.any([ended.signal, AbortSignal.timeout(HEARTBEAT_MS)]));
      }
    } catch (error) {
      if (!ended.signal.aborted) request.log.warn({ err: error }, 'notification stream failed');
    } finally {
      streams.delete(ended);
      reply.raw.end();
    }
  }

  return async (app) => {
    app.addHook('preClose', async () => {
      for (const open of streams) open.abort();
      // Give each stream's loop its turn to end its response.
      while (streams.size > 0) await abortableSleep(10, AbortSignal.timeout(1_000));
    });

    app.get(
      '/v1/notifications',
      {
        config: { access: READERS },
        schema: {
          tags: ['notifications'],
          summary: "The caller's inbox after a position, oldest first; long-polls with waitSeconds",
          description:
            "A dealer's user gets its dealer's order and shipment notifications; staff get held orders, delayed shipments and stock alerts. " +
            `${languageDescription} Pass \`nextAfter\` as \`after\` to read on.`,
          querystring: inboxQuery,
          headers: z.object({ 'accept-language': z.string().max(500).optional() }),
          response: {
            200: z
              .object({ items: z.array(notificationSchema), nextAfter: z.string().describe('Pass as `after` next time.') })
              .meta({ id: 'NotificationPage' }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request, reply) => {
        const { after, limit, waitSeconds } = request.query;
        const gone = new AbortController();
        reply.raw.once('close', () => gone.abort());
        const rows = await readInbox(inboxOwnerOf(request), after, limit, waitSeconds, gone.signal);
        const language = languageOf(request);
        return { items: rows.map((row) => toNotification(row, language)), nextAfter: rows.at(-1)?.position ?? after };
      },
    );

    app.get(
      '/v1/notifications/stream',
      {
        config: { access: READERS },
        schema: {
          tags: ['notifications'],
          summary: "The caller's inbox as server-sent events, from a position on, live",
          description:
            'Each item is an event `notification` whose `id` is its position and whose `data` is the item as JSON. A client that reconnects ' +
            'with `Last-Event-ID` (as EventSource does) resumes right after it, missing nothing. The comment `: live` says everything up to now ' +
            `was sent; \`: keep-alive\` comments follow every ${HEARTBEAT_MS / 1_000} s. ${languageDescription}`,
          querystring: streamQuery,
          headers: z.object({
            'last-event-id': positionSchema.optional().describe('The id (position) of the last event received.'),
            'accept-language': z.string().max(500).optional(),
          }),
          response: {
            200: {
              description: 'A `text/event-stream`.',
              content: { 'text/event-stream': { schema: z.string().describe('Server-sent events.') } },
            },
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request, reply) => {
        const from = request.headers['last-event-id'] ?? request.query.after ?? '0';
        await stream(request, reply, inboxOwnerOf(request), from);
      },
    );

    app.post(
      '/v1/notifications/:id/read',
      {
        config: { access: READERS },
        schema: {
          tags: ['notifications'],
          summary: "Mark one item of the caller's inbox read",
          description: "Marking an item read again changes nothing. Another inbox's item reads as not found.",
          params: z.object({ id: z.uuid().describe("The item's id.") }),
          response: {
            200: z
              .object({
                id: z.string(),
                read: z.literal(true),
                position: z.string().describe('Global position of the last event of this command.'),
              })
              .meta({ id: 'NotificationMarkedRead' }),
            ...problemResponses(400, 401, 403, 404),
          },
        },
      },
      async (request) => {
        const owner = inboxOwnerOf(request);
        const { id } = request.params;
        if (!(await inboxItem(db, owner, id))) throw notFound(`Notification ${id}`);
        const context = commandContext(request);
        const handled = accepted(
          await commands.handle(
            inboxDecider,
            inboxStream(owner.reader),
            { type: 'MarkNotificationRead', data: { reader: owner.reader, notificationId: id, readAt: context.now.toISOString() } },
            context,
          ),
        );
        return { id, read: true as const, position: await positionOf(store, handled.position) };
      },
    );
  };
}
