// Tracks what every order holds on stock, credit and promotion streams, from those streams' own events.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Projection } from '../projection.ts';
import { holdingsBatch } from './batch.ts';
import type { HoldingKind } from './tables.ts';

type Held = { sku?: string; warehouseId?: string; dealerId?: string; promotionId?: string };

async function hold(db: Db, streamId: string, orderId: string, kind: HoldingKind, amount: number, since: Date, held: Held): Promise<void> {
  await db
    .insertInto('holdings.open')
    .values({
      stream_id: streamId,
      order_id: orderId,
      kind,
      sku: held.sku ?? null,
      warehouse_id: held.warehouseId ?? null,
      dealer_id: held.dealerId ?? null,
      promotion_id: held.promotionId ?? null,
      amount,
      since,
    })
    .onConflict((oc) => oc.columns(['stream_id', 'order_id']).doUpdateSet({ amount: sql`${sql.ref('holdings.open.amount')} + excluded.amount` }))
    .execute();
}

async function reduce(db: Db, streamId: string, orderId: string, amount: number | 'all'): Promise<void> {
  if (amount !== 'all') {
    await db
      .updateTable('holdings.open')
      .set({ amount: sql`amount - ${amount}` })
      .where('stream_id', '=', streamId)
      .where('order_id', '=', orderId)
      .execute();
  }
  const query = db.deleteFrom('holdings.open').where('stream_id', '=', streamId).where('order_id', '=', orderId);
  await (amount === 'all' ? query : query.where('amount', '<=', 0)).execute();
}

type OrderData = Held & { orderId: string; qty?: number; amountMinor?: number; fromReservation?: number };

export const holdingsProjection: Projection = {
  name: 'holdings',
  schema: 'holdings',
  filter: {
    eventTypes: [
      'StockReserved',
      'StockReleased',
      'StockPicked',
      'CreditReserved',
      'CreditReleased',
      'CreditCharged',
      'PromotionRedeemed',
      'PromotionRedemptionReleased',
    ],
  },
  async handle(db, event) {
    const data = event.data as OrderData;
    const since = new Date(event.metadata.occurredAt);
    switch (event.type) {
      case 'StockReserved':
        return hold(db, event.streamId, data.orderId, 'stock', data.qty ?? 0, since, { sku: data.sku, warehouseId: data.warehouseId });
      case 'CreditReserved':
        return hold(db, event.streamId, data.orderId, 'credit', data.amountMinor ?? 0, since, { dealerId: data.dealerId });
      case 'PromotionRedeemed':
        return hold(db, event.streamId, data.orderId, 'promotion', 1, since, { promotionId: data.promotionId });
      case 'StockPicked':
        return reduce(db, event.streamId, data.orderId, data.fromReservation ?? 0);
      case 'CreditCharged':
        return reduce(db, event.streamId, data.orderId, data.amountMinor ?? 0);
      default:
        return reduce(db, event.streamId, data.orderId, 'all');
    }
  },
  batch: holdingsBatch,
  // The handlers find holdings by key; the sweeper's indexes (by age, by order) come after a rebuild's fill.
  rebuildDeferredIndexes: 'secondary',
};
