// The order as the API shows it, from the stream's state (command responses) or the read model (queries).
import { z } from 'zod';
import type { OrderState, Reason } from '../domain/ordering/order.ts';
import type { RiskAssessment } from '../domain/ordering/risk.ts';
import type { OrderRow } from '../projections/orders/queries.ts';

const reasonSchema = z.object({ code: z.string(), detail: z.string() });

const lineSchema = z.object({
  sku: z.string(),
  name: z.string(),
  qty: z.number().int(),
  unitPriceMinor: z.number().int(),
  priceBasis: z.enum(['contract', 'tier', 'base']),
  grossMinor: z.number().int(),
  discountMinor: z.number().int(),
  netMinor: z.number().int(),
  promotions: z.array(z.object({ id: z.string(), title: z.string() })),
  explanation: z.string().describe('How the line was priced, in words.'),
});

const giftSchema = z.object({ sku: z.string(), name: z.string(), qty: z.number().int(), promotionId: z.string(), explanation: z.string() });

export const totalsSchema = z.object({
  subtotalMinor: z.number().int(),
  discountMinor: z.number().int(),
  totalMinor: z.number().int(),
  currency: z.string(),
});

const notAppliedSchema = z.object({
  id: z.string(),
  title: z.string(),
  reason: z.enum(['promotion_cap_reached', 'promotion_budget_exhausted']),
  detail: z.string(),
});

export const pricedCartFields = {
  lines: z.array(lineSchema),
  gifts: z.array(giftSchema),
  totals: totalsSchema,
  promotionsNotApplied: z
    .array(notAppliedSchema)
    .describe("Promotions the cart would have had but did not get: a cap reached, or the delivery region's budget spent."),
};

const reviewSchema = z.object({
  decision: z
    .enum(['approved', 'on_hold', 'rejected', 'awaiting_dealer_approval'])
    .describe("awaiting_dealer_approval: a buyer's order over its limits, not reviewed until the dealer's owner approves it."),
  reasons: z
    .array(reasonSchema)
    .describe(
      'Machine-readable: insufficient_stock, credit_limit_exceeded, territory_not_authorized, risk_score_high, dealer_suspended, unknown_sku, buyer_limit_exceeded, dealer_rejected.',
    ),
  riskScore: z.number().int(),
  riskFactors: z
    .array(z.object({ rule: z.string(), weight: z.number().int(), detail: z.string() }))
    .optional()
    .describe('Staff only: the risk rules that fired.'),
});

export const orderStatusSchema = z
  .enum([
    'awaiting_dealer_approval',
    'approved',
    'awaiting_payment',
    'on_hold',
    'rejected',
    'cancelled',
    'partially_shipped',
    'shipped',
    'delivered',
    'completed',
  ])
  .describe(
    "approved (released to the warehouse) or awaiting_payment (prepay) → partially_shipped → shipped → delivered → completed; awaiting_dealer_approval: a buyer's order over its limits, until the dealer's owner answers.",
  );

export const orderSchema = z
  .object({
    id: z.string(),
    dealerId: z.string(),
    status: orderStatusSchema,
    channel: z.enum(['manual', 'csv', 'reorder', 'on_behalf']),
    regionCode: z.string(),
    deliveryAddress: z.string().nullable(),
    note: z.string().nullable(),
    review: reviewSchema,
    ...pricedCartFields,
    prepay: z.boolean().describe("Prepay dealers' orders wait for payment before release to the warehouse."),
    reorderOf: z.string().nullable(),
    placedAt: z.iso.datetime(),
    version: z.number().int(),
  })
  .meta({ id: 'Order' });

export const orderWrittenSchema = orderSchema
  .extend({ position: z.string().describe('Global position of the last event of this command.') })
  .meta({ id: 'OrderWritten' });

export type OrderView = z.infer<typeof orderSchema>;

function review(decision: string, reasons: Reason[], risk: RiskAssessment, staff: boolean): OrderView['review'] {
  return {
    decision: decision as OrderView['review']['decision'],
    reasons,
    riskScore: risk.score,
    ...(staff && { riskFactors: risk.factors }),
  };
}

export function orderFromState(state: Extract<OrderState, { exists: true }>, version: number, staff: boolean): OrderView {
  const { order } = state;
  return {
    id: order.orderId,
    dealerId: order.dealerId,
    status: state.status === 'placed' ? 'approved' : state.status,
    channel: order.channel,
    regionCode: order.regionCode,
    deliveryAddress: order.deliveryAddress,
    note: order.note,
    review: review(
      state.status === 'awaiting_dealer_approval' ? 'awaiting_dealer_approval' : (state.decision ?? 'approved'),
      state.reasons,
      state.risk,
      staff,
    ),
    lines: order.lines,
    gifts: order.gifts,
    promotionsNotApplied: order.promotionsNotApplied ?? [],
    totals: order.totals,
    prepay: order.prepay,
    reorderOf: order.reorderOf,
    placedAt: order.placedAt,
    version,
  };
}

export function orderFromRow(row: OrderRow, staff: boolean): OrderView {
  return {
    id: row.id,
    dealerId: row.dealer_id,
    status: row.status as OrderView['status'],
    channel: row.channel as OrderView['channel'],
    regionCode: row.region_code,
    deliveryAddress: row.delivery_address,
    note: row.note,
    review: review(row.decision, row.reasons, row.risk, staff),
    lines: row.lines,
    gifts: row.gifts,
    promotionsNotApplied: row.promotions_not_applied,
    totals: { subtotalMinor: row.subtotal_minor, discountMinor: row.discount_minor, totalMinor: row.total_minor, currency: row.currency },
    prepay: row.prepay,
    reorderOf: row.reorder_of,
    placedAt: row.placed_at.toISOString(),
    version: row.version,
  };
}
