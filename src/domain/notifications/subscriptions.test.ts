import { describe, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { MAX_SUBSCRIPTIONS, subscriptionsDecider, type SubscriptionCreatedData, type SubscriptionEvent } from './subscriptions.ts';

const created = (subscriptionId: string): SubscriptionCreatedData => ({
  subscriptionId,
  dealerId: 'D-1',
  url: 'https://hooks.example.com/dealerline',
  events: ['order.approved'],
  secretHint: '…abcd',
  createdBy: 'owner-1',
  createdAt: '2026-03-01T00:00:00.000Z',
});
const deleted = (subscriptionId: string) => ({
  subscriptionId,
  dealerId: 'D-1',
  deletedBy: 'owner-1',
  deletedAt: '2026-03-02T00:00:00.000Z',
});

const spec = specification(subscriptionsDecider);
const many = (count: number): SubscriptionEvent[] =>
  Array.from({ length: count }, (_, index) => ({ type: 'SubscriptionCreated', data: created(`SUB-${index}`) }));

describe('webhook subscriptions', () => {
  it('creates a subscription once per id', () => {
    spec
      .given()
      .when({ type: 'CreateSubscription', data: created('SUB-1') })
      .then([{ type: 'SubscriptionCreated', data: created('SUB-1') }]);
    spec
      .given(many(2))
      .when({ type: 'CreateSubscription', data: created('SUB-1') })
      .thenRefused('subscription_exists', 'conflict');
  });

  it(`keeps an owner to ${MAX_SUBSCRIPTIONS} at once; a deleted one makes room`, () => {
    spec
      .given(many(MAX_SUBSCRIPTIONS))
      .when({ type: 'CreateSubscription', data: created('SUB-X') })
      .thenRefused('subscription_limit_reached', 'rule');
    spec
      .given([...many(MAX_SUBSCRIPTIONS), { type: 'SubscriptionDeleted', data: deleted('SUB-3') }])
      .when({ type: 'CreateSubscription', data: created('SUB-X') })
      .then([{ type: 'SubscriptionCreated', data: created('SUB-X') }]);
  });

  it('deletes a subscription it has, once', () => {
    spec
      .given(many(1))
      .when({ type: 'DeleteSubscription', data: deleted('SUB-0') })
      .then([{ type: 'SubscriptionDeleted', data: deleted('SUB-0') }]);
    spec
      .given([...many(1), { type: 'SubscriptionDeleted', data: deleted('SUB-0') }])
      .when({ type: 'DeleteSubscription', data: deleted('SUB-0') })
      .thenRefused('subscription_not_found', 'not_found');
    spec
      .given(many(1))
      .when({ type: 'DeleteSubscription', data: deleted('SUB-9') })
      .thenRefused('subscription_not_found', 'not_found');
  });
});
