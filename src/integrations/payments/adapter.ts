// The payment provider's adapter (PAYMENT_BASE_URL): every prepay order approved and awaiting its
// payment becomes a payment request, every such order cancelled unpaid a cancellation, each POSTed
// with the order event's id as Idempotency-Key (contract.ts).
import type { EventStore } from '../../eventstore/port.ts';
import type { Upcasting } from '../../eventstore/upcasting.ts';
import type { Adapter, RetryPolicy } from '../adapter.ts';
import { createPartnerClient } from '../http-partner.ts';
import { orderAroundEvent, type OrderEventRef } from '../order-as-of.ts';
import { PAYMENT_CANCELLATION_V1, PAYMENT_EVENT_TYPES, PAYMENT_REQUEST_V1, paymentMessageFor } from './contract.ts';

export type PaymentsAdapterOptions = {
  baseUrl: string;
  store: EventStore;
  upcasting: Upcasting;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
};

export function createPaymentsAdapter(options: PaymentsAdapterOptions): Adapter<OrderEventRef> {
  const { store, upcasting } = options;
  const client = createPartnerClient({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs });
  return {
    name: 'payments',
    filter: { streamPrefixes: ['order-'], eventTypes: PAYMENT_EVENT_TYPES },
    // Switched on for the first time, the provider must not be asked to collect for old orders; a
    // replay from a position requests payment for orders approved before, if wanted.
    startFrom: 'now',
    retry: options.retry,
    map(event) {
      const orderId = String((event.data as { orderId?: unknown }).orderId);
      const contract = event.type === 'OrderCancelled' ? PAYMENT_CANCELLATION_V1 : PAYMENT_REQUEST_V1;
      return [{ contract, payload: { orderId, eventType: event.type } }];
    },
    async deliver(_delivery, { idempotencyKey, event, signal }) {
      // Only the order's state around the event says whether it now awaits payment (a prepay dealer's
      // order with something to pay); every other approval sends nothing.
      const { before, after } = await orderAroundEvent(store, upcasting, event);
      const message = paymentMessageFor(event, before, after);
      if (message) await client.post(message.path, message.body, { idempotencyKey, signal });
    },
    ready: () => client.reachable(),
  };
}
