// Webhook subscriptions of one owner (`subscriptions-<owner>`): a dealer's (its orders' and
// shipments' notifications only) or staff's (any). Each subscription is a URL and the notification
// types it takes; its signing secret is kept out of the streams (src/integrations/subscriptions/secrets.ts)
// and only its last characters, as a hint, are here.
import { refuse, type Decider, type DomainEvent } from '../shared/decider.ts';
import type { NotificationType } from './catalog.ts';

/** Who a subscription belongs to: a dealer (null: staff). Dealer ids never contain '~'. */
export const subscriptionsStream = (dealerId: string | null) => `subscriptions-${dealerId === null ? '~staff' : dealerId}`;

/** How many subscriptions one owner may have at once: each one is a subscriber of its own. */
export const MAX_SUBSCRIPTIONS = 20;

export type SubscriptionCreatedData = {
  subscriptionId: string;
  dealerId: string | null;
  url: string;
  events: NotificationType[];
  secretHint: string;
  createdBy: string;
  createdAt: string;
};

export type SubscriptionDeletedData = { subscriptionId: string; dealerId: string | null; deletedBy: string; deletedAt: string };

export type SubscriptionEvent =
  DomainEvent<'SubscriptionCreated', SubscriptionCreatedData> | DomainEvent<'SubscriptionDeleted', SubscriptionDeletedData>;

export const subscriptionEventTypes = ['SubscriptionCreated', 'SubscriptionDeleted'] as const;

export type SubscriptionCommand =
  { type: 'CreateSubscription'; data: SubscriptionCreatedData } | { type: 'DeleteSubscription'; data: SubscriptionDeletedData };

export type Subscription = SubscriptionCreatedData & { deletedAt: string | null };

export type SubscriptionsState = { subscriptions: ReadonlyMap<string, Subscription> };

export const activeSubscriptions = (state: SubscriptionsState) =>
  [...state.subscriptions.values()].filter((subscription) => subscription.deletedAt === null);

export const subscriptionsDecider: Decider<SubscriptionCommand, SubscriptionEvent, SubscriptionsState> = {
  initialState: { subscriptions: new Map() },

  decide(command, state) {
    const { subscriptionId } = command.data;
    const known = state.subscriptions.get(subscriptionId);
    if (command.type === 'CreateSubscription') {
      if (known) return refuse('subscription_exists', `Subscription ${subscriptionId} exists already`, 'conflict');
      if (activeSubscriptions(state).length >= MAX_SUBSCRIPTIONS) {
        return refuse('subscription_limit_reached', `At most ${MAX_SUBSCRIPTIONS} subscriptions at once; delete one first`);
      }
      return [{ type: 'SubscriptionCreated', data: command.data }];
    }
    if (!known || known.deletedAt !== null)
      return refuse('subscription_not_found', `Subscription ${subscriptionId} was not found`, 'not_found');
    return [{ type: 'SubscriptionDeleted', data: command.data }];
  },

  evolve(state, event) {
    const subscriptions = new Map(state.subscriptions);
    if (event.type === 'SubscriptionCreated') subscriptions.set(event.data.subscriptionId, { ...event.data, deletedAt: null });
    else {
      const known = subscriptions.get(event.data.subscriptionId);
      if (known) subscriptions.set(event.data.subscriptionId, { ...known, deletedAt: event.data.deletedAt });
    }
    return { subscriptions };
  },
};
