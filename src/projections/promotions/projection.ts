// Projects promotion events into the promotions tables: terms, early ends and redemption counts.
import { sql } from 'kysely';
import { promotionEventTypes, type PromotionCreatedData } from '../../domain/promotions/promotion.ts';
import type { Projection } from '../projection.ts';

type Redemption = { promotionId: string; orderId: string; dealerId: string };

export const promotionsProjection: Projection = {
  name: 'promotions',
  schema: 'promotions',
  filter: { eventTypes: promotionEventTypes },
  async handle(db, event) {
    const at = new Date(event.metadata.occurredAt);
    switch (event.type) {
      case 'PromotionCreated': {
        const p = event.data as PromotionCreatedData;
        await db
          .insertInto('promotions.promotions')
          .values({
            id: p.promotionId,
            title: p.title,
            kind: p.kind,
            rule: JSON.stringify(p.rule),
            priority: p.priority,
            stackable: p.stackable,
            tiers: p.eligibility.tiers,
            territories: p.eligibility.territories,
            dealer_ids: p.eligibility.dealerIds,
            skus: p.eligibility.skus,
            brands: p.eligibility.brands,
            categories: p.eligibility.categories,
            rule_skus: p.kind === 'bundle_price' ? p.rule.items.map((item) => item.sku) : [],
            cap_per_dealer: p.caps.perDealer,
            cap_total: p.caps.total,
            budgets: JSON.stringify(p.budgets ?? {}),
            starts_at: new Date(p.startsAt),
            ends_at: new Date(p.endsAt),
            version: event.revision,
            created_at: at,
            updated_at: at,
          })
          .execute();
        return;
      }
      case 'PromotionEnded': {
        const { promotionId, endedAt } = event.data as { promotionId: string; endedAt: string };
        await db
          .updateTable('promotions.promotions')
          .set({ ended_at: new Date(endedAt), version: event.revision, updated_at: at })
          .where('id', '=', promotionId)
          .execute();
        return;
      }
      case 'PromotionRedeemed':
      case 'PromotionRedemptionReleased': {
        const { promotionId, dealerId } = event.data as Redemption;
        const change = event.type === 'PromotionRedeemed' ? 1 : -1;
        await db
          .updateTable('promotions.promotions')
          .set({ redemptions: sql<number>`redemptions + ${change}`, version: event.revision })
          .where('id', '=', promotionId)
          .execute();
        await db
          .insertInto('promotions.dealer_redemptions')
          .values({ promotion_id: promotionId, dealer_id: dealerId, redemptions: change })
          .onConflict((oc) =>
            oc
              .columns(['promotion_id', 'dealer_id'])
              .doUpdateSet((eb) => ({ redemptions: eb('promotions.dealer_redemptions.redemptions', '+', change) })),
          )
          .execute();
        return;
      }
    }
  },
};
