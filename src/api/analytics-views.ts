// The analytics responses: documented zod schemas, the day ranges they cover, and offset pages
// (reports are computed whole, then paged).
import { z } from 'zod';
import { EXPIRY_TIERS } from '../domain/inventory/expiry.ts';
import { addDays, businessDayOf, daysBetween, startOfBusinessDay } from '../domain/shared/calendar.ts';
import { isoDateSchema, isoDateTimeSchema } from '../domain/shared/values.ts';
import type { DayRange } from '../projections/analytics/queries.ts';
import { businessTimeZoneField } from './business-time-zone.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';
import { HttpProblem, type FieldError } from './problem.ts';

/**
 * A business day (YYYY-MM-DD) within the years the database and the reports can count in: narrower
 * than the commands' calendar (values.ts), so checked against its own range alone.
 */
export const reportDaySchema = z.iso.date().refine(
  // A malformed day is reported once, by the format check.
  (day) => !/^\d{4}-\d{2}-\d{2}$/.test(day) || (day >= '2000-01-01' && day <= '2999-12-31'),
  'must be between 2000-01-01 and 2999-12-31',
);

/**
 * A range bound: a business day, or (like every other period in the API) an ISO 8601 timestamp,
 * which widens to whole business days: `from` starts its day; `to` ends with its day (the start of
 * a business day ends the day before).
 */
const dayBound = (end: 'from' | 'to') =>
  z
    .union([isoDateSchema, isoDateTimeSchema])
    .transform((value) => {
      if (!value.includes('T')) return value;
      const at = new Date(value);
      const day = businessDayOf(at);
      return end === 'to' && at > startOfBusinessDay(day) ? addDays(day, 1) : day;
    })
    .pipe(reportDaySchema);

export const dayRangeQuery = {
  from: dayBound('from')
    .optional()
    .describe(
      'First business day, inclusive (YYYY-MM-DD, in the business time zone the response names; a timestamp counts from the start of its business day). Default: 30 days before `to`.',
    ),
  to: dayBound('to')
    .optional()
    .describe(
      'The business day after the last one, exclusive (a timestamp includes its whole business day). Default: tomorrow, so the range ends with today.',
    ),
};

/** The business day now. */
export const businessToday = () => businessDayOf(new Date());

/** The requested range with its defaults (the last 30 days, today included); a bad one is a 400 naming the field. */
export function dayRange(
  query: { from?: string | undefined; to?: string | undefined },
  limits: { maxDays: number; historyOnly?: boolean },
): DayRange & { days: number } {
  const tomorrow = addDays(businessToday(), 1);
  const to = query.to ?? tomorrow;
  const from = query.from ?? addDays(to, -30);
  const errors: FieldError[] = [];
  if (from >= to)
    errors.push({
      path: query.to === undefined ? 'query.from' : 'query.to',
      message: 'the range must end after it starts (to is exclusive)',
    });
  else if (daysBetween(from, to) > limits.maxDays)
    errors.push({ path: 'query.from', message: `the range may span at most ${limits.maxDays} days` });
  if (limits.historyOnly && to > tomorrow)
    errors.push({ path: 'query.to', message: `must not be after ${tomorrow}: stock history ends today` });
  if (errors.length > 0) {
    throw new HttpProblem(400, 'validation_failed', `${errors.length} invalid field(s): ${errors.map((error) => error.path).join(', ')}`, {
      errors,
    });
  }
  return { from, to, days: daysBetween(from, to) };
}

export const reportPageQuery = (defaultLimit: number) => ({
  limit: z.coerce.number().int().min(1).max(500).default(defaultLimit).describe(`Items per page, 1-500 (default ${defaultLimit}).`),
  cursor: z.string().max(500).optional().describe('The `nextCursor` of the previous page.'),
});

/** A page of a report computed whole: the cursor is the offset of the next item. */
export function reportPage<Item>(
  items: readonly Item[],
  limit: number,
  cursor: string | undefined,
): { items: Item[]; nextCursor: string | null } {
  const offset = decodeCursor(cursor, z.object({ offset: z.number().int().min(0) }))?.offset ?? 0;
  const next = offset + limit;
  return { items: items.slice(offset, next), nextCursor: next < items.length ? encodeCursor({ offset: next }) : null };
}

/** Ratios and derived quantities are rounded to 4 decimals in responses. */
export const round = (value: number) => Math.round(value * 10_000) / 10_000;
export const roundOrNull = (value: number | null) => (value === null ? null : round(value));

const rangeFields = {
  from: z.string().describe('First business day of the range, inclusive.'),
  to: z.string().describe('The business day after the range, exclusive.'),
  ...businessTimeZoneField,
};

const int = (description: string) => z.number().int().describe(description);

const salesFigures = {
  orders: int('Booked orders (distinct): placed in the range, approved (at once or after a hold) and not cancelled.'),
  qty: int('Booked units (gifts excluded).'),
  giftQty: int('Free units added by promotions to booked orders.'),
  grossMinor: int('Booked gross revenue before discounts, minor units.'),
  discountMinor: int('Promotion discounts on booked orders, minor units.'),
  netMinor: int('Booked net revenue (gross − discount), minor units.'),
  shippedQty: int('Units shipped in the range (by the day the shipment left; gifts included).'),
  shippedNetMinor: int('Net revenue of the lines shipped in the range, minor units.'),
  refundedMinor: int('Refunded on returns in the range, minor units; null where refunds cannot be attributed (per product).').nullable(),
};

export const salesReportSchema = z
  .object({
    ...rangeFields,
    groupBy: z.string(),
    currency: z.string().describe('Only amounts in this currency are summed.'),
    totals: z.object(salesFigures).describe('The whole range; `orders` counts distinct orders, so it is not the sum of the items.'),
    items: z.array(
      z.object({
        key: z.string().nullable().describe('The group: a day, SKU, dealer id, region code, category or brand.'),
        name: z.string().nullable().describe('Product or dealer name, where the group has one.'),
        ...salesFigures,
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'SalesReport' });

const seconds = (description: string) => z.number().nullable().describe(description);

const orderFigures = {
  placed: int('Orders placed in the range.'),
  approvedAutomatically: int('Approved by the automated review at once.'),
  held: int('Held by the automated review for operations.'),
  rejectedAutomatically: int('Rejected by the automated review.'),
  approvedAfterHold: int('Held, then approved by operations.'),
  rejectedAfterHold: int('Held, then rejected by operations.'),
  approved: int('Approved at all, including orders cancelled afterwards.'),
  rejected: int('Rejected at all.'),
  cancelled: int('Cancelled (after approval or while on hold).'),
  onHold: int('Still on hold.'),
  approvalRate: z.number().nullable().describe('approved / (approved + rejected); null when none is decided.'),
  automaticApprovalRate: z.number().nullable().describe('approvedAutomatically / placed.'),
  decisionSeconds: z
    .object({ average: seconds('Mean.'), median: seconds('Median.'), p90: seconds('90th percentile.') })
    .describe('Seconds from placement to the final decision (approval or rejection), over decided orders; 0 for automated decisions.'),
  heldDecisionSeconds: z
    .object({ average: seconds('Mean.'), median: seconds('Median.') })
    .describe('Seconds from placement to the decision of operations, over held orders decided so far.'),
};

export const orderReportSchema = z
  .object({
    ...rangeFields,
    groupBy: z.string(),
    totals: z.object(orderFigures),
    items: z.array(z.object({ key: z.string().nullable(), name: z.string().nullable(), ...orderFigures })),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'OrderDecisionReport' });

export const bestsellersSchema = z
  .object({
    ...rangeFields,
    by: z.enum(['qty', 'revenue']),
    basis: z.enum(['booked', 'shipped']),
    currency: z.string(),
    items: z.array(
      z.object({
        rank: int('1 for the best seller.'),
        sku: z.string(),
        name: z.string().nullable(),
        brand: z.string().nullable(),
        category: z.string().nullable(),
        orders: int('Distinct orders.'),
        qty: int('Units (booked, or shipped).'),
        netMinor: int('Net revenue (booked, or shipped), minor units.'),
        shareOfQty: z.number().describe('qty / all units in the range (0-1).'),
        shareOfNetMinor: z.number().describe('netMinor / all net revenue in the range (0-1).'),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'Bestsellers' });

export const promotionReportSchema = z
  .object({
    ...rangeFields,
    items: z.array(
      z.object({
        promotionId: z.string(),
        title: z.string(),
        kind: z.string(),
        startsAt: z.iso.datetime(),
        endsAt: z.iso.datetime(),
        endedAt: z.iso.datetime().nullable(),
        active: z.boolean(),
        windowEnd: z.iso.datetime().describe('End of the measured window: the earliest of endsAt, endedAt and now.'),
        windowDays: z.number().describe('Days from startsAt to windowEnd.'),
        orders: int('Booked orders with a line or a gift from this promotion.'),
        qty: int('Units on the lines it touched.'),
        giftQty: int('Free units it gave.'),
        grossMinor: int('Gross of the lines it touched.'),
        discountMinor: int("Its discount: a line's discount shared equally among the discounting promotions on it."),
        netMinor: int('Net revenue of the lines it touched.'),
        promotedSkus: z.array(z.string()).describe('SKUs sold on lines it touched.'),
        uplift: z
          .object({
            baselineDays: int('Days before startsAt compared against: 28.'),
            duringDailyQty: z
              .number()
              .nullable()
              .describe('Booked units of the promoted SKUs per day within the window, with or without the promotion.'),
            baselineDailyQty: z.number().describe('The same per day in the baseline days.'),
            qtyUplift: z.number().nullable().describe('duringDailyQty / baselineDailyQty − 1 (0.5 = +50 %); null without baseline sales.'),
            duringDailyNetMinor: z.number().nullable(),
            baselineDailyNetMinor: z.number(),
            revenueUplift: z.number().nullable().describe('duringDailyNetMinor / baselineDailyNetMinor − 1.'),
          })
          .describe('Sales of the promoted SKUs per day while it ran, against the weeks before it started.'),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'PromotionReport' });

const tierFigures = z.object({
  lots: int('Lots holding stock.'),
  qty: int('Units.'),
  valueMinor: int('Units at the base (list) price, minor units.'),
});

export const inventoryReportSchema = z
  .object({
    ...rangeFields,
    days: int('Days in the range, for turnover and average demand.'),
    expiryThresholds: z.object({ redDays: z.number().int(), yellowDays: z.number().int(), blueDays: z.number().int() }),
    totals: z.object({
      onHand: int('Units on hand.'),
      available: int('Units available.'),
      valueMinor: int('On hand at the base (list) price.'),
    }),
    expiry: z
      .array(tierFigures.extend({ tier: z.enum(EXPIRY_TIERS) }))
      .describe(
        'Stock by expiry tier (days left ≤ 0: expired; then red, yellow, blue up to the configured days), over the items selected.',
      ),
    items: z.array(
      z.object({
        sku: z.string(),
        name: z.string().nullable(),
        brand: z.string().nullable(),
        category: z.string().nullable(),
        warehouseId: z.string(),
        onHand: int('Units on hand now, expired lots included until written off.'),
        reserved: int('Units reserved for orders now.'),
        available: int('Unexpired units not reserved, now.'),
        inTransit: int('Units transferred towards this warehouse, not yet received.'),
        valueMinor: int('On hand at the base (list) price, minor units.'),
        earliestExpiry: z.string().nullable(),
        shippedQty: int('Units picked for shipments in the range.'),
        averageOnHand: z.number().describe('Mean end-of-day on hand over the range.'),
        turnover: z.number().nullable().describe('shippedQty / averageOnHand; null without stock.'),
        demandQty: int('Booked demand served from this warehouse in the range (by day of placement).'),
        averageDailyDemand: z.number().describe('demandQty / days.'),
        daysOfCover: z.number().nullable().describe('available / averageDailyDemand; null without demand.'),
        expiry: z.object(
          Object.fromEntries(EXPIRY_TIERS.map((tier) => [tier, tierFigures])) as Record<(typeof EXPIRY_TIERS)[number], typeof tierFigures>,
        ),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'InventoryReport' });

export const REPLENISHMENT_FORMULA =
  'averageDailyDemand = demandQty / windowDays; forecastDailyDemand = max(0, averageDailyDemand + (recentDailyDemand − earlierDailyDemand)) ' +
  '(without trend: averageDailyDemand); safetyStock = z × demandStdDev × √leadTimeDays; reorderPoint = forecastDailyDemand × leadTimeDays + safetyStock; ' +
  'cycleDemand = forecastDailyDemand × reviewPeriodDays; suggestedQty = max(0, ⌈reorderPoint + cycleDemand − available − onOrder⌉); ' +
  'reorderNow = available + onOrder ≤ reorderPoint (> 0).';

export const replenishmentSchema = z
  .object({
    asOf: z.string().describe('Demand is taken from the windowDays business days before this one; stock is as of now.'),
    ...businessTimeZoneField,
    formula: z.string(),
    parameters: z.object({
      windowDays: z.number().int(),
      leadTimeDays: z.number().int(),
      reviewPeriodDays: z.number().int(),
      serviceLevel: z.number(),
      z: z.number().describe('Standard normal quantile of the service level.'),
      trend: z.boolean(),
    }),
    items: z.array(
      z.object({
        sku: z.string(),
        name: z.string().nullable(),
        category: z.string().nullable(),
        warehouseId: z.string(),
        inputs: z.object({
          from: z.string().describe('First day of the demand window.'),
          to: z.string().describe('The day after it (asOf).'),
          demandQty: int('Booked demand served from this warehouse in the window, gifts included.'),
          averageDailyDemand: z.number(),
          earlierDailyDemand: z.number().describe('Average over the first half of the window.'),
          recentDailyDemand: z.number().describe('Average over the second half.'),
          trendPerDay: z.number().describe('(recent − earlier) / (windowDays / 2).'),
          forecastDailyDemand: z.number(),
          demandStdDev: z.number().describe('Standard deviation of the daily demands (days without demand count as 0).'),
          onHand: int('On hand now.'),
          reserved: int('Reserved now.'),
          available: int('Available now.'),
          onOrder: int('In transit towards this warehouse.'),
        }),
        safetyStock: z.number(),
        reorderPoint: z.number(),
        cycleDemand: z.number(),
        targetLevel: z.number().describe('reorderPoint + cycleDemand.'),
        stockPosition: int('available + onOrder.'),
        reorderNow: z.boolean(),
        suggestedQty: int('Units to order now.'),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'Replenishment' });
