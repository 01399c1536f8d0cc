// User queries: one user, and the list by dealer, role and status.
import type { Db } from '../../db/database.ts';
import type { Role, UserStatus } from '../../domain/accounts/user.ts';

export async function findUser(db: Db, userId: string) {
  return db.selectFrom('users.users').selectAll().where('id', '=', userId).executeTakeFirst();
}

export type UserRow = NonNullable<Awaited<ReturnType<typeof findUser>>>;

export type UserListFilter = {
  dealerId?: string | undefined;
  role?: Role | undefined;
  status?: UserStatus | undefined;
  limit: number;
  afterId?: string | undefined;
};

/** By id; `limit + 1` rows so the caller can tell whether there is a next page. */
export async function listUsers(db: Db, filter: UserListFilter): Promise<UserRow[]> {
  let query = db.selectFrom('users.users').selectAll();
  if (filter.dealerId !== undefined) query = query.where('dealer_id', '=', filter.dealerId);
  if (filter.role !== undefined) query = query.where('role', '=', filter.role);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  return query
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}
