// Analytics routes: sales, bestsellers, order decisions, promotion effectiveness, inventory and
// replenishment suggestions, read from the same `analytics` views analysts query with SQL.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { suggestReplenishment, zScore } from '../domain/analytics/replenishment.ts';
import { EXPIRY_TIERS, expiryTierOf, type ExpiryTier } from '../domain/inventory/expiry.ts';
import { warehouseIdSchema } from '../domain/inventory/warehouse.ts';
import { addDays, businessTimeZone } from '../domain/shared/calendar.ts';
import { currencySchema, dealerIdSchema, entityIdSchema, regionCodeSchema, skuSchema } from '../domain/shared/values.ts';
import { inventoryReport, replenishmentInputs } from '../projections/analytics/inventory-queries.ts';
import {
  bestsellers,
  ORDER_GROUPS,
  orderReport,
  promotionReport,
  SALES_GROUPS,
  salesReport,
  type OrderFigures,
} from '../projections/analytics/queries.ts';
import {
  bestsellersSchema,
  dayRange,
  dayRangeQuery,
  inventoryReportSchema,
  orderReportSchema,
  promotionReportSchema,
  REPLENISHMENT_FORMULA,
  replenishmentSchema,
  reportPage,
  reportDaySchema,
  reportPageQuery,
  round,
  roundOrNull,
  salesReportSchema,
  businessToday,
} from './analytics-views.ts';
import type { Role } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponses } from './openapi.ts';

const ANALYSTS: Role[] = ['analyst', 'ops', 'finance'];

const MAX_RANGE_DAYS = 731;

const textFilter = z.string().trim().min(1).max(100);

const salesFilters = {
  currency: currencySchema.describe('Only amounts in this currency (default CNY).'),
  sku: skuSchema.optional(),
  dealerId: dealerIdSchema.optional(),
  regionCode: regionCodeSchema.optional(),
  category: textFilter.optional(),
  brand: textFilter.optional(),
};

const booleanQuery = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((value) => value === 'true');

const ratio = (part: number, whole: number) => (whole > 0 ? round(part / whole) : null);

function orderView(figures: OrderFigures) {
  return {
    placed: figures.placed,
    approvedAutomatically: figures.approvedAutomatically,
    held: figures.held,
    rejectedAutomatically: figures.rejectedAutomatically,
    approvedAfterHold: figures.approvedAfterHold,
    rejectedAfterHold: figures.rejectedAfterHold,
    approved: figures.approved,
    rejected: figures.rejected,
    cancelled: figures.cancelled,
    onHold: figures.onHold,
    approvalRate: ratio(figures.approved, figures.approved + figures.rejected),
    automaticApprovalRate: ratio(figures.approvedAutomatically, figures.placed),
    decisionSeconds: {
      average: roundOrNull(figures.averageDecisionSeconds),
      median: roundOrNull(figures.medianDecisionSeconds),
      p90: roundOrNull(figures.p90DecisionSeconds),
    },
    heldDecisionSeconds: {
      average: roundOrNull(figures.averageHeldDecisionSeconds),
      median: roundOrNull(figures.medianHeldDecisionSeconds),
    },
  };
}

const noTiers = () =>
  Object.fromEntries(EXPIRY_TIERS.map((tier) => [tier, { lots: 0, qty: 0, valueMinor: 0 }])) as Record<
    ExpiryTier,
    { lots: number; qty: number; valueMinor: number }
  >;

export function analyticsRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  const thresholds = deps.config.expiryTiers;

  return async (app) => {
    app.get(
      '/v1/analytics/sales',
      {
        config: { access: ANALYSTS },
        schema: {
          tags: ['analytics'],
          summary: 'Sales by day, SKU, dealer, region, category or brand: booked and shipped, with discounts and refunds',
          description:
            'Booked: lines of orders placed in the range that are approved (at once or after a hold) and not cancelled, on the day of placement. ' +
            'Shipped: lines of shipments that left in the range, on the day they left. Refunds: paid in the range (by day, dealer or region only). ' +
            'Days are business days (in the `timeZone` the response names); `groupBy=day` lists every day of the range. Same data as the `analytics.sales_lines`, `shipment_lines` and `refunds` views.',
          querystring: z.object({
            groupBy: z.enum(SALES_GROUPS).default('day'),
            ...dayRangeQuery,
            ...salesFilters,
            ...reportPageQuery(50),
          }),
          response: { 200: salesReportSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { groupBy, from: _from, to: _to, limit, cursor, ...filters } = request.query;
        const range = dayRange(request.query, { maxDays: MAX_RANGE_DAYS });
        const report = await salesReport(db, { ...filters, from: range.from, to: range.to }, groupBy);
        return {
          from: range.from,
          to: range.to,
          timeZone: businessTimeZone(),
          groupBy,
          currency: filters.currency,
          totals: report.totals,
          ...reportPage(report.rows, limit, cursor),
        };
      },
    );

    app.get(
      '/v1/analytics/bestsellers',
      {
        config: { access: ANALYSTS },
        schema: {
          tags: ['analytics'],
          summary: 'SKUs ranked by units or net revenue, booked or shipped',
          querystring: z.object({
            by: z.enum(['qty', 'revenue']).default('qty'),
            basis: z
              .enum(['booked', 'shipped'])
              .default('booked')
              .describe('booked: approved, uncancelled orders by day placed; shipped: by day shipped.'),
            ...dayRangeQuery,
            ...salesFilters,
            ...reportPageQuery(50),
          }),
          response: { 200: bestsellersSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { by, basis, from: _from, to: _to, limit, cursor, ...filters } = request.query;
        const range = dayRange(request.query, { maxDays: MAX_RANGE_DAYS });
        const ranked = await bestsellers(db, { ...filters, from: range.from, to: range.to, by, basis });
        const items = ranked.rows.map((row, index) => ({
          rank: index + 1,
          ...row,
          shareOfQty: ratio(row.qty, ranked.totalQty) ?? 0,
          shareOfNetMinor: ratio(row.netMinor, ranked.totalNetMinor) ?? 0,
        }));
        return {
          from: range.from,
          to: range.to,
          timeZone: businessTimeZone(),
          by,
          basis,
          currency: filters.currency,
          ...reportPage(items, limit, cursor),
        };
      },
    );

    app.get(
      '/v1/analytics/orders',
      {
        config: { access: ANALYSTS },
        schema: {
          tags: ['analytics'],
          summary: 'Order counts by outcome, approval rate and time from placement to decision',
          description:
            'Orders placed in the range (business days), whatever became of them. Same data as `analytics.orders` and `analytics.order_decisions_daily`.',
          querystring: z.object({
            groupBy: z.enum(ORDER_GROUPS).default('day'),
            ...dayRangeQuery,
            dealerId: dealerIdSchema.optional(),
            regionCode: regionCodeSchema.optional(),
            channel: z.enum(['manual', 'csv', 'reorder', 'on_behalf']).optional(),
            ...reportPageQuery(50),
          }),
          response: { 200: orderReportSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { groupBy, dealerId, regionCode, channel, limit, cursor } = request.query;
        const range = dayRange(request.query, { maxDays: MAX_RANGE_DAYS });
        const report = await orderReport(db, { from: range.from, to: range.to, dealerId, regionCode, channel }, groupBy);
        const items = report.rows.map((row) => ({ key: row.key, name: row.name, ...orderView(row) }));
        return {
          from: range.from,
          to: range.to,
          timeZone: businessTimeZone(),
          groupBy,
          totals: orderView(report.totals),
          ...reportPage(items, limit, cursor),
        };
      },
    );

    app.get(
      '/v1/analytics/promotions',
      {
        config: { access: ANALYSTS },
        schema: {
          tags: ['analytics'],
          summary: 'Promotion effectiveness: orders, revenue and discount per promotion, and uplift against the 28 days before',
          description:
            'Promotions whose window overlaps the range; their figures cover their whole window (booked orders only). ' +
            'Same data as `analytics.promotion_performance`.',
          querystring: z.object({ ...dayRangeQuery, promotionId: entityIdSchema.optional(), ...reportPageQuery(50) }),
          response: { 200: promotionReportSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { promotionId, limit, cursor } = request.query;
        const range = dayRange(request.query, { maxDays: MAX_RANGE_DAYS });
        const rows = await promotionReport(db, range, promotionId);
        const items = rows.map((row) => ({
          promotionId: row.promotion_id,
          title: row.title,
          kind: row.kind,
          startsAt: row.starts_at.toISOString(),
          endsAt: row.ends_at.toISOString(),
          endedAt: row.ended_at?.toISOString() ?? null,
          active: row.active,
          windowEnd: row.window_end.toISOString(),
          windowDays: round(row.window_days),
          orders: row.orders,
          qty: row.qty,
          giftQty: row.gift_qty,
          grossMinor: row.gross_minor,
          discountMinor: row.discount_minor,
          netMinor: row.net_minor,
          promotedSkus: row.promoted_skus,
          uplift: {
            baselineDays: row.baseline_days,
            duringDailyQty: roundOrNull(row.during_daily_qty),
            baselineDailyQty: round(row.baseline_daily_qty),
            qtyUplift: roundOrNull(row.qty_uplift),
            duringDailyNetMinor: roundOrNull(row.during_daily_net_minor),
            baselineDailyNetMinor: round(row.baseline_daily_net_minor),
            revenueUplift: roundOrNull(row.revenue_uplift),
          },
        }));
        return { from: range.from, to: range.to, timeZone: businessTimeZone(), ...reportPage(items, limit, cursor) };
      },
    );

    app.get(
      '/v1/analytics/inventory',
      {
        config: { access: ANALYSTS },
        schema: {
          tags: ['analytics'],
          summary: 'Inventory per SKU and warehouse: stock and its value, turnover, days of cover and expiry risk by tier',
          description:
            'Stock is as of now, valued at base (list) prices. Turnover = units picked for shipments in the range / mean end-of-day on hand; ' +
            'days of cover = available / average daily booked demand in the range. Same data as `analytics.stock_levels`, `stock_daily`, ' +
            '`demand_daily` and `expiry_risk` (`analytics.inventory_turnover` is this with the default range).',
          querystring: z.object({
            ...dayRangeQuery,
            sku: skuSchema.optional(),
            warehouseId: warehouseIdSchema.optional(),
            category: textFilter.optional(),
            ...reportPageQuery(50),
          }),
          response: { 200: inventoryReportSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { sku, warehouseId, category, limit, cursor } = request.query;
        const range = dayRange(request.query, { maxDays: MAX_RANGE_DAYS, historyOnly: true });
        const rows = await inventoryReport(db, { ...range, sku, warehouseId, category });
        const expiry = noTiers();
        const items = rows.map(({ lots, ...row }) => {
          const tiers = noTiers();
          for (const lot of lots) {
            const tier = expiryTierOf(lot.daysLeft, thresholds);
            if (tier === null) continue;
            for (const figures of [tiers[tier], expiry[tier]]) {
              figures.lots += 1;
              figures.qty += lot.qty;
              figures.valueMinor += lot.valueMinor;
            }
          }
          const averageDailyDemand = row.demandQty / range.days;
          return {
            ...row,
            averageOnHand: round(row.averageOnHand),
            turnover: row.averageOnHand > 0 ? round(row.shippedQty / row.averageOnHand) : null,
            averageDailyDemand: round(averageDailyDemand),
            daysOfCover: averageDailyDemand > 0 ? round(row.available / averageDailyDemand) : null,
            expiry: tiers,
          };
        });
        const sum = (pick: (row: (typeof items)[number]) => number) => items.reduce((total, row) => total + pick(row), 0);
        return {
          from: range.from,
          to: range.to,
          timeZone: businessTimeZone(),
          days: range.days,
          expiryThresholds: thresholds,
          totals: { onHand: sum((row) => row.onHand), available: sum((row) => row.available), valueMinor: sum((row) => row.valueMinor) },
          expiry: EXPIRY_TIERS.map((tier) => ({ tier, ...expiry[tier] })),
          ...reportPage(items, limit, cursor),
        };
      },
    );

    app.get(
      '/v1/analytics/replenishment',
      {
        config: { access: ANALYSTS },
        schema: {
          tags: ['analytics'],
          summary: 'Replenishment suggestions per SKU and warehouse, with every input shown',
          description:
            `Demand is the booked demand served from the warehouse (approved, uncancelled orders, gifts included) in the windowDays days before asOf. ${REPLENISHMENT_FORMULA} ` +
            'At the defaults this is the `analytics.replenishment` view.',
          querystring: z.object({
            asOf: reportDaySchema.optional().describe('Business day; demand is taken from the days before it. Default: today.'),
            windowDays: z.coerce
              .number()
              .int()
              .min(14)
              .max(364)
              .refine((days) => days % 2 === 0, 'must be an even number of days')
              .default(28)
              .describe('Days of demand history, even (two halves give the trend). Default 28.'),
            leadTimeDays: z.coerce.number().int().min(0).max(365).default(7).describe('Days from ordering to receiving. Default 7.'),
            reviewPeriodDays: z.coerce
              .number()
              .int()
              .min(1)
              .max(365)
              .default(7)
              .describe('Days until the next review; the order must last them. Default 7.'),
            serviceLevel: z.coerce
              .number()
              .min(0.5)
              .max(0.999)
              .default(0.95)
              .describe('Probability of not running out in the lead time. Default 0.95.'),
            trend: booleanQuery('true').describe('Follow the trend between the window halves (default true).'),
            reorderOnly: booleanQuery('false').describe('Only SKUs and warehouses at or below their reorder point.'),
            sku: skuSchema.optional(),
            warehouseId: warehouseIdSchema.optional(),
            category: textFilter.optional(),
            ...reportPageQuery(50),
          }),
          response: { 200: replenishmentSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { windowDays, leadTimeDays, reviewPeriodDays, serviceLevel, trend, reorderOnly, sku, warehouseId, category, limit, cursor } =
          request.query;
        const asOf = request.query.asOf ?? businessToday();
        const windowFrom = addDays(asOf, -windowDays);
        const policy = { leadTimeDays, reviewPeriodDays, serviceLevel, trend };
        const inputs = await replenishmentInputs(db, { asOf, windowDays, sku, warehouseId, category });
        const items = inputs
          .map((input) => {
            const suggestion = suggestReplenishment(input.demand, { available: input.available, onOrder: input.onOrder }, policy);
            return {
              sku: input.sku,
              name: input.name,
              category: input.category,
              warehouseId: input.warehouseId,
              inputs: {
                from: windowFrom,
                to: asOf,
                demandQty: input.demand.total,
                averageDailyDemand: round(suggestion.averageDailyDemand),
                earlierDailyDemand: round(suggestion.earlierDailyDemand),
                recentDailyDemand: round(suggestion.recentDailyDemand),
                trendPerDay: round(suggestion.trendPerDay),
                forecastDailyDemand: round(suggestion.forecastDailyDemand),
                demandStdDev: round(suggestion.demandStdDev),
                onHand: input.onHand,
                reserved: input.reserved,
                available: input.available,
                onOrder: input.onOrder,
              },
              safetyStock: round(suggestion.safetyStock),
              reorderPoint: round(suggestion.reorderPoint),
              cycleDemand: round(suggestion.cycleDemand),
              targetLevel: round(suggestion.targetLevel),
              stockPosition: suggestion.stockPosition,
              reorderNow: suggestion.reorderNow,
              suggestedQty: suggestion.suggestedQty,
            };
          })
          .filter((item) => !reorderOnly || item.reorderNow);
        return {
          asOf,
          timeZone: businessTimeZone(),
          formula: REPLENISHMENT_FORMULA,
          parameters: { windowDays, leadTimeDays, reviewPeriodDays, serviceLevel, z: round(zScore(serviceLevel)), trend },
          ...reportPage(items, limit, cursor),
        };
      },
    );
  };
}
