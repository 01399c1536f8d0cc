// Webhook subscriptions: a dealer's (its own orders' and shipments' notifications) or staff's (any
// order's, and stock alerts), each a URL that gets the notifications of the types it names, signed
// with its secret. The URL is checked against the URL policy (src/integrations/subscriptions/url-policy.ts).
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEALER_NOTIFICATION_TYPES, NOTIFICATION_TYPES } from '../domain/notifications/catalog.ts';
import { MAX_SUBSCRIPTIONS, subscriptionsDecider, subscriptionsStream } from '../domain/notifications/subscriptions.ts';
import { newSecret, secretHint, secretsOf, storeSecret } from '../integrations/subscriptions/secrets.ts';
import { checkSubscriptionUrl, type UrlPolicy } from '../integrations/subscriptions/url-policy.ts';
import { listSubscriptions, type SubscriptionRow } from '../projections/notifications/queries.ts';
import { principalOf, type Role } from './auth.ts';
import { accepted, commandContext, positionOf, send } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { idempotencyKeyHeader, withIdempotency, type StoredForm } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';
import { HttpProblem, type FieldError } from './problem.ts';

const SUBSCRIBERS: Role[] = ['dealer', 'ops', 'integration'];

const subscriptionIdSchema = z.string().regex(/^SUB-[0-9A-F]{16}$/, 'must be a subscription id');

const createSubscriptionSchema = z.strictObject({
  url: z
    .string()
    .trim()
    .min(1)
    .max(2_000)
    .describe('Where to POST: https (http only to loopback, and not in production); never a private, link-local or metadata address.'),
  events: z
    .array(z.enum(NOTIFICATION_TYPES))
    .min(1)
    .max(NOTIFICATION_TYPES.length)
    .refine((events) => new Set(events).size === events.length, 'must not name an event twice')
    .describe('The notification types to send. A dealer may take only `order.*` and `shipment.delayed`, about its own orders.'),
  secret: z
    .string()
    .regex(/^[\x21-\x7e]{16,200}$/, 'must be 16-200 visible ASCII characters')
    .optional()
    .describe('The HMAC key deliveries are signed with; generated when absent. Answered in full only now.'),
});

const subscriptionFields = {
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(NOTIFICATION_TYPES)),
  secretHint: z.string().describe('The last characters of the secret, to tell which one it is.'),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
};

const subscriptionSchema = z.object(subscriptionFields).meta({ id: 'Subscription' });

const subscriptionCreatedSchema = z
  .object({
    ...subscriptionFields,
    secret: z.string().describe('The signing secret, in full: it is never shown again.'),
    position: z.string().describe('Global position of the last event of this command.'),
  })
  .meta({ id: 'SubscriptionCreated' });

const subscriptionDeletedSchema = z
  .object({
    ...subscriptionFields,
    deletedAt: z.iso.datetime(),
    position: z.string().describe('Global position of the last event of this command.'),
  })
  .meta({ id: 'SubscriptionDeleted' });

const invalid = (errors: FieldError[]) =>
  new HttpProblem(400, 'validation_failed', `${errors.length} invalid field(s): ${errors.map((error) => error.path).join(', ')}`, {
    errors,
  });

/** Whose subscriptions the caller manages: its dealer's, or (null) staff's. A dealer's buyer manages none. */
function ownerOf(request: FastifyRequest): string | null {
  const { role, dealerId, dealerRole } = principalOf(request);
  if (role !== 'dealer') return null;
  if (dealerRole === 'buyer') throw new HttpProblem(403, 'forbidden', "Only a dealer's owner manages its webhook subscriptions");
  return dealerId!;
}

const fromRow = (row: SubscriptionRow) => ({
  id: row.id,
  url: row.url,
  events: row.events as (typeof NOTIFICATION_TYPES)[number][],
  secretHint: row.secret_hint,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
});

export function subscriptionRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, commands, store } = deps;
  const policy: UrlPolicy = { production: deps.config.env === 'production' };
  /**
   * The creating answer is kept with its Idempotency-Key without the secret, which has a store of
   * its own; a replay reads it back from there. So the key's row never holds a copy of a secret.
   */
  const storedWithoutSecret: StoredForm<z.infer<typeof subscriptionCreatedSchema>> = {
    keep: ({ secret: _secret, ...answer }) => answer,
    recall: async (kept) => {
      const answer = kept as Omit<z.infer<typeof subscriptionCreatedSchema>, 'secret'>;
      const secret = (await secretsOf(db, [answer.id])).get(answer.id);
      if (secret === undefined) throw new Error(`Subscription ${answer.id} has no secret stored`);
      return { ...answer, secret };
    },
  };

  return async (app) => {
    app.post(
      '/v1/subscriptions',
      {
        config: { access: SUBSCRIBERS },
        schema: {
          tags: ['notifications'],
          summary: 'Subscribe a URL to notifications',
          description:
            'Each notification is POSTed as `{ id, type, occurredAt, data }` with `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` ' +
            "under the secret (as partner webhooks are signed), `Idempotency-Key` and `id` the notification's event id, the same on every retry. " +
            'Failed deliveries are retried with backoff for about a quarter of an hour, then dead-lettered (admin: `/v1/integrations/dead-letters`). ' +
            `A dealer's owner subscribes for its dealer (its own orders only), staff for staff (any order, and stock alerts); at most ${MAX_SUBSCRIPTIONS} each.`,
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: createSubscriptionSchema,
          response: { 201: subscriptionCreatedSchema, ...problemResponses(400, 401, 403, 422) },
        },
      },
      async (request, reply) => {
        const dealerId = ownerOf(request);
        const { events } = request.body;
        const errors: FieldError[] = [];
        if (dealerId !== null) {
          events.forEach((event, index) => {
            if (!DEALER_NOTIFICATION_TYPES.includes(event))
              errors.push({ path: `body.events.${index}`, message: `${event} is not sent to dealers` });
          });
        }
        const checked = await checkSubscriptionUrl(request.body.url, policy);
        if (!checked.ok) errors.unshift({ path: 'body.url', message: checked.message });
        if (errors.length > 0 || !checked.ok) throw invalid(errors);
        return send(
          reply,
          await withIdempotency(
            db,
            request,
            async () => {
              const context = commandContext(request);
              const subscriptionId = `SUB-${randomBytes(8).toString('hex').toUpperCase()}`;
              const secret = request.body.secret ?? newSecret();
              // The secret first: a subscription is never delivered without one.
              await storeSecret(db, subscriptionId, secret, context.now);
              const created = {
                subscriptionId,
                dealerId,
                url: checked.url.toString(),
                events,
                secretHint: secretHint(secret),
                createdBy: context.actor,
                createdAt: context.now.toISOString(),
              };
              const handled = accepted(
                await commands.handle(
                  subscriptionsDecider,
                  subscriptionsStream(dealerId),
                  { type: 'CreateSubscription', data: created },
                  context,
                ),
              );
              const { subscriptionId: id, dealerId: _owner, ...view } = created;
              return { status: 201, body: { id, ...view, secret, position: await positionOf(store, handled.position) } };
            },
            { stored: storedWithoutSecret },
          ),
        );
      },
    );

    app.get(
      '/v1/subscriptions',
      {
        config: { access: SUBSCRIBERS },
        schema: {
          tags: ['notifications'],
          summary: "The caller's webhook subscriptions (its dealer's, or staff's)",
          description: 'Secrets are never shown: only their last characters.',
          querystring: z.object(pageQuery),
          response: { 200: pageOf(subscriptionSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit, cursor } = request.query;
        const rows = await listSubscriptions(db, { dealerId: ownerOf(request) }, { limit, afterId: decodeCursor(cursor, z.string()) });
        return paginate(rows, limit, fromRow, (row) => row.id);
      },
    );

    app.delete(
      '/v1/subscriptions/:id',
      {
        config: { access: SUBSCRIBERS },
        schema: {
          tags: ['notifications'],
          summary: 'Delete a webhook subscription',
          description: "Its deliveries stop; those already dead-lettered stay listed. Another owner's subscription reads as not found.",
          params: z.object({ id: subscriptionIdSchema }),
          // A DELETE may still be sent a body: too large, or of another media type, it is refused as any.
          response: { 200: subscriptionDeletedSchema, ...problemResponses(400, 401, 403, 404, 413, 415) },
        },
      },
      async (request) => {
        const dealerId = ownerOf(request);
        const context = commandContext(request);
        const deleted = { subscriptionId: request.params.id, dealerId, deletedBy: context.actor, deletedAt: context.now.toISOString() };
        const handled = accepted(
          await commands.handle(
            subscriptionsDecider,
            subscriptionsStream(dealerId),
            { type: 'DeleteSubscription', data: deleted },
            context,
          ),
        );
        const subscription = handled.state.subscriptions.get(request.params.id)!;
        return {
          id: subscription.subscriptionId,
          url: subscription.url,
          events: subscription.events,
          secretHint: subscription.secretHint,
          createdBy: subscription.createdBy,
          createdAt: subscription.createdAt,
          deletedAt: deleted.deletedAt,
          position: await positionOf(store, handled.position),
        };
      },
    );
  };
}
