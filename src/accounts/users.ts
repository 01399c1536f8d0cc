// User commands that reach beyond the user stream (its password), and the write-side read of a
// user that sign-in, tokens and order placement decide on.
import type { Db } from '../db/database.ts';
import { userDecider, userIdFor, userStream, type NewUser, type User, type UserEvent, type UserState } from '../domain/accounts/user.ts';
import type { CommandContext, CommandHandler, Handled } from '../eventstore/command-handler.ts';
import { hashPassword, storePasswordHash } from './credentials.ts';

/** The user as its stream says now (not a read model): undefined when there is none. */
export async function loadUser(commands: CommandHandler, userId: string): Promise<User | undefined> {
  const { state } = await commands.load(userDecider, userStream(userId));
  return state.exists ? state.user : undefined;
}

export type UserRegistration = Omit<NewUser, 'userId'> & { password: string };

/**
 * Creates a user and stores its password hash. The hash is written only by the request whose
 * event created the user, so a clash over a username can never replace the holder's password.
 */
export async function createUser(
  deps: { commands: CommandHandler; db: Db },
  registration: UserRegistration,
  context: CommandContext,
): Promise<Handled<UserState, UserEvent>> {
  const { password, ...details } = registration;
  const userId = userIdFor(details.username);
  const passwordHash = await hashPassword(password);
  const handled = await deps.commands.handle(
    userDecider,
    userStream(userId),
    { type: 'CreateUser', data: { ...details, userId } },
    context,
  );
  if (handled.ok && handled.events.length > 0) await storePasswordHash(deps.db, userId, passwordHash, context.now);
  return handled;
}
