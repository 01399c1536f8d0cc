// Sign-in: a username and password give an access token (15 minutes) and a rotating refresh
// token; refresh, sign out, and who the caller is.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { passwordMatches, storedPasswordHash } from '../accounts/credentials.ts';
import { openSession, revokeSession, revokeSessionOf, rotateRefreshToken } from '../accounts/sessions.ts';
import { DEALER_ROLES, isBuyer, ROLES, userDecider, userIdFor, usernameSchema, userStream, type User } from '../domain/accounts/user.ts';
import { buyerSpendDecider, buyerSpendStream, spentIn } from '../domain/ordering/buyer-spend.ts';
import { businessMonthOf, businessTimeZone } from '../domain/shared/calendar.ts';
import { principalOf } from './auth.ts';
import { businessTimeZoneField } from './business-time-zone.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponses } from './openapi.ts';
import { throttledPasswordCheck } from './password-check.ts';
import { HttpProblem } from './problem.ts';
import { userSchema, userView } from './users.ts';

/** Short: a disabled user's or a revoked session's token is refused at once anyway, but a stolen one expires soon too. */
export const ACCESS_TOKEN_SECONDS = 15 * 60;

const credentialsSchema = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1_024),
});

const refreshTokenSchema = z.string().min(1).max(200).describe('The refresh token of the last sign-in or refresh.');

const tokensSchema = z
  .object({
    accessToken: z
      .string()
      .describe('A JWT for `Authorization: Bearer`: claims `sub` (the user id), `role`, `dealerId`, `dealerRole`, `sid`.'),
    expiresIn: z.number().int().describe('Seconds until the access token expires.'),
    refreshToken: z.string().describe('Single use: each refresh answers with the next one. Using one twice ends the session.'),
    user: userSchema,
  })
  .meta({ id: 'Tokens' });

const meSchema = z
  .object({
    sub: z.string(),
    role: z.enum(ROLES),
    dealerId: z.string().optional(),
    dealerRole: z.enum(DEALER_ROLES).optional().describe('A dealer token without one acts as the owner.'),
    user: userSchema.nullable().describe('The signed-in user; null for a token minted on the command line.'),
    spending: z
      .object({
        month: z.string().describe('The business month, YYYY-MM, in the business time zone `timeZone` names.'),
        spentMinor: z.number().int().describe('What counts against the monthly limit so far.'),
        ...businessTimeZoneField,
      })
      .optional()
      .describe("A buyer's orders this month, against its spendingLimits."),
    ...businessTimeZoneField,
  })
  .meta({ id: 'Me' });

const invalidCredentials = () => new HttpProblem(401, 'invalid_credentials', 'The username or password is wrong');
const invalidRefreshToken = () =>
  new HttpProblem(401, 'invalid_refresh_token', 'The refresh token is invalid, used, expired or revoked; sign in again');

export function authRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { commands, db, tokens } = deps;

  function issue(user: User, revision: number, sessionId: string, refreshToken: string) {
    const accessToken = tokens.sign(
      { sub: user.userId, role: user.role, dealerId: user.dealerId ?? undefined, dealerRole: user.dealerRole ?? undefined, sid: sessionId },
      `${ACCESS_TOKEN_SECONDS}s`,
    );
    return { accessToken, expiresIn: ACCESS_TOKEN_SECONDS, refreshToken, user: userView(user, revision) };
  }

  /** The user as its stream says now; only an active one gets tokens. */
  async function activeUser(userId: string) {
    const { state, revision } = await commands.load(userDecider, userStream(userId));
    return state.exists && state.user.status === 'active' ? { user: state.user, revision } : undefined;
  }

  return async (app) => {
    app.post(
      '/v1/auth/login',
      {
        config: { access: 'public' },
        schema: {
          tags: ['accounts'],
          summary: 'Sign in with a username and password',
          description:
            'An unknown user, a disabled one and a wrong password get the same 401. Failed attempts are answered more slowly from ' +
            'the third on; five in 15 minutes lock the username, twenty the client address, for 15 minutes (429 with Retry-After).',
          body: credentialsSchema,
          response: { 200: tokensSchema, ...problemResponses(400, 401) },
        },
      },
      async (request) => {
        const { username, password } = request.body;
        let found: Awaited<ReturnType<typeof activeUser>>;
        const passed = await throttledPasswordCheck(db, request, username, async () => {
          const userId = usernameSchema.safeParse(username).success ? userIdFor(username) : undefined;
          const [user, passwordHash] = userId
            ? await Promise.all([activeUser(userId), storedPasswordHash(db, userId)])
            : [undefined, undefined];
          found = user;
          // Without an active user the decoy hash is checked: every refusal takes as long as a wrong password.
          return (await passwordMatches(user ? passwordHash : undefined, password)) && user !== undefined;
        });
        if (!passed || !found) {
          request.log.info({ address: request.ip }, 'sign-in failed');
          throw invalidCredentials();
        }
        const session = await openSession(db, found.user.userId, new Date());
        // Disabled meanwhile: its sessions may have been revoked before this one existed.
        const still = await activeUser(found.user.userId);
        if (!still) {
          await revokeSession(db, session.sessionId, 'user_disabled', new Date());
          throw invalidCredentials();
        }
        request.log.info({ userId: found.user.userId, sessionId: session.sessionId }, 'signed in');
        return issue(still.user, still.revision, session.sessionId, session.refreshToken);
      },
    );

    app.post(
      '/v1/auth/refresh',
      {
        config: { access: 'public' },
        schema: {
          tags: ['accounts'],
          summary: 'Exchange a refresh token for new tokens',
          description:
            'Rotating: the answer carries the next refresh token, and the one sent is spent. A spent refresh token sent again ends ' +
            'its session (every token of that sign-in), as a stolen copy would be used.',
          body: z.object({ refreshToken: refreshTokenSchema }),
          response: { 200: tokensSchema, ...problemResponses(400, 401) },
        },
      },
      async (request) => {
        const rotation = await rotateRefreshToken(db, request.body.refreshToken, new Date());
        if (rotation.outcome === 'reused') {
          request.log.warn({ userId: rotation.userId, sessionId: rotation.sessionId }, 'refresh token reused: session revoked');
          throw new HttpProblem(401, 'refresh_token_reused', 'This refresh token was used before; the session has ended. Sign in again');
        }
        if (rotation.outcome === 'invalid') throw invalidRefreshToken();
        const found = await activeUser(rotation.userId);
        if (!found) {
          await revokeSession(db, rotation.sessionId, 'user_disabled', new Date());
          throw invalidRefreshToken();
        }
        return issue(found.user, found.revision, rotation.sessionId, rotation.refreshToken);
      },
    );

    app.post(
      '/v1/auth/logout',
      {
        config: { access: 'public' },
        schema: {
          tags: ['accounts'],
          summary: 'Sign out: end the session of a refresh token',
          description: 'Its refresh and access tokens are refused from then on. An unknown or spent token changes nothing.',
          body: z.object({ refreshToken: refreshTokenSchema }),
          response: { 204: z.null().describe('Signed out.'), ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        await revokeSessionOf(db, request.body.refreshToken, 'signed_out', new Date());
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/v1/me',
      {
        config: { access: ['dealer', 'ops', 'finance', 'analyst', 'integration'] },
        schema: {
          tags: ['accounts'],
          summary: 'Who the caller is: its token claims and, signed in, its user',
          response: { 200: meSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { sub, role, dealerId, dealerRole } = principalOf(request);
        const { state, revision } = await commands.load(userDecider, userStream(sub));
        const month = businessMonthOf(new Date());
        const spending =
          state.exists && isBuyer(state.user)
            ? {
                month,
                spentMinor: spentIn((await commands.load(buyerSpendDecider, buyerSpendStream(sub))).state, month),
                timeZone: businessTimeZone(),
              }
            : undefined;
        return {
          sub,
          role,
          timeZone: businessTimeZone(),
          ...(dealerId !== undefined && { dealerId }),
          ...(dealerRole !== undefined && { dealerRole }),
          user: state.exists ? userView(state.user, revision) : null,
          ...(spending && { spending }),
        };
      },
    );
  };
}
