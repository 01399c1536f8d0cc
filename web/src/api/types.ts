// The API's response shapes, as far as the screens read them (the full ones are in /openapi.json).
export type Page<T> = { items: T[]; nextCursor: string | null };

export type Role = 'dealer' | 'ops' | 'finance' | 'analyst' | 'integration' | 'admin';

export type SpendingLimits = { perOrderMinor?: number | null; perMonthMinor?: number | null };

export type User = {
  id: string;
  username?: string;
  displayName?: string;
  role: Role;
  dealerId?: string | null;
  dealerRole?: 'owner' | 'buyer' | null;
  status?: 'active' | 'disabled';
  spendingLimits?: SpendingLimits | null;
};

/** GET /v1/me: the token's claims, its user (null for a token minted on the command line), a buyer's spend this month. */
export type Me = {
  sub: string;
  role: Role;
  dealerId?: string;
  dealerRole?: 'owner' | 'buyer';
  user: User | null;
  spending?: { month: string; spentMinor: number };
  /** The business time zone (IANA) the app shows and reads times in. */
  timeZone: string;
};

export type PromotionRef = { id: string; title: string };

/** A promotion the cart would have had but did not get. */
export type PromotionNotApplied = {
  id: string;
  title: string;
  reason: 'promotion_cap_reached' | 'promotion_budget_exhausted';
  detail: string;
};

export type Product = {
  sku: string;
  name: string;
  brand: string;
  category: string;
  gtin: string | null;
  unit: string;
  caseSize: number | null;
  shelfLifeDays: number | null;
  basePriceMinor: number;
  currency: string;
  priceMinor: number;
  priceBasis: string;
  available: number;
  promotions: PromotionRef[];
};

export type Reason = { code: string; detail: string };

export type PricedLine = {
  sku: string;
  name: string;
  qty: number;
  unitPriceMinor: number;
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  promotions: PromotionRef[];
  explanation: string;
};

export type Gift = { sku: string; name: string; qty: number; promotionId: string; explanation: string };

export type Totals = { subtotalMinor: number; discountMinor: number; totalMinor: number; currency: string };

export type Quote = {
  dealerId: string;
  regionCode: string;
  lines: PricedLine[];
  gifts: Gift[];
  totals: Totals;
  promotions: { id: string; title: string; discountMinor: number; explanation: string }[];
  promotionsNotApplied: PromotionNotApplied[];
  warnings: Reason[];
};

export type Order = {
  id: string;
  dealerId: string;
  status: string;
  regionCode: string;
  deliveryAddress: string | null;
  note: string | null;
  review: { decision: string | null; reasons: Reason[]; riskScore?: number } | null;
  lines: PricedLine[];
  gifts: Gift[];
  totals: Totals;
  promotionsNotApplied: PromotionNotApplied[];
  placedAt: string;
  reorderOf: string | null;
};

export type OrderWritten = Order & { position: string };

export type TimelineEntry = { status: string; event: string; at: string; actor: string; role: string; detail: Record<string, unknown> };

export type Shipment = {
  shipmentId: string;
  status: string;
  lines: { sku: string; qty: number; warehouseId: string; lots: { lot: string; qty: number; expiryDate: string }[] }[];
  amountMinor: number;
  carrier: string | null;
  trackingNumber: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  /** In-transit tracking: the carrier's latest location and ETA, and the exceptions it reported. */
  location?: string | null;
  eta?: string | null;
  exceptions?: { reason: string; eta: string | null; reportedAt: string }[];
};

export type Return = { returnId: string; status: string; lines: { sku: string; qty: number; reason: string }[]; requestedAt: string };

export type OrderDetail = Order & { timeline: TimelineEntry[]; shipments: Shipment[]; returns: Return[] };

export type Dealer = {
  id: string;
  name: string;
  tier: string;
  territories: string[];
  paymentTermsDays: number;
  prepay: boolean;
  status: 'active' | 'suspended';
  suspensionReason: string | null;
  /** Its orders reserve and ship only lots with at least this many days of shelf life left. */
  minRemainingDays: number;
  version: number;
};

export type Credit = {
  limitMinor: number;
  reservedMinor: number;
  outstandingMinor: number;
  availableMinor: number;
  overdueMinor?: number;
  currency?: string;
};

export type LedgerEntry = {
  position: string;
  at: string;
  kind: string;
  amountMinor: number;
  balanceAfterMinor: number;
  orderId: string | null;
  shipmentId: string | null;
  reference: string | null;
  creditNoteId: string | null;
  reason: string | null;
};

export type StockLot = {
  lot: string;
  productionDate: string;
  expiryDate: string;
  qty: number;
  daysLeft: number;
  expiryTier: string | null;
};
export type Stock = { sku: string; warehouseId: string; onHand: number; reserved: number; available: number; lots: StockLot[] };
export type ExpiringLot = StockLot & { sku: string; warehouseId: string };
export type LowStock = { sku: string; name: string; threshold: number; onHand: number; reserved: number; available: number };
export type StockMovement = {
  id: string;
  kind: string;
  sku: string;
  warehouseId: string;
  lot: string | null;
  qty: number;
  reference: string | null;
  orderId: string | null;
  reason: string | null;
  actor: string;
  occurredAt: string;
};
export type Warehouse = { id: string; name: string; regionCode: string };

export type Promotion = {
  id: string;
  title: string;
  kind: string;
  rule: Record<string, unknown>;
  stackable: boolean;
  startsAt: string;
  endsAt: string;
  status: string;
  /** Staff only. */
  redemptions?: number;
  priority?: number;
  eligibility?: Record<string, string[]>;
  caps?: { perDealer: number | null; total: number | null };
  /** Per delivery region: its budget, what orders holding a redemption use of it, what is left (null: no limit). */
  budgets?: PromotionBudget[];
};

export type PromotionBudget = {
  regionCode: string;
  maxDiscountMinor: number | null;
  maxUnits: number | null;
  usedDiscountMinor: number;
  usedUnits: number;
  remainingDiscountMinor: number | null;
  remainingUnits: number | null;
};

export type RebateTier = { fromMinor: number; percent: number };

export type RebateEligibility = {
  tiers: string[];
  dealers: string[];
  territories: string[];
  skus: string[];
  brands: string[];
  categories: string[];
};

export type RebateSettlement = { dealerId: string; basisMinor: number; percent: number; amountMinor: number; creditNoteId: string | null };

export type RebateProgram = {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  eligibility: RebateEligibility;
  tiers: RebateTier[];
  /** Dealers with a basis on the program. */
  participants: number;
  settledAt: string | null;
  settlements: RebateSettlement[];
  version: number;
};

export type RebateProgramWritten = RebateProgram & { position: string };

/** GET /v1/dealers/{id}/rebates: a dealer's standing on one program. */
export type DealerRebate = {
  programId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  basisMinor: number;
  tierPercent: number;
  accruedMinor: number;
  settledMinor: number;
  nextTier?: { fromMinor: number; percent: number; missingMinor: number };
};

export type ProjectionState = { name: string; position: string; lag: string; status: string; error: string | null };
export type AdapterState = {
  name: string;
  position: string;
  lag: string;
  active: boolean;
  openDeadLetters: number;
  lastError: string | null;
  lastErrorAt: string | null;
};
export type DeadLetter = {
  id: string;
  adapter: string;
  eventType: string;
  streamId: string;
  position: string;
  attempts: number;
  lastError: string;
  status: string;
  createdAt: string;
};

export type SalesRow = { key: string; name: string | null; orders: number; qty: number; netMinor: number };
export type SalesReport = { from: string; to: string; items: SalesRow[]; totals: { orders: number; netMinor: number } };
export type Bestseller = { rank: number; sku: string; name: string; qty: number; netMinor: number };
export type DecisionStats = {
  placed: number;
  approved: number;
  rejected: number;
  held: number;
  onHold: number;
  approvalRate: number | null;
  automaticApprovalRate: number | null;
  decisionSeconds: { average: number | null; median: number | null; p90: number | null };
};
export type OrderDecisionReport = { totals: DecisionStats; items: (DecisionStats & { key: string })[] };
export type InventoryReport = { expiry: { tier: string; lots: number; qty: number; valueMinor: number }[] };
export type ReplenishmentItem = {
  sku: string;
  name: string;
  warehouseId: string;
  inputs: { available: number; forecastDailyDemand: number };
  reorderPoint: number;
  suggestedQty: number;
  reorderNow: boolean;
};
