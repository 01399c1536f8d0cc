// What the logistics and payments adapters share: they follow order events, build their partner's
// message from the order's state just before and after each event (so a retry or a replay builds
// the very same message), and POST it with the event's id as Idempotency-Key. An event that means
// nothing to the partner (an approval that leaves a prepay order waiting, say) sends nothing.
import type { EventStore, RecordedEvent } from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import type { OrderState } from '../domain/ordering/order.ts';
import type { Adapter, RetryPolicy } from './adapter.ts';
import { createPartnerClient } from './http-partner.ts';
import { orderAroundEvent, type OrderEventRef } from './order-as-of.ts';

export type OrderPartnerOptions = {
  baseUrl: string;
  store: EventStore;
  upcasting: Upcasting;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
};

export type OrderPartnerContract = {
  name: string;
  /** The order events that can lead to a message. */
  eventTypes: readonly string[];
  /** The contract of the message an event of this type may lead to (for the delivery record). */
  contractOf: (eventType: string) => string;
  /** The message for `event` given the order around it; null: nothing to tell. */
  messageFor: (event: RecordedEvent, before: OrderState, after: OrderState) => { path: string; body: unknown } | null;
};

export function createOrderPartnerAdapter(contract: OrderPartnerContract, options: OrderPartnerOptions): Adapter<OrderEventRef> {
  const { store, upcasting } = options;
  const client = createPartnerClient({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs });
  return {
    name: contract.name,
    filter: { streamPrefixes: ['order-'], eventTypes: [...contract.eventTypes] },
    // Switched on for the first time, the partner must not be sent years of history; a replay
    // from a position sends what came before, if wanted.
    startFrom: 'now',
    retry: options.retry,
    map(event) {
      const orderId = String((event.data as { orderId?: unknown }).orderId);
      return [{ contract: contract.contractOf(event.type), payload: { orderId, eventType: event.type } }];
    },
    async deliver(_delivery, { idempotencyKey, event, signal }) {
      const { before, after } = await orderAroundEvent(store, upcasting, event);
      const message = contract.messageFor(event, before, after);
      if (message) await client.post(message.path, message.body, { idempotencyKey, signal });
    },
    ready: () => client.reachable(),
  };
}
