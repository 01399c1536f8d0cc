// The promotion aggregate (`promotion-<id>`): its terms (kind, rule, eligibility, caps, window),
// its early end, and the redemptions that count against its usage caps.
import { z } from 'zod';
import { refuse, type Decider, type DomainEvent } from '../shared/decider.ts';
import { ownEntry } from '../shared/own-entry.ts';
import {
  amountMinorSchema,
  dealerIdSchema,
  entityIdSchema,
  isoDateTimeSchema,
  quantitySchema,
  regionCodeSchema,
  skuSchema,
  tierSchema,
} from '../shared/values.ts';

export const promotionStream = (promotionId: string) => `promotion-${promotionId}`;

export const PROMOTION_KINDS = ['percent_off', 'amount_off', 'spend_threshold', 'buy_x_get_y', 'bundle_price', 'tiered_quantity'] as const;
export type PromotionKind = (typeof PROMOTION_KINDS)[number];

const positiveMinor = amountMinorSchema.min(1);

export const percentOffRuleSchema = z
  .object({ percent: z.number().gt(0).max(100).multipleOf(0.01).describe('Percent off each eligible line, e.g. 12.5.') })
  .strict()
  .meta({ id: 'PercentOffRule' });

export const amountOffRuleSchema = z
  .object({
    amountMinor: positiveMinor.describe('Amount off, in minor units.'),
    per: z.enum(['unit', 'line']).default('unit').describe('`unit`: off every unit of an eligible line; `line`: once per eligible line.'),
  })
  .strict()
  .meta({ id: 'AmountOffRule' });

export const spendThresholdRuleSchema = z
  .object({
    minSpendMinor: positiveMinor.describe('Spend at least this on eligible lines...'),
    amountOffMinor: positiveMinor.describe('...and get this much off, shared across those lines.'),
    repeat: z.boolean().default(false).describe('true: the amount comes off for every full multiple of minSpendMinor.'),
  })
  .strict()
  .refine((rule) => rule.amountOffMinor <= rule.minSpendMinor, { path: ['amountOffMinor'], message: 'must not exceed minSpendMinor' })
  .meta({ id: 'SpendThresholdRule' });

export const buyXGetYRuleSchema = z
  .object({
    buyQty: quantitySchema.describe('For every buyQty units of eligible lines...'),
    getQty: quantitySchema.describe('...getQty units are added free.'),
    giftSku: skuSchema.optional().describe('The gift; absent: the same SKU as the line bought.'),
    maxGiftQty: quantitySchema.optional().describe('At most this many gift units per order.'),
  })
  .strict()
  .meta({ id: 'BuyXGetYRule' });

export const bundlePriceRuleSchema = z
  .object({
    items: z
      .array(z.object({ sku: skuSchema, qty: quantitySchema }).strict())
      .min(1)
      .max(20)
      .refine((items) => new Set(items.map((item) => item.sku)).size === items.length, 'must name each SKU once')
      .refine((items) => items.reduce((sum, item) => sum + item.qty, 0) >= 2, 'must hold at least two units'),
    priceMinor: positiveMinor.describe('The price of one whole bundle.'),
    maxBundles: quantitySchema.optional().describe('At most this many bundles per order.'),
  })
  .strict()
  .meta({ id: 'BundlePriceRule' });

export const tieredQuantityRuleSchema = z
  .object({
    breaks: z
      .array(z.object({ minQty: quantitySchema, unitOffMinor: positiveMinor }).strict())
      .min(1)
      .max(20)
      .refine(
        (breaks) => breaks.every((item, index) => index === 0 || item.minQty > breaks[index - 1]!.minQty),
        'minQty must increase from break to break',
      ),
  })
  .strict()
  .meta({ id: 'TieredQuantityRule' });

export const ruleSchemas = {
  percent_off: percentOffRuleSchema,
  amount_off: amountOffRuleSchema,
  spend_threshold: spendThresholdRuleSchema,
  buy_x_get_y: buyXGetYRuleSchema,
  bundle_price: bundlePriceRuleSchema,
  tiered_quantity: tieredQuantityRuleSchema,
} as const;

export type PercentOffRule = z.infer<typeof percentOffRuleSchema>;
export type AmountOffRule = z.infer<typeof amountOffRuleSchema>;
export type SpendThresholdRule = z.infer<typeof spendThresholdRuleSchema>;
export type BuyXGetYRule = z.infer<typeof buyXGetYRuleSchema>;
export type BundlePriceRule = z.infer<typeof bundlePriceRuleSchema>;
export type TieredQuantityRule = z.infer<typeof tieredQuantityRuleSchema>;

const codes = <T extends z.ZodType>(item: T) => z.array(item).max(1_000).default([]);

/**
 * Who and what a promotion is for. An empty list does not restrict; the lists that are given must
 * all match (a line of brand B in category C matches `{ brands: [B], categories: [C] }`).
 */
export const eligibilitySchema = z
  .object({
    tiers: codes(tierSchema),
    territories: codes(regionCodeSchema).describe("The order's delivery region must be one of these."),
    dealerIds: codes(dealerIdSchema),
    skus: codes(skuSchema),
    brands: codes(z.string().trim().min(1).max(100)),
    categories: codes(z.string().trim().min(1).max(100)),
  })
  .strict()
  .meta({ id: 'PromotionEligibility' });

export type Eligibility = z.infer<typeof eligibilitySchema>;

export const capsSchema = z
  .object({
    perDealer: quantitySchema.optional().describe('At most this many orders per dealer.'),
    total: quantitySchema.optional().describe('At most this many orders in all.'),
  })
  .strict()
  .meta({ id: 'PromotionCaps' });

export const regionBudgetSchema = z
  .object({
    maxDiscountMinor: amountMinorSchema
      .min(1)
      .optional()
      .describe('At most this much discount in all, for orders delivered to the region.'),
    maxUnits: quantitySchema.optional().describe('At most this many units in all (lines it applies to, gift units included).'),
  })
  .strict()
  .refine((budget) => budget.maxDiscountMinor !== undefined || budget.maxUnits !== undefined, 'must set maxDiscountMinor or maxUnits')
  .meta({ id: 'PromotionRegionBudget' });

export type RegionBudget = z.infer<typeof regionBudgetSchema>;

const terms = {
  id: entityIdSchema.optional().describe('Chosen by operations, e.g. SPRING10; generated when absent.'),
  title: z.string().trim().min(1).max(200),
  startsAt: isoDateTimeSchema,
  endsAt: isoDateTimeSchema.describe('Exclusive; must be after startsAt.'),
  eligibility: eligibilitySchema.default({ tiers: [], territories: [], dealerIds: [], skus: [], brands: [], categories: [] }),
  stackable: z.boolean().default(false).describe('false (exclusive): never combined with another promotion on the same line.'),
  priority: z.number().int().min(0).max(1_000).default(0).describe('Higher applies first.'),
  caps: capsSchema.default({}),
  budgets: z
    .record(regionCodeSchema, regionBudgetSchema)
    .default({})
    .describe(
      'Per delivery region: once its budget is spent, the promotion no longer applies to orders delivered there (promotion_budget_exhausted).',
    ),
};

const termsSchema = z.object(terms);

const options = [
  z.object({ ...terms, kind: z.literal('percent_off'), rule: percentOffRuleSchema }),
  z.object({ ...terms, kind: z.literal('amount_off'), rule: amountOffRuleSchema }),
  z.object({ ...terms, kind: z.literal('spend_threshold'), rule: spendThresholdRuleSchema }),
  z.object({ ...terms, kind: z.literal('buy_x_get_y'), rule: buyXGetYRuleSchema }),
  z.object({ ...terms, kind: z.literal('bundle_price'), rule: bundlePriceRuleSchema }),
  z.object({ ...terms, kind: z.literal('tiered_quantity'), rule: tieredQuantityRuleSchema }),
] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The body of `POST /v1/promotions` and the data of CreatePromotion: a union on `kind`, so `rule`
 * is checked against its kind. Every bad field is reported: also the common fields when `kind`
 * itself is bad, and a window that ends before it starts.
 */
export const createPromotionSchema = z.discriminatedUnion('kind', options).superRefine(
  (value: unknown, context) => {
    if (!isRecord(value)) return;
    if (!PROMOTION_KINDS.includes(value.kind as PromotionKind)) {
      const common = termsSchema.safeParse(value);
      if (!common.success) for (const issue of common.error.issues) context.addIssue({ ...issue });
    }
    const startsAt = typeof value.startsAt === 'string' ? Date.parse(value.startsAt) : NaN;
    const endsAt = typeof value.endsAt === 'string' ? Date.parse(value.endsAt) : NaN;
    if (!Number.isNaN(startsAt) && !Number.isNaN(endsAt) && endsAt <= startsAt) {
      context.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt', input: value.endsAt });
    }
  },
  { when: () => true },
);

export type CreatePromotion = z.infer<typeof createPromotionSchema>;

type KindAndRule<Kind extends PromotionKind = PromotionKind> = Kind extends PromotionKind
  ? { kind: Kind; rule: z.infer<(typeof ruleSchemas)[Kind]> }
  : never;

/** A promotion's terms as recorded: timestamps in UTC, caps explicit, and when it was ended early. */
export type Promotion = KindAndRule & {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  endedAt: string | null;
  eligibility: Eligibility;
  stackable: boolean;
  priority: number;
  caps: { perDealer: number | null; total: number | null };
  /** Absent in promotions created before budgets existed: none. */
  budgets?: Readonly<Record<string, RegionBudget>>;
};

type TermsOf<P> = P extends unknown ? Omit<P, 'id' | 'endedAt'> : never;

export type PromotionCreatedData = TermsOf<Promotion> & { promotionId: string };

/** What an order's redemption takes of a region's budget. */
export type BudgetUse = { regionCode: string; discountMinor: number; units: number };

export type PromotionCommand =
  | { type: 'CreatePromotion'; data: CreatePromotion & { id: string } }
  | { type: 'EndPromotion'; data: { now: string; reason: string | null } }
  | { type: 'RedeemPromotion'; data: { orderId: string; dealerId: string; now: string; use?: BudgetUse | undefined } }
  | { type: 'ReleasePromotion'; data: { orderId: string } };

export type PromotionEvent =
  | DomainEvent<'PromotionCreated', PromotionCreatedData>
  | DomainEvent<'PromotionEnded', { promotionId: string; endedAt: string; reason: string | null }>
  | DomainEvent<'PromotionRedeemed', { promotionId: string; orderId: string; dealerId: string; use?: BudgetUse }>
  | DomainEvent<'PromotionRedemptionReleased', { promotionId: string; orderId: string; dealerId: string; use?: BudgetUse }>;

export const promotionEventTypes = ['PromotionCreated', 'PromotionEnded', 'PromotionRedeemed', 'PromotionRedemptionReleased'] as const;

/**
 * `redemptions`: the orders currently holding a redemption, by order id → dealer id; `uses`: what
 * each of them takes of its delivery region's budget (budgeted promotions only).
 */
export type PromotionState =
  | { exists: false }
  | { exists: true; promotion: Promotion; redemptions: Readonly<Record<string, string>>; uses?: Readonly<Record<string, BudgetUse>> };

export const isCapped = (promotion: Pick<Promotion, 'caps'>) => promotion.caps.perDealer !== null || promotion.caps.total !== null;

export const hasBudgets = (promotion: Pick<Promotion, 'budgets'>) => Object.keys(promotion.budgets ?? {}).length > 0;

/** Whether orders using it record their redemption on its stream: capped or budgeted ones. */
export const isCounted = (promotion: Pick<Promotion, 'caps' | 'budgets'>) => isCapped(promotion) || hasBudgets(promotion);

export type RegionBudgetStatus = {
  regionCode: string;
  maxDiscountMinor: number | null;
  maxUnits: number | null;
  usedDiscountMinor: number;
  usedUnits: number;
};

/** Each region's budget with what the orders holding a redemption use of it. */
export function budgetsOf(state: Extract<PromotionState, { exists: true }>): RegionBudgetStatus[] {
  return Object.entries(state.promotion.budgets ?? {}).map(([regionCode, budget]) => {
    const uses = Object.values(state.uses ?? {}).filter((use) => use.regionCode === regionCode);
    return {
      regionCode,
      maxDiscountMinor: budget.maxDiscountMinor ?? null,
      maxUnits: budget.maxUnits ?? null,
      usedDiscountMinor: uses.reduce((sum, use) => sum + use.discountMinor, 0),
      usedUnits: uses.reduce((sum, use) => sum + use.units, 0),
    };
  });
}

/** What is left of the region's budget (Infinity where no limit applies). */
export function budgetLeft(state: Extract<PromotionState, { exists: true }>, regionCode: string): { discountMinor: number; units: number } {
  const status = budgetsOf(state).find((budget) => budget.regionCode === regionCode);
  if (!status) return { discountMinor: Infinity, units: Infinity };
  return {
    discountMinor: status.maxDiscountMinor === null ? Infinity : status.maxDiscountMinor - status.usedDiscountMinor,
    units: status.maxUnits === null ? Infinity : status.maxUnits - status.usedUnits,
  };
}

/** Until when the promotion applies: its end, or its early end if that came first. */
export function activeUntil(promotion: Pick<Promotion, 'endsAt' | 'endedAt'>): number {
  const endsAt = Date.parse(promotion.endsAt);
  return promotion.endedAt === null ? endsAt : Math.min(endsAt, Date.parse(promotion.endedAt));
}

/** Whether the promotion applies at `now`: started, and neither over nor ended. */
export const isActiveAt = (promotion: Pick<Promotion, 'startsAt' | 'endsAt' | 'endedAt'>, now: Date) =>
  Date.parse(promotion.startsAt) <= now.getTime() && now.getTime() < activeUntil(promotion);

export type PromotionStatus = 'scheduled' | 'active' | 'ended';

export function statusAt(promotion: Pick<Promotion, 'startsAt' | 'endsAt' | 'endedAt'>, now: Date): PromotionStatus {
  if (now.getTime() >= activeUntil(promotion)) return 'ended';
  return Date.parse(promotion.startsAt) <= now.getTime() ? 'active' : 'scheduled';
}

export type Usage = { byDealer: number; total: number };

/** The dealer an order redeemed the promotion for, if it holds a redemption. */
export const redemptionOf = (redemptions: Readonly<Record<string, string>>, orderId: string) => ownEntry(redemptions, orderId);

export function usageOf(redemptions: Readonly<Record<string, string>>, dealerId: string): Usage {
  const dealers = Object.values(redemptions);
  return { byDealer: dealers.filter((id) => id === dealerId).length, total: dealers.length };
}

/** Which cap, if any, a further redemption by a dealer with this usage would break. */
export function capReached(promotion: Pick<Promotion, 'caps'>, usage: Usage): 'perDealer' | 'total' | undefined {
  if (promotion.caps.perDealer !== null && usage.byDealer >= promotion.caps.perDealer) return 'perDealer';
  if (promotion.caps.total !== null && usage.total >= promotion.caps.total) return 'total';
  return undefined;
}

const utc = (timestamp: string) => new Date(timestamp).toISOString();
const distinct = (values: readonly string[]) => [...new Set(values)];

function recordedTerms(data: CreatePromotion & { id: string }): PromotionCreatedData {
  const { id, eligibility, caps, startsAt, endsAt, budgets: _budgets, ...rest } = data;
  return {
    promotionId: id,
    ...rest,
    startsAt: utc(startsAt),
    endsAt: utc(endsAt),
    eligibility: {
      tiers: distinct(eligibility.tiers),
      territories: distinct(eligibility.territories),
      dealerIds: distinct(eligibility.dealerIds),
      skus: distinct(eligibility.skus),
      brands: distinct(eligibility.brands),
      categories: distinct(eligibility.categories),
    },
    caps: { perDealer: caps.perDealer ?? null, total: caps.total ?? null },
    ...(Object.keys(data.budgets).length > 0 && { budgets: data.budgets }),
  };
}

export const promotionDecider: Decider<PromotionCommand, PromotionEvent, PromotionState> = {
  initialState: { exists: false },

  decide(command, state) {
    if (command.type === 'CreatePromotion') {
      if (state.exists) return refuse('promotion_exists', `Promotion ${command.data.id} already exists`, 'conflict');
      return [{ type: 'PromotionCreated', data: recordedTerms(command.data) }];
    }
    if (!state.exists) return refuse('promotion_not_found', 'The promotion does not exist', 'not_found');
    const { promotion, redemptions } = state;
    const promotionId = promotion.id;
    switch (command.type) {
      case 'EndPromotion': {
        // Ending twice, or ending what is already over, changes nothing.
        if (statusAt(promotion, new Date(command.data.now)) === 'ended') return [];
        return [{ type: 'PromotionEnded', data: { promotionId, endedAt: utc(command.data.now), reason: command.data.reason } }];
      }
      case 'RedeemPromotion': {
        const { orderId, dealerId, now, use } = command.data;
        // Promotions neither capped nor budgeted are not counted: orders never touch a popular promotion's stream.
        if (!isCounted(promotion) || redemptionOf(redemptions, orderId) !== undefined) return [];
        if (!isActiveAt(promotion, new Date(now))) {
          return refuse('promotion_not_active', `Promotion ${promotionId} (${promotion.title}) is not active at ${now}`);
        }
        const reached = capReached(promotion, usageOf(redemptions, dealerId));
        if (reached) {
          const which =
            reached === 'perDealer' ? `${promotion.caps.perDealer} order(s) per dealer` : `${promotion.caps.total} order(s) in all`;
          return refuse('promotion_cap_reached', `Promotion ${promotionId} (${promotion.title}) is capped at ${which}`);
        }
        const budgeted = use !== undefined && promotion.budgets?.[use.regionCode] !== undefined;
        if (budgeted) {
          const left = budgetLeft(state, use.regionCode);
          if (use.discountMinor > left.discountMinor || use.units > left.units) {
            return refuse(
              'promotion_budget_exhausted',
              `Promotion ${promotionId} (${promotion.title}) has no budget left for this order in region ${use.regionCode}`,
            );
          }
        }
        return [{ type: 'PromotionRedeemed', data: { promotionId, orderId, dealerId, ...(budgeted && { use }) } }];
      }
      case 'ReleasePromotion': {
        const dealerId = redemptionOf(redemptions, command.data.orderId);
        if (dealerId === undefined) return [];
        const use = ownEntry(state.uses, command.data.orderId);
        return [
          { type: 'PromotionRedemptionReleased', data: { promotionId, orderId: command.data.orderId, dealerId, ...(use && { use }) } },
        ];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PromotionCreated': {
        const { promotionId, ...rest } = event.data;
        return { exists: true, promotion: { ...rest, id: promotionId, endedAt: null } as Promotion, redemptions: {} };
      }
      case 'PromotionEnded':
        return state.exists ? { ...state, promotion: { ...state.promotion, endedAt: event.data.endedAt } } : state;
      case 'PromotionRedeemed': {
        if (!state.exists) return state;
        const { orderId, dealerId, use } = event.data;
        return {
          ...state,
          redemptions: { ...state.redemptions, [orderId]: dealerId },
          ...(use && { uses: { ...state.uses, [orderId]: use } }),
        };
      }
      case 'PromotionRedemptionReleased': {
        if (!state.exists) return state;
        const { [event.data.orderId]: _released, ...redemptions } = state.redemptions;
        const { [event.data.orderId]: _use, ...uses } = state.uses ?? {};
        return { ...state, redemptions, uses };
      }
    }
  },
};
