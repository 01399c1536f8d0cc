import { describe, expect, it } from 'vitest';
import { mayChange, mayCreate, mayResetPassword, mayView, type Actor } from './permissions.ts';
import type { User } from './user.ts';

const actor = (role: Actor['role'], extra: Partial<Actor> = {}): Actor => ({
  userId: `U-${role}`,
  role,
  dealerId: undefined,
  dealerRole: undefined,
  ...extra,
});
const admin = actor('admin');
const ops = actor('ops');
const finance = actor('finance');
const owner = actor('dealer', { userId: 'U-owner', dealerId: 'D-1', dealerRole: 'owner' });
const buyerActor = actor('dealer', { userId: 'U-buyer', dealerId: 'D-1', dealerRole: 'buyer' });
const otherOwner = actor('dealer', { userId: 'U-other', dealerId: 'D-2', dealerRole: 'owner' });

const user = (userId: string, role: User['role'], dealerId: string | null = null, dealerRole: User['dealerRole'] = null) => ({
  userId,
  role,
  dealerId,
  dealerRole,
});
const buyer = user('U-buyer', 'dealer', 'D-1', 'buyer');
const ownerUser = user('U-owner', 'dealer', 'D-1', 'owner');
const opsUser = user('U-ops2', 'ops');

describe('account permissions', () => {
  it('lets admin create anyone, ops dealer owners, an owner buyers of its own dealer only', () => {
    expect(mayCreate(admin, user('', 'finance'))).toBe('allowed');
    expect(mayCreate(ops, user('', 'dealer', 'D-9', 'owner'))).toBe('allowed');
    expect(mayCreate(ops, user('', 'dealer', 'D-9', 'buyer'))).toBe('forbidden');
    expect(mayCreate(ops, user('', 'admin'))).toBe('forbidden');
    expect(mayCreate(owner, user('', 'dealer', 'D-1', 'buyer'))).toBe('allowed');
    expect(mayCreate(owner, user('', 'dealer', 'D-1', 'owner'))).toBe('forbidden');
    expect(mayCreate(owner, user('', 'dealer', 'D-2', 'buyer'))).toBe('not_found');
    expect(mayCreate(owner, user('', 'ops'))).toBe('forbidden');
    expect(mayCreate(buyerActor, user('', 'dealer', 'D-1', 'buyer'))).toBe('forbidden');
    expect(mayCreate(finance, user('', 'dealer', 'D-1', 'owner'))).toBe('forbidden');
  });

  it("shows an owner its own dealer's users, a buyer itself, and staff beyond ops only themselves", () => {
    expect(mayView(owner, buyer)).toBe(true);
    expect(mayView(otherOwner, buyer)).toBe(false);
    expect(mayView(buyerActor, ownerUser)).toBe(false);
    expect(mayView(buyerActor, buyer)).toBe(true);
    expect(mayView(ops, opsUser)).toBe(true);
    expect(mayView(finance, opsUser)).toBe(false);
  });

  it('lets managers change name, limits and status; oneself only the name', () => {
    const everything = { displayName: 'x', spendingLimits: null, status: 'disabled' as const };
    expect(mayChange(owner, buyer, everything)).toBe('allowed');
    expect(mayChange(otherOwner, buyer, everything)).toBe('not_found');
    expect(mayChange(ops, buyer, everything)).toBe('allowed');
    expect(mayChange(ops, opsUser, everything)).toBe('forbidden');
    expect(mayChange(admin, opsUser, everything)).toBe('allowed');
    expect(mayChange(buyerActor, buyer, { displayName: 'me' })).toBe('allowed');
    expect(mayChange(buyerActor, buyer, { spendingLimits: null })).toBe('forbidden');
    expect(mayChange(admin, user('U-admin', 'admin'), { status: 'disabled' })).toBe('forbidden');
    expect(mayChange(owner, ownerUser, { status: 'disabled' })).toBe('forbidden');
  });

  it("resets passwords of the users one manages, never one's own without the current one", () => {
    expect(mayResetPassword(owner, buyer)).toBe('allowed');
    expect(mayResetPassword(otherOwner, buyer)).toBe('not_found');
    expect(mayResetPassword(buyerActor, buyer)).toBe('forbidden');
    expect(mayResetPassword(ops, ownerUser)).toBe('allowed');
    expect(mayResetPassword(ops, opsUser)).toBe('forbidden');
    expect(mayResetPassword(admin, opsUser)).toBe('allowed');
  });
});
