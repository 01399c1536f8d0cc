// Projects placed orders into what recommendations are made of (src/domain/recommendations/order-signals.ts):
// each dealer's cadence per SKU, SKUs ordered together, SKUs popular per region. An event's effect
// is a fold of that one event, so the per-event path and the set-based one (a fold of a page) are
// one code: the fold sums in memory what the database would sum row by row.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { OrderPlacedData } from '../../domain/ordering/order.ts';
import { orderSignals } from '../../domain/recommendations/order-signals.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { BatchDeclined, columnList, recordset, type Column } from '../batch.ts';
import type { BatchHandler, Fold, Projection } from '../projection.ts';

const text = (name: string): Column => ({ name, type: 'text' });
const DEALER_SKU_COLUMNS: Column[] = [
  text('dealer_id'),
  text('sku'),
  { name: 'order_count', type: 'int4' },
  { name: 'first_ordered_at', type: 'timestamptz' },
  { name: 'last_ordered_at', type: 'timestamptz' },
];
const PAIR_COLUMNS: Column[] = [text('sku'), text('other_sku'), { name: 'orders', type: 'int4' }];
/** The score travels as text and is cast: numeric is exact, JSON numbers are not. */
const REGION_COLUMNS: Column[] = [text('region_code'), text('sku'), text('score')];

type DealerSku = { dealer_id: string; sku: string; order_count: number; first: number; last: number };

class RecommendationsFold implements Fold {
  readonly #dealerSkus = new Map<string, DealerSku>();
  readonly #pairs = new Map<string, { sku: string; other_sku: string; orders: number }>();
  readonly #regions = new Map<string, { region_code: string; sku: string; score: bigint }>();

  get size(): number {
    return this.#dealerSkus.size + this.#pairs.size + this.#regions.size;
  }

  async add(_db: Db, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'OrderPlaced') throw new BatchDeclined(`${event.type} is not folded`);
      const signals = orderSignals(event.data as OrderPlacedData);
      const at = Date.parse(signals.placedAt);
      for (const sku of signals.skus) {
        const key = JSON.stringify([signals.dealerId, sku]);
        const known = this.#dealerSkus.get(key);
        if (known)
          Object.assign(known, { order_count: known.order_count + 1, first: Math.min(known.first, at), last: Math.max(known.last, at) });
        else this.#dealerSkus.set(key, { dealer_id: signals.dealerId, sku, order_count: 1, first: at, last: at });
      }
      for (const [sku, other] of signals.pairs) {
        const key = JSON.stringify([sku, other]);
        const known = this.#pairs.get(key);
        if (known) known.orders += 1;
        else this.#pairs.set(key, { sku, other_sku: other, orders: 1 });
      }
      for (const [sku, weight] of signals.weights) {
        const key = JSON.stringify([signals.regionCode, sku]);
        const known = this.#regions.get(key);
        if (known) known.score += weight;
        else this.#regions.set(key, { region_code: signals.regionCode, sku, score: weight });
      }
    }
  }

  async write(db: Db): Promise<void> {
    if (this.#dealerSkus.size > 0) {
      const rows = [...this.#dealerSkus.values()].map(({ first, last, ...row }) => ({
        ...row,
        first_ordered_at: new Date(first).toISOString(),
        last_ordered_at: new Date(last).toISOString(),
      }));
      await sql`INSERT INTO ${sql.table('recommendations.dealer_skus')} AS d (${columnList(DEALER_SKU_COLUMNS)})
        SELECT * FROM ${recordset('r', DEALER_SKU_COLUMNS, rows)}
        ON CONFLICT (dealer_id, sku) DO UPDATE SET
          order_count = d.order_count + excluded.order_count,
          first_ordered_at = least(d.first_ordered_at, excluded.first_ordered_at),
          last_ordered_at = greatest(d.last_ordered_at, excluded.last_ordered_at)`.execute(db);
    }
    if (this.#pairs.size > 0) {
      await sql`INSERT INTO ${sql.table('recommendations.pairs')} AS p (${columnList(PAIR_COLUMNS)})
        SELECT * FROM ${recordset('r', PAIR_COLUMNS, [...this.#pairs.values()])}
        ON CONFLICT (sku, other_sku) DO UPDATE SET orders = p.orders + excluded.orders`.execute(db);
    }
    if (this.#regions.size > 0) {
      const rows = [...this.#regions.values()].map((row) => ({ ...row, score: row.score.toString() }));
      await sql`INSERT INTO ${sql.table('recommendations.region_skus')} AS s (${columnList(REGION_COLUMNS)})
        SELECT r.region_code, r.sku, r.score::numeric FROM ${recordset('r', REGION_COLUMNS, rows)}
        ON CONFLICT (region_code, sku) DO UPDATE SET score = s.score + excluded.score`.execute(db);
    }
  }
}

const batch: BatchHandler = {
  folds: (event) => event.type === 'OrderPlaced',
  fold: () => new RecommendationsFold(),
  reads: () => false,
};

export const recommendationsProjection: Projection = {
  name: 'recommendations',
  schema: 'recommendations',
  filter: { eventTypes: ['OrderPlaced'] },
  async handle(db, event) {
    const fold = new RecommendationsFold();
    await fold.add(db, [event]);
    await fold.write(db);
  },
  batch,
};
