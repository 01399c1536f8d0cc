// The order aggregate (`order-<id>`): placement with its review decision, the ops decisions on
// held orders, cancellation; what it holds reserved at every step.
import { z } from 'zod';
import { refuse, type Decider, type DomainEvent } from '../shared/decider.ts';
import { dealerIdSchema, quantitySchema, regionCodeSchema, skuSchema } from '../shared/values.ts';
import type { RiskAssessment } from './risk.ts';

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

/** What an order holds on other streams; released on cancellation, rejection or a hold for shortage. */
export type Reservations = { stock: StockReservation[]; creditMinor: number; promotions: string[] };

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
};

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
  | DomainEvent<'OrderCancelled', { orderId: string; reason: string | null; releasing: Reservations }>;

export type OrderStatus = 'approved' | 'on_hold' | 'rejected' | 'cancelled';

export type OrderState =
  | { exists: false }
  | {
      exists: true;
      order: OrderPlacedData;
      status: OrderStatus | 'placed';
      decision: Decision | null;
      reasons: Reason[];
      risk: RiskAssessment;
      reservations: Reservations;
    };

export type OrderCommand =
  | { type: 'PlaceOrder'; data: { placed: OrderPlacedData; review: Omit<OrderReviewedData, 'orderId'> } }
  | { type: 'ApproveHeldOrder'; data: { note: string | null; reservations: Reservations } }
  | { type: 'RejectHeldOrder'; data: { reason: string } }
  | { type: 'CancelOrder'; data: { reason: string | null } };

const illegal = (status: string, action: string) =>
  refuse('illegal_transition', `An order that is ${status.replace('_', ' ')} cannot be ${action}`, 'conflict');

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  initialState: { exists: false },

  decide(command, state) {
    if (command.type === 'PlaceOrder') {
      if (state.exists) return refuse('order_exists', `Order ${state.order.orderId} already exists`, 'conflict');
      const { placed, review } = command.data;
      return [
        { type: 'OrderPlaced', data: placed },
        { type: 'OrderReviewed', data: { orderId: placed.orderId, ...review } },
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
      case 'CancelOrder':
        if (state.status !== 'approved' && state.status !== 'on_hold') return illegal(state.status, 'cancelled');
        return [{ type: 'OrderCancelled', data: { orderId, reason: command.data.reason, releasing: state.reservations } }];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'OrderPlaced':
        return { exists: true, order: event.data, status: 'placed', decision: null, reasons: [], risk: NO_RISK, reservations: NO_RESERVATIONS };
      case 'OrderReviewed':
        return state.exists
          ? {
              ...state,
              status: event.data.decision,
              decision: event.data.decision,
              reasons: event.data.reasons,
              risk: event.data.risk,
              reservations: event.data.reservations,
            }
          : state;
      case 'HeldOrderApproved':
        return state.exists ? { ...state, status: 'approved', reservations: event.data.reservations } : state;
      case 'HeldOrderRejected':
        return state.exists ? { ...state, status: 'rejected', reservations: NO_RESERVATIONS } : state;
      case 'OrderCancelled':
        return state.exists ? { ...state, status: 'cancelled', reservations: NO_RESERVATIONS } : state;
    }
  },
};

export const orderEventTypes = ['OrderPlaced', 'OrderReviewed', 'HeldOrderApproved', 'HeldOrderRejected', 'OrderCancelled'] as const;
