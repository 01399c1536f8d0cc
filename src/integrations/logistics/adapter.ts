// The logistics provider's adapter (LOGISTICS_BASE_URL): every order released to the warehouse
// becomes a shipment request, every released order cancelled before shipping a cancellation, each
// POSTed with the order event's id as Idempotency-Key (contract.ts).
import type { EventStore } from '../../eventstore/port.ts';
import type { Upcasting } from '../../eventstore/upcasting.ts';
import type { Adapter, RetryPolicy } from '../adapter.ts';
import { createPartnerClient } from '../http-partner.ts';
import { orderAroundEvent, type OrderEventRef } from '../order-as-of.ts';
import { LOGISTICS_EVENT_TYPES, SHIPMENT_CANCELLATION_V1, SHIPMENT_REQUEST_V1, logisticsMessageFor } from './contract.ts';

export type LogisticsAdapterOptions = {
  baseUrl: string;
  store: EventStore;
  upcasting: Upcasting;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
};

export function createLogisticsAdapter(options: LogisticsAdapterOptions): Adapter<OrderEventRef> {
  const { store, upcasting } = options;
  const client = createPartnerClient({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs });
  return {
    name: 'logistics',
    filter: { streamPrefixes: ['order-'], eventTypes: LOGISTICS_EVENT_TYPES },
    // Switched on for the first time, the provider must not be asked to ship years of history;
    // a replay from a position sends what came before, if wanted.
    startFrom: 'now',
    retry: options.retry,
    map(event) {
      const orderId = String((event.data as { orderId?: unknown }).orderId);
      const contract = event.type === 'OrderCancelled' ? SHIPMENT_CANCELLATION_V1 : SHIPMENT_REQUEST_V1;
      return [{ contract, payload: { orderId, eventType: event.type } }];
    },
    async deliver(_delivery, { idempotencyKey, event, signal }) {
      // Whether the event released the order (or took a release back) shows only in the order's
      // state around it; an approval leaving a prepay order awaiting payment sends nothing.
      const { before, after } = await orderAroundEvent(store, upcasting, event);
      const message = logisticsMessageFor(event, before, after);
      if (message) await client.post(message.path, message.body, { idempotencyKey, signal });
    },
    ready: () => client.reachable(),
  };
}
