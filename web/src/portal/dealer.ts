// The signed-in dealer: its record (territories for the delivery region) and the user's role in it.
import { useQuery } from '@tanstack/react-query';
import { capabilities } from '../api/capabilities.ts';
import { get } from '../api/client.ts';
import type { Dealer, User } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';

export function useDealerUser(): User & { dealerId: string } {
  const { session } = useSession();
  const user = session?.user;
  if (!user?.dealerId) throw new Error('the portal needs a dealer session');
  return { ...user, dealerId: user.dealerId };
}

export function useDealer() {
  const { dealerId } = useDealerUser();
  return useQuery({ queryKey: ['dealer', dealerId], staleTime: 60_000, queryFn: ({ signal }) => get<Dealer>(`/v1/dealers/${encodeURIComponent(dealerId)}`, undefined, signal) });
}

export const isOwner = (user: User) => user.dealerRole !== 'buyer';

/** The signed-in user as the server knows it now (limits change), where it has `GET /v1/me`; else the session's. */
export function useCurrentUser(): User & { dealerId: string } {
  const user = useDealerUser();
  const me = useQuery({
    queryKey: ['me', user.id],
    staleTime: 60_000,
    queryFn: async ({ signal }) => ((await capabilities()).me ? get<User>('/v1/me', undefined, signal) : null),
  });
  return me.data ? { ...user, ...me.data, dealerId: user.dealerId } : user;
}
