// An inbox item as the notifications projection stores it, shared by its per-event and set-based paths.
import { orderOf, STAFF_INBOX_TYPES, withDealer, type Notification } from '../../domain/notifications/catalog.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';

/** The item row of a notification whose dealer is known (or not: null). */
export function itemRow(event: RecordedEvent, notification: Notification, dealerId: string | null) {
  const told = dealerId === null ? notification : withDealer(notification, dealerId);
  return {
    position: event.position,
    event_id: event.id,
    type: told.type,
    dealer_id: dealerId,
    order_id: orderOf(told),
    for_staff: STAFF_INBOX_TYPES.includes(told.type),
    facts: JSON.stringify(told.facts),
    occurred_at: event.metadata.occurredAt,
  };
}
