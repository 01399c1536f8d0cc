// What each kind of promotion does to the lines it may touch: the discounts and gifts it would
// give, computed on the lines' remaining prices, without changing anything.
import { allocateProportionally, divideRounded, formatMoney } from '../shared/money.ts';
import type { BundlePriceRule, BuyXGetYRule, Promotion, SpendThresholdRule, TieredQuantityRule } from './promotion.ts';

/** A line as the engine works on it: `net` is what is left of its price after earlier promotions. */
export type WorkingLine = {
  readonly sku: string;
  readonly qty: number;
  readonly unitPriceMinor: number;
  readonly gross: number;
  net: number;
};

export type LineEffect = { line: WorkingLine; discountMinor: number; text: string };

/** What one promotion would do: per-line discounts (or gift contributions, at 0), and gifts. */
export type Outcome = {
  effects: LineEffect[];
  gifts: { sku: string; qty: number; text: string }[];
  summary: string;
};

const NOTHING: Outcome = { effects: [], gifts: [], summary: '' };

export type Format = (minor: number) => string;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function percentOff(percent: number, lines: readonly WorkingLine[]): Outcome {
  const basisPoints = BigInt(Math.round(percent * 100));
  const effects = lines
    .map((line) => ({ line, discountMinor: divideRounded(BigInt(line.net) * basisPoints, 10_000n), text: `${percent}% off` }))
    .filter((effect) => effect.discountMinor > 0);
  return { effects, gifts: [], summary: `${percent}% off eligible lines` };
}

function amountOff(amountMinor: number, per: 'unit' | 'line', lines: readonly WorkingLine[], money: Format): Outcome {
  const effects = lines
    .map((line) => {
      const wanted = per === 'unit' ? amountMinor * line.qty : amountMinor;
      const discountMinor = Math.min(line.net, wanted);
      const what = per === 'unit' ? `${money(amountMinor)} off per unit × ${line.qty}` : `${money(amountMinor)} off the line`;
      return { line, discountMinor, text: discountMinor < wanted ? `${what}, limited to the line's remaining price` : what };
    })
    .filter((effect) => effect.discountMinor > 0);
  return { effects, gifts: [], summary: per === 'unit' ? `${money(amountMinor)} off per unit` : `${money(amountMinor)} off per line` };
}

function spendThreshold(rule: SpendThresholdRule, lines: readonly WorkingLine[], money: Format): Outcome {
  const counted = lines.filter((line) => line.net > 0);
  const spent = counted.reduce((sum, line) => sum + line.net, 0);
  if (spent < rule.minSpendMinor) return NOTHING;
  const times = rule.repeat ? Math.floor(spent / rule.minSpendMinor) : 1;
  const total = Math.min(spent, times * rule.amountOffMinor);
  const shares = allocateProportionally(
    total,
    counted.map((line) => line.net),
  );
  const offer = rule.repeat
    ? `${money(rule.amountOffMinor)} off for every ${money(rule.minSpendMinor)} spent`
    : `spend ${money(rule.minSpendMinor)}, get ${money(rule.amountOffMinor)} off`;
  const text = `share of ${money(total)} off (${offer}; ${money(spent)} spent on eligible lines)`;
  return {
    effects: counted.map((line, index) => ({ line, discountMinor: shares[index]!, text })),
    gifts: [],
    summary: `${offer[0]!.toUpperCase()}${offer.slice(1)} (${money(spent)} spent on eligible lines)`,
  };
}

function buyXGetY(rule: BuyXGetYRule, lines: readonly WorkingLine[]): Outcome {
  const offer = `buy ${rule.buyQty}, get ${rule.getQty}${rule.giftSku ? ` × ${rule.giftSku}` : ''} free`;
  let allowance = rule.maxGiftQty ?? Number.POSITIVE_INFINITY;
  if (rule.giftSku === undefined) {
    const outcome: Outcome = { effects: [], gifts: [], summary: '' };
    for (const line of lines) {
      const qty = Math.min(allowance, Math.floor(line.qty / rule.buyQty) * rule.getQty);
      if (qty === 0) continue;
      allowance -= qty;
      const text = `${offer}: ${qty} × ${line.sku} added free`;
      outcome.effects.push({ line, discountMinor: 0, text });
      outcome.gifts.push({ sku: line.sku, qty, text: `${offer}: ${qty} × ${line.sku} for ${line.qty} bought` });
    }
    const given = outcome.gifts.reduce((sum, gift) => sum + gift.qty, 0);
    return given === 0 ? NOTHING : { ...outcome, summary: `${offer[0]!.toUpperCase()}${offer.slice(1)}: ${plural(given, 'gift unit')}` };
  }
  const bought = lines.reduce((sum, line) => sum + line.qty, 0);
  const qty = Math.min(allowance, Math.floor(bought / rule.buyQty) * rule.getQty);
  if (qty === 0) return NOTHING;
  const text = `counts toward ${offer}: ${qty} × ${rule.giftSku} added free for ${bought} eligible units`;
  return {
    effects: lines.map((line) => ({ line, discountMinor: 0, text })),
    gifts: [{ sku: rule.giftSku, qty, text: `${offer}: ${qty} × ${rule.giftSku} for ${bought} eligible units bought` }],
    summary: `${offer[0]!.toUpperCase()}${offer.slice(1)}: ${plural(qty, 'gift unit')}`,
  };
}

function bundlePrice(rule: BundlePriceRule, lines: readonly WorkingLine[], money: Format): Outcome {
  const parts = rule.items.map((item) => ({ item, line: lines.find((line) => line.sku === item.sku) }));
  if (parts.some((part) => part.line === undefined)) return NOTHING;
  const possible = Math.min(...parts.map(({ item, line }) => Math.floor(line!.qty / item.qty)));
  const bundles = Math.min(possible, rule.maxBundles ?? possible);
  if (bundles === 0) return NOTHING;
  // The bundled units' share of each line's remaining price is what the bundle price replaces.
  const regular = parts.map(({ item, line }) => divideRounded(BigInt(line!.net) * BigInt(bundles * item.qty), BigInt(line!.qty)));
  const regularTotal = regular.reduce((a, b) => a + b, 0);
  const discount = Math.max(0, regularTotal - bundles * rule.priceMinor);
  if (discount === 0) return NOTHING;
  const shares = allocateProportionally(discount, regular);
  const offer = `${rule.items.map((item) => `${item.qty} × ${item.sku}`).join(' + ')} for ${money(rule.priceMinor)}`;
  const text = `${plural(bundles, 'bundle')} of ${offer} each, ${money(bundles * rule.priceMinor)} instead of ${money(regularTotal)}: this line's share`;
  return {
    effects: parts.map(({ line }, index) => ({ line: line!, discountMinor: shares[index]!, text })),
    gifts: [],
    summary: `Bundle ${offer} (${plural(bundles, 'bundle')})`,
  };
}

function tieredQuantity(rule: TieredQuantityRule, lines: readonly WorkingLine[], money: Format): Outcome {
  const effects: LineEffect[] = [];
  for (const line of lines) {
    const tier = rule.breaks.findLast((item) => item.minQty <= line.qty);
    if (!tier) continue;
    const wanted = tier.unitOffMinor * line.qty;
    const discountMinor = Math.min(line.net, wanted);
    if (discountMinor === 0) continue;
    const what = `${money(tier.unitOffMinor)} off per unit at ${tier.minQty}+ units × ${line.qty}`;
    effects.push({ line, discountMinor, text: discountMinor < wanted ? `${what}, limited to the line's remaining price` : what });
  }
  const summary = `Quantity breaks: ${rule.breaks.map((item) => `${item.minQty}+ units ${money(item.unitOffMinor)} off per unit`).join(', ')}`;
  return { effects, gifts: [], summary };
}

/** What `promotion` would do to `lines` (the lines it may touch, in SKU order) as they stand. */
export function evaluate(promotion: Promotion, lines: readonly WorkingLine[], money: Format): Outcome {
  if (lines.length === 0) return NOTHING;
  switch (promotion.kind) {
    case 'percent_off':
      return percentOff(promotion.rule.percent, lines);
    case 'amount_off':
      return amountOff(promotion.rule.amountMinor, promotion.rule.per, lines, money);
    case 'spend_threshold':
      return spendThreshold(promotion.rule, lines, money);
    case 'buy_x_get_y':
      return buyXGetY(promotion.rule, lines);
    case 'bundle_price':
      return bundlePrice(promotion.rule, lines, money);
    case 'tiered_quantity':
      return tieredQuantity(promotion.rule, lines, money);
  }
}

export const moneyIn =
  (currency: string): Format =>
  (minor) =>
    formatMoney(minor, currency);
