// The user aggregate (`user-<id>`): a person or system that signs in, with its role, its dealer and,
// for a dealer's buyer, the spending limits its owner sets.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { refuse, type Decider, type DomainEvent, type EventsOrRefusal } from '../shared/decider.ts';
import { amountMinorSchema } from '../shared/values.ts';

export const ROLES = ['dealer', 'ops', 'finance', 'analyst', 'integration', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A dealer's owner manages its buyers and is not limited; a buyer orders within its limits. */
export const DEALER_ROLES = ['owner', 'buyer'] as const;
export type DealerRole = (typeof DEALER_ROLES)[number];

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const usernameSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/,
    'must be 3-64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit',
  )
  .describe('Unique regardless of case; permanent.');

export const displayNameSchema = z.string().trim().min(1).max(200);

export const spendingLimitsSchema = z
  .strictObject({
    perOrderMinor: amountMinorSchema.optional().describe('The most one order may total, in minor units.'),
    perMonthMinor: amountMinorSchema
      .optional()
      .describe('The most the buyer may order in a calendar month (Asia/Shanghai), in minor units.'),
  })
  .describe("A buyer's limits; an absent limit does not apply.");

export type SpendingLimits = z.infer<typeof spendingLimitsSchema>;

/**
 * A user's id follows from its username (lower-cased), so the user stream itself decides
 * uniqueness: two creations of one username race for one stream, and only one can create it.
 */
export function userIdFor(username: string): string {
  return `U-${createHash('sha256').update(username.trim().toLowerCase()).digest('hex').slice(0, 24)}`;
}

export const userStream = (userId: string) => `user-${userId}`;

export type User = {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  dealerId: string | null;
  dealerRole: DealerRole | null;
  status: UserStatus;
  /** Buyers only; null: no limits. */
  spendingLimits: SpendingLimits | null;
};

export type NewUser = Omit<User, 'status'>;

export type UserChange = {
  userId: string;
  displayName?: string | undefined;
  /** null removes every limit; otherwise replaces them as a whole. */
  spendingLimits?: SpendingLimits | null | undefined;
  status?: UserStatus | undefined;
};

export type UserCommand =
  | { type: 'CreateUser'; data: NewUser }
  | { type: 'ChangeUser'; data: UserChange }
  | { type: 'RecordPasswordChange'; data: { userId: string; reset: boolean } };

export type UserEvent =
  | DomainEvent<'UserCreated', NewUser>
  | DomainEvent<'UserDisplayNameChanged', { userId: string; displayName: string }>
  | DomainEvent<'UserSpendingLimitsChanged', { userId: string; spendingLimits: SpendingLimits | null }>
  | DomainEvent<'UserDisabled', { userId: string }>
  | DomainEvent<'UserEnabled', { userId: string }>
  /** No password or hash: `reset` tells whether someone else set it. */
  | DomainEvent<'UserPasswordChanged', { userId: string; reset: boolean }>;

export type UserState = { exists: false } | { exists: true; user: User };

export const userEventTypes = [
  'UserCreated',
  'UserDisplayNameChanged',
  'UserSpendingLimitsChanged',
  'UserDisabled',
  'UserEnabled',
  'UserPasswordChanged',
] as const;

/** Limits without absent keys; none at all is null. */
export function normalizeSpendingLimits(limits: SpendingLimits | null | undefined): SpendingLimits | null {
  if (!limits) return null;
  const normalized: SpendingLimits = {
    ...(limits.perOrderMinor !== undefined && { perOrderMinor: limits.perOrderMinor }),
    ...(limits.perMonthMinor !== undefined && { perMonthMinor: limits.perMonthMinor }),
  };
  return Object.keys(normalized).length > 0 ? normalized : null;
}

const sameLimits = (a: SpendingLimits | null, b: SpendingLimits | null) =>
  a?.perOrderMinor === b?.perOrderMinor && a?.perMonthMinor === b?.perMonthMinor;

export const isBuyer = (user: Pick<User, 'role' | 'dealerRole'>) => user.role === 'dealer' && user.dealerRole === 'buyer';

const notFound = (userId: string) => refuse('user_not_found', `User ${userId} does not exist`, 'not_found');

function decideChange(change: UserChange, user: User): EventsOrRefusal<UserEvent> {
  const events: UserEvent[] = [];
  const { userId } = user;
  if (change.displayName !== undefined && change.displayName !== user.displayName) {
    events.push({ type: 'UserDisplayNameChanged', data: { userId, displayName: change.displayName } });
  }
  if (change.spendingLimits !== undefined) {
    const limits = normalizeSpendingLimits(change.spendingLimits);
    if (!isBuyer(user) && limits !== null) return refuse('limits_for_buyers_only', 'Only a dealer buyer has spending limits');
    if (!sameLimits(limits, user.spendingLimits))
      events.push({ type: 'UserSpendingLimitsChanged', data: { userId, spendingLimits: limits } });
  }
  if (change.status !== undefined && change.status !== user.status) {
    events.push(change.status === 'disabled' ? { type: 'UserDisabled', data: { userId } } : { type: 'UserEnabled', data: { userId } });
  }
  return events;
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  initialState: { exists: false },

  decide(command, state) {
    if (command.type === 'CreateUser') {
      const user = command.data;
      if (state.exists) return refuse('username_taken', `The username ${user.username} is taken`, 'conflict');
      const dealerFields = [user.dealerId, user.dealerRole].filter((value) => value !== null).length;
      if (dealerFields !== (user.role === 'dealer' ? 2 : 0)) {
        return refuse('dealer_user_needs_dealer', 'A dealer user, and only a dealer user, belongs to a dealer with a dealer role');
      }
      const spendingLimits = normalizeSpendingLimits(user.spendingLimits);
      if (spendingLimits !== null && !isBuyer(user)) return refuse('limits_for_buyers_only', 'Only a dealer buyer has spending limits');
      return [{ type: 'UserCreated', data: { ...user, spendingLimits } }];
    }
    if (!state.exists) return notFound(command.data.userId);
    if (command.type === 'ChangeUser') return decideChange(command.data, state.user);
    return [{ type: 'UserPasswordChanged', data: { userId: state.user.userId, reset: command.data.reset } }];
  },

  evolve(state, event) {
    if (event.type === 'UserCreated') return { exists: true, user: { ...event.data, status: 'active' } };
    if (!state.exists) return state;
    const user = state.user;
    switch (event.type) {
      case 'UserDisplayNameChanged':
        return { exists: true, user: { ...user, displayName: event.data.displayName } };
      case 'UserSpendingLimitsChanged':
        return { exists: true, user: { ...user, spendingLimits: event.data.spendingLimits } };
      case 'UserDisabled':
        return { exists: true, user: { ...user, status: 'disabled' } };
      case 'UserEnabled':
        return { exists: true, user: { ...user, status: 'active' } };
      case 'UserPasswordChanged':
        return state;
    }
  },
};
