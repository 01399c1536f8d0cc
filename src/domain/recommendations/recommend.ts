// Recommendations for a dealer: from the candidates of each reason (each list best first), a few of
// every reason in turn, each SKU once, each explained in words.
import type { Language } from '../notifications/texts.ts';

/** In the order they take turns: the dealer's own habit first, what is on offer for it next. */
export const RECOMMENDATION_REASONS = ['due_to_reorder', 'promoted_for_you', 'bought_together', 'popular_in_region'] as const;
export type RecommendationReason = (typeof RECOMMENDATION_REASONS)[number];

export type ReorderFacts = { intervalDays: number; daysSince: number; orders: number };
export type TogetherFacts = { with: string; withName: string; orders: number };
export type PopularFacts = { region: string; rank: number };
export type PromotedFacts = { promotionId: string; title: string };

export type Candidate =
  | { reason: 'due_to_reorder'; sku: string; facts: ReorderFacts }
  | { reason: 'bought_together'; sku: string; facts: TogetherFacts }
  | { reason: 'popular_in_region'; sku: string; facts: PopularFacts }
  | { reason: 'promoted_for_you'; sku: string; facts: PromotedFacts };

/**
 * Takes the candidates of each reason in turn, in RECOMMENDATION_REASONS order, so that a long list
 * of one reason does not crowd out the others; a SKU already taken is skipped.
 */
export function pickRecommendations<C extends Candidate>(candidates: readonly C[], limit: number): C[] {
  const queues = RECOMMENDATION_REASONS.map((reason) => candidates.filter((candidate) => candidate.reason === reason));
  const taken = new Set<string>();
  const picked: C[] = [];
  while (picked.length < limit && queues.some((queue) => queue.length > 0)) {
    for (const queue of queues) {
      let next = queue.shift();
      while (next && taken.has(next.sku)) next = queue.shift();
      if (!next || picked.length >= limit) continue;
      taken.add(next.sku);
      picked.push(next);
    }
  }
  return picked;
}

/** Why a SKU is recommended, in words. */
export function explain(candidate: Candidate, language: Language): string {
  const zh = language === 'zh';
  switch (candidate.reason) {
    case 'due_to_reorder': {
      const { intervalDays, daysSince } = candidate.facts;
      return zh
        ? `您通常约每 ${intervalDays} 天订购一次，距上次订购已 ${daysSince} 天。`
        : `You order this about every ${intervalDays} days; you last ordered it ${daysSince} days ago.`;
    }
    case 'bought_together': {
      const { with: sku, withName, orders } = candidate.facts;
      return zh
        ? `常与您最近订购的 ${withName}（${sku}）一起购买，已有 ${orders} 个订单同时订购。`
        : `Often ordered with ${withName} (${sku}), which you ordered recently: together in ${orders} orders.`;
    }
    case 'popular_in_region': {
      const { region, rank } = candidate.facts;
      return zh ? `${region} 地区近期订购量第 ${rank} 的商品，您尚未订购过。` : `No. ${rank} in region ${region} lately, and new to you.`;
    }
    case 'promoted_for_you': {
      const { title } = candidate.facts;
      return zh ? `您现在可享受促销：${title}。` : `On promotion for you now: ${title}.`;
    }
  }
}
