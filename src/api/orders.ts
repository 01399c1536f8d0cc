// Order routes: quotes, placement (manual, CSV, reorder), the dealer's orders, ops' review queue,
// approve / reject / cancel, the order in full (now or as of an instant) and its full history.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { creditLedgerDecider, creditStream, availableOf } from '../domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream } from '../domain/dealers/dealer.ts';
import { orderDecider, orderStream, placeOrderSchema, type Channel } from '../domain/ordering/order.ts';
import { dealerIdSchema, isoDateTimeSchema, regionCodeSchema } from '../domain/shared/values.ts';
import { findOrder, listOrders, type OrderRow } from '../projections/orders/queries.ts';
import { availableBySku } from '../projections/inventory/queries.ts';
import { approveHeldOrder, cancelOrder, rejectHeldOrder, type ActionResult } from '../processes/order-actions.ts';
import { DealerNotFoundError, newOrderId, placeOrder, type PlacementRequest } from '../processes/order-placement.ts';
import { mergeLines, priceCart } from '../processes/pricing.ts';
import { actingDealerId, assertOwnDealer, principalOf, type Role } from './auth.ts';
import { commandContext, positionOf, send } from './commands.ts';
import { boundary, periodBound } from './credit.ts';
import type { ApiDeps } from './deps.ts';
import { historyPageSchema, historyQuery, historySeenByDealer, streamHistory } from './history.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { detailAsOf, detailFromReadModel, orderDetailSchema } from './order-detail.ts';
import { orderFromRow, orderFromState, orderSchema, orderStatusSchema, orderWrittenSchema, pricedCartFields } from './order-views.ts';
import { parseOrderCsv } from './order-csv.ts';
import { cursorPart, decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';
import { HttpProblem, notFound, refusalProblem } from './problem.ts';

const STAFF: Role[] = ['ops', 'finance', 'analyst', 'integration'];

const orderParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an order id') });

const quoteSchema = z
  .object({
    lines: placeOrderSchema.shape.lines,
    regionCode: regionCodeSchema.optional().describe("Delivery region; defaults to the dealer's first territory."),
    dealerId: dealerIdSchema.optional().describe('Staff quoting for a dealer name it here.'),
  })
  .meta({ id: 'QuoteRequest' });

const warningSchema = z.object({ code: z.enum(['insufficient_stock', 'credit_limit_exceeded', 'territory_not_authorized', 'unknown_sku', 'dealer_suspended']), detail: z.string() });

const quoteResponseSchema = z
  .object({
    dealerId: z.string(),
    regionCode: z.string(),
    ...pricedCartFields,
    promotions: z.array(z.object({ id: z.string(), title: z.string(), discountMinor: z.number().int(), explanation: z.string() })),
    warnings: z.array(warningSchema).describe('What would hold or reject this cart if it were ordered now.'),
  })
  .meta({ id: 'Quote' });

const listQuery = z.object({
  status: z
    .string()
    .max(200)
    .optional()
    .describe(`One status or several, comma-separated: ${orderStatusSchema.options.join(', ')}.`)
    .transform((value) => value?.split(',').map((item) => item.trim()))
    .pipe(z.array(orderStatusSchema).optional()),
  from: periodBound.optional().describe('Placed at or after (a date means its start, UTC).'),
  to: periodBound.optional().describe('Placed before this instant, or on or before this date (a date means the whole day, UTC).'),
  dealerId: dealerIdSchema.optional().describe('Staff: one dealer\'s orders.'),
  ...pageQuery,
});

/** Where a page of orders (newest or oldest first) ends. */
const placedCursor = z.object({ placedAt: cursorPart.instant, id: z.string() });

/** API.md names no body for a rejection: the reason is asked for, not required. */
const NO_REASON = 'No reason given';
const rejectBody = z.object({ reason: z.string().trim().min(1).max(500).optional().describe(`Why; default "${NO_REASON}".`) }).nullish();

function isStaff(request: FastifyRequest): boolean {
  return principalOf(request).role !== 'dealer';
}

/** The dealer an order is for: a dealer's own, or the one staff name (required for staff). */
function orderingDealer(request: FastifyRequest, requested: string | undefined): string {
  const dealerId = actingDealerId(request, requested);
  if (!dealerId) {
    throw new HttpProblem(400, 'validation_failed', 'Staff must name the dealer', { errors: [{ path: 'body.dealerId', message: 'is required when ordering on behalf of a dealer' }] });
  }
  return dealerId;
}

export function orderRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, commands, store } = deps;

  async function readOrder(request: FastifyRequest, id: string): Promise<OrderRow> {
    const row = await findOrder(db, id);
    if (!row) throw notFound(`Order ${id}`);
    assertOwnDealer(request, row.dealer_id, `Order ${id}`);
    return row;
  }

  async function place(request: FastifyRequest, order: Omit<PlacementRequest, 'orderId'>) {
    // The order id derives from the dealer and the key: the key is the dealer's, whoever sends it.
    return withIdempotency(db, request, async () => {
      const key = request.headers['idempotency-key'];
      const orderId = newOrderId(order.dealerId, typeof key === 'string' ? key : undefined);
      try {
        const placed = await placeOrder({ db, commands }, { ...order, orderId }, commandContext(request));
        const view = orderFromState(placed.state, placed.revision, isStaff(request));
        return { status: 201, body: { ...view, position: await positionOf(store, placed.position) } };
      } catch (error) {
        if (error instanceof DealerNotFoundError) throw new HttpProblem(422, 'dealer_not_found', error.message);
        throw error;
      }
    }, `dealer:${order.dealerId}`);
  }

  async function respondWithState(result: ActionResult, staff: boolean) {
    if (!result.ok) throw refusalProblem(result.refusal);
    return { ...orderFromState(result.state, result.revision, staff), position: await positionOf(store, result.position) };
  }

  return async (app) => {
    app.post(
      '/v1/quotes',
      {
        config: { access: ['dealer', 'ops'] },
        schema: {
          tags: ['orders'],
          summary: 'Price a cart: prices, promotions with explanations, gifts, totals and warnings. Writes nothing.',
          body: quoteSchema,
          response: { 200: quoteResponseSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const dealerId = orderingDealer(request, request.body.dealerId);
        const { state } = await commands.load(dealerDecider, dealerStream(dealerId));
        if (!state.exists) throw new HttpProblem(422, 'dealer_not_found', `Dealer ${dealerId} does not exist`);
        const dealer = state.dealer;
        const regionCode = request.body.regionCode ?? dealer.territories[0] ?? 'UNKNOWN';
        const cart = await priceCart(db, { buyer: { dealerId, tier: dealer.tier, regionCode }, lines: request.body.lines, now: new Date() });
        const warnings: z.infer<typeof warningSchema>[] = [];
        if (dealer.status === 'suspended') warnings.push({ code: 'dealer_suspended', detail: 'The dealer is suspended' });
        if (cart.unknownSkus.length > 0) warnings.push({ code: 'unknown_sku', detail: `Unknown or discontinued SKU(s): ${cart.unknownSkus.join(', ')}` });
        if (!dealer.territories.includes(regionCode)) {
          warnings.push({ code: 'territory_not_authorized', detail: `Region ${regionCode} is not among the dealer's territories` });
        }
        const needed = new Map<string, number>();
        for (const item of [...cart.lines, ...cart.gifts]) needed.set(item.sku, (needed.get(item.sku) ?? 0) + item.qty);
        const available = await availableBySku(db, [...needed.keys()]);
        for (const [sku, qty] of needed) {
          const have = available.get(sku) ?? 0;
          if (have < qty) warnings.push({ code: 'insufficient_stock', detail: `${sku}: ${qty} needed, ${have} available` });
        }
        if (!dealer.prepay) {
          const credit = await commands.load(creditLedgerDecider, creditStream(dealerId));
          const availableCredit = availableOf(credit.state);
          if (availableCredit < cart.totals.totalMinor) {
            warnings.push({ code: 'credit_limit_exceeded', detail: `Total ${cart.totals.totalMinor} exceeds available credit ${availableCredit}` });
          }
        }
        return {
          dealerId,
          regionCode,
          lines: cart.lines,
          gifts: cart.gifts,
          totals: cart.totals,
          promotions: cart.applied.map(({ id, title, discountMinor, explanation }) => ({ id, title, discountMinor, explanation })),
          warnings,
        };
      },
    );

    app.post(
      '/v1/orders',
      {
        config: { access: ['dealer', 'ops'] },
        schema: {
          tags: ['orders'],
          summary: 'Place an order; it is priced and reviewed at once, and the decision comes back with it',
          description: 'Ops place orders on behalf of a dealer by naming `dealerId`. With an Idempotency-Key a retry returns the same order.',
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: placeOrderSchema,
          response: { 201: orderWrittenSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request, reply) => {
        const { lines, regionCode, deliveryAddress, note } = request.body;
        const dealerId = orderingDealer(request, request.body.dealerId);
        const channel: Channel = isStaff(request) ? 'on_behalf' : 'manual';
        return send(reply, await place(request, { dealerId, channel, lines, regionCode, deliveryAddress: deliveryAddress ?? null, note: note ?? null, reorderOf: null }));
      },
    );

    app.post(
      '/v1/orders/import',
      {
        config: { access: ['dealer'] },
        schema: {
          tags: ['orders'],
          summary: 'Place an order from a CSV file with the header `sku,qty`',
          description: 'Send `Content-Type: text/csv`. Bad rows are answered with 400 naming their line numbers (the header is line 1).',
          consumes: ['text/csv'],
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          querystring: z.object({ regionCode: regionCodeSchema.optional().describe("Delivery region; defaults to the dealer's first territory.") }),
          body: z.string().max(1_000_000).describe('CSV text: a `sku,qty` header, then one line per SKU.'),
          response: { 201: orderWrittenSchema, ...problemResponses(400, 401, 403, 415, 422) },
        },
        // Before the body is validated: JSON sent here is the wrong media type, not a bad CSV.
        preValidation: async (request) => {
          if (!String(request.headers['content-type'] ?? '').startsWith('text/csv')) {
            throw new HttpProblem(415, 'unsupported_media_type', 'Send the order as text/csv');
          }
        },
      },
      async (request, reply) => {
        const lines = parseOrderCsv(request.body);
        const dealerId = orderingDealer(request, undefined);
        const { state } = await commands.load(dealerDecider, dealerStream(dealerId));
        const regionCode = request.query.regionCode ?? (state.exists ? state.dealer.territories[0] : undefined) ?? 'UNKNOWN';
        return send(reply, await place(request, { dealerId, channel: 'csv', lines, regionCode, deliveryAddress: null, note: null, reorderOf: null }));
      },
    );

    app.post(
      '/v1/orders/:id/reorder',
      {
        config: { access: ['dealer'] },
        schema: {
          tags: ['orders'],
          summary: 'Order the same lines again (gifts are priced afresh, as are all prices)',
          params: orderParams,
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: z.object({ regionCode: regionCodeSchema.optional(), deliveryAddress: z.string().trim().min(1).max(500).optional() }).nullish(),
          response: { 201: orderWrittenSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request, reply) => {
        // The order's own stream, not the read model: a reorder right after placing must find it.
        const { state } = await commands.load(orderDecider, orderStream(request.params.id));
        if (!state.exists) throw notFound(`Order ${request.params.id}`);
        const original = state.order;
        assertOwnDealer(request, original.dealerId, `Order ${original.orderId}`);
        return send(
          reply,
          await place(request, {
            dealerId: original.dealerId,
            channel: 'reorder',
            lines: mergeLines(original.lines.map(({ sku, qty }) => ({ sku, qty }))),
            regionCode: request.body?.regionCode ?? original.regionCode,
            deliveryAddress: request.body?.deliveryAddress ?? original.deliveryAddress,
            note: null,
            reorderOf: original.orderId,
          }),
        );
      },
    );

    app.get(
      '/v1/orders',
      {
        config: { access: ['dealer', ...STAFF] },
        schema: {
          tags: ['orders'],
          summary: 'Orders, newest first: a dealer sees its own; staff see all (or one dealer\'s)',
          querystring: listQuery,
          response: { 200: pageOf(orderSchema), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { status, from, to, limit, cursor } = request.query;
        const after = decodeCursor(cursor, placedCursor);
        const dealerId = actingDealerId(request, request.query.dealerId);
        const rows = await listOrders(db, {
          dealerId,
          status,
          from: boundary(from, 'from'),
          to: boundary(to, 'to'),
          limit,
          after,
        });
        const staff = isStaff(request);
        return paginate(rows, limit, (row) => orderFromRow(row, staff), (row) => ({ placedAt: row.placed_at.toISOString(), id: row.id }));
      },
    );

    app.get(
      '/v1/orders/review-queue',
      {
        config: { access: ['ops', 'finance'] },
        schema: {
          tags: ['orders'],
          summary: 'Held orders waiting for a decision, oldest first, with their reasons',
          querystring: z.object({ ...pageQuery }),
          response: { 200: pageOf(orderSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit, cursor } = request.query;
        const after = decodeCursor(cursor, placedCursor);
        const rows = await listOrders(db, { status: ['on_hold'], limit, after, oldestFirst: true });
        return paginate(rows, limit, (row) => orderFromRow(row, true), (row) => ({ placedAt: row.placed_at.toISOString(), id: row.id }));
      },
    );

    app.get(
      '/v1/orders/:id',
      {
        config: { access: ['dealer', ...STAFF] },
        schema: {
          tags: ['orders'],
          summary: 'An order with its status timeline, shipments, returns and payment; or as it was at an instant',
          description:
            'With `asOf`, the order is folded from its event stream up to that instant (by the time each event occurred): ' +
            'the state, timeline, shipments and returns as they were then; 404 if the order did not exist yet.',
          params: orderParams,
          querystring: z.object({ asOf: isoDateTimeSchema.optional().describe('An instant (ISO 8601 with offset): show the order as it was then.') }),
          response: { 200: orderDetailSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const staff = isStaff(request);
        if (request.query.asOf === undefined) return detailFromReadModel(db, await readOrder(request, request.params.id), staff);
        const detail = await detailAsOf(deps, request.params.id, new Date(request.query.asOf), staff);
        if (!detail) throw notFound(`Order ${request.params.id}`);
        assertOwnDealer(request, detail.dealerId, `Order ${request.params.id}`);
        return detail;
      },
    );

    app.get(
      '/v1/orders/:id/history',
      {
        config: { access: ['dealer', 'ops', 'finance'] },
        schema: {
          tags: ['orders'],
          summary: "Every event of the order's stream, with who did it and when",
          description: 'A dealer sees what the order itself shows it: the review\'s risk score without the rules behind it, and staff by role, not by user id.',
          params: orderParams,
          querystring: historyQuery,
          response: { 200: historyPageSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const page = await streamHistory(store, deps.upcasting, orderStream(request.params.id), request.query);
        const first = page?.items[0];
        const owner = (first?.data as { dealerId?: string } | undefined)?.dealerId ?? (await findOrder(db, request.params.id))?.dealer_id;
        if (!page || !owner) throw notFound(`Order ${request.params.id}`);
        assertOwnDealer(request, owner, `Order ${request.params.id}`);
        if (isStaff(request)) return page;
        // As the order itself shows a dealer: the risk score, not the rules behind it.
        return historySeenByDealer(page, (item) =>
          item.type === 'OrderReviewed' ? { ...item.data, risk: { score: (item.data.risk as { score: number }).score } } : item.data,
        );
      },
    );

    app.post(
      '/v1/orders/:id/approve',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['orders'],
          summary: 'Approve a held order (reserving stock and credit again if the hold released them)',
          params: orderParams,
          body: z.object({ note: z.string().trim().max(500).optional() }).nullish(),
          response: { 200: orderWrittenSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => respondWithState(await approveHeldOrder({ db, commands }, request.params.id, request.body?.note ?? null, commandContext(request)), true),
    );

    app.post(
      '/v1/orders/:id/reject',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['orders'],
          summary: 'Reject a held order, releasing whatever it holds',
          params: orderParams,
          body: rejectBody,
          response: { 200: orderWrittenSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => respondWithState(await rejectHeldOrder({ db, commands }, request.params.id, request.body?.reason ?? NO_REASON, commandContext(request)), true),
    );

    app.post(
      '/v1/orders/:id/cancel',
      {
        config: { access: ['dealer', 'ops'] },
        schema: {
          tags: ['orders'],
          summary: 'Cancel an order before its first shipment; stock and credit are released',
          params: orderParams,
          body: z.object({ reason: z.string().trim().max(500).optional() }).nullish(),
          response: { 200: orderWrittenSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const { state } = await commands.load(orderDecider, orderStream(request.params.id));
        if (!state.exists) throw notFound(`Order ${request.params.id}`);
        assertOwnDealer(request, state.order.dealerId, `Order ${request.params.id}`);
        return respondWithState(await cancelOrder({ db, commands }, request.params.id, request.body?.reason ?? null, commandContext(request)), isStaff(request));
      },
    );
  };
}
