// The dealer aggregate (`dealer-<id>`): registration, tier, territories, payment terms, suspension.
import { z } from 'zod';
import { addDays, businessDayOf } from '../shared/calendar.ts';
import { refuse, type Decider, type DomainEvent } from '../shared/decider.ts';
import { dealerIdSchema, regionCodeSchema, tierSchema } from '../shared/values.ts';

export const dealerStream = (dealerId: string) => `dealer-${dealerId}`;

export const DEALER_STATUSES = ['active', 'suspended'] as const;
export type DealerStatus = (typeof DEALER_STATUSES)[number];

export const DEFAULT_PAYMENT_TERMS_DAYS = 30;

export const territoriesSchema = z.array(regionCodeSchema).min(1).max(200).describe('Region codes the dealer may order for, e.g. `CN-31`.');

export const paymentTermsDaysSchema = z
  .number()
  .int()
  .min(0)
  .max(365)
  .describe('Days after shipment until a charge is due; 0: due on shipment.');

const dealerNameSchema = z.string().trim().min(1).max(200);

/** A dealer's registration as the API takes it (its credit limit goes to the credit ledger). */
export const registerDealerSchema = z.object({
  id: dealerIdSchema.optional().describe('Absent: the server assigns `D-<random>`.'),
  name: dealerNameSchema,
  tier: tierSchema,
  territories: territoriesSchema,
  paymentTermsDays: paymentTermsDaysSchema.default(DEFAULT_PAYMENT_TERMS_DAYS),
  prepay: z.boolean().default(false).describe('true: the dealer pays before its orders ship.'),
});

export const changeTerritoriesSchema = z.object({ territories: territoriesSchema });
export const changeTierSchema = z.object({ tier: tierSchema });
export const changePaymentTermsSchema = z.object({ paymentTermsDays: paymentTermsDaysSchema, prepay: z.boolean() });
export const suspendDealerSchema = z.object({ reason: z.string().trim().min(1).max(500) });
export const shelfLifeSchema = z.object({
  minRemainingDays: z
    .number()
    .int()
    .min(0)
    .max(3_650)
    .describe("The dealer's orders reserve and ship only lots expiring at least this many days after the order day; 0: any sellable lot."),
});

export type DealerRegistration = {
  dealerId: string;
  name: string;
  tier: string;
  territories: string[];
  paymentTermsDays: number;
  prepay: boolean;
};

export type Dealer = DealerRegistration & {
  status: DealerStatus;
  suspensionReason: string | null;
  /** Minimum remaining shelf life, in days after the order day, of the lots its orders take (0: none). */
  minRemainingDays: number;
};

export type DealerCommand =
  | { type: 'RegisterDealer'; data: DealerRegistration }
  | { type: 'ChangeTerritories'; data: { dealerId: string; territories: string[] } }
  | { type: 'ChangeTier'; data: { dealerId: string; tier: string } }
  | { type: 'ChangePaymentTerms'; data: { dealerId: string; paymentTermsDays: number; prepay: boolean } }
  | { type: 'SuspendDealer'; data: { dealerId: string; reason: string } }
  | { type: 'ReinstateDealer'; data: { dealerId: string } }
  | { type: 'SetShelfLifeRequirement'; data: { dealerId: string; minRemainingDays: number } };

export type DealerEvent =
  | DomainEvent<'DealerRegistered', DealerRegistration>
  | DomainEvent<'DealerTerritoriesChanged', { dealerId: string; territories: string[] }>
  | DomainEvent<'DealerTierChanged', { dealerId: string; tier: string }>
  | DomainEvent<'PaymentTermsChanged', { dealerId: string; paymentTermsDays: number; prepay: boolean }>
  | DomainEvent<'DealerSuspended', { dealerId: string; reason: string }>
  | DomainEvent<'DealerReinstated', { dealerId: string }>
  | DomainEvent<'DealerShelfLifeRequirementSet', { dealerId: string; minRemainingDays: number }>;

/** `registration` is kept as first registered, so that a retried registration is recognised. */
export type DealerState = { exists: false } | { exists: true; registration: DealerRegistration; dealer: Dealer };

export const dealerEventTypes = [
  'DealerRegistered',
  'DealerTerritoriesChanged',
  'DealerTierChanged',
  'PaymentTermsChanged',
  'DealerSuspended',
  'DealerReinstated',
  'DealerShelfLifeRequirementSet',
] as const;

/** Territories are a set: sorted, without duplicates, so equal sets compare equal. */
export function normalizeTerritories(territories: readonly string[]): string[] {
  return [...new Set(territories)].sort();
}

const sameTerritories = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((code, index) => code === b[index]);

function sameRegistration(a: DealerRegistration, b: DealerRegistration): boolean {
  return (
    a.dealerId === b.dealerId &&
    a.name === b.name &&
    a.tier === b.tier &&
    sameTerritories(a.territories, b.territories) &&
    a.paymentTermsDays === b.paymentTermsDays &&
    a.prepay === b.prepay
  );
}

/** The day a charge falls due: `paymentTermsDays` calendar days after the business day of shipment. */
export function dueDateFor(shippedAt: Date, paymentTermsDays: number): string {
  return addDays(businessDayOf(shippedAt), paymentTermsDays);
}

const notFound = (dealerId: string) => refuse('dealer_not_found', `Dealer ${dealerId} does not exist`, 'not_found');

export const dealerDecider: Decider<DealerCommand, DealerEvent, DealerState> = {
  initialState: { exists: false },

  decide(command, state) {
    if (command.type === 'RegisterDealer') {
      const registration = { ...command.data, territories: normalizeTerritories(command.data.territories) };
      if (!state.exists) return [{ type: 'DealerRegistered', data: registration }];
      // A retried registration converges; a different one under the same id is a clash.
      if (sameRegistration(state.registration, registration)) return [];
      return refuse('dealer_exists', `Dealer ${registration.dealerId} is already registered with other details`, 'conflict');
    }
    if (!state.exists) return notFound(command.data.dealerId);
    const { dealer } = state;
    switch (command.type) {
      case 'ChangeTerritories': {
        const territories = normalizeTerritories(command.data.territories);
        if (sameTerritories(dealer.territories, territories)) return [];
        return [{ type: 'DealerTerritoriesChanged', data: { dealerId: dealer.dealerId, territories } }];
      }
      case 'ChangeTier':
        if (dealer.tier === command.data.tier) return [];
        return [{ type: 'DealerTierChanged', data: { dealerId: dealer.dealerId, tier: command.data.tier } }];
      case 'ChangePaymentTerms': {
        const { paymentTermsDays, prepay } = command.data;
        if (dealer.paymentTermsDays === paymentTermsDays && dealer.prepay === prepay) return [];
        return [{ type: 'PaymentTermsChanged', data: { dealerId: dealer.dealerId, paymentTermsDays, prepay } }];
      }
      case 'SuspendDealer':
        if (dealer.status === 'suspended') return [];
        return [{ type: 'DealerSuspended', data: { dealerId: dealer.dealerId, reason: command.data.reason } }];
      case 'ReinstateDealer':
        if (dealer.status === 'active') return [];
        return [{ type: 'DealerReinstated', data: { dealerId: dealer.dealerId } }];
      case 'SetShelfLifeRequirement':
        if (dealer.minRemainingDays === command.data.minRemainingDays) return [];
        return [
          { type: 'DealerShelfLifeRequirementSet', data: { dealerId: dealer.dealerId, minRemainingDays: command.data.minRemainingDays } },
        ];
    }
  },

  evolve(state, event) {
    if (event.type === 'DealerRegistered') {
      return {
        exists: true,
        registration: event.data,
        dealer: { ...event.data, status: 'active', suspensionReason: null, minRemainingDays: 0 },
      };
    }
    if (!state.exists) return state;
    const dealer = state.dealer;
    switch (event.type) {
      case 'DealerTerritoriesChanged':
        return { ...state, dealer: { ...dealer, territories: event.data.territories } };
      case 'DealerTierChanged':
        return { ...state, dealer: { ...dealer, tier: event.data.tier } };
      case 'PaymentTermsChanged':
        return { ...state, dealer: { ...dealer, paymentTermsDays: event.data.paymentTermsDays, prepay: event.data.prepay } };
      case 'DealerSuspended':
        return { ...state, dealer: { ...dealer, status: 'suspended', suspensionReason: event.data.reason } };
      case 'DealerReinstated':
        return { ...state, dealer: { ...dealer, status: 'active', suspensionReason: null } };
      case 'DealerShelfLifeRequirementSet':
        return { ...state, dealer: { ...dealer, minRemainingDays: event.data.minRemainingDays } };
    }
  },
};
