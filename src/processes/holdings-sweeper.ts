// Recovery for the order process: releases what an order holds on stock, credit or promotion
// streams when the order does not claim it — an order whose placement crashed before it was
// recorded, or whose cancellation crashed before the releases.
import type { Logger } from 'pino';
import type { AdvisoryLocks } from '../db/advisory-lock.ts';
import { creditLedgerDecider, creditStream } from '../domain/credit/credit-ledger.ts';
import { stockDecider, stockStream } from '../domain/inventory/stock.ts';
import { orderDecider, orderStream, type OrderState } from '../domain/ordering/order.ts';
import { promotionDecider, promotionStream } from '../domain/promotions/promotion.ts';
import type { CommandContext } from '../eventstore/command-handler.ts';
import type { HoldingsDeps } from './holdings.ts';

/** Older than any placement may take (placements give up after 10 s), so never one in flight. */
export const ORPHAN_AGE_MS = 2 * 60_000;

type Holding = { stream_id: string; order_id: string; kind: string; sku: string | null; warehouse_id: string | null; dealer_id: string | null; promotion_id: string | null };

function claims(state: OrderState, holding: Holding): boolean {
  if (!state.exists) return false;
  const { reservations, order } = state;
  switch (holding.kind) {
    case 'stock':
      return reservations.stock.some((held) => stockStream(held.sku, held.warehouseId) === holding.stream_id);
    case 'credit':
      return reservations.creditMinor > 0 && creditStream(order.dealerId) === holding.stream_id;
    default:
      return reservations.promotions.some((id) => promotionStream(id) === holding.stream_id);
  }
}

const sweeperContext = (): CommandContext => ({
  actor: 'system:holdings-sweeper',
  role: 'admin',
  correlationId: `sweep-${Date.now()}`,
  causationId: null,
  now: new Date(),
});

async function release(deps: HoldingsDeps, holding: Holding, context: CommandContext): Promise<void> {
  const orderId = holding.order_id;
  if (holding.kind === 'stock' && holding.sku && holding.warehouse_id) {
    const { sku, warehouse_id: warehouseId } = holding;
    await deps.commands.handle(stockDecider, stockStream(sku, warehouseId), { type: 'ReleaseStock', data: { sku, warehouseId, orderId } }, context);
  } else if (holding.kind === 'credit' && holding.dealer_id) {
    await deps.commands.handle(creditLedgerDecider, creditStream(holding.dealer_id), { type: 'ReleaseCredit', data: { dealerId: holding.dealer_id, orderId } }, context);
  } else if (holding.kind === 'promotion' && holding.promotion_id) {
    await deps.commands.handle(promotionDecider, promotionStream(holding.promotion_id), { type: 'ReleasePromotion', data: { orderId } }, context);
  }
}

/** One pass: every holding older than `minAgeMs` that its order does not claim is released. */
export async function sweepHoldings(deps: HoldingsDeps, minAgeMs = ORPHAN_AGE_MS, limit = 500): Promise<number> {
  const holdings = await deps.db
    .selectFrom('holdings.open')
    .select(['stream_id', 'order_id', 'kind', 'sku', 'warehouse_id', 'dealer_id', 'promotion_id'])
    .where('since', '<', new Date(Date.now() - minAgeMs))
    .orderBy('since')
    .limit(limit)
    .execute();
  const context = sweeperContext();
  let released = 0;
  for (const holding of holdings) {
    const { state } = await deps.commands.load(orderDecider, orderStream(holding.order_id));
    if (claims(state, holding)) continue;
    await release(deps, holding, context);
    released++;
  }
  return released;
}

/** Runs sweeps periodically (and once at start) in one worker at a time. */
export function startHoldingsSweeper(deps: HoldingsDeps & { locks: AdvisoryLocks; logger: Logger }, intervalMs = 30_000): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    try {
      if (!(await deps.locks.tryLock('sweeper:holdings'))) return;
      const released = await sweepHoldings(deps);
      if (released > 0) deps.logger.warn({ released }, 'released holdings that no order claims');
    } catch (error) {
      deps.logger.error({ err: error }, 'holdings sweep failed');
    }
  };
  running = sweep();
  const timer = setInterval(() => {
    running = running.then(sweep);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
    await deps.locks.unlock('sweeper:holdings');
  };
}
