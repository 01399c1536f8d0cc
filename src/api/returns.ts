// Return routes: a dealer (or ops for it) asks to return delivered goods; ops approve or reject,
// receive the goods back (restock or quarantine); ops or finance refund them.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { orderDecider, orderStream, type OrderCommand, type PlacedOrder } from '../domain/ordering/order.ts';
import { returnReceiptSchema, returnRejectionSchema, returnRequestSchema } from '../domain/ordering/returns.ts';
import { entityIdSchema } from '../domain/shared/values.ts';
import type { CommandContext } from '../eventstore/command-handler.ts';
import { newReturnId, receiveReturn, refundReturn, type ReturnOutcome } from '../processes/returns.ts';
import { assertOwnDealer } from './auth.ts';
import { commandContext, positionOf, send } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { documentId, documentScope, orderParams } from './fulfillment.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { returnFromState, returnSchema } from './order-detail.ts';
import { notFound, refusalProblem } from './problem.ts';

const returnParams = orderParams.extend({ returnId: entityIdSchema });

const returnWrittenSchema = returnSchema
  .extend({ position: z.string().describe('Global position of the last event of this command.') })
  .meta({ id: 'ReturnWritten' });

export function returnRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, commands, store } = deps;
  const processDeps = { commands };

  /** The order, if it exists and the caller may see it (another dealer's reads as not found). */
  async function visibleOrder(request: FastifyRequest, orderId: string): Promise<PlacedOrder> {
    const { state } = await commands.load(orderDecider, orderStream(orderId));
    if (!state.exists) throw notFound(`Order ${orderId}`);
    assertOwnDealer(request, state.order.dealerId, `Order ${orderId}`);
    return state;
  }

  async function respond(outcome: ReturnOutcome) {
    if (!outcome.ok) throw refusalProblem(outcome.refusal);
    return { ...returnFromState(outcome.state.order.orderId, outcome.held), position: await positionOf(store, outcome.position) };
  }

  /** A one-event step of a return (approve, reject) on the order stream. */
  async function step(orderId: string, returnId: string, command: OrderCommand, context: CommandContext): Promise<ReturnOutcome> {
    const handled = await commands.handle(orderDecider, orderStream(orderId), command, context);
    if (!handled.ok) return { ok: false, refusal: handled.refusal };
    const state = handled.state as PlacedOrder;
    const held = state.returns.find((candidate) => candidate.returnId === returnId)!;
    return { ok: true, state, held, changed: handled.events.length > 0, position: handled.position };
  }

  return async (app) => {
    app.post(
      '/v1/orders/:id/returns',
      {
        config: { access: ['dealer', 'ops'] },
        schema: {
          tags: ['returns'],
          summary: 'Ask to return delivered goods of an order',
          description: 'At most what was delivered and is not already being returned, per SKU; not once the order is completed.',
          params: orderParams,
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: returnRequestSchema,
          response: { 201: returnWrittenSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(
            db,
            request,
            async () => {
              const orderId = request.params.id;
              await visibleOrder(request, orderId);
              const returnId = documentId(request, orderId, 'R', newReturnId);
              const context = commandContext(request);
              const outcome = await step(
                orderId,
                returnId,
                { type: 'RequestReturn', data: { returnId, lines: request.body.lines, now: context.now.toISOString() } },
                context,
              );
              return { status: 201, body: await respond(outcome) };
            },
            { scope: documentScope(request.params.id) },
          ),
        ),
    );

    app.post(
      '/v1/orders/:id/returns/:returnId/approve',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['returns'],
          summary: 'Approve a requested return',
          params: returnParams,
          body: z.object({}).strict().nullish(),
          response: { 200: returnWrittenSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const { id, returnId } = request.params;
        const context = commandContext(request);
        return respond(await step(id, returnId, { type: 'ApproveReturn', data: { returnId, now: context.now.toISOString() } }, context));
      },
    );

    app.post(
      '/v1/orders/:id/returns/:returnId/reject',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['returns'],
          summary: 'Reject a requested return, saying why',
          params: returnParams,
          body: returnRejectionSchema,
          response: { 200: returnWrittenSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const { id, returnId } = request.params;
        const context = commandContext(request);
        return respond(
          await step(
            id,
            returnId,
            { type: 'RejectReturn', data: { returnId, reason: request.body.reason, now: context.now.toISOString() } },
            context,
          ),
        );
      },
    );

    app.post(
      '/v1/orders/:id/returns/:returnId/receive',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['returns'],
          summary: 'Receive the goods of an approved return: back into their lot (restock) or into quarantine',
          description:
            'At most what the return asked for, per SKU. The lot must be one the SKU shipped from in this order (it may be left ' +
            'out when there was only one). Restocked goods are sellable again until the lot expires; quarantined goods are held ' +
            'apart, not on hand. The same lines again complete an interrupted receipt.',
          params: returnParams,
          body: returnReceiptSchema,
          response: { 200: returnWrittenSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => {
        const { id, returnId } = request.params;
        const lines = request.body.lines.map((line) => ({ ...line, lot: line.lot ?? null }));
        return respond(await receiveReturn(processDeps, { orderId: id, returnId, lines }, commandContext(request)));
      },
    );

    app.post(
      '/v1/orders/:id/returns/:returnId/refund',
      {
        config: { access: ['ops', 'finance'] },
        schema: {
          tags: ['returns'],
          summary: "Refund a received return at the order's net prices",
          description:
            "A credit note on the dealer's ledger (`CN-<returnId>`), or for a prepay order a payment refund recorded on the order " +
            '(`method: payment_refund`) for the payment provider to pay out. Refunding again changes nothing.',
          params: returnParams,
          body: z.object({}).strict().nullish(),
          response: { 200: returnWrittenSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => {
        const { id, returnId } = request.params;
        return respond(await refundReturn(processDeps, { orderId: id, returnId }, commandContext(request)));
      },
    );
  };
}
