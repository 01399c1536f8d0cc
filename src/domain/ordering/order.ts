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
  type OrderPayment,
  type Shipment,
} from './fulfillment.ts';
import {
  decideApproveReturn,
  decideReceiveReturn,
  decideRefundReturn,
  decideRejectReturn,
  decideRequestReturn,
  evolveReturns,
  returnEventTypes,
  type OrderReturn,
  type ReturnCommand,
  type ReturnEvent,
} from './returns.ts';
import type { BudgetUse } from '../promotions/promotion.ts';
import type { PromotionNotApplied } from './cart.ts';
import type { RiskAssessment } from './risk.ts';
import {
  decideShipmentException,
  decideShipmentInTransit,
  evolveTracking,
  trackingEventTypes,
  type TrackingCommand,
  type TrackingEvent,
} from './tracking.ts';
import { illegal } from './transitions.ts';

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

export const REASON_CODES = [
  'insufficient_stock',
  'credit_limit_exceeded',
  'territory_not_authorized',
  'risk_score_high',
  'dealer_suspended',
  'unknown_sku',
  'promotion_cap_reached',
  'buyer_limit_exceeded',
  'dealer_rejected',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];
export type Reason = { code: ReasonCode; detail: string };

export type PricedLine = {
  sku: string;
  name: string;
  qty: number;
  unitPriceMinor: number;
  priceBasis: 'contract' | 'tier' | 'base';
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  promotions: { id: string; title: string }[];
  explanation: string;
};

export type Gift = { sku: string; name: string; qty: number; promotionId: string; explanation: string };

export type Totals = { subtotalMinor: number; discountMinor: number; totalMinor: number; currency: string };

export type StockReservation = { sku: string; warehouseId: string; qty: number };

/**
 * What an order holds on other streams; released on cancellation, rejection or a hold for shortage.
 * `minExpiryDate`: its stock reservations need lots expiring on or after it (a dealer's minimum shelf life).
 */
export type Reservations = { stock: StockReservation[]; creditMinor: number; promotions: string[]; minExpiryDate?: string };

export const NO_RESERVATIONS: Reservations = { stock: [], creditMinor: 0, promotions: [] };

const NO_RISK: RiskAssessment = { score: 0, threshold: 0, factors: [] };

export type Channel = 'manual' | 'csv' | 'reorder' | 'on_behalf';

export type OrderPlacedData = {
  orderId: string;
  dealerId: string;
  placedAt: string;
  channel: Channel;
  regionCode: string;
  deliveryAddress: string | null;
  note: string | null;
  lines: PricedLine[];
  gifts: Gift[];
  totals: Totals;
  prepay: boolean;
  reorderOf: string | null;
  /** Who placed it, for a dealer's user (absent in orders placed before accounts existed, and for staff). */
  placedBy?: OrderPlacer | null;
  /** Promotions the cart would have had but did not get (a cap reached, a region's budget spent). */
  promotionsNotApplied?: PromotionNotApplied[];
  /** What each applied promotion with a budget in the delivery region took of it, by promotion id. */
  budgetUses?: Record<string, BudgetUse>;
};

/** A dealer's user placing an order: a buyer's orders count against its spending limits. */
export type OrderPlacer = { userId: string; dealerRole: 'owner' | 'buyer' };

export type Decision = 'approved' | 'on_hold' | 'rejected';

export type OrderReviewedData = {
  orderId: string;
  decision: Decision;
  reasons: Reason[];
  risk: RiskAssessment;
  reservations: Reservations;
};

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

/**
 * approved (released to the warehouse) or awaiting_payment (a prepay order, until paid) →
 * partially_shipped → shipped → delivered → completed; on_hold → approved | rejected;
 * awaiting_dealer_approval (a buyer's order over its limits) → reviewed as any order | rejected by
 * the dealer's owner; cancelled from approved, awaiting_payment, on_hold or awaiting_dealer_approval,
 * before any shipment.
 */
export type OrderStatus =
  | 'awaiting_dealer_approval'
  | 'approved'
  | 'awaiting_payment'
  | 'on_hold'
  | 'rejected'
  | 'cancelled'
  | 'partially_shipped'
  | 'shipped'
  | 'delivered'
  | 'completed';

export type PlacedOrder = {
  exists: true;
  order: OrderPlacedData;
  status: OrderStatus | 'placed';
  /** The automated review's decision; null until it ran (placed, or waiting for the dealer's owner). */
  decision: Decision | null;
  reasons: Reason[];
  risk: RiskAssessment;
  reservations: Reservations;
  /** May ship: approved, and paid in full if the dealer prepays. */
  released: boolean;
  payments: OrderPayment[];
  paidMinor: number;
  /** In the order they were planned. */
  shipments: Shipment[];
  /** In the order they were requested. */
  returns: OrderReturn[];
  completedAt: string | null;
};

export type OrderState = { exists: false } | PlacedOrder;

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
        if (state.shipments.length > 0) return refuse('illegal_transition', 'An order with a shipment under way cannot be cancelled', 'conflict');
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
        return { ...state, status: 'rejected', decision: 'rejected', reasons: [{ code: 'dealer_rejected', detail: event.data.reason }], reservations: NO_RESERVATIONS };
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
