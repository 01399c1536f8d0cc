// A webhook subscription as an adapter of the delivery runner: every notification of the types it
// takes (src/domain/notifications/catalog.ts) that its owner may receive — a dealer's only about
// its own orders — POSTed as `{ id, type, occurredAt, data }`, signed with the subscription's
// secret like partner webhooks (`X-Signature: t=..,v1=..`), the event id as `id` and as
// Idempotency-Key, the same body on every retry. Each subscription is its own adapter: its own
// checkpoint, retries and dead letters, so a receiver that is down holds up only itself, and each
// order's (or stock's) notifications reach it in order.
import type { EventStore, RecordedEvent } from '../../eventstore/port.ts';
import type { Upcasting } from '../../eventstore/upcasting.ts';
import { dealerOf, notificationOf, orderOf, sourceTypesOf, withDealer, type NotificationType } from '../../domain/notifications/catalog.ts';
import { orderStream } from '../../domain/ordering/order.ts';
import type { Adapter, RetryPolicy } from '../adapter.ts';
import { postSigned } from './delivery.ts';
import type { UrlPolicy } from './url-policy.ts';

export const SUBSCRIPTION_CONTRACT = 'dealerline.subscription.v1';

const ADAPTER_PREFIX = 'subscription:';

/** The name of a subscription's adapter: the key of its checkpoint, lock and dead letters. */
export const subscriptionAdapterName = (subscriptionId: string) => `${ADAPTER_PREFIX}${subscriptionId}`;

export const subscriptionIdOf = (adapterName: string): string | undefined =>
  adapterName.startsWith(ADAPTER_PREFIX) ? adapterName.slice(ADAPTER_PREFIX.length) : undefined;

export type ActiveSubscription = {
  id: string;
  /** null: staff's, which take any dealer's notifications. */
  dealerId: string | null;
  url: string;
  events: readonly NotificationType[];
  /** Deliveries start after this position: the event that created the subscription. */
  createdPosition: string;
};

/** What a receiver is sent. */
export type SubscriptionDelivery = { id: string; type: NotificationType; occurredAt: string; data: Record<string, unknown> };

/** A retry budget of about a quarter of an hour before a delivery is dead-lettered. */
export const SUBSCRIPTION_RETRY: RetryPolicy = { maxAttempts: 12, baseDelayMs: 1_000, maxDelayMs: 120_000 };

const ORDERS_KEPT = 50_000;

/**
 * The dealer of an order, from its stream's first event; an order's dealer never changes, so it is
 * kept (for every subscription at once: they share one).
 */
export class OrderDealers {
  readonly #known = new Map<string, string | null>();
  readonly #store: EventStore;
  readonly #upcasting: Upcasting;

  constructor(store: EventStore, upcasting: Upcasting) {
    this.#store = store;
    this.#upcasting = upcasting;
  }

  async of(orderId: string): Promise<string | null> {
    const known = this.#known.get(orderId);
    if (known !== undefined) return known;
    const [placed] = await this.#store.readStream(orderStream(orderId), { maxCount: 1 });
    const dealerId = placed ? String(this.#upcasting.upcast(placed).data.dealerId) : null;
    if (this.#known.size >= ORDERS_KEPT) this.#known.delete(this.#known.keys().next().value!);
    this.#known.set(orderId, dealerId);
    return dealerId;
  }
}

export type SubscriptionAdapterOptions = {
  subscription: ActiveSubscription;
  secret: string;
  dealers: OrderDealers;
  policy: UrlPolicy;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
};

export function createSubscriptionAdapter(options: SubscriptionAdapterOptions): Adapter<RecordedEvent> {
  const { subscription, secret, dealers, policy } = options;
  return {
    name: subscriptionAdapterName(subscription.id),
    filter: { eventTypes: sourceTypesOf(subscription.events) },
    startFrom: { after: subscription.createdPosition },
    retry: { ...SUBSCRIPTION_RETRY, ...options.retry },
    maxInFlight: 8,
    map(event) {
      const notification = notificationOf(event);
      if (!notification || !subscription.events.includes(notification.type)) return null;
      return [{ contract: SUBSCRIPTION_CONTRACT, payload: event }];
    },
    async deliver(delivery, { idempotencyKey, signal }) {
      const event = delivery.payload;
      let notification = notificationOf(event)!;
      const orderId = orderOf(notification);
      const dealerId = dealerOf(notification) ?? (orderId === null ? null : await dealers.of(orderId));
      if (dealerId !== null) notification = withDealer(notification, dealerId);
      // A dealer's subscription hears only of its own orders.
      if (subscription.dealerId !== null && dealerId !== subscription.dealerId) return;
      const body: SubscriptionDelivery = {
        id: event.id,
        type: notification.type,
        occurredAt: event.metadata.occurredAt,
        data: notification.facts,
      };
      await postSigned(
        {
          url: subscription.url,
          body: JSON.stringify(body),
          secret,
          idempotencyKey,
          eventType: notification.type,
          signal,
          timeoutMs: options.timeoutMs ?? 10_000,
        },
        policy,
      );
    },
  };
}
