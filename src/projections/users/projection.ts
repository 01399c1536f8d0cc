// Projects user events into the users table: what the user lists read.
import type { Updateable } from 'kysely';
import { userEventTypes, type NewUser, type SpendingLimits, type UserEvent } from '../../domain/accounts/user.ts';
import type { Projection } from '../projection.ts';
import type { UsersTables } from './tables.ts';

type Data<Type extends UserEvent['type']> = Extract<UserEvent, { type: Type }>['data'];
type UserChanges = Omit<Updateable<UsersTables['users.users']>, 'id' | 'version' | 'updated_at'>;

const limitColumns = (limits: SpendingLimits | null) => ({
  per_order_limit_minor: limits?.perOrderMinor ?? null,
  per_month_limit_minor: limits?.perMonthMinor ?? null,
});

export const usersProjection: Projection = {
  name: 'users',
  schema: 'users',
  filter: { eventTypes: userEventTypes },
  async handle(db, event) {
    const at = new Date(event.metadata.occurredAt);
    const update = (userId: string, changes: UserChanges) =>
      db
        .updateTable('users.users')
        .set({ ...changes, version: event.revision, updated_at: at })
        .where('id', '=', userId)
        .execute();
    switch (event.type) {
      case 'UserCreated': {
        const d = event.data as NewUser;
        await db
          .insertInto('users.users')
          .values({
            id: d.userId,
            username: d.username,
            display_name: d.displayName,
            role: d.role,
            dealer_id: d.dealerId,
            dealer_role: d.dealerRole,
            status: 'active',
            ...limitColumns(d.spendingLimits),
            version: event.revision,
            created_at: at,
            updated_at: at,
          })
          .execute();
        return;
      }
      case 'UserDisplayNameChanged': {
        const d = event.data as Data<'UserDisplayNameChanged'>;
        await update(d.userId, { display_name: d.displayName });
        return;
      }
      case 'UserSpendingLimitsChanged': {
        const d = event.data as Data<'UserSpendingLimitsChanged'>;
        await update(d.userId, limitColumns(d.spendingLimits));
        return;
      }
      case 'UserDisabled':
      case 'UserEnabled': {
        const d = event.data as Data<'UserDisabled'>;
        await update(d.userId, { status: event.type === 'UserDisabled' ? 'disabled' : 'active' });
        return;
      }
      case 'UserPasswordChanged': {
        const d = event.data as Data<'UserPasswordChanged'>;
        await update(d.userId, {});
        return;
      }
    }
  },
};
