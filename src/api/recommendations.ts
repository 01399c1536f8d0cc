// Recommendations for the calling dealer: what it is due to reorder, what is ordered with what it
// ordered lately, what is popular in its territories, what is on promotion for it; never a
// discontinued SKU or one without stock, each with its reason in words. Built from read models:
// a recommendation is a hint, and a few seconds behind is fine.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { resolvePrice } from '../domain/catalog/pricing.ts';
import { RECOMMENDATION_REASONS, explain, pickRecommendations } from '../domain/recommendations/recommend.ts';
import { dealerProfile } from '../projections/dealers/queries.ts';
import { recommendationCandidates } from '../projections/recommendations/queries.ts';
import { principalOf } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { languageOf } from './notifications.ts';
import { problemResponses } from './openapi.ts';

const recommendationSchema = z
  .object({
    sku: z.string(),
    name: z.string(),
    priceMinor: z.number().int().describe("The dealer's price: contract, else its tier's, else the base price."),
    available: z.number().int().describe('Available over all warehouses (always more than 0).'),
    reason: z.enum(RECOMMENDATION_REASONS),
    detail: z.string().describe('The reason in words: Chinese, or English with `Accept-Language: en`.'),
  })
  .meta({ id: 'Recommendation' });

export function recommendationRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db } = deps;

  return async (app) => {
    app.get(
      '/v1/recommendations',
      {
        config: { access: ['dealer'] },
        schema: {
          tags: ['notifications'],
          summary: 'SKUs recommended to the calling dealer, each with its reason',
          description:
            '`due_to_reorder`: the days since the dealer last ordered the SKU reached its usual interval between orders of it; ' +
            '`promoted_for_you`: on a promotion the dealer may have now (for brand- or category-wide ones, what it buys of them); ' +
            '`bought_together`: ordered (by any dealer) in the same orders as what it ordered lately; ' +
            '`popular_in_region`: among the most ordered in its territories lately, and not yet ordered by it. ' +
            'The reasons take turns, in that order; a SKU comes once. Never a discontinued SKU, never one without stock.',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(50).default(10).describe('How many, 1-50 (default 10).') }),
          headers: z.object({ 'accept-language': z.string().max(500).optional() }),
          response: {
            200: z.object({ items: z.array(recommendationSchema) }).meta({ id: 'Recommendations' }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const { limit } = request.query;
        const dealerId = principalOf(request).dealerId!;
        const profile = await dealerProfile(db, dealerId);
        const tier = profile?.tier;
        const candidates = await recommendationCandidates(db, {
          dealerId,
          tier,
          territories: profile?.territories ?? [],
          now: new Date(),
          perReason: limit,
        });
        const language = languageOf(request);
        return {
          items: pickRecommendations(candidates, limit).map((candidate) => {
            const { sku, name, available, basePriceMinor, tierPriceMinor, contractPriceMinor } = candidate;
            const { priceMinor } = resolvePrice(
              {
                basePriceMinor,
                tierPrices: tier !== undefined && tierPriceMinor !== null ? { [tier]: tierPriceMinor } : {},
                dealerPrices: contractPriceMinor === null ? {} : { [dealerId]: contractPriceMinor },
              },
              { dealerId, tier },
            );
            return { sku, name, priceMinor, available, reason: candidate.reason, detail: explain(candidate, language) };
          }),
        };
      },
    );
  };
}
