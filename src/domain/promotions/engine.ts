// The promotion engine: applies a buyer's promotions to priced order lines, purely and
// deterministically, explaining every line in words.
//
// Semantics (the contract quoting and ordering rely on):
// - A promotion is usable when `now` is in [startsAt, min(endsAt, endedAt)), the buyer matches its
//   dealerIds, tiers and territories (the order's regionCode; an unknown tier or region matches no
//   restricted list), at least one line matches its skus, brands and categories (and, for a bundle,
//   is one of its items), and, if capped, `usage` shows no cap reached (then it is listed in
//   `capsReached` instead).
// - Order of application: by priority, highest first. Within one priority the exclusive promotions
//   come first: each is tried on the lines no promotion has touched yet and the one worth most to
//   the buyer (discount plus gift value) applies, ties going to the kind order below and then the
//   smaller id; then the next best on what is left untouched, and so on. Then the stackable ones,
//   in kind order (bundle_price, tiered_quantity, percent_off, amount_off, spend_threshold,
//   buy_x_get_y) and then by id, each on the remaining price of every matching line that no
//   exclusive promotion holds. A line an exclusive promotion touched gets no other promotion.
// - Discounts come off what is left of a line's price and never exceed it: a line's discount is
//   at most its gross, its net and every total are never negative, and the line discounts sum to
//   the total discount exactly. All amounts are integers in minor units.
// - The result depends on the set of lines, not their order: lines are worked in SKU order and
//   returned in input order (result line i is input line i). SKUs must be distinct (merge first).
import { ownEntry } from '../shared/own-entry.ts';
import { evaluate, moneyIn, type Format, type Outcome, type WorkingLine } from './kinds.ts';
import { capReached, isActiveAt, isCapped, type Promotion, type PromotionKind, type Usage } from './promotion.ts';

export type PromotionLine = { sku: string; qty: number; unitPriceMinor: number; brand: string; category: string };

export type PromotionBuyer = { dealerId: string; tier?: string | undefined; regionCode?: string | undefined };

export type ApplyPromotionsInput = {
  lines: readonly PromotionLine[];
  buyer: PromotionBuyer;
  now: Date;
  /** Candidates; the engine itself checks window, eligibility and caps. */
  promotions: readonly Promotion[];
  /** Redemptions so far of the capped promotions, by promotion id (missing: none). */
  usage?: Readonly<Record<string, Usage>>;
  /** The buyer's unit price of gift SKUs that are not order lines: values gifts when exclusive promotions compete. */
  giftUnitPrices?: Readonly<Record<string, number>>;
  /** For the explanations only. */
  currency?: string;
};

export type PromotionRef = { id: string; title: string };

export type DiscountedLine = {
  sku: string;
  qty: number;
  unitPriceMinor: number;
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  promotions: PromotionRef[];
  explanation: string;
};

export type PromotionGift = { sku: string; qty: number; promotionId: string; explanation: string };

export type AppliedPromotion = {
  id: string;
  title: string;
  kind: PromotionKind;
  stackable: boolean;
  /** Capped promotions must be redeemed (RedeemPromotion) by the order that uses them. */
  capped: boolean;
  discountMinor: number;
  giftQty: number;
  explanation: string;
};

export type PromotionsResult = {
  lines: DiscountedLine[];
  gifts: PromotionGift[];
  applied: AppliedPromotion[];
  capsReached: PromotionRef[];
  totals: { subtotalMinor: number; discountMinor: number; totalMinor: number };
};

type Line = WorkingLine & {
  readonly index: number;
  readonly brand: string;
  readonly category: string;
  /** Some promotion changed it or counted it. */
  touched: boolean;
  /** An exclusive promotion holds it: no other promotion may touch it. */
  locked: boolean;
  parts: { promotion: Promotion; discountMinor: number; text: string }[];
};

const KIND_ORDER: Readonly<Record<PromotionKind, number>> = {
  bundle_price: 0,
  tiered_quantity: 1,
  percent_off: 2,
  amount_off: 3,
  spend_threshold: 4,
  buy_x_get_y: 5,
};

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byKindThenId = (a: Promotion, b: Promotion) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareText(a.id, b.id);

const matches = (allowed: readonly string[], value: string | undefined) =>
  allowed.length === 0 || (value !== undefined && allowed.includes(value));

/** Whether the buyer may have the promotion: dealer, tier and the order's region. */
export function buyerEligible(promotion: Pick<Promotion, 'eligibility'>, buyer: PromotionBuyer): boolean {
  const { dealerIds, tiers, territories } = promotion.eligibility;
  return matches(dealerIds, buyer.dealerId) && matches(tiers, buyer.tier) && matches(territories, buyer.regionCode);
}

/** Whether the promotion may touch a line: its SKU, brand and category, and a bundle's items. */
export function lineEligible(promotion: Promotion, line: Pick<PromotionLine, 'sku' | 'brand' | 'category'>): boolean {
  const { skus, brands, categories } = promotion.eligibility;
  if (promotion.kind === 'bundle_price' && !promotion.rule.items.some((item) => item.sku === line.sku)) return false;
  return matches(skus, line.sku) && matches(brands, line.brand) && matches(categories, line.category);
}

function workingLines(lines: readonly PromotionLine[]): Line[] {
  const seen = new Set<string>();
  return lines.map((line, index) => {
    if (!Number.isSafeInteger(line.qty) || line.qty <= 0) throw new Error(`applyPromotions: line ${index} has qty ${line.qty}`);
    if (!Number.isSafeInteger(line.unitPriceMinor) || line.unitPriceMinor < 0) {
      throw new Error(`applyPromotions: line ${index} has unit price ${line.unitPriceMinor}`);
    }
    const gross = line.qty * line.unitPriceMinor;
    if (!Number.isSafeInteger(gross)) throw new Error(`applyPromotions: line ${index} is too large to price exactly`);
    if (seen.has(line.sku)) throw new Error(`applyPromotions: SKU ${line.sku} is on more than one line; merge the lines first`);
    seen.add(line.sku);
    const { sku, qty, unitPriceMinor, brand, category } = line;
    return { sku, qty, unitPriceMinor, brand, category, index, gross, net: gross, touched: false, locked: false, parts: [] };
  });
}

const zeroUsage: Usage = { byDealer: 0, total: 0 };

function usablePromotions(input: ApplyPromotionsInput, lines: readonly Line[]) {
  const usable: Promotion[] = [];
  const capsReached: PromotionRef[] = [];
  const ids = new Set<string>();
  for (const promotion of [...input.promotions].sort((a, b) => compareText(a.id, b.id))) {
    if (ids.has(promotion.id)) throw new Error(`applyPromotions: promotion ${promotion.id} is given twice`);
    ids.add(promotion.id);
    if (!isActiveAt(promotion, input.now) || !buyerEligible(promotion, input.buyer)) continue;
    if (!lines.some((line) => lineEligible(promotion, line))) continue;
    const usage = ownEntry(input.usage, promotion.id) ?? zeroUsage;
    if (isCapped(promotion) && capReached(promotion, usage)) capsReached.push({ id: promotion.id, title: promotion.title });
    else usable.push(promotion);
  }
  return { usable, capsReached };
}

const hasBenefit = (outcome: Outcome) => outcome.gifts.length > 0 || outcome.effects.some((effect) => effect.discountMinor > 0);

export function applyPromotions(input: ApplyPromotionsInput): PromotionsResult {
  const money = moneyIn(input.currency ?? 'CNY');
  const lines = workingLines(input.lines);
  const inSkuOrder = [...lines].sort((a, b) => compareText(a.sku, b.sku));
  const { usable, capsReached } = usablePromotions(input, inSkuOrder);
  const applied: AppliedPromotion[] = [];
  const gifts: PromotionGift[] = [];

  const giftValue = (outcome: Outcome) =>
    outcome.gifts.reduce((sum, gift) => {
      const known = ownEntry(input.giftUnitPrices, gift.sku);
      const price = known ?? lines.find((line) => line.sku === gift.sku)?.unitPriceMinor ?? 0;
      return sum + gift.qty * price;
    }, 0);
  const valueOf = (outcome: Outcome) => outcome.effects.reduce((sum, effect) => sum + effect.discountMinor, 0) + giftValue(outcome);

  const tryOn = (promotion: Promotion, exclusive: boolean) =>
    evaluate(
      promotion,
      inSkuOrder.filter((line) => lineEligible(promotion, line) && (exclusive ? !line.touched : !line.locked)),
      money,
    );

  function apply(promotion: Promotion, outcome: Outcome): void {
    const ref = promotionLabel(promotion);
    let discountMinor = 0;
    for (const effect of outcome.effects) {
      const line = effect.line as Line;
      const discount = Math.min(effect.discountMinor, line.net);
      line.net -= discount;
      line.touched = true;
      line.locked ||= !promotion.stackable;
      discountMinor += discount;
      const amount = promotion.kind === 'buy_x_get_y' ? '' : `: ${money(-discount)}`;
      line.parts.push({ promotion, discountMinor: discount, text: `${effect.text} ${ref}${amount}` });
    }
    for (const gift of outcome.gifts)
      gifts.push({ sku: gift.sku, qty: gift.qty, promotionId: promotion.id, explanation: `${gift.text} ${ref}` });
    const giftQty = outcome.gifts.reduce((sum, gift) => sum + gift.qty, 0);
    applied.push({
      id: promotion.id,
      title: promotion.title,
      kind: promotion.kind,
      stackable: promotion.stackable,
      capped: isCapped(promotion),
      discountMinor,
      giftQty,
      explanation: discountMinor > 0 ? `${outcome.summary}; ${money(-discountMinor)} in all` : outcome.summary,
    });
  }

  const priorities = [...new Set(usable.map((promotion) => promotion.priority))].sort((a, b) => b - a);
  for (const priority of priorities) {
    const group = usable.filter((promotion) => promotion.priority === priority);
    let exclusives = group.filter((promotion) => !promotion.stackable);
    for (;;) {
      let best: { promotion: Promotion; outcome: Outcome; value: number } | undefined;
      for (const promotion of exclusives) {
        const outcome = tryOn(promotion, true);
        if (!hasBenefit(outcome)) continue;
        const value = valueOf(outcome);
        if (!best || value > best.value || (value === best.value && byKindThenId(promotion, best.promotion) < 0))
          best = { promotion, outcome, value };
      }
      if (!best) break;
      apply(best.promotion, best.outcome);
      const chosen = best.promotion;
      exclusives = exclusives.filter((promotion) => promotion !== chosen);
    }
    for (const promotion of group.filter((candidate) => candidate.stackable).sort(byKindThenId)) {
      const outcome = tryOn(promotion, false);
      if (hasBenefit(outcome)) apply(promotion, outcome);
    }
  }

  return {
    lines: lines.map((line) => discountedLine(line, money)),
    gifts,
    applied,
    capsReached,
    totals: {
      subtotalMinor: lines.reduce((sum, line) => sum + line.gross, 0),
      discountMinor: lines.reduce((sum, line) => sum + line.gross - line.net, 0),
      totalMinor: lines.reduce((sum, line) => sum + line.net, 0),
    },
  };
}

const promotionLabel = (promotion: Promotion) => `(promotion ${promotion.id} “${promotion.title}”)`;

function discountedLine(line: Line, money: Format): DiscountedLine {
  const head = `${line.qty} × ${money(line.unitPriceMinor)} = ${money(line.gross)}`;
  const refs = new Map(line.parts.map(({ promotion }) => [promotion.id, { id: promotion.id, title: promotion.title }]));
  const explanation =
    line.parts.length === 0
      ? `${head}; no promotion applies`
      : `${head}; ${line.parts.map((part) => part.text).join('; ')}; net ${money(line.net)}`;
  return {
    sku: line.sku,
    qty: line.qty,
    unitPriceMinor: line.unitPriceMinor,
    grossMinor: line.gross,
    discountMinor: line.gross - line.net,
    netMinor: line.net,
    promotions: [...refs.values()],
    explanation,
  };
}
