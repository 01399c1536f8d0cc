// What a dealer's buyer has ordered, per business month (`spend-<userId>`): the orders that count
// against its monthly limit. An order counts from its placement within the limits (or from the
// owner's approval of one over them) until it is rejected or cancelled. Kept as its own stream so
// that placements by one buyer are decided one after the other against the same total: two orders
// racing cannot both slip under the limit.
import type { Decider, DomainEvent } from '../shared/decider.ts';
import type { SpendingLimits } from '../accounts/user.ts';
import { formatMoney } from '../shared/money.ts';
import type { Reason } from './order-state.ts';

export const buyerSpendStream = (userId: string) => `spend-${userId}`;

export type SpendCounted = { userId: string; orderId: string; month: string; amountMinor: number };

export type BuyerSpendCommand =
  { type: 'CountSpend'; data: SpendCounted } | { type: 'ReleaseSpend'; data: { userId: string; orderId: string } };

export type BuyerSpendEvent = DomainEvent<'BuyerSpendCounted', SpendCounted> | DomainEvent<'BuyerSpendReleased', SpendCounted>;

export const buyerSpendEventTypes = ['BuyerSpendCounted', 'BuyerSpendReleased'] as const;

/** Counted orders by id, and the month totals they make. */
export type BuyerSpendState = { orders: ReadonlyMap<string, SpendCounted>; months: ReadonlyMap<string, number> };

export const spentIn = (state: BuyerSpendState, month: string) => state.months.get(month) ?? 0;

const add = (months: ReadonlyMap<string, number>, month: string, amount: number) =>
  new Map(months).set(month, (months.get(month) ?? 0) + amount);

export const buyerSpendDecider: Decider<BuyerSpendCommand, BuyerSpendEvent, BuyerSpendState> = {
  initialState: { orders: new Map(), months: new Map() },
  decide(command, state) {
    const counted = state.orders.get(command.data.orderId);
    if (command.type === 'CountSpend') return counted ? [] : [{ type: 'BuyerSpendCounted', data: command.data }];
    return counted ? [{ type: 'BuyerSpendReleased', data: counted }] : [];
  },
  evolve(state, event) {
    const { orderId, month, amountMinor } = event.data;
    const orders = new Map(state.orders);
    if (event.type === 'BuyerSpendCounted') {
      orders.set(orderId, event.data);
      return { orders, months: add(state.months, month, amountMinor) };
    }
    orders.delete(orderId);
    return { orders, months: add(state.months, month, -amountMinor) };
  },
};

/** Why an order of `totalMinor` by a buyer with these limits waits for its owner, if it does. */
export function buyerLimitExceeded(
  limits: SpendingLimits | null,
  totalMinor: number,
  spentThisMonthMinor: number,
  currency: string,
): Reason | undefined {
  if (!limits) return undefined;
  const money = (minor: number) => formatMoney(minor, currency);
  if (limits.perOrderMinor !== undefined && totalMinor > limits.perOrderMinor) {
    return {
      code: 'buyer_limit_exceeded',
      detail: `Order total ${money(totalMinor)} exceeds the buyer's limit of ${money(limits.perOrderMinor)} per order`,
    };
  }
  if (limits.perMonthMinor !== undefined && spentThisMonthMinor + totalMinor > limits.perMonthMinor) {
    return {
      code: 'buyer_limit_exceeded',
      detail: `This month's orders would total ${money(spentThisMonthMinor + totalMinor)}, over the buyer's limit of ${money(limits.perMonthMinor)} per month (${money(spentThisMonthMinor)} ordered so far)`,
    };
  }
  return undefined;
}
