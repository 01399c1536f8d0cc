// Stock commands: receipts (ops, the ERP), adjustments, transfers and write-offs of expired lots (ops).
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { productDecider, productStream } from '../domain/catalog/product.ts';
import {
  stockAdjustmentSchema,
  stockDecider,
  stockLevel,
  stockReceiptSchema,
  stockStream,
  stockTransferSchema,
  stockWriteOffSchema,
  type StockState,
} from '../domain/inventory/stock.ts';
import { warehouseDecider, warehouseStream } from '../domain/inventory/warehouse.ts';
import { businessDayOf } from '../domain/shared/calendar.ts';
import { receiveStock, transferStock } from '../processes/stock-movements.ts';
import { stockWithExpiredLots } from '../projections/inventory/queries.ts';
import { principalOf } from './auth.ts';
import { accepted, commandContext, positionOf, send } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { HttpProblem, refusalProblem } from './problem.ts';

const positionField = z.string().describe('Global position of the last event of this command.');

const levelSchema = z.object({ onHand: z.number().int(), reserved: z.number().int(), available: z.number().int() });

const lotQuantitySchema = z.object({ lot: z.string(), qty: z.number().int(), expiryDate: z.string() });

const receiptWrittenSchema = z
  .object({
    receiptId: z.string(),
    sku: z.string(),
    warehouseId: z.string(),
    lot: z.string(),
    productionDate: z.string(),
    expiryDate: z.string(),
    qty: z.number().int(),
    stock: levelSchema,
    position: positionField,
  })
  .meta({ id: 'StockReceiptWritten' });

const adjustmentWrittenSchema = z
  .object({
    adjustmentId: z.string(),
    sku: z.string(),
    warehouseId: z.string(),
    lot: z.string(),
    delta: z.number().int(),
    reason: z.string(),
    stock: levelSchema,
    position: positionField,
  })
  .meta({ id: 'StockAdjustmentWritten' });

const transferWrittenSchema = z
  .object({
    transferId: z.string(),
    sku: z.string(),
    fromWarehouseId: z.string(),
    toWarehouseId: z.string(),
    lot: z.string(),
    productionDate: z.string(),
    expiryDate: z.string(),
    qty: z.number().int(),
    position: positionField,
  })
  .meta({ id: 'StockTransferWritten' });

const writeOffWrittenSchema = z
  .object({
    writeOffId: z.string(),
    items: z.array(z.object({ sku: z.string(), warehouseId: z.string(), qty: z.number().int(), lots: z.array(lotQuantitySchema) })),
    position: positionField,
  })
  .meta({ id: 'StockWriteOffWritten' });

const commandHeaders = z.object({ 'idempotency-key': idempotencyKeyHeader });

/**
 * The id of an operation: the one given, else one derived from the Idempotency-Key (so a retry
 * after a failure is the same operation in the stream too), else a fresh one.
 */
function operationId(request: FastifyRequest, kind: string, given: string | undefined): string {
  if (given !== undefined) return given;
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return `${kind}-${randomUUID()}`;
  const principal = principalOf(request);
  return `${kind}-${createHash('sha256')
    .update(`${principal.sub}\n${request.routeOptions.url ?? ''}\n${key}`)
    .digest('base64url')
    .slice(0, 32)}`;
}

const levelOf = (state: StockState, today: string) => {
  const { onHand, reserved, available } = stockLevel(state, today);
  return { onHand, reserved, available };
};

export function stockRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { commands, store, db } = deps;

  async function requireProduct(sku: string): Promise<void> {
    const { state } = await commands.load(productDecider, productStream(sku));
    if (!state.exists) throw new HttpProblem(422, 'unknown_sku', `Product ${sku} is not in the catalog`);
  }

  async function requireWarehouse(warehouseId: string): Promise<void> {
    const { state } = await commands.load(warehouseDecider, warehouseStream(warehouseId));
    if (!state.exists) throw new HttpProblem(422, 'unknown_warehouse', `Warehouse ${warehouseId} does not exist`);
  }

  return async (app) => {
    app.post(
      '/v1/stock/receipts',
      {
        config: { access: ['ops', 'integration'] },
        schema: {
          tags: ['inventory'],
          summary: 'Receive a lot into a warehouse',
          description:
            'The SKU must be in the catalog and the warehouse registered (else 422). A `receiptId` is received once (the same receipt again ' +
            'changes nothing; the id with other goods is 409 `receipt_conflict`); a lot code keeps its dates (else 422 `lot_mismatch`).',
          headers: commandHeaders,
          body: stockReceiptSchema,
          response: { 201: receiptWrittenSchema, ...problemResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const { sku, warehouseId, lot, productionDate, expiryDate, qty } = request.body;
            await requireProduct(sku);
            await requireWarehouse(warehouseId);
            const context = commandContext(request);
            const receiptId = operationId(request, 'receipt', request.body.receiptId);
            const received = await receiveStock(commands, { sku, warehouseId, receiptId, lot, productionDate, expiryDate, qty }, context);
            if (!received.ok) throw refusalProblem(received.refusal);
            const body = {
              receiptId,
              sku,
              warehouseId,
              lot,
              productionDate,
              expiryDate,
              qty,
              stock: levelOf(received.state, businessDayOf(context.now)),
            };
            return { status: 201, body: { ...body, position: await positionOf(store, received.position) } };
          }),
        ),
    );

    app.post(
      '/v1/stock/adjustments',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['inventory'],
          summary: 'Adjust a lot (count, damage, found stock) with a reason',
          description:
            'Refused with 422 if the lot would go negative (`insufficient_stock`) or if it would take stock that is reserved (`stock_reserved`); 404 for a lot never received here.',
          headers: commandHeaders,
          body: stockAdjustmentSchema,
          response: { 201: adjustmentWrittenSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const { sku, warehouseId, lot, delta, reason } = request.body;
            const context = commandContext(request);
            const today = businessDayOf(context.now);
            const adjustmentId = operationId(request, 'adjustment', request.body.adjustmentId);
            const handled = accepted(
              await commands.handle(
                stockDecider,
                stockStream(sku, warehouseId),
                { type: 'AdjustStock', data: { sku, warehouseId, adjustmentId, lot, delta, reason, today } },
                context,
              ),
            );
            const body = { adjustmentId, sku, warehouseId, lot, delta, reason, stock: levelOf(handled.state, today) };
            return { status: 201, body: { ...body, position: await positionOf(store, handled.position) } };
          }),
        ),
    );

    app.post(
      '/v1/stock/transfers',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['inventory'],
          summary: 'Transfer (part of) a lot to another warehouse',
          description:
            'Moves the lot out of the source (only unexpired, unreserved stock), then into the destination. Retrying with the same ' +
            '`transferId` or Idempotency-Key moves it once and completes a transfer that was interrupted half-way.',
          headers: commandHeaders,
          body: stockTransferSchema,
          response: { 201: transferWrittenSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const { sku, fromWarehouseId, toWarehouseId, lot, qty } = request.body;
            await requireWarehouse(toWarehouseId);
            const transferId = operationId(request, 'transfer', request.body.transferId);
            const moved = await transferStock(
              commands,
              { transferId, sku, fromWarehouseId, toWarehouseId, lot, qty },
              commandContext(request),
            );
            if (!moved.ok) throw refusalProblem(moved.refusal);
            const { productionDate, expiryDate } = moved;
            const body = {
              transferId,
              sku,
              fromWarehouseId,
              toWarehouseId,
              lot,
              productionDate,
              expiryDate,
              qty,
              position: await positionOf(store, moved.position),
            };
            return { status: 201, body };
          }),
        ),
    );

    app.post(
      '/v1/stock/write-offs',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['inventory'],
          summary: 'Write off expired lots',
          description:
            'Writes off every lot that has reached its expiry date, of one SKU and/or warehouse or everywhere. Lists what was written off.',
          headers: commandHeaders,
          body: stockWriteOffSchema,
          response: { 201: writeOffWrittenSchema, ...problemResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const { sku, warehouseId } = request.body;
            const context = commandContext(request);
            const today = businessDayOf(context.now);
            const writeOffId = operationId(request, 'write-off', request.body.writeOffId);
            const targets =
              sku !== undefined && warehouseId !== undefined
                ? [{ sku, warehouseId }]
                : await stockWithExpiredLots(db, { sku, warehouseId });
            const items = [];
            const positions = [];
            for (const target of targets) {
              const handled = accepted(
                await commands.handle(
                  stockDecider,
                  stockStream(target.sku, target.warehouseId),
                  { type: 'WriteOffExpired', data: { ...target, writeOffId, today } },
                  context,
                ),
              );
              for (const event of handled.events) {
                if (event.type === 'StockWrittenOff') items.push({ ...target, qty: event.data.qty, lots: event.data.lots });
              }
              positions.push(handled.position);
            }
            return { status: 201, body: { writeOffId, items, position: await positionOf(store, ...positions) } };
          }),
        ),
    );
  };
}
