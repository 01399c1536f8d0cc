// Volume rebate routes: ops and finance create programs, finance settles them after their period,
// a dealer sees how far it is from its next tier.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createRebateProgramSchema,
  rebateIndexDecider,
  rebateIndexStream,
  rebateProgramDecider,
  rebateStream,
  type RebateProgramState,
} from '../domain/rebates/rebate-program.ts';
import { dealerIdSchema, entityIdSchema } from '../domain/shared/values.ts';
import { createRebateProgram, dealerRebates, settleRebateProgram, type ProgramOutcome } from '../processes/rebates.ts';
import { assertOwnDealer, type Role } from './auth.ts';
import { commandContext, positionOf, send } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';
import { notFound, refusalProblem } from './problem.ts';

const READERS: Role[] = ['ops', 'finance', 'analyst'];

const tierSchema = z.object({ fromMinor: z.number().int(), percent: z.number() });

const programSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    eligibility: z.object({
      tiers: z.array(z.string()),
      dealers: z.array(z.string()),
      territories: z.array(z.string()),
      skus: z.array(z.string()),
      brands: z.array(z.string()),
      categories: z.array(z.string()),
    }),
    tiers: z.array(tierSchema),
    participants: z.number().int().describe('Dealers with a basis on the program.'),
    settledAt: z.iso.datetime().nullable(),
    settlements: z
      .array(
        z.object({
          dealerId: z.string(),
          basisMinor: z.number().int(),
          percent: z.number(),
          amountMinor: z.number().int(),
          creditNoteId: z.string().nullable(),
        }),
      )
      .describe('What settling credited each participant (empty until settled).'),
    version: z.number().int(),
  })
  .meta({ id: 'RebateProgram' });

const programWrittenSchema = programSchema
  .extend({ position: z.string().describe('Global position of the last event of this command.') })
  .meta({ id: 'RebateProgramWritten' });

const dealerRebateSchema = z
  .object({
    programId: z.string(),
    title: z.string(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    basisMinor: z.number().int().describe('Net value of eligible lines shipped in the period, less their returns.'),
    tierPercent: z.number().describe('The percent of the tier the basis reaches (0: below the first).'),
    accruedMinor: z.number().int().describe('The rebate the basis earns so far.'),
    settledMinor: z.number().int().describe('What settling credited (0 until settled).'),
    nextTier: z
      .object({ fromMinor: z.number().int(), percent: z.number(), missingMinor: z.number().int() })
      .optional()
      .describe('The next tier, and how much basis it still needs.'),
  })
  .meta({ id: 'DealerRebate' });

const programParams = z.object({ id: entityIdSchema });

const newProgramId = () => `RP-${randomBytes(5).toString('hex').toUpperCase()}`;

function toView(state: Extract<RebateProgramState, { exists: true }>, version: number) {
  const { program, participants, settled } = state;
  return {
    id: program.programId,
    title: program.title,
    startsAt: program.startsAt,
    endsAt: program.endsAt,
    eligibility: program.eligibility,
    tiers: program.tiers,
    participants: participants.size,
    settledAt: settled?.settledAt ?? null,
    settlements: settled?.settlements ?? [],
    version,
  };
}

export function rebateRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { commands, store, db } = deps;

  async function written(outcome: ProgramOutcome) {
    if (!outcome.ok) throw refusalProblem(outcome.refusal);
    return { ...toView(outcome.state, outcome.revision), position: await positionOf(store, outcome.position) };
  }

  return async (app) => {
    app.post(
      '/v1/rebate-programs',
      {
        config: { access: ['ops', 'finance'] },
        schema: {
          tags: ['rebates'],
          summary: 'Create a volume rebate program',
          description:
            "The basis is the net value of a dealer's eligible lines shipped in [startsAt, endsAt), less their returns; the rebate is the percent of " +
            'the highest tier the basis reaches, of the whole basis. Tiers must not overlap (fromMinor increasing).',
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: createRebateProgramSchema,
          response: { 201: programWrittenSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const { id, title, startsAt, endsAt, eligibility, tiers } = request.body;
            const program = {
              programId: id ?? newProgramId(),
              title,
              startsAt: new Date(startsAt).toISOString(),
              endsAt: new Date(endsAt).toISOString(),
              eligibility,
              tiers,
            };
            return { status: 201, body: await written(await createRebateProgram(commands, program, commandContext(request))) };
          }),
        ),
    );

    app.get(
      '/v1/rebate-programs',
      {
        config: { access: READERS },
        schema: {
          tags: ['rebates'],
          summary: 'List rebate programs, by id',
          querystring: z.object({ ...pageQuery }),
          response: { 200: pageOf(programSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const after = decodeCursor(request.query.cursor, entityIdSchema);
        const { state: index } = await commands.load(rebateIndexDecider, rebateIndexStream);
        const ids = [...index.programs.keys()]
          .sort()
          .filter((id) => after === undefined || id > after)
          .slice(0, request.query.limit + 1);
        const programs = await Promise.all(
          ids.map(async (id) => ({ id, ...(await commands.load(rebateProgramDecider, rebateStream(id))) })),
        );
        const views = programs.flatMap(({ state, revision }) => (state.exists ? [toView(state, revision)] : []));
        return paginate(
          views,
          request.query.limit,
          (view) => view,
          (view) => view.id,
        );
      },
    );

    app.get(
      '/v1/rebate-programs/:id',
      {
        config: { access: READERS },
        schema: {
          tags: ['rebates'],
          summary: 'Get a rebate program, with its settlements once settled',
          params: programParams,
          response: { 200: programSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { state, revision } = await commands.load(rebateProgramDecider, rebateStream(request.params.id));
        if (!state.exists) throw notFound(`Rebate program ${request.params.id}`);
        return toView(state, revision);
      },
    );

    app.post(
      '/v1/rebate-programs/:id/settle',
      {
        config: { access: ['finance'] },
        schema: {
          tags: ['rebates'],
          summary: "Settle an ended program: each dealer's rebate credited to its ledger once, as credit note RB-<programId>",
          description: 'Before the program ends: 409 rebate_program_not_ended. Settling again changes nothing and answers the settlement.',
          params: programParams,
          response: { 200: programWrittenSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => written(await settleRebateProgram(commands, request.params.id, commandContext(request))),
    );

    app.get(
      '/v1/dealers/:id/rebates',
      {
        config: { access: ['dealer', 'ops', 'finance'] },
        schema: {
          tags: ['rebates'],
          summary: "A dealer's standing on each rebate program: basis, tier, rebate so far, what is settled, and how far the next tier is",
          params: z.object({ id: dealerIdSchema }),
          response: { 200: z.object({ items: z.array(dealerRebateSchema) }), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        assertOwnDealer(request, request.params.id, `Dealer ${request.params.id}`);
        return { items: await dealerRebates(commands, request.params.id) };
      },
    );
  };
}
