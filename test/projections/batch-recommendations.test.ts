// The recommendations projection's set-based path against its per-event path: placed orders folded
// into cadences, pairs and regional popularity leave exactly the rows the per-event path leaves,
// and fail on the same event.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recommendationsProjection } from '../../src/projections/recommendations/projection.ts';
import { applyPageInTransaction, ensureCheckpoint } from '../../src/projections/runner.ts';
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
  const harness = batchHarness();
  const { open, expectSameAsPerEvent } = harness;

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

  it("changes a dealer's SKUs in place (HOT updates: no index holds what an order changes)", { timeout: 60_000 }, async () => {
    await open(planOrders(65, 200, false));
    const { db, store, upcasting } = harness;
    // One connection: a session's counters are read once it has flushed them.
    await db.connection().execute(async (session) => {
      let checkpoint = (await ensureCheckpoint(session, recommendationsProjection.name)).position;
      for (;;) {
        const page = await store.readAll({ after: checkpoint, maxCount: 20, filter: recommendationsProjection.filter });
        if (page.events.length === 0) break;
        await applyPageInTransaction(session, recommendationsProjection, recommendationsProjection.name, checkpoint, page, upcasting);
        checkpoint = page.checkpoint;
      }
      await sql`SELECT pg_stat_force_next_flush()`.execute(session);
      const { rows } = await sql<{ updated: string; hot: string }>`
        SELECT pg_stat_clear_snapshot(), n_tup_upd::text AS updated, n_tup_hot_upd::text AS hot
          FROM pg_stat_user_tables WHERE relid = 'recommendations.dealer_skus'::regclass`.execute(session);
      // Four dealers by eight SKUs: most of the 200 orders' rows are updates.
      expect(Number(rows[0]!.updated)).toBeGreaterThan(100);
      expect(rows[0]!.hot).toBe(rows[0]!.updated);
    });
  });
});
