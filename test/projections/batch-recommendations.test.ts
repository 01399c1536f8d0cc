// The recommendations projection's set-based path against its per-event path: placed orders folded
// into cadences, pairs and regional popularity leave exactly the rows the per-event path leaves,
// and fail on the same event.
import { describe, expect, it } from 'vitest';
import { recommendationsProjection } from '../../src/projections/recommendations/projection.ts';
import { batchHarness, random, type Planned } from '../support/batch-harness.ts';

/** Orders of four dealers in two regions over two years, of 1-6 lines of eight SKUs. `messy`: a line without a quantity, or one of 2.5. */
function planOrders(seed: number, count: number, messy: boolean): Planned[] {
  const { pick, next, chance } = random(seed);
  const skus = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
  return Array.from({ length: count }, (_, n) => {
    const orderId = `O-${seed}-${n}`;
    const lines = Array.from({ length: 1 + Math.floor(next() * 6) }, () => ({
      sku: pick(skus),
      qty: messy && chance(0.01) ? pick([2.5, undefined]) : 1 + Math.floor(next() * 9),
    }));
    const placedAt = new Date(Date.parse('2024-12-01T00:00:00Z') + Math.floor(next() * 730) * 86_400_000).toISOString();
    return {
      stream: `order-${orderId}`,
      type: 'OrderPlaced',
      data: { orderId, dealerId: pick(['D-1', 'D-2', 'D-3', 'D-4']), regionCode: pick(['CN-31', 'CN-11']), placedAt, lines },
    };
  });
}

describe('the recommendations batch handler', () => {
  const { open, expectSameAsPerEvent } = batchHarness();

  for (const [seed, messy] of [
    [61, false],
    [62, false],
    [63, true],
    [64, true],
  ] as const) {
    it(
      `leaves the rows the per-event path leaves, and fails where it fails (seed ${seed}${messy ? ', messy' : ''})`,
      { timeout: 60_000 },
      async () => {
        await open(planOrders(seed, 120, messy));
        const reference = await expectSameAsPerEvent(recommendationsProjection);
        if (!messy) expect(reference).toHaveProperty('rows');
      },
    );
  }
});
