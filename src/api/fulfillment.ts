// Fulfilment routes: ship (partially), confirm delivery, complete a delivered order, and record the
// payment that releases a prepay order to the warehouse.
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deliveryRequestSchema, orderPaymentSchema, shipmentRequestSchema } from '../domain/ordering/fulfillment.ts';
import { orderDecider, orderStream, type OrderCommand, type PlacedOrder } from '../domain/ordering/order.ts';
import { newShipmentId, dispatchShipment } from '../processes/shipments.ts';
import { accepted, commandContext, positionOf, send } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { shipmentFromState, shipmentSchema } from './order-detail.ts';
import { orderFromState, orderStatusSchema, orderWrittenSchema } from './order-views.ts';
import { notFound, refusalProblem } from './problem.ts';

export const orderParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an order id') });

const positionField = z.string().describe('Global position of the last event of this command.');

const shipmentWrittenSchema = shipmentSchema
  .extend({ orderStatus: orderStatusSchema, position: positionField })
  .meta({ id: 'ShipmentWritten' });

const orderPaymentWrittenSchema = z
  .object({
    paymentId: z.string(),
    orderId: z.string(),
    dealerId: z.string(),
    amountMinor: z.number().int(),
    reference: z.string(),
    paidMinor: z.number().int().describe('Paid towards the order so far.'),
    dueMinor: z.number().int().describe('Left to pay before the order is released.'),
    released: z.boolean(),
    orderStatus: orderStatusSchema,
    position: positionField,
  })
  .meta({ id: 'OrderPayment' });

/** Where keys of documentId are unique: a key is one request per order, whoever sends it. */
export const documentScope = (orderId: string) => `order:${orderId}`;

/** An id for a new document of an order: the same for the same Idempotency-Key, so a retry resumes it. */
export function documentId(request: FastifyRequest, orderId: string, prefix: string, fresh: () => string): string {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return fresh();
  return `${prefix}-${createHash('sha256').update(`${orderId}\n${key}`).digest('hex').slice(0, 16).toUpperCase()}`;
}

const statusOf = (state: PlacedOrder) => (state.status === 'placed' ? 'approved' : state.status);

export function fulfillmentRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, commands, store } = deps;

  /** Runs one command on an existing order's stream; refusals become problems. */
  async function onOrder(orderId: string, command: OrderCommand, request: FastifyRequest) {
    const handled = await commands.handle(orderDecider, orderStream(orderId), command, commandContext(request));
    if (!handled.ok && handled.refusal.code === 'order_not_found') throw notFound(`Order ${orderId}`);
    const done = accepted(handled);
    return { ...done, state: done.state as PlacedOrder };
  }

  return async (app) => {
    app.post(
      '/v1/orders/:id/shipments',
      {
        config: { access: ['ops', 'integration'] },
        schema: {
          tags: ['fulfilment'],
          summary: "Ship (part of) an order: lots picked first-expiry-first-out, its value charged to the dealer's credit",
          description:
            'Each line ships from the warehouses the order reserved it in. The same `shipmentId` again completes a shipment ' +
            'a failure left half done (201), or answers the finished one (200); with other lines it is a 409. A prepay order ' +
            'ships only once paid (422 `payment_required`).',
          params: orderParams,
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: shipmentRequestSchema,
          response: { 200: shipmentWrittenSchema, 201: shipmentWrittenSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
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
              const { lines, carrier, trackingNumber } = request.body;
              const shipmentId = request.body.shipmentId ?? documentId(request, orderId, 'S', newShipmentId);
              const outcome = await dispatchShipment(
                { commands, store },
                { orderId, shipmentId, lines, carrier: carrier ?? null, trackingNumber: trackingNumber ?? null },
                commandContext(request),
              );
              if (!outcome.ok) throw refusalProblem(outcome.refusal);
              const body = {
                ...shipmentFromState(orderId, outcome.shipment),
                orderStatus: statusOf(outcome.state),
                position: await positionOf(store, outcome.position),
              };
              return { status: outcome.created ? 201 : 200, body };
            },
            { scope: documentScope(request.params.id) },
          ),
        ),
    );

    app.post(
      '/v1/orders/:id/deliveries',
      {
        config: { access: ['ops', 'integration'] },
        schema: {
          tags: ['fulfilment'],
          summary: 'Confirm that a shipment was delivered',
          description:
            'Once everything ordered has shipped and every shipment is delivered, the order is `delivered`. A repeated confirmation changes nothing.',
          params: orderParams,
          body: deliveryRequestSchema,
          response: { 200: shipmentWrittenSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => {
        const orderId = request.params.id;
        const now = new Date();
        const { shipmentId, deliveredAt, receivedBy } = request.body;
        const done = await onOrder(
          orderId,
          {
            type: 'ConfirmDelivery',
            data: { shipmentId, deliveredAt: deliveredAt ?? now.toISOString(), receivedBy: receivedBy ?? null, now: now.toISOString() },
          },
          request,
        );
        const shipment = done.state.shipments.find((candidate) => candidate.shipmentId === shipmentId)!;
        return {
          ...shipmentFromState(orderId, shipment),
          orderStatus: statusOf(done.state),
          position: await positionOf(store, done.position),
        };
      },
    );

    app.post(
      '/v1/orders/:id/complete',
      {
        config: { access: ['ops', 'finance'] },
        schema: {
          tags: ['fulfilment'],
          summary: 'Complete a delivered order: it is closed, and takes no more returns',
          description: 'Only a `delivered` order with no return still open (requested, approved or received) can be completed.',
          params: orderParams,
          body: z.object({}).strict().nullish(),
          response: { 200: orderWrittenSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const done = await onOrder(request.params.id, { type: 'CompleteOrder', data: { now: new Date().toISOString() } }, request);
        return { ...orderFromState(done.state, done.revision, true), position: await positionOf(store, done.position) };
      },
    );

    app.post(
      '/v1/orders/:id/payments',
      {
        config: { access: ['finance', 'integration'] },
        schema: {
          tags: ['fulfilment'],
          summary: "Record a payment for a prepay dealer's order; paid in full, the order is released to the warehouse",
          description:
            'Only for orders of prepay dealers (credit dealers pay against their ledger: `POST /v1/dealers/{id}/payments`). ' +
            'The reference identifies the payment within the order: the same reference and amount again records nothing (200); ' +
            'with another amount it is a 409. More than is left to pay is refused (422).',
          params: orderParams,
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: orderPaymentSchema,
          response: { 200: orderPaymentWrittenSchema, 201: orderPaymentWrittenSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const orderId = request.params.id;
            const { amountMinor, reference } = request.body;
            const done = await onOrder(
              orderId,
              { type: 'RecordOrderPayment', data: { paymentId: reference, amountMinor, reference, now: new Date().toISOString() } },
              request,
            );
            const { state } = done;
            const body = {
              paymentId: reference,
              orderId,
              dealerId: state.order.dealerId,
              amountMinor,
              reference,
              paidMinor: state.paidMinor,
              dueMinor: state.order.totals.totalMinor - state.paidMinor,
              released: state.released,
              orderStatus: statusOf(state),
              position: await positionOf(store, done.position),
            };
            return { status: done.events.length > 0 ? 201 : 200, body };
          }),
        ),
    );
  };
}
