// Which actions the signed-in role may take: the screens hide what the API would refuse (admin may do everything).
import type { Role } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';

export function useCan(): (roles: readonly Role[]) => boolean {
  const { session } = useSession();
  const role = session?.user.role;
  return (roles) => role !== undefined && (role === 'admin' || roles.includes(role));
}
