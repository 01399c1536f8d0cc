// The payments contract, version 1: what the payment provider receives when a prepay dealer's order
// is approved and waits for its payment, and when such an order is cancelled before it was paid.
//
//   POST <PAYMENT_BASE_URL>/payment-requests                       dealerline.payments.payment-request.v1
//   POST <PAYMENT_BASE_URL>/payment-requests/{orderId}/cancellation dealerline.payments.payment-cancellation.v1
//
// The approving event's id is the `requestId` and the `Idempotency-Key`; a retry or a replay sends
// the very same body under the same key. The provider answers later with a signed
// `payment.succeeded` webhook naming the `orderId` (webhooks.ts), which records the payment and,
// paid in full, releases the order to the warehouse.
//
// Compatibility: v1 only ever gains optional fields; a breaking change is a v2 beside it.
import type { OrderState } from '../../domain/ordering/order.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';

export const PAYMENT_REQUEST_V1 = 'dealerline.payments.payment-request.v1';
export const PAYMENT_CANCELLATION_V1 = 'dealerline.payments.payment-cancellation.v1';

/** The order events that can make an order wait for its payment, or end that wait. */
export const PAYMENT_EVENT_TYPES = ['OrderReviewed', 'HeldOrderApproved', 'OrderCancelled'] as const;

export type PaymentRequestV1 = {
  contract: typeof PAYMENT_REQUEST_V1;
  /** The id of the event that approved the order; also the Idempotency-Key. */
  requestId: string;
  orderId: string;
  dealerId: string;
  /** What is due before the order is released, in minor units. */
  amountMinor: number;
  currency: string;
  requestedAt: string;
};

export type PaymentCancellationV1 = {
  contract: typeof PAYMENT_CANCELLATION_V1;
  /** The id of the cancellation event; also the Idempotency-Key. */
  requestId: string;
  orderId: string;
  dealerId: string;
  /** Already paid towards the order (partial payments), for the provider to refund. */
  paidMinor: number;
  currency: string;
  cancelledAt: string;
  reason: string | null;
};

export type PaymentMessage = { path: string; body: PaymentRequestV1 | PaymentCancellationV1 };

const occurredAt = (event: RecordedEvent) => event.metadata.occurredAt ?? event.createdAt;

/**
 * What the payment provider is told about `event`, given the order just before and after it: a
 * payment request when the event left the order awaiting payment, a cancellation when it
 * cancelled an order that was, otherwise nothing.
 */
export function paymentMessageFor(event: RecordedEvent, before: OrderState, after: OrderState): PaymentMessage | null {
  if (!after.exists) return null;
  const wasAwaiting = before.exists && before.status === 'awaiting_payment';
  const { orderId, dealerId, totals } = after.order;
  if (event.type !== 'OrderCancelled' && !wasAwaiting && after.status === 'awaiting_payment') {
    const body: PaymentRequestV1 = {
      contract: PAYMENT_REQUEST_V1,
      requestId: event.id,
      orderId,
      dealerId,
      amountMinor: totals.totalMinor - after.paidMinor,
      currency: totals.currency,
      requestedAt: occurredAt(event),
    };
    return { path: 'payment-requests', body };
  }
  if (event.type === 'OrderCancelled' && wasAwaiting && after.status === 'cancelled') {
    const body: PaymentCancellationV1 = {
      contract: PAYMENT_CANCELLATION_V1,
      requestId: event.id,
      orderId,
      dealerId,
      paidMinor: after.paidMinor,
      currency: totals.currency,
      cancelledAt: occurredAt(event),
      reason: (event.data as { reason?: string | null }).reason ?? null,
    };
    return { path: `payment-requests/${encodeURIComponent(orderId)}/cancellation`, body };
  }
  return null;
}
