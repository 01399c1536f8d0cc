// The signed-in dealer: its record (territories for the delivery region) and the user's role in it.
import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client.ts';
import type { Dealer, Me, User } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';

export function useDealerUser(): User & { dealerId: string } {
  const { session } = useSession();
  const user = session?.user;
  if (!user?.dealerId) throw new Error('the portal needs a dealer session');
  return { ...user, dealerId: user.dealerId };
}

export function useDealer() {
  const { dealerId } = useDealerUser();
  return useQuery({
    queryKey: ['dealer', dealerId],
    staleTime: 60_000,
    queryFn: ({ signal }) => get<Dealer>(`/v1/dealers/${encodeURIComponent(dealerId)}`, undefined, signal),
  });
}

export const isOwner = (user: User) => user.dealerRole !== 'buyer';

/** A buyer's spend this month, as counted against its monthly limit. */
export type Spending = NonNullable<Me['spending']>;

/** The signed-in user as the server knows it now (an owner may have changed the limits), and a buyer's spend this month. */
export function useCurrentUser(): User & { dealerId: string; spending?: Spending } {
  const user = useDealerUser();
  // Asked again on every screen that shows it: the owner may have approved an order meanwhile.
  const me = useQuery({ queryKey: ['me', user.id], queryFn: ({ signal }) => get<Me>('/v1/me', undefined, signal) });
  const known = me.data?.user;
  // Limits the owner removed are absent from the server's answer: they must not linger from sign-in.
  const current = known ? { ...user, ...known, spendingLimits: known.spendingLimits ?? null } : user;
  return { ...current, dealerId: user.dealerId, ...(me.data?.spending && { spending: me.data.spending }) };
}
