// What happens to an order after placement: ops approve or reject a held order, the dealer or
// ops cancel. The decision is recorded first, then what the order held is given back.
import { NO_RESERVATIONS, orderDecider, orderStream, type OrderState, type Reservations } from '../domain/ordering/order.ts';
import { refuse, type Refusal } from '../domain/shared/decider.ts';
import type { CommandContext } from '../eventstore/command-handler.ts';
import { maxPosition } from '../eventstore/port.ts';
import { redeemPromotions, releaseHoldings, reserveCredit, reserveStock, type HoldingsDeps } from './holdings.ts';

type Existing = Extract<OrderState, { exists: true }>;
export type ActionResult = { ok: true; state: Existing; revision: number; position: string | undefined } | { ok: false; refusal: Refusal };

const quantitiesOf = (order: Existing['order']) => {
  const quantities = new Map<string, number>();
  for (const item of [...order.lines, ...order.gifts]) quantities.set(item.sku, (quantities.get(item.sku) ?? 0) + item.qty);
  return quantities;
};

async function loadOrder(deps: HoldingsDeps, orderId: string): Promise<Existing | Refusal> {
  const { state } = await deps.commands.load(orderDecider, orderStream(orderId));
  return state.exists ? state : refuse('order_not_found', `Order ${orderId} does not exist`, 'not_found');
}

/**
 * Approves a held order. One held for territory or risk still holds its reservations; one held
 * for stock or credit reserves again now, and the approval is refused if that still fails.
 * Capped promotions are redeemed again; ops approving honours the price the order was placed at.
 */
export async function approveHeldOrder(deps: HoldingsDeps, orderId: string, note: string | null, context: CommandContext): Promise<ActionResult> {
  const order = await loadOrder(deps, orderId);
  if ('refused' in order) return { ok: false, refusal: order };
  if (order.status !== 'on_hold') return { ok: false, refusal: refuse('illegal_transition', `An order that is ${order.status} cannot be approved`, 'conflict') };
  let reservations: Reservations = order.reservations;
  const placed = order.order;
  if (reservations.stock.length === 0) {
    const stock = await reserveStock(deps, { orderId, regionCode: placed.regionCode, quantities: quantitiesOf(placed) }, context);
    const taken: Reservations = { ...NO_RESERVATIONS, stock: stock.reserved };
    if (stock.short.length > 0) {
      await releaseHoldings(deps, placed, taken, context);
      const detail = stock.short.map((short) => `${short.sku}: ${short.requested} ordered, ${short.available} available`).join('; ');
      return { ok: false, refusal: refuse('insufficient_stock', detail) };
    }
    reservations = taken;
    if (!placed.prepay && placed.totals.totalMinor > 0) {
      const credit = await reserveCredit(deps, { orderId, dealerId: placed.dealerId, amountMinor: placed.totals.totalMinor }, context);
      if (!credit.ok) {
        await releaseHoldings(deps, placed, reservations, context);
        return { ok: false, refusal: refuse('credit_limit_exceeded', credit.detail) };
      }
      reservations = { ...reservations, creditMinor: placed.totals.totalMinor };
    }
    const promotionIds = [...new Set([...placed.lines.flatMap((line) => line.promotions.map((p) => p.id)), ...placed.gifts.map((gift) => gift.promotionId)])];
    const { redeemed } = await redeemPromotions(deps, { orderId, dealerId: placed.dealerId, promotionIds }, context);
    reservations = { ...reservations, promotions: redeemed };
  }
  const handled = await deps.commands.handle(orderDecider, orderStream(orderId), { type: 'ApproveHeldOrder', data: { note, reservations } }, context);
  if (!handled.ok) {
    if (reservations !== order.reservations) await releaseHoldings(deps, placed, reservations, context);
    return { ok: false, refusal: handled.refusal };
  }
  return { ok: true, state: handled.state as Existing, revision: handled.revision, position: handled.position };
}

async function endOrder(
  deps: HoldingsDeps,
  orderId: string,
  command: { type: 'RejectHeldOrder'; data: { reason: string } } | { type: 'CancelOrder'; data: { reason: string | null } },
  context: CommandContext,
): Promise<ActionResult> {
  const order = await loadOrder(deps, orderId);
  if ('refused' in order) return { ok: false, refusal: order };
  const handled = await deps.commands.handle(orderDecider, orderStream(orderId), command, context);
  if (!handled.ok) return { ok: false, refusal: handled.refusal };
  // The decision is recorded; giving back what the order held can follow (the sweeper finishes it after a crash).
  const cancelled = handled.events.find((event) => event.type === 'OrderCancelled');
  const released = await releaseHoldings(deps, order.order, cancelled?.type === 'OrderCancelled' ? cancelled.data.releasing : order.reservations, context);
  // The answer's position covers the releases too, so a read at it shows the stock and credit given back.
  const position = released && handled.position ? maxPosition(handled.position, released) : (handled.position ?? released);
  return { ok: true, state: handled.state as Existing, revision: handled.revision, position };
}

export const rejectHeldOrder = (deps: HoldingsDeps, orderId: string, reason: string, context: CommandContext) =>
  endOrder(deps, orderId, { type: 'RejectHeldOrder', data: { reason } }, context);

export const cancelOrder = (deps: HoldingsDeps, orderId: string, reason: string | null, context: CommandContext) =>
  endOrder(deps, orderId, { type: 'CancelOrder', data: { reason } }, context);
