// Stock reports for staff: stock per SKU and warehouse with lots, lots by expiry tier, SKUs below
// their low-stock threshold, and the movement history. Dealers see availability through the catalog.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EXPIRY_TIERS, expiryTierOf, expiryTierRange, type ExpiryThresholds } from '../domain/inventory/expiry.ts';
import { warehouseIdSchema } from '../domain/inventory/warehouse.ts';
import { skuSchema } from '../domain/shared/values.ts';
import { expiringLots, listMovements, listStock, lowStock, type LotRow } from '../projections/inventory/queries.ts';
import type { Role } from './auth.ts';
import { boundary, periodBound } from './credit.ts';
import { businessTimeZoneField, withBusinessTimeZone } from './business-time-zone.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponses } from './openapi.ts';
import { cursorPart, decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';

const STAFF: Role[] = ['ops', 'finance', 'analyst', 'integration'];

const expiryTierSchema = z
  .enum(EXPIRY_TIERS)
  .nullable()
  .describe('By remaining shelf life: expired, red, yellow, blue (thresholds configured), or null.');

const stockLotSchema = z
  .object({
    lot: z.string(),
    productionDate: z.string(),
    expiryDate: z.string(),
    qty: z.number().int(),
    daysLeft: z.number().int(),
    expiryTier: expiryTierSchema,
  })
  .meta({ id: 'StockLot' });

const stockItemSchema = z
  .object({
    sku: z.string(),
    warehouseId: z.string(),
    onHand: z.number().int().describe('All lots, expired ones included until written off.'),
    reserved: z.number().int(),
    available: z.number().int().describe('Unexpired lots minus reserved.'),
    lots: z.array(stockLotSchema),
  })
  .meta({ id: 'Stock' });

const expiringLotSchema = stockLotSchema.extend({ sku: z.string(), warehouseId: z.string() }).meta({ id: 'ExpiringLot' });

const lowStockSchema = z
  .object({
    sku: z.string(),
    name: z.string(),
    threshold: z.number().int(),
    onHand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
  })
  .meta({ id: 'LowStock' });

const movementSchema = z
  .object({
    id: z.string().describe('The movement id (a decimal string: ids are strings throughout the API).'),
    position: z.string(),
    kind: z.enum(['receipt', 'reservation', 'release', 'pick', 'adjustment', 'transfer_out', 'transfer_in', 'write_off', 'return']),
    sku: z.string(),
    warehouseId: z.string(),
    lot: z.string().nullable(),
    qty: z.number().int().describe('Change of on hand.'),
    reservedDelta: z.number().int().describe('Change of reserved.'),
    reference: z.string().describe('The receipt, order, shipment, adjustment, transfer, write-off or return id.'),
    orderId: z.string().nullable(),
    otherWarehouseId: z.string().nullable().describe('Transfers: the warehouse at the other end.'),
    reason: z.string().nullable(),
    actor: z.string(),
    occurredAt: z.iso.datetime(),
  })
  .meta({ id: 'StockMovement' });

const stockFilterQuery = {
  sku: skuSchema.optional(),
  warehouseId: warehouseIdSchema.optional(),
};

function withTier<Lot extends LotRow>(lot: Lot, thresholds: ExpiryThresholds) {
  return { ...lot, expiryTier: expiryTierOf(lot.daysLeft, thresholds) };
}

export function stockReportRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  const thresholds = deps.config.expiryTiers;

  return async (app) => {
    app.get(
      '/v1/stock',
      {
        config: { access: STAFF },
        schema: {
          tags: ['inventory'],
          summary: 'Stock per SKU and warehouse, with lots',
          querystring: z.object({ ...stockFilterQuery, ...pageQuery }),
          response: { 200: pageOf(stockItemSchema).extend(businessTimeZoneField), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { sku, warehouseId, limit, cursor } = request.query;
        const after = decodeCursor(cursor, z.object({ sku: z.string(), warehouseId: z.string() }));
        const rows = await listStock(db, { sku, warehouseId, limit, after });
        return withBusinessTimeZone(
          paginate(
            rows,
            limit,
            (row) => ({ ...row, lots: row.lots.map((lot) => withTier(lot, thresholds)) }),
            (row) => ({ sku: row.sku, warehouseId: row.warehouseId }),
          ),
        );
      },
    );

    app.get(
      '/v1/stock/expiring',
      {
        config: { access: STAFF },
        schema: {
          tags: ['inventory'],
          summary: 'Lots by remaining shelf life',
          description:
            `Lots holding stock, soonest expiry first. \`tier\`: expired (expiry date reached), red (≤ ${thresholds.redDays} days left), ` +
            `yellow (≤ ${thresholds.yellowDays}), blue (≤ ${thresholds.blueDays}); all of them when omitted.`,
          querystring: z.object({ tier: z.enum(EXPIRY_TIERS).optional(), ...stockFilterQuery, ...pageQuery }),
          response: { 200: pageOf(expiringLotSchema).extend(businessTimeZoneField), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { tier, sku, warehouseId, limit, cursor } = request.query;
        const after = decodeCursor(
          cursor,
          z.object({ expiryDate: cursorPart.day, sku: z.string(), warehouseId: z.string(), lot: z.string() }),
        );
        const range = tier ? expiryTierRange(tier, thresholds) : { afterDays: null, untilDays: thresholds.blueDays };
        const rows = await expiringLots(db, { ...range, sku, warehouseId, limit, after });
        return withBusinessTimeZone(
          paginate(
            rows,
            limit,
            (row) => withTier(row, thresholds),
            (row) => ({ expiryDate: row.expiryDate, sku: row.sku, warehouseId: row.warehouseId, lot: row.lot }),
          ),
        );
      },
    );

    app.get(
      '/v1/stock/low',
      {
        config: { access: STAFF },
        schema: {
          tags: ['inventory'],
          summary: 'SKUs below their low-stock threshold',
          description: 'Active products with a `lowStockThreshold` whose available quantity over all warehouses is below it.',
          querystring: z.object({ ...pageQuery }),
          response: { 200: pageOf(lowStockSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit, cursor } = request.query;
        const rows = await lowStock(db, { limit, after: decodeCursor(cursor, z.string()) });
        return paginate(
          rows,
          limit,
          (row) => row,
          (row) => row.sku,
        );
      },
    );

    app.get(
      '/v1/stock/movements',
      {
        config: { access: STAFF },
        schema: {
          tags: ['inventory'],
          summary: 'Stock movement history',
          description:
            'Every receipt, reservation, release, pick, adjustment, transfer and write-off, oldest first; one entry per lot touched. `from` inclusive, `to` exclusive; a date is a business day (in the `timeZone` the page names).',
          querystring: z.object({
            ...stockFilterQuery,
            from: periodBound.optional().describe('From this instant, or the start of this business day; inclusive.'),
            to: periodBound.optional().describe('Until this instant, or the end of this business day; exclusive.'),
            ...pageQuery,
          }),
          response: { 200: pageOf(movementSchema).extend(businessTimeZoneField), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { sku, warehouseId, from, to, limit, cursor } = request.query;
        const rows = await listMovements(db, {
          sku,
          warehouseId,
          from: boundary(from, 'from'),
          to: boundary(to, 'to'),
          limit,
          after: decodeCursor(cursor, z.number().int()),
        });
        return withBusinessTimeZone(
          paginate(
            rows,
            limit,
            (row) => ({ ...row, id: String(row.id), occurredAt: row.occurredAt.toISOString() }),
            (row) => row.id,
          ),
        );
      },
    );
  };
}
