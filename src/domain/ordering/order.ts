// The order aggregate (`order-<id>`): placement with its review decision, the ops decisions on
// held orders, cancellation, then fulfilment (fulfillment.ts) and returns (returns.ts); what it
// holds reserved at every step.
import { z } from 'zod';
import { refuse, type Decider, type DomainEvent } from '../shared/decider.ts';
import { dealerIdSchema, quantitySchema, regionCodeSchema, skuSchema } from '../shared/values.ts';
import {
  decideConfirmDelivery,
  decideCompleteOrder,
  decideDispatchShipment,
  decideOrderPayment,
  decidePlanShipment,
  evolveFulfillment,
  fulfillmentEventTypes,
  type FulfillmentCommand,
  type FulfillmentEvent,
} from './fulfillment.ts';
import {
  decideApproveReturn,
  decideReceiveReturn,
  decideRefundReturn,
  decideRejectReturn,
  decideRequestReturn,
  evolveReturns,
  returnEventTypes,
  type ReturnCommand,
  type ReturnEvent,
} from './returns.ts';
import {
  illegal,
  NO_RESERVATIONS,
  type OrderPlacedData,
  type OrderReviewedData,
  type OrderState,
  type PlacedOrder,
  type Reason,
  type Reservations,
} from './order-state.ts';
import type { RiskAssessment } from './risk.ts';
import {
  decideShipmentException,
  decideShipmentInTransit,
  evolveTracking,
  trackingEventTypes,
  type TrackingCommand,
  type TrackingEvent,
} from './tracking.ts';

export const orderStream = (orderId: string) => `order-${orderId}`;

export const orderLineInputSchema = z.object({ sku: skuSchema, qty: quantitySchema });

export const placeOrderSchema = z.object({
  lines: z.array(orderLineInputSchema).min(1).max(500),
  regionCode: regionCodeSchema,
  deliveryAddress: z.string().trim().min(1).max(500).optional(),
  note: z.string().trim().max(1_000).optional(),
  dealerId: dealerIdSchema.optional().describe('Staff placing an order on behalf of a dealer name it here.'),
});

export type PlaceOrderInput = z.infer<typeof placeOrderSchema>;

// The order's state and event data (order-state.ts), with the types of its parts it holds.
export {
  NO_RESERVATIONS,
  REASON_CODES,
  DISPOSITIONS,
  type Channel,
  type Disposition,
  type OrderPayment,
  type OrderPlacedData,
  type OrderPlacer,
  type OrderReturn,
  type OrderReviewedData,
  type OrderState,
  type OrderStatus,
  type PlacedOrder,
  type PlannedLine,
  type Reason,
  type ReasonCode,
  type ReceivedLine,
  type RefundMethod,
  type Reservations,
  type ReturnLine,
  type ReviewDecision,
  type Shipment,
  type ShipmentException,
  type ShipmentLine,
  type ShipmentTracking,
  type ShippedLot,
  type StockReservation,
} from './order-state.ts';
export type { Gift, PricedLine, Totals } from './cart.ts';

const NO_RISK: RiskAssessment = { score: 0, threshold: 0, factors: [] };

export type OrderEvent =
  | DomainEvent<'OrderPlaced', OrderPlacedData>
  | DomainEvent<'OrderReviewed', OrderReviewedData>
  | DomainEvent<'HeldOrderApproved', { orderId: string; note: string | null; reservations: Reservations }>
  | DomainEvent<'HeldOrderRejected', { orderId: string; reason: string }>
  | DomainEvent<'OrderCancelled', { orderId: string; reason: string | null; releasing: Reservations }>
  | DomainEvent<'OrderAwaitingDealerApproval', { orderId: string; reasons: Reason[] }>
  | DomainEvent<'OrderApprovedByDealer', { orderId: string; note: string | null }>
  | DomainEvent<'OrderRejectedByDealer', { orderId: string; reason: string }>
  | FulfillmentEvent
  | TrackingEvent
  | ReturnEvent;

export type OrderCommand =
  | { type: 'PlaceOrder'; data: { placed: OrderPlacedData; review: Omit<OrderReviewedData, 'orderId'> } }
  /** A buyer's order over its limits: recorded, reviewed only once the dealer's owner approves it. */
  | { type: 'PlaceOrderForDealerApproval'; data: { placed: OrderPlacedData; reasons: Reason[] } }
  | { type: 'ApproveForDealer'; data: { note: string | null; review: Omit<OrderReviewedData, 'orderId'> } }
  | { type: 'RejectForDealer'; data: { reason: string } }
  | { type: 'ApproveHeldOrder'; data: { note: string | null; reservations: Reservations } }
  | { type: 'RejectHeldOrder'; data: { reason: string } }
  | { type: 'CancelOrder'; data: { reason: string | null } }
  | FulfillmentCommand
  | TrackingCommand
  | ReturnCommand;

/** A prepay order with something to pay waits for the payment before it is released to the warehouse. */
export const awaitsPayment = (order: { prepay: boolean; totals: { totalMinor: number } }) => order.prepay && order.totals.totalMinor > 0;

/** Where an order approved (at once or by ops) stands. */
function approvedState(state: PlacedOrder, reservations: Reservations): PlacedOrder {
  const waiting = awaitsPayment(state.order);
  return { ...state, status: waiting ? 'awaiting_payment' : 'approved', released: !waiting, reservations };
}

const CANCELLABLE: readonly string[] = ['approved', 'awaiting_payment', 'on_hold', 'awaiting_dealer_approval'];

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  initialState: { exists: false },

  decide(command, state) {
    if (command.type === 'PlaceOrder' || command.type === 'PlaceOrderForDealerApproval') {
      if (state.exists) return refuse('order_exists', `Order ${state.order.orderId} already exists`, 'conflict');
      const { placed } = command.data;
      if (command.type === 'PlaceOrderForDealerApproval') {
        return [
          { type: 'OrderPlaced', data: placed },
          { type: 'OrderAwaitingDealerApproval', data: { orderId: placed.orderId, reasons: command.data.reasons } },
        ];
      }
      return [
        { type: 'OrderPlaced', data: placed },
        { type: 'OrderReviewed', data: { orderId: placed.orderId, ...command.data.review } },
      ];
    }
    if (!state.exists) return refuse('order_not_found', 'The order does not exist', 'not_found');
    const orderId = state.order.orderId;
    switch (command.type) {
      case 'ApproveHeldOrder':
        if (state.status !== 'on_hold') return illegal(state.status, 'approved');
        return [{ type: 'HeldOrderApproved', data: { orderId, ...command.data } }];
      case 'RejectHeldOrder':
        if (state.status !== 'on_hold') return illegal(state.status, 'rejected');
        return [{ type: 'HeldOrderRejected', data: { orderId, reason: command.data.reason } }];
      case 'ApproveForDealer':
        if (state.status !== 'awaiting_dealer_approval') return illegal(state.status, 'approved by the dealer');
        return [
          { type: 'OrderApprovedByDealer', data: { orderId, note: command.data.note } },
          { type: 'OrderReviewed', data: { orderId, ...command.data.review } },
        ];
      case 'RejectForDealer':
        if (state.status !== 'awaiting_dealer_approval') return illegal(state.status, 'rejected by the dealer');
        return [{ type: 'OrderRejectedByDealer', data: { orderId, reason: command.data.reason } }];
      case 'CancelOrder':
        if (!CANCELLABLE.includes(state.status)) return illegal(state.status, 'cancelled');
        if (state.shipments.length > 0)
          return refuse('illegal_transition', 'An order with a shipment under way cannot be cancelled', 'conflict');
        return [{ type: 'OrderCancelled', data: { orderId, reason: command.data.reason, releasing: state.reservations } }];
      case 'PlanShipment':
        return decidePlanShipment(state, command.data);
      case 'DispatchShipment':
        return decideDispatchShipment(state, command.data);
      case 'ConfirmDelivery':
        return decideConfirmDelivery(state, command.data);
      case 'CompleteOrder':
        return decideCompleteOrder(state, command.data);
      case 'RecordOrderPayment':
        return decideOrderPayment(state, command.data);
      case 'RecordShipmentInTransit':
        return decideShipmentInTransit(state, command.data);
      case 'ReportShipmentException':
        return decideShipmentException(state, command.data);
      case 'RequestReturn':
        return decideRequestReturn(state, command.data);
      case 'ApproveReturn':
        return decideApproveReturn(state, command.data);
      case 'RejectReturn':
        return decideRejectReturn(state, command.data);
      case 'ReceiveReturn':
        return decideReceiveReturn(state, command.data);
      case 'RefundReturn':
        return decideRefundReturn(state, command.data);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'OrderPlaced':
        return {
          exists: true,
          order: event.data,
          status: 'placed',
          decision: null,
          reasons: [],
          risk: NO_RISK,
          reservations: NO_RESERVATIONS,
          released: false,
          payments: [],
          paidMinor: 0,
          shipments: [],
          returns: [],
          completedAt: null,
        };
    }
    if (!state.exists) return state;
    switch (event.type) {
      case 'OrderReviewed': {
        const { decision, reasons, risk, reservations } = event.data;
        const reviewed = { ...state, decision, reasons, risk };
        return decision === 'approved' ? approvedState(reviewed, reservations) : { ...reviewed, status: decision, reservations };
      }
      case 'HeldOrderApproved':
        return approvedState(state, event.data.reservations);
      case 'HeldOrderRejected':
        return { ...state, status: 'rejected', reservations: NO_RESERVATIONS };
      case 'OrderAwaitingDealerApproval':
        return { ...state, status: 'awaiting_dealer_approval', reasons: event.data.reasons };
      case 'OrderApprovedByDealer':
        return state;
      case 'OrderRejectedByDealer':
        return {
          ...state,
          status: 'rejected',
          decision: 'rejected',
          reasons: [{ code: 'dealer_rejected', detail: event.data.reason }],
          reservations: NO_RESERVATIONS,
        };
      case 'OrderCancelled':
        return { ...state, status: 'cancelled', released: false, reservations: NO_RESERVATIONS };
      case 'ShipmentPlanned':
      case 'ShipmentDispatched':
      case 'ShipmentDelivered':
      case 'OrderCompleted':
      case 'OrderPaymentRecorded':
      case 'OrderReleased':
        return evolveFulfillment(state, event);
      case 'ShipmentInTransit':
      case 'ShipmentExceptionReported':
      case 'ShipmentDelayed':
        return evolveTracking(state, event);
      default:
        return evolveReturns(state, event);
    }
  },
};

export const orderEventTypes = [
  'OrderPlaced',
  'OrderReviewed',
  'HeldOrderApproved',
  'HeldOrderRejected',
  'OrderCancelled',
  'OrderAwaitingDealerApproval',
  'OrderApprovedByDealer',
  'OrderRejectedByDealer',
  ...fulfillmentEventTypes,
  ...trackingEventTypes,
  ...returnEventTypes,
] as const;
