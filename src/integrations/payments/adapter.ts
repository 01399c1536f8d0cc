// The payment provider's adapter (PAYMENT_BASE_URL): every prepay order approved and awaiting its
// payment becomes a payment request, every such order cancelled unpaid a cancellation, each POSTed
// with the order event's id as Idempotency-Key (contract.ts). Only the order's state around the
// event says whether it now awaits payment; every other approval sends nothing.
import type { Adapter } from '../adapter.ts';
import type { OrderEventRef } from '../order-as-of.ts';
import { createOrderPartnerAdapter, type OrderPartnerOptions } from '../order-partner.ts';
import { PAYMENT_CANCELLATION_V1, PAYMENT_EVENT_TYPES, PAYMENT_REQUEST_V1, paymentMessageFor } from './contract.ts';

export type PaymentsAdapterOptions = OrderPartnerOptions;

export const createPaymentsAdapter = (options: PaymentsAdapterOptions): Adapter<OrderEventRef> =>
  createOrderPartnerAdapter(
    {
      name: 'payments',
      eventTypes: PAYMENT_EVENT_TYPES,
      contractOf: (type) => (type === 'OrderCancelled' ? PAYMENT_CANCELLATION_V1 : PAYMENT_REQUEST_V1),
      messageFor: paymentMessageFor,
    },
    options,
  );
