// Authentication (HS256 JWT bearer tokens) and the per-route role rule every route declares.
import { createDecoder, createSigner, createVerifier } from 'fast-jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEALER_ROLES, ROLES, type DealerRole, type Role } from '../domain/accounts/user.ts';
import { dealerIdSchema } from '../domain/shared/values.ts';
import { HttpProblem } from './problem.ts';

export { ROLES, type Role };

/** `public`: no token needed; otherwise the roles allowed besides `admin`, who may do everything. */
export type RouteAccess = 'public' | readonly Role[];

/**
 * `dealerRole`: a dealer token's (`owner` when the token names none); `sessionId`: the sign-in
 * session of a user's token (CLI-minted tokens have none).
 */
export type Principal = {
  sub: string;
  role: Role;
  dealerId: string | undefined;
  dealerRole: DealerRole | undefined;
  sessionId: string | undefined;
};

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
    /** Why the request's token was not accepted; answered once the rate limit has counted it. */
    authFailure: HttpProblem | undefined;
  }
}

const claimsSchema = z
  .object({
    sub: z.string().min(1).max(200),
    role: z.enum(ROLES),
    dealerId: dealerIdSchema.optional(),
    dealerRole: z.enum(DEALER_ROLES).optional(),
    sid: z.string().min(1).max(100).optional(),
    iat: z.number(),
    exp: z.number(),
  })
  .refine((claims) => claims.role !== 'dealer' || claims.dealerId !== undefined, 'a dealer token needs dealerId')
  .refine((claims) => claims.role === 'dealer' || claims.dealerRole === undefined, 'only a dealer token has dealerRole');

export type TokenService = {
  /** Throws TokenLifetimeError when `expiresIn` (e.g. `12h`, `7d`) is longer than the maximum lifetime. */
  sign: (
    claims: { sub: string; role: Role; dealerId?: string | undefined; dealerRole?: DealerRole | undefined; sid?: string | undefined },
    expiresIn?: string,
  ) => string;
  verify: (token: string) => Principal;
};

export class TokenLifetimeError extends Error {
  override name = 'TokenLifetimeError';
}

const CLOCK_TOLERANCE_MS = 5_000;

/** A week: the default of TOKEN_MAX_LIFETIME_HOURS. */
export const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = 7 * 24 * 3_600;

/**
 * HS256 tokens that live at most `maxLifetimeSeconds`: a token is refused unless it says when it
 * was issued (`iat`, not in the future) and expires within the maximum lifetime of that, so no
 * token signed with the key, however its `exp` reads, is good for longer.
 */
export function createTokenService(secret: string, maxLifetimeSeconds = DEFAULT_TOKEN_MAX_LIFETIME_SECONDS): TokenService {
  const verifier = createVerifier({
    key: secret,
    algorithms: ['HS256'],
    requiredClaims: ['sub', 'role', 'exp', 'iat'],
    clockTolerance: CLOCK_TOLERANCE_MS,
    maxAge: maxLifetimeSeconds * 1_000,
    cache: 10_000,
  });
  const decode = createDecoder();
  return {
    sign(claims, expiresIn = '12h') {
      const token = createSigner({ key: secret, algorithm: 'HS256', expiresIn })({ ...claims });
      const { iat, exp } = decode(token) as { iat: number; exp: number };
      if (exp - iat > maxLifetimeSeconds) {
        throw new TokenLifetimeError(`A token may live at most ${maxLifetimeSeconds / 3_600} hours; ${expiresIn} is longer`);
      }
      return token;
    },
    verify(token) {
      const claims = claimsSchema.safeParse(verifier(token));
      if (!claims.success) throw new HttpProblem(401, 'invalid_token', 'The token lacks valid sub, role, dealerId, iat or exp claims');
      const { iat, exp } = claims.data;
      if (exp - iat > maxLifetimeSeconds || iat * 1_000 > Date.now() + CLOCK_TOLERANCE_MS) {
        throw new HttpProblem(401, 'invalid_token', 'The token was issued in the future or outlives the maximum token lifetime');
      }
      const { sub, role, dealerId, dealerRole, sid } = claims.data;
      return { sub, role, dealerId, dealerRole: role === 'dealer' ? (dealerRole ?? 'owner') : undefined, sessionId: sid };
    },
  };
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  if (!match)
    throw new HttpProblem(401, 'invalid_token', 'Authorization must be "Bearer <token>"', { headers: { 'www-authenticate': 'Bearer' } });
  return match[1];
}

export function describeAccess(access: RouteAccess): string {
  return access === 'public' ? 'Public.' : `Roles: ${[...access, 'admin'].join(', ')}.`;
}

/**
 * Authentication in two steps around the rate limit: the token is verified first (onRequest), so
 * that the limit counts a request against its caller, or against its address when there is no
 * valid token; the answer to a missing or bad token, or a role the route does not allow, comes
 * after the limit has counted it and before the body is read (preParsing). Refuses to start if a
 * route does not say who may call it.
 */
export function registerAuth(app: FastifyInstance, tokens: TokenService): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('authFailure', undefined);

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access === undefined && !route.url.startsWith('/docs')) {
      throw new Error(`Route ${String(route.method)} ${route.url} does not declare config.access`);
    }
    if (access !== undefined && route.schema && !route.schema.hide) {
      route.schema.description = [route.schema.description, describeAccess(access)].filter(Boolean).join('\n\n');
      // Public routes say so explicitly (an empty requirement), so checkers see no route left undecided.
      route.schema.security = access === 'public' ? [] : [{ bearerAuth: [] }];
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    try {
      const token = bearerToken(request);
      if (!token)
        throw new HttpProblem(401, 'missing_token', 'This route needs a bearer token', { headers: { 'www-authenticate': 'Bearer' } });
      request.principal = tokens.verify(token);
    } catch (error) {
      request.authFailure =
        error instanceof HttpProblem
          ? error
          : new HttpProblem(401, 'invalid_token', 'The token is invalid or expired', {
              headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
            });
    }
  });
}

/**
 * The second step of registerAuth; registered after the rate limit's hook. A user's token is
 * good only while its sign-in session is (signed out, revoked or its user disabled: refused at once).
 */
export function registerAccessCheck(app: FastifyInstance, sessionIsActive?: (sessionId: string) => Promise<boolean>): void {
  app.addHook('preParsing', async (request) => {
    if (request.authFailure) throw request.authFailure;
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const { role, sessionId } = principalOf(request);
    if (sessionId !== undefined && sessionIsActive && !(await sessionIsActive(sessionId))) {
      throw new HttpProblem(401, 'invalid_token', 'The session has ended: signed out, expired or revoked', {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    if (role !== 'admin' && !access.includes(role)) {
      throw new HttpProblem(403, 'forbidden', `Role ${role} may not call this route`);
    }
  });
}

/** The authenticated caller; routes that are not public always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('principalOf called on a public route');
  return request.principal;
}

/**
 * The dealer a request acts for: a dealer token's own dealer (a different `dealerId` given
 * explicitly reads as not found, so dealers cannot probe each other), or the `dealerId` that
 * staff name.
 */
export function actingDealerId(request: FastifyRequest, requested: string | undefined): string | undefined {
  const principal = principalOf(request);
  if (principal.role === 'dealer') {
    if (requested !== undefined && requested !== principal.dealerId)
      throw new HttpProblem(404, 'not_found', `Dealer ${requested} was not found`);
    return principal.dealerId;
  }
  return requested;
}

/** A dealer may touch only its own dealer's resources; anything else reads as not found. */
export function assertOwnDealer(request: FastifyRequest, dealerId: string, what: string): void {
  const principal = principalOf(request);
  if (principal.role === 'dealer' && principal.dealerId !== dealerId) throw new HttpProblem(404, 'not_found', `${what} was not found`);
}
