// The logistics provider's adapter (LOGISTICS_BASE_URL): every order released to the warehouse
// becomes a shipment request, every released order cancelled before shipping a cancellation, each
// POSTed with the order event's id as Idempotency-Key (contract.ts). Whether an event released the
// order (or took a release back) shows only in the order's state around it.
import type { Adapter } from '../adapter.ts';
import type { OrderEventRef } from '../order-as-of.ts';
import { createOrderPartnerAdapter, type OrderPartnerOptions } from '../order-partner.ts';
import { LOGISTICS_EVENT_TYPES, SHIPMENT_CANCELLATION_V1, SHIPMENT_REQUEST_V1, logisticsMessageFor } from './contract.ts';

export type LogisticsAdapterOptions = OrderPartnerOptions;

export const createLogisticsAdapter = (options: LogisticsAdapterOptions): Adapter<OrderEventRef> =>
  createOrderPartnerAdapter(
    {
      name: 'logistics',
      eventTypes: LOGISTICS_EVENT_TYPES,
      contractOf: (type) => (type === 'OrderCancelled' ? SHIPMENT_CANCELLATION_V1 : SHIPMENT_REQUEST_V1),
      messageFor: logisticsMessageFor,
    },
    options,
  );
