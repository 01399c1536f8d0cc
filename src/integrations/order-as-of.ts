// The order just before and just after one of its events, for adapters whose partner message
// needs more than the event says (the lines of a released order, the amount a payment is due).
// A stream's past never changes, so a retry or a replay builds exactly the same message.
import { orderDecider, type OrderEvent, type OrderState } from '../domain/ordering/order.ts';
import type { EventStore, RecordedEvent } from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';

/** What an order adapter's delivery names: the order and the event, so a log line says which. */
export type OrderEventRef = { orderId: string; eventType: string };

export type OrderAroundEvent = { before: OrderState; after: OrderState };

const asOrderEvent = (event: RecordedEvent) => ({ type: event.type, data: event.data }) as OrderEvent;

/** Folds `event`'s order stream up to it; `event` is the (upcast) event the runner delivers. */
export async function orderAroundEvent(store: EventStore, upcasting: Upcasting, event: RecordedEvent): Promise<OrderAroundEvent> {
  const history = await store.readStream(event.streamId, { maxCount: event.revision + 1 });
  if (history.at(-1)?.id !== event.id) throw new Error(`Event ${event.id} is not at ${event.streamId}@${event.revision}`);
  const before = history
    .slice(0, -1)
    .reduce((state, recorded) => orderDecider.evolve(state, asOrderEvent(upcasting.upcast(recorded))), orderDecider.initialState);
  return { before, after: orderDecider.evolve(before, asOrderEvent(event)) };
}
