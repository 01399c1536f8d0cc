// The stock alerts of one SKU in one warehouse (`alerts-<sku>@<warehouseId>`), each decided once:
// `StockFellBelowThreshold` when the available quantity crosses below the product's low-stock
// threshold (again only after `StockRecovered` said it rose back to it), and
// `LotEnteredExpiryTier` when a lot holding stock enters the red, yellow or blue tier (once per lot
// and tier; a lot that skips a tier, or is received already in one, is told only its most urgent).
//
// The stream is the memory that makes alerts happen once: a replay of the stock events, a restart
// of the process that observes them, or a rebuild of any read model decides nothing it holds.
import type { Decider, DomainEvent } from '../shared/decider.ts';
import { daysLeft, expiryTierOf, type ExpiryThresholds } from '../inventory/expiry.ts';

/** The streams' prefix: no ERP context's (src/integrations/erp/contract.ts). */
export const STOCK_ALERT_STREAM_PREFIX = 'alerts-';

/** SKUs and warehouse ids never contain '@'. */
export const stockAlertStream = (sku: string, warehouseId: string) => `${STOCK_ALERT_STREAM_PREFIX}${sku}@${warehouseId}`;

export const ALERT_TIERS = ['blue', 'yellow', 'red'] as const;
/** The expiry tiers alerted, least urgent first. */
export type AlertTier = (typeof ALERT_TIERS)[number];

type Where = { sku: string; warehouseId: string };

/**
 * What the stock stream held after its event at `stockRevision`. An observation of an older
 * revision than one already decided on is stale (a replay, or a slower trigger) and decides nothing.
 */
export type ObserveStockLevel = Where & { stockRevision: number; available: number; threshold: number | null; observedAt: string };

export type LotOnHand = { lot: string; expiryDate: string; qty: number };

export type EvaluateLotExpiry = Where & { lots: readonly LotOnHand[]; today: string; thresholds: ExpiryThresholds };

export type StockAlertCommand =
  { type: 'ObserveStockLevel'; data: ObserveStockLevel } | { type: 'EvaluateLotExpiry'; data: EvaluateLotExpiry };

export type StockLevelCrossedData = Where & { available: number; threshold: number | null; stockRevision: number; observedAt: string };

export type LotEnteredExpiryTierData = Where & {
  lot: string;
  expiryDate: string;
  tier: AlertTier;
  daysLeft: number;
  qty: number;
  today: string;
};

export type StockAlertEvent =
  | DomainEvent<'StockFellBelowThreshold', StockLevelCrossedData>
  | DomainEvent<'StockRecovered', StockLevelCrossedData>
  | DomainEvent<'LotEnteredExpiryTier', LotEnteredExpiryTierData>;

export const stockAlertEventTypes = ['StockFellBelowThreshold', 'StockRecovered', 'LotEnteredExpiryTier'] as const;

export type StockAlertState = {
  below: boolean;
  /** The stock revision of the last level decided on (-1: none yet). */
  observedRevision: number;
  /** Per lot, the most urgent tier alerted. */
  lotTiers: ReadonlyMap<string, AlertTier>;
};

const urgency = (tier: AlertTier) => ALERT_TIERS.indexOf(tier);

function decideLevel(data: ObserveStockLevel, state: StockAlertState): StockAlertEvent[] {
  if (data.stockRevision < state.observedRevision) return [];
  const below = data.threshold !== null && data.available < data.threshold;
  if (below === state.below) return [];
  const { sku, warehouseId, available, threshold, stockRevision, observedAt } = data;
  return [
    {
      type: below ? 'StockFellBelowThreshold' : 'StockRecovered',
      data: { sku, warehouseId, available, threshold, stockRevision, observedAt },
    },
  ];
}

function decideExpiry(data: EvaluateLotExpiry, state: StockAlertState): StockAlertEvent[] {
  const { sku, warehouseId, today } = data;
  const events: StockAlertEvent[] = [];
  for (const { lot, expiryDate, qty } of data.lots) {
    if (qty <= 0) continue;
    const left = daysLeft(expiryDate, today);
    const tier = expiryTierOf(left, data.thresholds);
    if (tier === null || tier === 'expired') continue;
    const alerted = state.lotTiers.get(lot);
    if (alerted !== undefined && urgency(alerted) >= urgency(tier)) continue;
    events.push({ type: 'LotEnteredExpiryTier', data: { sku, warehouseId, lot, expiryDate, tier, daysLeft: left, qty, today } });
  }
  return events;
}

export const stockAlertDecider: Decider<StockAlertCommand, StockAlertEvent, StockAlertState> = {
  initialState: { below: false, observedRevision: -1, lotTiers: new Map() },

  decide(command, state) {
    return command.type === 'ObserveStockLevel' ? decideLevel(command.data, state) : decideExpiry(command.data, state);
  },

  evolve(state, event) {
    switch (event.type) {
      case 'StockFellBelowThreshold':
      case 'StockRecovered':
        return { ...state, below: event.type === 'StockFellBelowThreshold', observedRevision: event.data.stockRevision };
      case 'LotEnteredExpiryTier':
        return { ...state, lotTiers: new Map(state.lotTiers).set(event.data.lot, event.data.tier) };
    }
  },
};
