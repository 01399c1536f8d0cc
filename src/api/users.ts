// User routes: admin creates anyone, ops dealer owners, a dealer's owner its buyers; lists and
// reads by who may see whom; name, limits and status changes; password changes and resets.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { passwordMatches, hashPassword, storedPasswordHash, storePasswordHash } from '../accounts/credentials.ts';
import { revokeUserSessions } from '../accounts/sessions.ts';
import { createUser } from '../accounts/users.ts';
import { containsUsername, passwordSchema } from '../domain/accounts/password-policy.ts';
import { mayChange, mayCreate, mayResetPassword, mayView, type Actor, type Verdict } from '../domain/accounts/permissions.ts';
import {
  DEALER_ROLES,
  ROLES,
  USER_STATUSES,
  displayNameSchema,
  spendingLimitsSchema,
  userDecider,
  usernameSchema,
  userStream,
  type User,
} from '../domain/accounts/user.ts';
import { dealerDecider, dealerStream } from '../domain/dealers/dealer.ts';
import { dealerIdSchema, entityIdSchema } from '../domain/shared/values.ts';
import { findUser, listUsers, type UserRow } from '../projections/users/queries.ts';
import { actingDealerId, principalOf } from './auth.ts';
import { accepted, commandContext, positionOf, send } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { throttledPasswordCheck } from './password-check.ts';
import { decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';
import { HttpProblem, notFound } from './problem.ts';

const userFields = {
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  dealerId: z.string().optional().describe('Dealer users only.'),
  dealerRole: z.enum(DEALER_ROLES).optional().describe('Dealer users only: `owner` manages the buyers, whose orders `spendingLimits` cap.'),
  status: z.enum(USER_STATUSES),
  spendingLimits: spendingLimitsSchema.optional().describe('Buyers only; absent: no limits.'),
  version: z.number().int().describe('The user stream revision.'),
};

/** A user as the API shows it: never a password or its hash. */
export const userSchema = z.object(userFields).meta({ id: 'User' });

const userRecordSchema = z.object({ ...userFields, createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() }).meta({ id: 'UserRecord' });

const userWrittenSchema = z
  .object({ ...userFields, position: z.string().describe('Global position of the last event of this command.') })
  .meta({ id: 'UserWritten' });

const createUserBodySchema = z
  .object({
    username: usernameSchema,
    displayName: displayNameSchema,
    password: passwordSchema,
    role: z.enum(ROLES),
    dealerId: dealerIdSchema.optional().describe("A dealer user's dealer; a dealer's owner may leave it out (its own)."),
    dealerRole: z.enum(DEALER_ROLES).optional().describe('Required for a dealer user.'),
    spendingLimits: spendingLimitsSchema.optional().describe('For a buyer.'),
  })
  .superRefine((body, ctx) => {
    if (body.role === 'dealer' && body.dealerRole === undefined)
      ctx.addIssue({ code: 'custom', path: ['dealerRole'], message: 'is required for a dealer user' });
    if (body.role !== 'dealer') {
      for (const field of ['dealerId', 'dealerRole'] as const) {
        if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is only for a dealer user' });
      }
    }
    if (body.spendingLimits !== undefined && body.dealerRole !== 'buyer')
      ctx.addIssue({ code: 'custom', path: ['spendingLimits'], message: 'is only for a buyer' });
    if (containsUsername(body.password, body.username))
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'must not contain the username' });
  });

const changeUserBodySchema = z.strictObject({
  displayName: displayNameSchema.optional(),
  spendingLimits: spendingLimitsSchema.nullable().optional().describe("Replaces the buyer's limits as a whole; null or {} removes them."),
  status: z.enum(USER_STATUSES).optional().describe('`disabled` ends every session of the user at once.'),
});

const changePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1).max(1_024).optional().describe("Required to change one's own password."),
  newPassword: passwordSchema,
});

const passwordChangedSchema = z
  .object({ id: z.string(), position: z.string().describe('Global position of the last event of this command.') })
  .meta({ id: 'PasswordChanged' });

const userParams = z.object({ id: entityIdSchema });

/** The fields a user shows, without its timestamps. */
export function userView(user: User, version: number) {
  return {
    id: user.userId,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    ...(user.dealerId !== null && { dealerId: user.dealerId }),
    ...(user.dealerRole !== null && { dealerRole: user.dealerRole }),
    status: user.status,
    ...(user.spendingLimits !== null && { spendingLimits: user.spendingLimits }),
    version,
  };
}

function fromRow(row: UserRow) {
  const limits = {
    ...(row.per_order_limit_minor !== null && { perOrderMinor: row.per_order_limit_minor }),
    ...(row.per_month_limit_minor !== null && { perMonthMinor: row.per_month_limit_minor }),
  };
  const user: User = {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    dealerId: row.dealer_id,
    dealerRole: row.dealer_role,
    status: row.status,
    spendingLimits: Object.keys(limits).length > 0 ? limits : null,
  };
  return { ...userView(user, row.version), createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}

export function actorOf(request: FastifyRequest): Actor {
  const { sub, role, dealerId, dealerRole } = principalOf(request);
  return { userId: sub, role, dealerId, dealerRole };
}

/** A verdict other than allowed, as its problem: another dealer's user does not exist for the caller. */
function assertAllowed(verdict: Verdict, userId: string, what: string): void {
  if (verdict === 'not_found') throw notFound(`User ${userId}`);
  if (verdict === 'forbidden') throw new HttpProblem(403, 'forbidden', `You may not ${what}`);
}

const invalidField = (path: string, message: string) =>
  new HttpProblem(400, 'validation_failed', `1 invalid field(s): ${path}`, { errors: [{ path, message }] });

export function userRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { commands, store, db } = deps;

  async function existingUser(userId: string, actor: Actor) {
    const { state, revision } = await commands.load(userDecider, userStream(userId));
    if (!state.exists || !mayView(actor, state.user)) throw notFound(`User ${userId}`);
    return { user: state.user, revision };
  }

  /** One's own password is changed only with the current one, throttled as sign-in is. */
  async function checkCurrentPassword(request: FastifyRequest, user: User, currentPassword: string | undefined): Promise<void> {
    if (currentPassword === undefined) throw invalidField('body.currentPassword', 'is required to change your own password');
    const right = await throttledPasswordCheck(db, request, user.username, async () =>
      passwordMatches(await storedPasswordHash(db, user.userId), currentPassword),
    );
    if (!right) throw new HttpProblem(422, 'current_password_incorrect', 'The current password is wrong');
  }

  return async (app) => {
    app.post(
      '/v1/users',
      {
        config: { access: ['ops', 'dealer'] },
        schema: {
          tags: ['accounts'],
          summary: 'Create a user',
          description:
            "Admin creates anyone, ops dealer owners, a dealer's owner buyers of its own dealer. The username is unique " +
            'regardless of case (409 `username_taken`). The password is stored as an argon2id hash and never shown again.',
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: createUserBodySchema,
          response: { 201: userWrittenSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const { password, ...details } = request.body;
        return send(
          reply,
          await withIdempotency(
            db,
            request,
            async () => {
              const actor = actorOf(request);
              const dealerId =
                details.role === 'dealer' ? (details.dealerId ?? (actor.role === 'dealer' ? actor.dealerId : undefined)) : undefined;
              if (details.role === 'dealer' && dealerId === undefined) throw invalidField('body.dealerId', 'is required for a dealer user');
              const target = {
                ...details,
                dealerId: dealerId ?? null,
                dealerRole: details.dealerRole ?? null,
                spendingLimits: details.spendingLimits ?? null,
              };
              const verdict = mayCreate(actor, target);
              if (verdict === 'not_found') throw notFound(`Dealer ${dealerId}`);
              if (verdict === 'forbidden')
                throw new HttpProblem(
                  403,
                  'forbidden',
                  `You may not create a ${details.role} user${details.dealerRole ? ` (${details.dealerRole})` : ''}`,
                );
              if (dealerId !== undefined && !(await commands.load(dealerDecider, dealerStream(dealerId))).state.exists) {
                throw new HttpProblem(422, 'dealer_not_found', `Dealer ${dealerId} does not exist`);
              }
              const handled = accepted(await createUser({ commands, db }, { ...target, password }, commandContext(request)));
              if (!handled.state.exists) throw new Error('a created user exists');
              return {
                status: 201,
                body: { ...userView(handled.state.user, handled.revision), position: await positionOf(store, handled.position) },
              };
            },
            { fingerprintBody: details },
          ),
        );
      },
    );

    app.get(
      '/v1/users',
      {
        config: { access: ['ops', 'dealer'] },
        schema: {
          tags: ['accounts'],
          summary: 'List users',
          description: "By id. A dealer's owner sees its own dealer's users only; buyers may not list.",
          querystring: z.object({
            dealerId: dealerIdSchema.optional(),
            role: z.enum(ROLES).optional(),
            status: z.enum(USER_STATUSES).optional(),
            ...pageQuery,
          }),
          response: { 200: pageOf(userRecordSchema), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { role, status, limit, cursor } = request.query;
        const dealerId = actingDealerId(request, request.query.dealerId);
        if (actorOf(request).dealerRole === 'buyer') throw new HttpProblem(403, 'forbidden', "Only a dealer's owner lists its users");
        const rows = await listUsers(db, { dealerId, role, status, limit, afterId: decodeCursor(cursor, z.string()) });
        return paginate(rows, limit, fromRow, (row) => row.id);
      },
    );

    app.get(
      '/v1/users/:id',
      {
        config: { access: ['ops', 'dealer'] },
        schema: {
          tags: ['accounts'],
          summary: 'Get a user',
          description: "A dealer's owner reads its own dealer's users, a buyer itself; any other user reads as not found.",
          params: userParams,
          response: { 200: userRecordSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { id } = request.params;
        const row = await findUser(db, id);
        if (!row || !mayView(actorOf(request), { userId: row.id, role: row.role, dealerId: row.dealer_id, dealerRole: row.dealer_role })) {
          throw notFound(`User ${id}`);
        }
        return fromRow(row);
      },
    );

    app.patch(
      '/v1/users/:id',
      {
        config: { access: ['ops', 'dealer'] },
        schema: {
          tags: ['accounts'],
          summary: "Change a user's display name, spending limits or status",
          description:
            "Admin changes anyone, ops dealer users, a dealer's owner its buyers; anyone its own display name. Disabling a user " +
            'ends its sessions at once: its tokens are refused from then on.',
          params: userParams,
          body: changeUserBodySchema,
          response: { 200: userWrittenSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const { id } = request.params;
        const actor = actorOf(request);
        const { user } = await existingUser(id, actor);
        assertAllowed(mayChange(actor, user, request.body), id, 'make this change to this user');
        const context = commandContext(request);
        const handled = accepted(
          await commands.handle(userDecider, userStream(id), { type: 'ChangeUser', data: { userId: id, ...request.body } }, context),
        );
        if (!handled.state.exists) throw new Error('a changed user exists');
        // Also when the user was disabled already: a retry after a failed revocation finishes it.
        if (handled.state.user.status === 'disabled') await revokeUserSessions(db, id, 'user_disabled', context.now);
        return { ...userView(handled.state.user, handled.revision), position: await positionOf(store, handled.position) };
      },
    );

    app.put(
      '/v1/users/:id/password',
      {
        config: { access: ['dealer', 'ops', 'finance', 'analyst', 'integration'] },
        schema: {
          tags: ['accounts'],
          summary: "Change one's own password, or reset another user's",
          description:
            'Anyone changes its own password with `currentPassword` (wrong ones are throttled as sign-in is; its other sessions ' +
            "end). Whoever manages a user (admin, ops for dealer users, a dealer's owner for its buyers) sets it without; every " +
            'session of the user ends.',
          params: userParams,
          body: changePasswordBodySchema,
          response: { 200: passwordChangedSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const { id } = request.params;
        const { currentPassword, newPassword } = request.body;
        const actor = actorOf(request);
        const { user } = await existingUser(id, actor);
        const own = actor.userId === user.userId;
        if (!own) assertAllowed(mayResetPassword(actor, user), id, "reset this user's password");
        if (containsUsername(newPassword, user.username)) throw invalidField('body.newPassword', 'must not contain the username');
        if (own) await checkCurrentPassword(request, user, currentPassword);
        const context = commandContext(request);
        await storePasswordHash(db, id, await hashPassword(newPassword), context.now);
        const handled = accepted(
          await commands.handle(userDecider, userStream(id), { type: 'RecordPasswordChange', data: { userId: id, reset: !own } }, context),
        );
        await revokeUserSessions(db, id, 'password_changed', context.now, own ? principalOf(request).sessionId : undefined);
        return { id, position: await positionOf(store, handled.position) };
      },
    );
  };
}
