// The order aggregate's state (`PlacedOrder`) and the data its events carry. The decider
// (order.ts) and its parts — fulfilment (fulfillment.ts), carrier tracking (tracking.ts), returns
// (returns.ts), valuation (valuation.ts) — all read this state; it imports none of them, so they
// import it without a cycle. order.ts re-exports it: import the order's types from there.
import type { BudgetUse } from '../promotions/promotion.ts';
import { refuse } from '../shared/decider.ts';
import type { Gift, PricedLine, PromotionNotApplied, Totals } from './cart.ts';
import type { RiskAssessment } from './risk.ts';

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

export type StockReservation = { sku: string; warehouseId: string; qty: number };

/**
 * What an order holds on other streams; released on cancellation, rejection or a hold for shortage.
 * `minExpiryDate`: its stock reservations need lots expiring on or after it (a dealer's minimum shelf life).
 */
export type Reservations = { stock: StockReservation[]; creditMinor: number; promotions: string[]; minExpiryDate?: string };

export const NO_RESERVATIONS: Reservations = { stock: [], creditMinor: 0, promotions: [] };

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

/** The automated review's decision on a placed order. */
export type ReviewDecision = 'approved' | 'on_hold' | 'rejected';

export type OrderReviewedData = {
  orderId: string;
  decision: ReviewDecision;
  reasons: Reason[];
  risk: RiskAssessment;
  reservations: Reservations;
};

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
  decision: ReviewDecision | null;
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

// Fulfilment (fulfillment.ts).

export type ShippedLot = { lot: string; qty: number; expiryDate: string };
export type PlannedLine = { sku: string; qty: number; warehouseId: string; netMinor: number };
export type ShipmentLine = PlannedLine & { lots: ShippedLot[] };

/** With where it is on its way (tracking.ts). */
export type Shipment = ShipmentTracking & {
  shipmentId: string;
  status: 'planned' | 'dispatched' | 'delivered';
  /** While planned, without lots. */
  lines: ShipmentLine[];
  amountMinor: number;
  carrier: string | null;
  trackingNumber: string | null;
  dueDate: string | null;
  plannedAt: string;
  shippedAt: string | null;
  deliveredAt: string | null;
  receivedBy: string | null;
};

export type OrderPayment = { paymentId: string; amountMinor: number; reference: string; paidAt: string };

// Carrier tracking (tracking.ts).

export type ShipmentException = { reason: string; eta: string | null; reportedAt: string };

/** Where a shipment is: null fields until the carrier tells. */
export type ShipmentTracking = { location: string | null; eta: string | null; exceptions: ShipmentException[] };

// Returns (returns.ts).

export const DISPOSITIONS = ['restock', 'quarantine'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export type RefundMethod = 'credit_note' | 'payment_refund';
export type ReturnLine = { sku: string; qty: number; reason: string };
export type ReceivedLine = { sku: string; qty: number; warehouseId: string; lot: string; disposition: Disposition };

export type OrderReturn = {
  returnId: string;
  status: 'requested' | 'approved' | 'rejected' | 'received' | 'refunded';
  lines: ReturnLine[];
  requestedAt: string;
  approvedAt: string | null;
  rejectedAt: string | null;
  rejectionReason: string | null;
  received: ReceivedLine[];
  receivedAt: string | null;
  refund: { amountMinor: number; method: RefundMethod; creditNoteId: string | null; refundedAt: string } | null;
};

/** The refusal every order command gives when the order's status does not allow it (409). */
export const illegal = (status: string, action: string) =>
  refuse('illegal_transition', `An order that is ${status.replaceAll('_', ' ')} cannot be ${action}`, 'conflict');
