// Inbound partner webhooks (payments, logistics): HMAC-signed raw bodies, each message taking
// effect once through the inbox.
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isoDateTimeSchema } from '../domain/shared/values.ts';
import { webhookEffects, webhookMessageErrors, webhookMessageTypes } from '../integrations/webhooks/effects.ts';
import { WEBHOOK_SOURCES, WebhookInProgressError, receiveWebhook, type WebhookSource } from '../integrations/webhooks/inbox.ts';
import { verifyWebhookSignature } from '../integrations/webhooks/signature.ts';
import { positionOf } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponses } from './openapi.ts';
import { HttpProblem } from './problem.ts';
import { nestedTooDeep, tooDeepProblem } from './text-input.ts';

const webhookMessageSchema = z
  .object({
    id: z.string().min(1).max(200).describe("The partner's message id: a repeated delivery with the same id has no second effect."),
    type: z.string().min(1).max(200),
    occurredAt: isoDateTimeSchema.optional(),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .meta({ id: 'WebhookMessage' });

const receivedSchema = z
  .object({
    id: z.string(),
    status: z
      .enum(['accepted', 'rejected', 'duplicate'])
      .describe(
        '`rejected`: recorded, but refused by the business for good (see `reason`); `duplicate`: seen before; nothing was done again.',
      ),
    reason: z.object({ code: z.string(), detail: z.string() }).optional(),
    position: z.string().describe('A global position at or after the events this message wrote (read your writes with `minPosition`).'),
  })
  .meta({ id: 'WebhookReceived' });

/** What each partner's messages carry in `data`; docs/integrations.md has the full contract. */
const MESSAGE_DATA: Record<WebhookSource, string> = {
  payments:
    "`payment.succeeded`: `{ orderId?, dealerId, amountMinor, currency?, reference }` — a prepay order's payment (released once paid in full), " +
    "otherwise a payment on the dealer's credit ledger; `reference` is the payment id. " +
    '`payment.failed`: `{ orderId?, dealerId, amountMinor?, currency?, reference?, reason? }` — recorded; no money moves.',
  logistics:
    '`shipment.dispatched`: `{ orderId, shipmentId, carrier?, trackingNumber?, lines?: [{ sku, qty }] }` — ships the lines, or all not yet shipped. ' +
    '`shipment.delivered`: `{ orderId, shipmentId, deliveredAt?, receivedBy? }` — confirms the delivery. ' +
    '`shipment.in_transit`: `{ orderId, shipmentId, location?, eta? }` — where the shipment is and when it should arrive; an ETA later than the last delays it. ' +
    '`shipment.exception`: `{ orderId, shipmentId, reason, eta? }` — a problem on the way; it delays the shipment.',
};

export function webhookRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const secrets: Record<WebhookSource, string> = {
    payments: deps.config.paymentWebhookSecret,
    logistics: deps.config.logisticsWebhookSecret,
  };

  return async (app) => {
    for (const source of WEBHOOK_SOURCES) {
      // Its own scope: the signature covers the raw bytes, so only here is JSON parsed by hand.
      await app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser(
          'application/json',
          { parseAs: 'buffer', bodyLimit: deps.config.bodyLimitBytes },
          (request, raw, done) => {
            const header = request.headers['x-signature'];
            const check = verifyWebhookSignature(
              secrets[source],
              typeof header === 'string' ? header : undefined,
              raw as Buffer,
              Math.floor(Date.now() / 1_000),
            );
            if (!check.valid) {
              done(new HttpProblem(401, 'invalid_signature', check.reason), undefined);
              return;
            }
            if (nestedTooDeep(raw as Buffer)) {
              done(tooDeepProblem(), undefined);
              return;
            }
            try {
              done(null, JSON.parse((raw as Buffer).toString('utf8')));
            } catch {
              done(
                new HttpProblem(400, 'invalid_body', 'The body is not valid JSON', {
                  errors: [{ path: 'body', message: 'is not valid JSON' }],
                }),
                undefined,
              );
            }
          },
        );

        scope.withTypeProvider<ZodTypeProvider>().post(
          `/v1/webhooks/${source}`,
          {
            config: { access: 'public' },
            schema: {
              tags: ['integration'],
              summary: `Receive a ${source} partner message`,
              description:
                'Authenticated by `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` under the partner\'s secret; ' +
                'a signature older than 5 minutes, or a wrong one, is refused with 401. ' +
                `Message types (${webhookMessageTypes(source).join(', ')}) and their data: ${MESSAGE_DATA[source]} ` +
                'Data a known type cannot carry is a 400 and writes nothing. A message the business refuses (unknown order, ' +
                'illegal transition, unknown type) is recorded and answered 202 `rejected`: sending it again changes nothing.',
              headers: z.object({ 'x-signature': z.string().max(1_000) }),
              body: webhookMessageSchema,
              response: { 202: receivedSchema, ...problemResponses(400, 401, 409, 413, 415) },
            },
          },
          async (request, reply) => {
            const message = request.body;
            const errors = webhookMessageErrors(source, message).map((error) => ({ ...error, path: `body.${error.path}` }));
            if (errors.length > 0) {
              throw new HttpProblem(
                400,
                'validation_failed',
                `${errors.length} invalid field(s): ${errors.map((error) => error.path).join(', ')}`,
                { errors },
              );
            }
            const outcome = await receiveWebhook(deps.db, message, webhookEffects[source], {
              source,
              store: deps.store,
              commands: deps.commands,
              now: new Date(),
            }).catch((error: unknown) => {
              if (error instanceof WebhookInProgressError)
                throw new HttpProblem(409, 'in_progress', error.message, { headers: { 'retry-after': '5' } });
              throw error;
            });
            if (outcome.status === 'duplicate') request.log.info({ source, messageId: message.id }, 'repeated webhook ignored');
            if (outcome.status === 'rejected')
              request.log.warn({ source, messageId: message.id, type: message.type, reason: outcome.reason }, 'webhook rejected');
            // Like every command response, a position: the store head, which its events (if any) are at or before.
            return reply.code(202).send({ id: message.id, ...outcome, position: await positionOf(deps.store) });
          },
        );
      });
    }
  };
}
