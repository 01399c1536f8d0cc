import { describe, expect, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { userDecider, userIdFor, type NewUser, type UserEvent } from './user.ts';

const buyer: NewUser = {
  userId: userIdFor('li.wei'),
  username: 'li.wei',
  displayName: 'Li Wei',
  role: 'dealer',
  dealerId: 'D-1',
  dealerRole: 'buyer',
  spendingLimits: { perOrderMinor: 50_000 },
};
const id = buyer.userId;
const created: UserEvent = { type: 'UserCreated', data: buyer };
const spec = specification(userDecider);

describe('user decider', () => {
  it('derives one id from a username whatever its case, so the stream decides uniqueness', () => {
    expect(userIdFor('Li.Wei ')).toBe(userIdFor('li.wei'));
    expect(userIdFor('li.wei')).not.toBe(userIdFor('li.wei2'));
    expect(userIdFor('li.wei')).toMatch(/^U-[0-9a-f]{24}$/);
  });

  it('creates a user once; the same username again is taken', () => {
    spec.given().when({ type: 'CreateUser', data: buyer }).then([created]);
    spec
      .given([created])
      .when({ type: 'CreateUser', data: { ...buyer, displayName: 'Someone else' } })
      .thenRefused('username_taken', 'conflict');
  });

  it('keeps limits to buyers, and dealers to dealer users', () => {
    const ops: NewUser = { ...buyer, role: 'ops', dealerId: null, dealerRole: null, spendingLimits: null };
    spec
      .given()
      .when({ type: 'CreateUser', data: ops })
      .then([{ type: 'UserCreated', data: ops }]);
    spec
      .given()
      .when({ type: 'CreateUser', data: { ...ops, spendingLimits: { perOrderMinor: 1 } } })
      .thenRefused('limits_for_buyers_only');
    spec
      .given()
      .when({ type: 'CreateUser', data: { ...buyer, dealerRole: 'owner' } })
      .thenRefused('limits_for_buyers_only');
    spec
      .given()
      .when({ type: 'CreateUser', data: { ...ops, dealerId: 'D-1' } })
      .thenRefused('dealer_user_needs_dealer');
    spec
      .given()
      .when({ type: 'CreateUser', data: { ...buyer, dealerRole: null } })
      .thenRefused('dealer_user_needs_dealer');
    spec
      .given()
      .when({ type: 'CreateUser', data: { ...buyer, spendingLimits: {} } })
      .then([{ type: 'UserCreated', data: { ...buyer, spendingLimits: null } }]);
  });

  it('records only real changes of name, limits and status, in one decision', () => {
    spec
      .given([created])
      .when({
        type: 'ChangeUser',
        data: { userId: id, displayName: 'Li W.', spendingLimits: { perMonthMinor: 200_000 }, status: 'disabled' },
      })
      .then([
        { type: 'UserDisplayNameChanged', data: { userId: id, displayName: 'Li W.' } },
        { type: 'UserSpendingLimitsChanged', data: { userId: id, spendingLimits: { perMonthMinor: 200_000 } } },
        { type: 'UserDisabled', data: { userId: id } },
      ]);
    spec
      .given([created])
      .when({
        type: 'ChangeUser',
        data: { userId: id, displayName: 'Li Wei', spendingLimits: { perOrderMinor: 50_000 }, status: 'active' },
      })
      .thenNothing();
    spec
      .given([created])
      .when({ type: 'ChangeUser', data: { userId: id, spendingLimits: null } })
      .then([{ type: 'UserSpendingLimitsChanged', data: { userId: id, spendingLimits: null } }]);
  });

  it('enables a disabled user again', () => {
    const disabled: UserEvent = { type: 'UserDisabled', data: { userId: id } };
    spec
      .given([created, disabled])
      .when({ type: 'ChangeUser', data: { userId: id, status: 'active' } })
      .then([{ type: 'UserEnabled', data: { userId: id } }]);
    spec
      .given([created, disabled])
      .when({ type: 'ChangeUser', data: { userId: id, status: 'disabled' } })
      .thenNothing();
  });

  it('refuses limits for anyone but a buyer', () => {
    const owner: UserEvent = { type: 'UserCreated', data: { ...buyer, dealerRole: 'owner', spendingLimits: null } };
    spec
      .given([owner])
      .when({ type: 'ChangeUser', data: { userId: id, spendingLimits: { perOrderMinor: 1 } } })
      .thenRefused('limits_for_buyers_only');
    spec
      .given([owner])
      .when({ type: 'ChangeUser', data: { userId: id, spendingLimits: null } })
      .thenNothing();
  });

  it('records a password change without the password, and refuses users that do not exist', () => {
    spec
      .given([created])
      .when({ type: 'RecordPasswordChange', data: { userId: id, reset: true } })
      .then([{ type: 'UserPasswordChanged', data: { userId: id, reset: true } }]);
    spec
      .given()
      .when({ type: 'ChangeUser', data: { userId: id, displayName: 'x' } })
      .thenRefused('user_not_found', 'not_found');
    spec
      .given()
      .when({ type: 'RecordPasswordChange', data: { userId: id, reset: false } })
      .thenRefused('user_not_found', 'not_found');
  });
});
