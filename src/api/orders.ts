// Order routes: quotes, placement (manual, from an order file, reorder), the dealer's orders, ops' review queue,
// approve / reject / cancel, the order in full (now or as of an instant) and its full history.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mergeLines, type CartLine } from '../domain/ordering/cart.ts';
import { dealerDecider, dealerStream } from '../domain/dealers/dealer.ts';
import { orderDecider, orderStream, placeOrderSchema, type Channel, type OrderPlacer } from '../domain/ordering/order.ts';
import { dealerIdSchema, isoDateTimeSchema, regionCodeSchema } from '../domain/shared/values.ts';
import { findOrder, listOrders, type OrderRow } from '../projections/orders/queries.ts';
import { approveForDealer, rejectForDealer } from '../processes/dealer-approval.ts';
import { approveHeldOrder, cancelOrder, rejectHeldOrder, type ActionResult } from '../processes/order-actions.ts';
import { DealerNotFoundError, newOrderId, quoteOrder, type PlacementRequest } from '../processes/order-placement.ts';
import { actingDealerId, assertOwnDealer, principalOf, type Role } from './auth.ts';
import { commandContext, positionOf, send } from './commands.ts';
import { businessTimeZoneField, withBusinessTimeZone } from './business-time-zone.ts';
import { boundary, periodBound } from './credit.ts';
import type { ApiDeps } from './deps.ts';
import { historyPageSchema, historyQuery, historySeenByDealer, streamHistory } from './history.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { detailAsOf, detailFromReadModel, orderDetailSchema } from './order-detail.ts';
import { orderFromRow, orderFromState, orderSchema, orderStatusSchema, orderWrittenSchema, pricedCartFields } from './order-views.ts';
import { ORDER_FILE_TYPES, readOrderFile } from './order-file.ts';
import { importLineSchema, matchImportLines, MAX_LINES, orderLinesOf, readImportLines } from './order-import.ts';
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

const warningSchema = z.object({
  code: z.enum([
    'insufficient_stock',
    'credit_limit_exceeded',
    'territory_not_authorized',
    'unknown_sku',
    'dealer_suspended',
    'buyer_limit_exceeded',
  ]),
  detail: z.string(),
});

const quoteResponseSchema = z
  .object({
    dealerId: z.string(),
    regionCode: z.string(),
    ...pricedCartFields,
    promotions: z.array(z.object({ id: z.string(), title: z.string(), discountMinor: z.number().int(), explanation: z.string() })),
    warnings: z.array(warningSchema).describe('What would hold or reject this cart if it were ordered now.'),
  })
  .meta({ id: 'Quote' });

const importPreviewSchema = z
  .object({
    lines: z.array(importLineSchema),
    quote: quoteResponseSchema
      .nullable()
      .describe('The quote of the lines with a SKU (as POST /v1/quotes answers it); null when none has.'),
  })
  .meta({ id: 'OrderImportPreview' });

const orderFileSchema = z
  .custom<Buffer>((value) => Buffer.isBuffer(value))
  .meta({ type: 'string', format: 'binary', description: 'The order file: CSV text or an .xlsx workbook.' });

const listQuery = z.object({
  status: z
    .string()
    .max(200)
    .optional()
    .describe(`One status or several, comma-separated: ${orderStatusSchema.options.join(', ')}.`)
    .transform((value) => value?.split(',').map((item) => item.trim()))
    .pipe(z.array(orderStatusSchema).optional()),
  from: periodBound
    .optional()
    .describe('Placed at or after (a date means the start of that business day, in the `timeZone` the page names).'),
  to: periodBound.optional().describe('Placed before this instant, or on or before this date (a date means the whole business day).'),
  dealerId: dealerIdSchema.optional().describe("Staff: one dealer's orders."),
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

/** The dealer's user placing an order: a buyer's orders are checked against its limits. Staff: none. */
function placerOf(request: FastifyRequest): OrderPlacer | null {
  const principal = principalOf(request);
  if (principal.role !== 'dealer') return null;
  return { userId: principal.sub, dealerRole: principal.dealerRole === 'buyer' ? 'buyer' : 'owner' };
}

/** The dealer an order is for: a dealer's own, or the one staff name (required for staff). */
function orderingDealer(request: FastifyRequest, requested: string | undefined): string {
  const dealerId = actingDealerId(request, requested);
  if (!dealerId) {
    throw new HttpProblem(400, 'validation_failed', 'Staff must name the dealer', {
      errors: [{ path: 'body.dealerId', message: 'is required when ordering on behalf of a dealer' }],
    });
  }
  return dealerId;
}

export function orderRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, commands, store, placements } = deps;

  async function readOrder(request: FastifyRequest, id: string): Promise<OrderRow> {
    const row = await findOrder(db, id);
    if (!row) throw notFound(`Order ${id}`);
    assertOwnDealer(request, row.dealer_id, `Order ${id}`);
    return row;
  }

  async function place(request: FastifyRequest, order: Omit<PlacementRequest, 'orderId' | 'placedBy'>) {
    // The order id derives from the dealer and the key: the key is the dealer's, whoever sends it.
    return withIdempotency(
      db,
      request,
      async () => {
        const key = request.headers['idempotency-key'];
        const orderId = newOrderId(order.dealerId, typeof key === 'string' ? key : undefined);
        try {
          const placed = await placements.place({ ...order, orderId, placedBy: placerOf(request) }, commandContext(request));
          const view = orderFromState(placed.state, placed.revision, isStaff(request));
          return { status: 201, body: { ...view, position: await positionOf(store, placed.position) } };
        } catch (error) {
          if (error instanceof DealerNotFoundError) throw new HttpProblem(422, 'dealer_not_found', error.message);
          throw error;
        }
      },
      { scope: `dealer:${order.dealerId}` },
    );
  }

  /** The caller is the owner of the order's dealer (admin too); a buyer may not answer for its dealer. */
  async function ownersOrder(request: FastifyRequest, orderId: string): Promise<void> {
    const { state } = await commands.load(orderDecider, orderStream(orderId));
    if (!state.exists) throw notFound(`Order ${orderId}`);
    assertOwnDealer(request, state.order.dealerId, `Order ${orderId}`);
    const principal = principalOf(request);
    if (principal.role === 'dealer' && principal.dealerRole === 'buyer') {
      throw new HttpProblem(403, 'forbidden', "Only the dealer's owner approves or rejects a buyer's order");
    }
  }

  /** A priced cart and what would hold or reject it now: POST /v1/quotes, and an order file's preview. Writes nothing. */
  async function quote(
    request: FastifyRequest,
    dealerId: string,
    lines: CartLine[],
    requestedRegion: string | undefined,
  ): Promise<z.infer<typeof quoteResponseSchema>> {
    const { state } = await commands.load(dealerDecider, dealerStream(dealerId));
    if (!state.exists) throw new HttpProblem(422, 'dealer_not_found', `Dealer ${dealerId} does not exist`);
    const regionCode = requestedRegion ?? state.dealer.territories[0] ?? 'UNKNOWN';
    const { decision } = await quoteOrder(commands, { dealerId, lines, regionCode, placedBy: placerOf(request) }, new Date());
    const { cart, findings } = decision;
    const warnings: z.infer<typeof warningSchema>[] = [];
    if (findings.dealerSuspended) warnings.push({ code: 'dealer_suspended', detail: 'The dealer is suspended' });
    if (cart.unknownSkus.length > 0)
      warnings.push({ code: 'unknown_sku', detail: `Unknown or discontinued SKU(s): ${cart.unknownSkus.join(', ')}` });
    if (!findings.territory.authorized) {
      warnings.push({ code: 'territory_not_authorized', detail: `Region ${regionCode} is not among the dealer's territories` });
    }
    for (const short of findings.stockShort) {
      const eligible = short.minRemainingDays ? ` with at least ${short.minRemainingDays} days of shelf life left` : '';
      warnings.push({
        code: 'insufficient_stock',
        detail: `${short.sku}: ${short.requested} needed, ${short.available} available${eligible}`,
      });
    }
    if (findings.creditRefused) warnings.push({ code: 'credit_limit_exceeded', detail: findings.creditRefused.detail });
    if (decision.awaitingDealer) warnings.push({ code: 'buyer_limit_exceeded', detail: decision.awaitingDealer.detail });
    return {
      dealerId,
      regionCode,
      lines: cart.lines,
      gifts: cart.gifts,
      totals: cart.totals,
      promotions: cart.applied.map(({ id, title, discountMinor, explanation }) => ({ id, title, discountMinor, explanation })),
      promotionsNotApplied: cart.notApplied,
      warnings,
    };
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
      async (request) => quote(request, orderingDealer(request, request.body.dealerId), request.body.lines, request.body.regionCode),
    );

    app.post(
      '/v1/orders',
      {
        config: { access: ['dealer', 'ops'] },
        schema: {
          tags: ['orders'],
          summary: 'Place an order; it is priced and reviewed at once, and the decision comes back with it',
          description:
            'Ops place orders on behalf of a dealer by naming `dealerId`. With an Idempotency-Key a retry returns the same order.',
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: placeOrderSchema,
          response: { 201: orderWrittenSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request, reply) => {
        const { lines, regionCode, deliveryAddress, note } = request.body;
        const dealerId = orderingDealer(request, request.body.dealerId);
        const channel: Channel = isStaff(request) ? 'on_behalf' : 'manual';
        return send(
          reply,
          await place(request, {
            dealerId,
            channel,
            lines,
            regionCode,
            deliveryAddress: deliveryAddress ?? null,
            note: note ?? null,
            reorderOf: null,
          }),
        );
      },
    );

    // Its own scope: an order file is read from its bytes (its encoding, or a workbook), not as text.
    await app.register(async (scope) => {
      // JSON keeps its parser (and the body limit): refused below with 415, as the wrong media type.
      scope.removeContentTypeParser(['text/csv', 'text/plain']);
      scope.addContentTypeParser(
        [...ORDER_FILE_TYPES],
        { parseAs: 'buffer', bodyLimit: deps.config.bodyLimitBytes },
        (_request, body, done) => done(null, body),
      );
      scope.withTypeProvider<ZodTypeProvider>().post(
        '/v1/orders/import',
        {
          config: { access: ['dealer'] },
          schema: {
            tags: ['orders'],
            summary: "Place an order from the dealer's own file: CSV or .xlsx, by SKU or GTIN",
            description:
              'The body is the file: `text/csv` (UTF-8 with or without BOM, UTF-16 with BOM, GBK or GB18030; `,` `;` or tab between cells) ' +
              'or an .xlsx workbook (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`; the first sheet with a header row). ' +
              'The header row names the SKU column (`sku`, `商品编码`, `货号`, `物料编码`) or the GTIN column (`gtin`, `条码`, `条形码`) and the ' +
              'quantity column (`qty`, `数量`, `订货数量`); a name column (`name`, `商品名称`, `品名`) feeds suggestions; other columns are ignored. ' +
              'A plain `sku,qty` CSV works as it always did. Problems are answered with 400 naming each cell (`line 3.qty` in a CSV file, ' +
              `\`订单!C3\` in a workbook; at most 50 listed); at most ${MAX_LINES} lines. A SKU the catalog does not know is ordered as written ` +
              '(the review holds it as `unknown_sku`); a GTIN nothing has is a 400 with suggestions. With `preview=true`: 200 with every line, ' +
              'whether it matched, suggestions from the catalog search for those that did not, and the quote of the lines; nothing is written.',
            consumes: [...ORDER_FILE_TYPES],
            headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
            querystring: z.object({
              regionCode: regionCodeSchema.optional().describe("Delivery region; defaults to the dealer's first territory."),
              preview: z.enum(['true', 'false']).optional().describe('true: answer the lines, suggestions and quote, and place nothing.'),
            }),
            body: orderFileSchema,
            response: { 200: importPreviewSchema, 201: orderWrittenSchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
          },
          // Before the body is read: JSON sent here is the wrong media type, not a bad file.
          preValidation: async (request) => {
            const type = String(request.headers['content-type'] ?? '')
              .split(';')[0]!
              .trim()
              .toLowerCase();
            if (!(ORDER_FILE_TYPES as readonly string[]).includes(type)) {
              throw new HttpProblem(415, 'unsupported_media_type', 'Send the order as text/csv or as an .xlsx workbook');
            }
          },
        },
        async (request, reply) => {
          const sheets = await readOrderFile(request.body, String(request.headers['content-type'] ?? ''));
          const dealerId = orderingDealer(request, undefined);
          const lines = await matchImportLines({ db, pool: deps.pool }, readImportLines(sheets), dealerId);
          if (request.query.preview === 'true') {
            const skuLines = lines.flatMap((line) => (line.sku === null ? [] : [{ sku: line.sku, qty: line.qty }]));
            const priced = skuLines.length === 0 ? null : await quote(request, dealerId, mergeLines(skuLines), request.query.regionCode);
            return reply.status(200).send({ lines: lines.map(({ gtinCell: _cell, ...line }) => line), quote: priced });
          }
          const { state } = await commands.load(dealerDecider, dealerStream(dealerId));
          const regionCode = request.query.regionCode ?? (state.exists ? state.dealer.territories[0] : undefined) ?? 'UNKNOWN';
          return send(
            reply,
            await place(request, {
              dealerId,
              channel: 'csv',
              lines: orderLinesOf(lines),
              regionCode,
              deliveryAddress: null,
              note: null,
              reorderOf: null,
            }),
          );
        },
      );
    });

    app.post(
      '/v1/orders/:id/reorder',
      {
        config: { access: ['dealer'] },
        schema: {
          tags: ['orders'],
          summary: 'Order the same lines again (gifts are priced afresh, as are all prices)',
          params: orderParams,
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: z
            .object({ regionCode: regionCodeSchema.optional(), deliveryAddress: z.string().trim().min(1).max(500).optional() })
            .nullish(),
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
          summary: "Orders, newest first: a dealer sees its own; staff see all (or one dealer's)",
          querystring: listQuery,
          response: { 200: pageOf(orderSchema).extend(businessTimeZoneField), ...problemResponses(400, 401, 403, 404) },
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
        return withBusinessTimeZone(
          paginate(
            rows,
            limit,
            (row) => orderFromRow(row, staff),
            (row) => ({ placedAt: row.placed_at.toISOString(), id: row.id }),
          ),
        );
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
        return paginate(
          rows,
          limit,
          (row) => orderFromRow(row, true),
          (row) => ({ placedAt: row.placed_at.toISOString(), id: row.id }),
        );
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
          querystring: z.object({
            asOf: isoDateTimeSchema.optional().describe('An instant (ISO 8601 with offset): show the order as it was then.'),
          }),
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
          description:
            "A dealer sees what the order itself shows it: the review's risk score without the rules behind it, and staff by role, not by user id.",
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
      async (request) =>
        respondWithState(
          await approveHeldOrder({ commands }, request.params.id, request.body?.note ?? null, commandContext(request)),
          true,
        ),
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
      async (request) =>
        respondWithState(
          await rejectHeldOrder({ commands }, request.params.id, request.body?.reason ?? NO_REASON, commandContext(request)),
          true,
        ),
    );

    app.post(
      '/v1/orders/:id/dealer-approve',
      {
        config: { access: ['dealer'] },
        schema: {
          tags: ['orders'],
          summary: "The dealer's owner approves a buyer's order that exceeded the buyer's limits; the automated review runs now",
          description:
            "Only the dealer's owner (a dealer token without dealerRole acts as the owner); a buyer gets 403, another dealer's order reads as 404.",
          params: orderParams,
          body: z.object({ note: z.string().trim().max(500).optional() }).nullish(),
          response: { 200: orderWrittenSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        await ownersOrder(request, request.params.id);
        return respondWithState(
          await approveForDealer({ commands, db }, request.params.id, request.body?.note ?? null, commandContext(request)),
          false,
        );
      },
    );

    app.post(
      '/v1/orders/:id/dealer-reject',
      {
        config: { access: ['dealer'] },
        schema: {
          tags: ['orders'],
          summary: "The dealer's owner rejects a buyer's order that exceeded the buyer's limits",
          description: "Only the dealer's owner; a buyer gets 403, another dealer's order reads as 404.",
          params: orderParams,
          body: rejectBody,
          response: { 200: orderWrittenSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        await ownersOrder(request, request.params.id);
        return respondWithState(
          await rejectForDealer({ commands, db }, request.params.id, request.body?.reason ?? NO_REASON, commandContext(request)),
          false,
        );
      },
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
        return respondWithState(
          await cancelOrder({ commands }, request.params.id, request.body?.reason ?? null, commandContext(request)),
          isStaff(request),
        );
      },
    );
  };
}
