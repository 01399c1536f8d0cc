// Demo users for a new local database: a dealer owner and a buyer with limits of D-1001, and
// ops, finance and an admin. Their passwords are printed by `npm start`: never seeded in production.
import { createUser, loadUser, type UserRegistration } from '../accounts/users.ts';
import { userIdFor } from '../domain/accounts/user.ts';
import type { Db } from '../db/database.ts';
import { demoContext } from './data.ts';
import type { CommandHandler } from '../eventstore/command-handler.ts';

export const DEMO_USERS: readonly UserRegistration[] = [
  {
    username: 'demo.owner',
    displayName: 'Wang Fang',
    role: 'dealer',
    dealerId: 'D-1001',
    dealerRole: 'owner',
    spendingLimits: null,
    password: 'jade-spring-owner',
  },
  {
    username: 'demo.buyer',
    displayName: 'Li Wei',
    role: 'dealer',
    dealerId: 'D-1001',
    dealerRole: 'buyer',
    spendingLimits: { perOrderMinor: 300_000, perMonthMinor: 1_000_000 },
    password: 'jade-spring-buyer',
  },
  {
    username: 'demo.ops',
    displayName: 'Zhang Min',
    role: 'ops',
    dealerId: null,
    dealerRole: null,
    spendingLimits: null,
    password: 'red-lantern-ops-desk',
  },
  {
    username: 'demo.finance',
    displayName: 'Chen Jing',
    role: 'finance',
    dealerId: null,
    dealerRole: null,
    spendingLimits: null,
    password: 'golden-harvest-ledger',
  },
  {
    username: 'demo.admin',
    displayName: 'Admin',
    role: 'admin',
    dealerId: null,
    dealerRole: null,
    spendingLimits: null,
    password: 'panda-admin-console',
  },
];

export async function seedDemoUsers(deps: { commands: CommandHandler; db: Db }): Promise<number> {
  for (const user of DEMO_USERS) await createUser(deps, user, demoContext());
  return DEMO_USERS.length;
}

/** The demo users still there, for the start banner. */
export async function presentDemoUsers(commands: CommandHandler): Promise<UserRegistration[]> {
  const present = await Promise.all(DEMO_USERS.map(async (user) => ((await loadUser(commands, userIdFor(user.username))) ? [user] : [])));
  return present.flat();
}
