// Who may see, create and manage which users: admin anyone; ops dealer users; a dealer's owner
// its own dealer's buyers; everyone itself.
import type { DealerRole, Role, User, UserChange } from './user.ts';

/** The caller, as its token names it (a dealer token without a dealer role acts as owner). */
export type Actor = { userId: string; role: Role; dealerId: string | undefined; dealerRole: DealerRole | undefined };

/** `not_found`: the caller may not even know the user exists (another dealer's); `forbidden`: it may see it, not do this. */
export type Verdict = 'allowed' | 'forbidden' | 'not_found';

type Target = Pick<User, 'userId' | 'role' | 'dealerId' | 'dealerRole'>;

const isOwner = (actor: Actor) => actor.role === 'dealer' && actor.dealerRole === 'owner';

export function mayView(actor: Actor, user: Target): boolean {
  if (actor.role === 'admin' || actor.role === 'ops' || actor.userId === user.userId) return true;
  return isOwner(actor) && user.dealerId === actor.dealerId;
}

export function mayCreate(actor: Actor, user: Omit<Target, 'userId'>): Verdict {
  if (actor.role === 'admin') return 'allowed';
  if (actor.role === 'ops') return user.role === 'dealer' && user.dealerRole === 'owner' ? 'allowed' : 'forbidden';
  if (actor.role === 'dealer' && user.dealerId !== null && user.dealerId !== actor.dealerId) return 'not_found';
  if (isOwner(actor) && user.role === 'dealer' && user.dealerRole === 'buyer') return 'allowed';
  return 'forbidden';
}

/** Who manages a user other than itself: admin anyone, ops dealer users, an owner its dealer's buyers. */
function manages(actor: Actor, user: Target): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'ops') return user.role === 'dealer';
  return isOwner(actor) && user.dealerId === actor.dealerId && user.dealerRole === 'buyer';
}

export function mayChange(actor: Actor, user: Target, change: Omit<UserChange, 'userId'>): Verdict {
  if (!mayView(actor, user)) return 'not_found';
  if (actor.userId === user.userId) {
    // Oneself: the name only, so nobody lifts their own limits or locks the last admin out.
    return change.spendingLimits === undefined && change.status === undefined ? 'allowed' : 'forbidden';
  }
  return manages(actor, user) ? 'allowed' : 'forbidden';
}

/** Setting someone else's password without knowing it: whoever manages the user. */
export function mayResetPassword(actor: Actor, user: Target): Verdict {
  if (!mayView(actor, user)) return 'not_found';
  return actor.userId !== user.userId && manages(actor, user) ? 'allowed' : 'forbidden';
}
