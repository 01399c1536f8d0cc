// Volume rebates (返利): a program (`rebate-<id>`) pays eligible dealers a percentage of the net
// value of eligible lines shipped in its period, less their returns, by the tier that value
// reaches; finance settles it after the period with one credit note per dealer. Each dealer's
// basis accrues on its own stream (`rebate-basis-<programId>@<dealerId>`), appended with the
// shipments and refunds that move it, so the figure settled is exactly what shipped.
import { z } from 'zod';
import { refuse, type Decider, type DomainEvent } from '../shared/decider.ts';
import { startOfBusinessDay } from '../shared/calendar.ts';
import {
  amountMinorSchema,
  dealerIdSchema,
  entityIdSchema,
  isoDateSchema,
  isoDateTimeSchema,
  regionCodeSchema,
  skuSchema,
  tierSchema,
} from '../shared/values.ts';

export const rebateStream = (programId: string) => `rebate-${programId}`;
export const rebateBasisStream = (programId: string, dealerId: string) => `rebate-basis-${programId}@${dealerId}`;

const codes = <T extends z.ZodType>(item: T) => z.array(item).max(1_000).default([]);

export const rebateEligibilitySchema = z
  .object({
    tiers: codes(tierSchema),
    dealers: codes(dealerIdSchema),
    territories: codes(regionCodeSchema).describe("The order's delivery region must be one of these."),
    skus: codes(skuSchema),
    brands: codes(z.string().trim().min(1).max(100)),
    categories: codes(z.string().trim().min(1).max(100)),
  })
  .strict()
  .describe('An empty list does not restrict; the lists given must all match.')
  .meta({ id: 'RebateEligibility' });

export const rebateTierSchema = z
  .object({
    fromMinor: amountMinorSchema.describe('From this basis (net shipped value, minor units) on...'),
    percent: z.number().gt(0).max(100).multipleOf(0.01).describe('...this percent of the whole basis is the rebate.'),
  })
  .strict();

/** A bound of the period: an instant, or a date meaning the instant its business day starts (kept as that instant). */
const periodBoundSchema = z.union([isoDateTimeSchema, isoDateSchema.transform((day) => startOfBusinessDay(day).toISOString())]);

export const createRebateProgramSchema = z
  .object({
    id: entityIdSchema.optional().describe('Absent: the server assigns one.'),
    title: z.string().trim().min(1).max(200),
    startsAt: periodBoundSchema.describe('An instant, or a date: the start of that business day (BUSINESS_TIME_ZONE).'),
    endsAt: periodBoundSchema.describe(
      'Exclusive; must be after startsAt. A date means the start of that business day: `2026-02-01` ends a January period.',
    ),
    eligibility: rebateEligibilitySchema.default({ tiers: [], dealers: [], territories: [], skus: [], brands: [], categories: [] }),
    tiers: z
      .array(rebateTierSchema)
      .min(1)
      .max(20)
      .refine(
        (tiers) => tiers.every((tier, index) => index === 0 || tier.fromMinor > tiers[index - 1]!.fromMinor),
        'must not overlap: fromMinor must increase from tier to tier',
      ),
  })
  .superRefine((program, context) => {
    if (Date.parse(program.endsAt) <= Date.parse(program.startsAt))
      context.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt', input: program.endsAt });
  })
  .meta({ id: 'RebateProgramRequest' });

export type CreateRebateProgram = z.infer<typeof createRebateProgramSchema>;
export type RebateEligibility = z.infer<typeof rebateEligibilitySchema>;
export type RebateTier = z.infer<typeof rebateTierSchema>;

export type RebateProgram = {
  programId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  eligibility: RebateEligibility;
  tiers: RebateTier[];
};

export type RebateSettlement = { dealerId: string; basisMinor: number; percent: number; amountMinor: number; creditNoteId: string | null };

export type RebateProgramCommand =
  | { type: 'CreateRebateProgram'; data: RebateProgram }
  | { type: 'JoinRebateProgram'; data: { programId: string; dealerId: string } }
  | { type: 'SettleRebateProgram'; data: { programId: string; now: string; settlements: RebateSettlement[] } };

export type RebateProgramEvent =
  | DomainEvent<'RebateProgramCreated', RebateProgram>
  | DomainEvent<'RebateParticipantJoined', { programId: string; dealerId: string }>
  | DomainEvent<'RebateProgramSettled', { programId: string; settledAt: string; settlements: RebateSettlement[] }>;

export const rebateProgramEventTypes = ['RebateProgramCreated', 'RebateParticipantJoined', 'RebateProgramSettled'] as const;

/** `participants`: dealers with a basis on the program; `settled`: what settling paid, once. */
export type RebateProgramState =
  | { exists: false }
  | {
      exists: true;
      program: RebateProgram;
      participants: ReadonlySet<string>;
      settled: { settledAt: string; settlements: RebateSettlement[] } | null;
    };

/** The tier a basis reaches (undefined: below the first), and the one after it. */
export function tierOf(tiers: readonly RebateTier[], basisMinor: number): { tier: RebateTier | undefined; next: RebateTier | undefined } {
  let index = -1;
  tiers.forEach((tier, position) => {
    if (tier.fromMinor <= basisMinor) index = position;
  });
  return { tier: tiers[index], next: tiers[index + 1] };
}

/** The rebate a basis earns: its tier's percent of the whole basis, rounded down to the minor unit. */
export const rebateOf = (tiers: readonly RebateTier[], basisMinor: number) => {
  const { tier } = tierOf(tiers, Math.max(0, basisMinor));
  return tier ? Math.floor((Math.max(0, basisMinor) * Math.round(tier.percent * 100)) / 10_000) : 0;
};

const matches = (allowed: readonly string[], value: string) => allowed.length === 0 || allowed.includes(value);

/** Whether the program is for this dealer and an order delivered to this region. */
export const dealerEligible = (program: RebateProgram, dealer: { dealerId: string; tier: string }, regionCode: string) =>
  matches(program.eligibility.dealers, dealer.dealerId) &&
  matches(program.eligibility.tiers, dealer.tier) &&
  matches(program.eligibility.territories, regionCode);

/** Whether the dealer may earn on the program at all (its territories are checked per order's region). */
export const dealerMayEarn = (program: RebateProgram, dealer: { dealerId: string; tier: string }) =>
  matches(program.eligibility.dealers, dealer.dealerId) && matches(program.eligibility.tiers, dealer.tier);

/** Whether a line of this product counts towards the program's basis. */
export const lineEligible = (program: RebateProgram, product: { sku: string; brand: string; category: string }) =>
  matches(program.eligibility.skus, product.sku) &&
  matches(program.eligibility.brands, product.brand) &&
  matches(program.eligibility.categories, product.category);

/** Whether `at` falls in the program's period. */
export const inPeriod = (program: Pick<RebateProgram, 'startsAt' | 'endsAt'>, at: Date) =>
  Date.parse(program.startsAt) <= at.getTime() && at.getTime() < Date.parse(program.endsAt);

export const rebateProgramDecider: Decider<RebateProgramCommand, RebateProgramEvent, RebateProgramState> = {
  initialState: { exists: false },
  decide(command, state) {
    if (command.type === 'CreateRebateProgram') {
      if (state.exists) return refuse('rebate_program_exists', `Rebate program ${command.data.programId} already exists`, 'conflict');
      return [{ type: 'RebateProgramCreated', data: command.data }];
    }
    if (!state.exists) return refuse('rebate_program_not_found', `Rebate program ${command.data.programId} does not exist`, 'not_found');
    if (command.type === 'JoinRebateProgram') {
      return state.participants.has(command.data.dealerId) ? [] : [{ type: 'RebateParticipantJoined', data: command.data }];
    }
    if (state.settled) return [];
    if (Date.parse(command.data.now) < Date.parse(state.program.endsAt)) {
      return refuse(
        'rebate_program_not_ended',
        `Rebate program ${state.program.programId} runs until ${state.program.endsAt}; it is settled after it ends`,
        'conflict',
      );
    }
    return [
      {
        type: 'RebateProgramSettled',
        data: { programId: state.program.programId, settledAt: command.data.now, settlements: command.data.settlements },
      },
    ];
  },
  evolve(state, event) {
    if (event.type === 'RebateProgramCreated') return { exists: true, program: event.data, participants: new Set(), settled: null };
    if (!state.exists) return state;
    if (event.type === 'RebateParticipantJoined') return { ...state, participants: new Set(state.participants).add(event.data.dealerId) };
    return { ...state, settled: { settledAt: event.data.settledAt, settlements: event.data.settlements } };
  },
};

export type RebateBasisCommand =
  | { type: 'AccrueRebateBasis'; data: { programId: string; dealerId: string; orderId: string; shipmentId: string; basisMinor: number } }
  | { type: 'ReduceRebateBasis'; data: { programId: string; dealerId: string; orderId: string; returnId: string; amountMinor: number } };

export type RebateBasisEvent =
  | DomainEvent<'RebateBasisAccrued', { programId: string; dealerId: string; orderId: string; shipmentId: string; basisMinor: number }>
  | DomainEvent<'RebateBasisReduced', { programId: string; dealerId: string; orderId: string; returnId: string; amountMinor: number }>;

export const rebateBasisEventTypes = ['RebateBasisAccrued', 'RebateBasisReduced'] as const;

/** The dealer's basis on a program, what each order brought to it, and the shipments and returns counted. */
export type RebateBasisState = { basisMinor: number; byOrder: ReadonlyMap<string, number>; counted: ReadonlySet<string> };

export const rebateBasisDecider: Decider<RebateBasisCommand, RebateBasisEvent, RebateBasisState> = {
  initialState: { basisMinor: 0, byOrder: new Map(), counted: new Set() },
  decide(command, state) {
    if (command.type === 'AccrueRebateBasis') {
      if (state.counted.has(`shipment:${command.data.shipmentId}`) || command.data.basisMinor <= 0) return [];
      return [{ type: 'RebateBasisAccrued', data: command.data }];
    }
    // A return takes back no more than its order brought to the basis.
    const amountMinor = Math.min(command.data.amountMinor, state.byOrder.get(command.data.orderId) ?? 0);
    if (state.counted.has(`return:${command.data.returnId}`) || amountMinor <= 0) return [];
    return [{ type: 'RebateBasisReduced', data: { ...command.data, amountMinor } }];
  },
  evolve(state, event) {
    const { orderId } = event.data;
    const change = event.type === 'RebateBasisAccrued' ? event.data.basisMinor : -event.data.amountMinor;
    const key = event.type === 'RebateBasisAccrued' ? `shipment:${event.data.shipmentId}` : `return:${event.data.returnId}`;
    return {
      basisMinor: state.basisMinor + change,
      byOrder: new Map(state.byOrder).set(orderId, (state.byOrder.get(orderId) ?? 0) + change),
      counted: new Set(state.counted).add(key),
    };
  },
};

/** The programs there are (`index-rebates`): each listed when created, so shipments find them without a read model. */
export const rebateIndexStream = 'index-rebates';

export type RebateIndexCommand = { type: 'ListRebateProgram'; data: { programId: string; startsAt: string; endsAt: string } };
export type RebateIndexEvent = DomainEvent<'RebateProgramListed', { programId: string; startsAt: string; endsAt: string }>;
export type RebateIndexState = { programs: ReadonlyMap<string, { startsAt: string; endsAt: string }> };

export const rebateIndexDecider: Decider<RebateIndexCommand, RebateIndexEvent, RebateIndexState> = {
  initialState: { programs: new Map() },
  decide(command, state) {
    return state.programs.has(command.data.programId) ? [] : [{ type: 'RebateProgramListed', data: command.data }];
  },
  evolve(state, event) {
    const { programId, startsAt, endsAt } = event.data;
    return { programs: new Map(state.programs).set(programId, { startsAt, endsAt }) };
  },
};

/** Programs whose period holds `at`. */
export const programsAt = (index: RebateIndexState, at: Date) =>
  [...index.programs].filter(([, window]) => inPeriod(window, at)).map(([programId]) => programId);
