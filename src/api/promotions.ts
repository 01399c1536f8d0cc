// Promotion routes: ops create and end promotions; everyone lists them, a dealer only those it may have.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { dealerProfile } from '../projections/dealers/queries.ts';
import type { Db } from '../db/database.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createPromotionSchema,
  budgetsOf,
  promotionDecider,
  promotionStream,
  PROMOTION_KINDS,
  ruleSchemas,
  statusAt,
  type Promotion,
  type PromotionState,
} from '../domain/promotions/promotion.ts';
import { regionIndexDecider, regionIndexStream } from '../domain/regions/region-index.ts';
import { dealerIdSchema, entityIdSchema } from '../domain/shared/values.ts';
import { createPromotion, endPromotion } from '../processes/promotion-terms.ts';
import { findPromotion, listPromotions, type PromotionViewer } from '../projections/promotions/queries.ts';
import { actingDealerId, principalOf, type Role } from './auth.ts';
import { commandContext, positionOf, send } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { historyPageSchema, historyQuery, streamHistory } from './history.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';
import { HttpProblem, notFound, refusalProblem } from './problem.ts';

const EVERYONE: Role[] = ['dealer', 'ops', 'finance', 'analyst', 'integration'];

const promotionSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    kind: z.enum(PROMOTION_KINDS),
    rule: z.union(Object.values(ruleSchemas)).describe('The rule of the kind.'),
    priority: z.number().int(),
    stackable: z.boolean(),
    eligibility: z.object({
      tiers: z.array(z.string()),
      territories: z.array(z.string()),
      dealerIds: z.array(z.string()).describe('A dealer sees only its own id here.'),
      skus: z.array(z.string()),
      brands: z.array(z.string()),
      categories: z.array(z.string()),
    }),
    caps: z.object({ perDealer: z.number().int().nullable(), total: z.number().int().nullable() }),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    endedAt: z.iso.datetime().nullable().describe('When operations ended it early.'),
    status: z.enum(['scheduled', 'active', 'ended']),
    redemptions: z.number().int().optional().describe('Orders holding a redemption of a capped promotion; staff only.'),
    budgets: z
      .array(
        z.object({
          regionCode: z.string(),
          maxDiscountMinor: z.number().int().nullable(),
          maxUnits: z.number().int().nullable(),
          usedDiscountMinor: z.number().int(),
          usedUnits: z.number().int(),
          remainingDiscountMinor: z.number().int().nullable(),
          remainingUnits: z.number().int().nullable(),
        }),
      )
      .describe('Per delivery region: its budget, what orders holding a redemption use of it, and what is left (null: no limit).'),
    version: z.number().int(),
  })
  .meta({ id: 'Promotion' });

const promotionWrittenSchema = promotionSchema
  .extend({ position: z.string().describe('Global position of the last event of this command.') })
  .meta({ id: 'PromotionWritten' });

type Viewer = PromotionViewer & { staff: boolean };

/**
 * The caller as a promotion audience: staff see everything, or what the dealer they name may
 * have; a dealer what it may have. Tier and territories are not known to this context yet, so a
 * dealer matches no tier- or territory-restricted promotion.
 */
async function viewerOf(db: Db, request: FastifyRequest, requestedDealer: string | undefined): Promise<Viewer> {
  const staff = principalOf(request).role !== 'dealer';
  const dealerId = actingDealerId(request, requestedDealer);
  const profile = dealerId === undefined ? undefined : await dealerProfile(db, dealerId);
  return { dealerId, tier: profile?.tier, territories: profile?.territories, staff };
}

type BudgetView = z.infer<typeof promotionSchema>['budgets'][number];

/** Each region's budget as terms only (used: 0), for a promotion whose stream was not read. */
const termsOnly = (promotion: Promotion): BudgetView[] =>
  Object.entries(promotion.budgets ?? {}).map(([regionCode, budget]) => ({
    regionCode,
    maxDiscountMinor: budget.maxDiscountMinor ?? null,
    maxUnits: budget.maxUnits ?? null,
    usedDiscountMinor: 0,
    usedUnits: 0,
    remainingDiscountMinor: budget.maxDiscountMinor ?? null,
    remainingUnits: budget.maxUnits ?? null,
  }));

function budgetViews(state: Extract<PromotionState, { exists: true }>): BudgetView[] {
  return budgetsOf(state).map((budget) => ({
    ...budget,
    remainingDiscountMinor: budget.maxDiscountMinor === null ? null : budget.maxDiscountMinor - budget.usedDiscountMinor,
    remainingUnits: budget.maxUnits === null ? null : budget.maxUnits - budget.usedUnits,
  }));
}

function toView(
  promotion: Promotion,
  extra: { redemptions: number; version: number; budgetStatus?: BudgetView[] },
  viewer: Viewer,
  now: Date,
) {
  const { eligibility } = promotion;
  return {
    id: promotion.id,
    title: promotion.title,
    kind: promotion.kind,
    rule: promotion.rule,
    priority: promotion.priority,
    stackable: promotion.stackable,
    eligibility: viewer.staff ? eligibility : { ...eligibility, dealerIds: eligibility.dealerIds.filter((id) => id === viewer.dealerId) },
    caps: promotion.caps,
    startsAt: promotion.startsAt,
    endsAt: promotion.endsAt,
    endedAt: promotion.endedAt,
    status: statusAt(promotion, now),
    ...(viewer.staff && { redemptions: extra.redemptions }),
    budgets: extra.budgetStatus ?? termsOnly(promotion),
    version: extra.version,
  };
}

const STAFF_VIEW: Viewer = { dealerId: undefined, staff: true };

export function promotionRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { commands, store, db } = deps;

  return async (app) => {
    app.post(
      '/v1/promotions',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['promotions'],
          summary: 'Create a promotion',
          description:
            'Kinds: `percent_off`, `amount_off` (per unit or per line), `spend_threshold` (spend X on eligible lines, get Y off, ' +
            'shared across them), `buy_x_get_y` (gift units of the same or another SKU), `bundle_price` (a set of SKUs at a fixed ' +
            'price), `tiered_quantity` (unit discount by quantity breaks). Exclusive promotions (`stackable: false`, the default) ' +
            'never combine with another on the same line; higher `priority` applies first.',
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: createPromotionSchema,
          response: { 201: promotionWrittenSchema, ...problemResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const context = commandContext(request);
            const id = request.body.id ?? randomUUID();
            const { state: regions } = await commands.load(regionIndexDecider, regionIndexStream);
            const unknown = Object.keys(request.body.budgets).filter((regionCode) => !regions.regions.has(regionCode));
            if (unknown.length > 0) {
              throw new HttpProblem(
                400,
                'validation_failed',
                `Budgets name regions no warehouse or dealer territory has: ${unknown.join(', ')}`,
                {
                  errors: unknown.map((regionCode) => ({
                    path: `body.budgets.${regionCode}`,
                    message: 'is not a known region (no warehouse or dealer territory names it)',
                  })),
                },
              );
            }
            const handled = await createPromotion(commands, { ...request.body, id }, context);
            if (!handled.ok) throw refusalProblem(handled.refusal);
            const view = toView(handled.state.promotion, { redemptions: 0, version: handled.revision }, STAFF_VIEW, context.now);
            return { status: 201, body: { ...view, position: await positionOf(store, handled.position) } };
          }),
        ),
    );

    app.post(
      '/v1/promotions/:id/end',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['promotions'],
          summary: 'End a promotion now',
          description: 'Ending a promotion that is already over changes nothing.',
          params: z.object({ id: entityIdSchema }),
          body: z
            .object({ reason: z.string().trim().min(1).max(500).optional() })
            .nullish()
            .describe('Optional.'),
          response: { 200: promotionWrittenSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const context = commandContext(request);
        const handled = await endPromotion(commands, request.params.id, request.body?.reason ?? null, context);
        if (!handled.ok) throw refusalProblem(handled.refusal);
        const { promotion, redemptions } = handled.state;
        const view = toView(
          promotion,
          { redemptions: Object.keys(redemptions).length, version: handled.revision },
          STAFF_VIEW,
          context.now,
        );
        return { ...view, position: await positionOf(store, handled.position) };
      },
    );

    app.get(
      '/v1/promotions',
      {
        config: { access: EVERYONE },
        schema: {
          tags: ['promotions'],
          summary: 'List promotions',
          description: 'A dealer sees only the promotions it may have. Staff may name a `dealerId` to see what that dealer sees.',
          querystring: z.object({
            active: z.enum(['true', 'false']).optional().describe('true: only those active now; false: only scheduled or ended ones.'),
            dealerId: dealerIdSchema.optional(),
            ...pageQuery,
          }),
          response: { 200: pageOf(promotionSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { active, dealerId, limit, cursor } = request.query;
        const viewer = await viewerOf(db, request, dealerId);
        const now = new Date();
        const afterId = decodeCursor(cursor, z.string());
        const rows = await listPromotions(db, {
          viewer,
          now,
          active: active === undefined ? undefined : active === 'true',
          limit,
          afterId,
        });
        return paginate(
          rows,
          limit,
          (row) => toView(row, row, viewer, now),
          (row) => row.id,
        );
      },
    );

    app.get(
      '/v1/promotions/:id',
      {
        config: { access: EVERYONE },
        schema: {
          tags: ['promotions'],
          summary: 'Get a promotion',
          params: z.object({ id: entityIdSchema }),
          querystring: z.object({ dealerId: dealerIdSchema.optional() }),
          response: { 200: promotionSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const viewer = await viewerOf(db, request, request.query.dealerId);
        const row = await findPromotion(db, request.params.id, viewer);
        if (!row) throw notFound(`Promotion ${request.params.id}`);
        // What the budgets have left, from the promotion's own stream: exactly what orders meet.
        const { state } = await commands.load(promotionDecider, promotionStream(request.params.id));
        return toView(row, { ...row, ...(state.exists && { budgetStatus: budgetViews(state) }) }, viewer, new Date());
      },
    );

    app.get(
      '/v1/promotions/:id/history',
      {
        config: { access: ['ops', 'finance', 'analyst'] },
        schema: {
          tags: ['promotions'],
          summary: 'Every event of a promotion: creation, early end, redemptions and releases',
          params: z.object({ id: entityIdSchema }),
          querystring: historyQuery,
          response: { 200: historyPageSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const page = await streamHistory(store, deps.upcasting, promotionStream(request.params.id), request.query);
        if (!page) throw notFound(`Promotion ${request.params.id}`);
        return page;
      },
    );
  };
}
