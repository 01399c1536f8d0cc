// Dealer routes: ops register dealers and change tier, territories, terms and status; staff list
// and read dealers, a dealer reads itself.
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  changePaymentTermsSchema,
  changeTerritoriesSchema,
  changeTierSchema,
  DEALER_STATUSES,
  dealerDecider,
  dealerStream,
  registerDealerSchema,
  suspendDealerSchema,
  shelfLifeSchema,
  type Dealer,
  type DealerCommand,
  type DealerState,
} from '../domain/dealers/dealer.ts';
import { amountMinorSchema, dealerIdSchema, regionCodeSchema, tierSchema } from '../domain/shared/values.ts';
import { changeTerritories, registerDealer } from '../processes/registrations.ts';
import { findDealer, listDealers, type DealerRow } from '../projections/dealers/queries.ts';
import { assertOwnDealer, type Role } from './auth.ts';
import { accepted, commandContext, positionOf, send } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';
import { notFound, refusalProblem } from './problem.ts';

const STAFF: Role[] = ['ops', 'finance', 'analyst', 'integration'];

const dealerFields = {
  id: z.string(),
  name: z.string(),
  tier: z.string(),
  territories: z.array(z.string()),
  paymentTermsDays: z.number().int(),
  prepay: z.boolean(),
  status: z.enum(DEALER_STATUSES),
  suspensionReason: z.string().nullable(),
  minRemainingDays: shelfLifeSchema.shape.minRemainingDays,
  version: z.number().int().describe('The dealer stream revision.'),
};

const dealerSchema = z.object({ ...dealerFields, registeredAt: z.iso.datetime(), updatedAt: z.iso.datetime() }).meta({ id: 'Dealer' });

const dealerWrittenSchema = z
  .object({ ...dealerFields, position: z.string().describe('Global position of the last event of this command.') })
  .meta({ id: 'DealerWritten' });

const dealerRegisteredSchema = dealerWrittenSchema
  .extend({ creditLimitMinor: z.number().int().describe("The credit ledger's limit.") })
  .meta({ id: 'DealerRegisteredResponse' });

export const registerDealerBodySchema = registerDealerSchema.extend({
  creditLimitMinor: amountMinorSchema.describe('Opens the credit ledger with this limit.'),
});

const dealerParams = z.object({ id: dealerIdSchema });

/** API.md names no body for a suspension: the reason is asked for, not required. */
const NO_REASON = 'No reason given';
const suspendBodySchema = z
  .object({ reason: suspendDealerSchema.shape.reason.optional().describe(`Why; default "${NO_REASON}".`) })
  .nullish();

const newDealerId = () => `D-${randomBytes(5).toString('hex').toUpperCase()}`;

function fromState(dealer: Dealer, revision: number) {
  const { dealerId, ...rest } = dealer;
  return { id: dealerId, ...rest, version: revision };
}

function toDealer(row: DealerRow) {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    territories: row.territories,
    paymentTermsDays: row.payment_terms_days,
    prepay: row.prepay,
    status: row.status,
    suspensionReason: row.suspension_reason,
    minRemainingDays: row.min_remaining_days,
    version: row.version,
    registeredAt: row.registered_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function existing(state: DealerState): Dealer {
  if (!state.exists) throw new Error('an accepted dealer command leaves the dealer existing');
  return state.dealer;
}

export function dealerRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { commands, store, db } = deps;

  return async (app) => {
    /** A change to an existing dealer, answered with the dealer as it now is. */
    async function changeDealer(request: FastifyRequest, command: DealerCommand) {
      const handled = accepted(await commands.handle(dealerDecider, dealerStream(command.data.dealerId), command, commandContext(request)));
      return { ...fromState(existing(handled.state), handled.revision), position: await positionOf(store, handled.position) };
    }

    app.post(
      '/v1/dealers',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['dealers'],
          summary: 'Register a dealer and open its credit ledger',
          description:
            'Registering the same dealer again with the same details changes nothing and answers as the first time (so a retry ' +
            'converges, and never resets a credit limit changed since); other details under an existing id are a 409.',
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: registerDealerBodySchema,
          response: { 201: dealerRegisteredSchema, ...problemResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const context = commandContext(request);
            const { id, creditLimitMinor, ...details } = request.body;
            const dealerId = id ?? newDealerId();
            const registered = await registerDealer(commands, { ...details, dealerId }, creditLimitMinor, context);
            if (!registered.ok) throw refusalProblem(registered.refusal);
            const { dealer, credit } = registered.state;
            const body = {
              ...fromState(existing(dealer), registered.revision),
              creditLimitMinor: credit.limitMinor,
              position: await positionOf(store, registered.position),
            };
            return { status: 201, body };
          }),
        ),
    );

    app.get(
      '/v1/dealers',
      {
        config: { access: STAFF },
        schema: {
          tags: ['dealers'],
          summary: 'List dealers',
          description: 'By id, filtered by tier, status and territory (dealers whose territories include the region).',
          querystring: z.object({
            tier: tierSchema.optional(),
            status: z.enum(DEALER_STATUSES).optional(),
            territory: regionCodeSchema.optional(),
            ...pageQuery,
          }),
          response: { 200: pageOf(dealerSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { tier, status, territory, limit, cursor } = request.query;
        const afterId = decodeCursor(cursor, z.string());
        const rows = await listDealers(db, { tier, status, territory, limit, afterId });
        return paginate(rows, limit, toDealer, (row) => row.id);
      },
    );

    app.get(
      '/v1/dealers/:id',
      {
        config: { access: ['dealer', ...STAFF] },
        schema: {
          tags: ['dealers'],
          summary: 'Get a dealer',
          description: 'A dealer may read only itself.',
          params: dealerParams,
          response: { 200: dealerSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { id } = request.params;
        assertOwnDealer(request, id, `Dealer ${id}`);
        const row = await findDealer(db, id);
        if (!row) throw notFound(`Dealer ${id}`);
        return toDealer(row);
      },
    );

    app.put(
      '/v1/dealers/:id/territories',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['dealers'],
          summary: "Replace a dealer's territories",
          params: dealerParams,
          body: changeTerritoriesSchema,
          response: { 200: dealerWrittenSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const changed = await changeTerritories(commands, request.params.id, request.body.territories, commandContext(request));
        if (!changed.ok) throw refusalProblem(changed.refusal);
        return { ...fromState(existing(changed.state), changed.revision), position: await positionOf(store, changed.position) };
      },
    );

    app.put(
      '/v1/dealers/:id/tier',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['dealers'],
          summary: "Change a dealer's tier",
          description: 'The tier selects the price list the dealer buys from.',
          params: dealerParams,
          body: changeTierSchema,
          response: { 200: dealerWrittenSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => changeDealer(request, { type: 'ChangeTier', data: { dealerId: request.params.id, ...request.body } }),
    );

    app.put(
      '/v1/dealers/:id/payment-terms',
      {
        config: { access: ['ops', 'finance'] },
        schema: {
          tags: ['dealers'],
          summary: "Change a dealer's payment terms and prepay flag",
          description: 'Applies to charges from now on; charges already made keep their due dates.',
          params: dealerParams,
          body: changePaymentTermsSchema,
          response: { 200: dealerWrittenSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => changeDealer(request, { type: 'ChangePaymentTerms', data: { dealerId: request.params.id, ...request.body } }),
    );

    app.put(
      '/v1/dealers/:id/shelf-life',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['dealers'],
          summary: "Set the minimum remaining shelf life the dealer's orders take",
          description:
            "The dealer's orders reserve and ship only lots expiring at least `minRemainingDays` after the order day (0: any sellable lot); " +
            'an order the eligible lots cannot cover is held with insufficient_stock, naming the eligible quantity.',
          params: dealerParams,
          body: shelfLifeSchema,
          response: { 200: dealerWrittenSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => changeDealer(request, { type: 'SetShelfLifeRequirement', data: { dealerId: request.params.id, ...request.body } }),
    );

    app.post(
      '/v1/dealers/:id/suspend',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['dealers'],
          summary: 'Suspend a dealer',
          description: "A suspended dealer's new orders are rejected. Suspending a suspended dealer changes nothing.",
          params: dealerParams,
          body: suspendBodySchema,
          response: { 200: dealerWrittenSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) =>
        changeDealer(request, { type: 'SuspendDealer', data: { dealerId: request.params.id, reason: request.body?.reason ?? NO_REASON } }),
    );

    app.post(
      '/v1/dealers/:id/reinstate',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['dealers'],
          summary: 'Reinstate a suspended dealer',
          description: 'Reinstating an active dealer changes nothing.',
          params: dealerParams,
          response: { 200: dealerWrittenSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => changeDealer(request, { type: 'ReinstateDealer', data: { dealerId: request.params.id } }),
    );
  };
}
