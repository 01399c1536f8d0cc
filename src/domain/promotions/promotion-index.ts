// The promotions in force (`index-promotions`): each promotion is listed when it is created and
// delisted when it is ended early. A small write-side index: an order placement reads it to know
// which promotion streams to price with, without asking a read model; its revision is checked when
// the placement is appended, so a promotion created or ended meanwhile is never missed. A
// promotion's terms never change once created, so the index and the promotion streams of capped
// promotions (which count redemptions) are all a placement needs to check.
import type { Decider, DomainEvent } from '../shared/decider.ts';

export const promotionIndexStream = 'index-promotions';

export type ListedPromotion = { promotionId: string; startsAt: string; endsAt: string };

export type PromotionIndexCommand =
  { type: 'ListPromotion'; data: ListedPromotion } | { type: 'DelistPromotion'; data: { promotionId: string } };

export type PromotionIndexEvent =
  DomainEvent<'PromotionListed', ListedPromotion> | DomainEvent<'PromotionDelisted', { promotionId: string }>;

export const promotionIndexEventTypes = ['PromotionListed', 'PromotionDelisted'] as const;

/** Listed promotions by id, with their window. */
export type PromotionIndexState = { listed: ReadonlyMap<string, ListedPromotion> };

/** The listed promotions whose window holds `now`. */
export function promotionsInForce(state: PromotionIndexState, now: Date): string[] {
  const at = now.getTime();
  return [...state.listed.values()]
    .filter((listed) => Date.parse(listed.startsAt) <= at && at < Date.parse(listed.endsAt))
    .map((listed) => listed.promotionId);
}

export const promotionIndexDecider: Decider<PromotionIndexCommand, PromotionIndexEvent, PromotionIndexState> = {
  initialState: { listed: new Map() },
  decide(command, state) {
    const listed = state.listed.has(command.data.promotionId);
    if (command.type === 'ListPromotion') return listed ? [] : [{ type: 'PromotionListed', data: command.data }];
    return listed ? [{ type: 'PromotionDelisted', data: command.data }] : [];
  },
  evolve(state, event) {
    const listed = new Map(state.listed);
    if (event.type === 'PromotionListed') listed.set(event.data.promotionId, event.data);
    else listed.delete(event.data.promotionId);
    return { listed };
  },
};
