// The order risk score: named, weighted rules over the order and the dealer's history.
import { businessHourOf, businessTimeZone } from '../shared/calendar.ts';
import { ownEntry } from '../shared/own-entry.ts';

export type OrderHistory = {
  /** Decided orders of the dealer before this one (rejected ones excluded). */
  orderCount: number;
  averageTotalMinor: number;
  /** Average ordered quantity per SKU, over the orders that contained it, and in how many. */
  skuQuantities: Readonly<Record<string, { averageQty: number; orders: number }>>;
  regionsUsed: readonly string[];
};

export type RiskInput = {
  totalMinor: number;
  lines: readonly { sku: string; qty: number }[];
  regionCode: string;
  placedAt: Date;
  history: OrderHistory;
};

export type RiskFactor = { rule: string; weight: number; detail: string };
export type RiskAssessment = { score: number; threshold: number; factors: RiskFactor[] };

/** At or above this score an order is held for review (`risk_score_high`). */
export const RISK_THRESHOLD = 60;

export const RISK_RULES = {
  orderValueSpike: { weight: 40, factor: 3, minHistory: 3 },
  quantitySpike: { weight: 25, factor: 5, minHistory: 2 },
  firstLargeOrder: { weight: 30, amountMinor: 500_000 },
  unusualHour: { weight: 15, fromHour: 0, toHour: 5 },
  newDeliveryRegion: { weight: 20 },
} as const;

const money = (minor: number) => (minor / 100).toFixed(2);

function orderValueSpike({ totalMinor, history }: RiskInput): RiskFactor | undefined {
  const rule = RISK_RULES.orderValueSpike;
  if (history.orderCount < rule.minHistory || totalMinor <= rule.factor * history.averageTotalMinor) return undefined;
  return {
    rule: 'order_value_spike',
    weight: rule.weight,
    detail: `Total ${money(totalMinor)} is over ${rule.factor}× the dealer's average order of ${money(history.averageTotalMinor)}`,
  };
}

function quantitySpike({ lines, history }: RiskInput): RiskFactor | undefined {
  const rule = RISK_RULES.quantitySpike;
  const spikes = lines.flatMap((line) => {
    const usual = ownEntry(history.skuQuantities, line.sku);
    return usual !== undefined && usual.orders >= rule.minHistory && line.qty > rule.factor * usual.averageQty ? [{ line, usual }] : [];
  });
  if (spikes.length === 0) return undefined;
  return {
    rule: 'quantity_spike',
    weight: rule.weight,
    detail: `Quantity over ${rule.factor}× the usual for ${spikes.map(({ line, usual }) => `${line.sku} (${line.qty} vs ~${Math.round(usual.averageQty)})`).join(', ')}`,
  };
}

function firstLargeOrder({ totalMinor, history }: RiskInput): RiskFactor | undefined {
  const rule = RISK_RULES.firstLargeOrder;
  if (history.orderCount > 0 || totalMinor <= rule.amountMinor) return undefined;
  return {
    rule: 'first_large_order',
    weight: rule.weight,
    detail: `First order of this dealer, for ${money(totalMinor)} (over ${money(rule.amountMinor)})`,
  };
}

function unusualHour({ placedAt }: RiskInput): RiskFactor | undefined {
  const rule = RISK_RULES.unusualHour;
  const hour = businessHourOf(placedAt);
  if (hour < rule.fromHour || hour >= rule.toHour) return undefined;
  return {
    rule: 'unusual_hour',
    weight: rule.weight,
    detail: `Placed at ${String(hour).padStart(2, '0')}:xx local time (${businessTimeZone()})`,
  };
}

function newDeliveryRegion({ regionCode, history }: RiskInput): RiskFactor | undefined {
  if (history.orderCount === 0 || history.regionsUsed.includes(regionCode)) return undefined;
  return { rule: 'new_delivery_region', weight: RISK_RULES.newDeliveryRegion.weight, detail: `First delivery to region ${regionCode}` };
}

const RULES = [orderValueSpike, quantitySpike, firstLargeOrder, unusualHour, newDeliveryRegion];

export function assessRisk(input: RiskInput): RiskAssessment {
  const factors = RULES.map((rule) => rule(input)).filter((factor): factor is RiskFactor => factor !== undefined);
  return { score: factors.reduce((sum, factor) => sum + factor.weight, 0), threshold: RISK_THRESHOLD, factors };
}
