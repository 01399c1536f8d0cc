// Idempotency-Key: the same key and body replays the first response; another body is refused.
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { coalescedFor } from '../db/coalesce.ts';
import type { Db } from '../db/database.ts';
import { principalOf } from './auth.ts';
import { HttpProblem, problem } from './problem.ts';

export type CommandResponse<Body> = { status: number; body: Body; headers?: Record<string, string> };

export const idempotencyKeyHeader = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters')
  .optional()
  .describe('Makes a retried POST safe: the same key and body return the first response.');

/** How long a first attempt may run before a retry takes its key over (longer than any placement may take). */
const LEASE_SECONDS = 15;
const WAIT_FOR_FIRST_MS = 10_000;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two requests the same one: the route, the path, the caller, the query and the body. */
function requestHash(request: FastifyRequest, body: unknown): string {
  const principal = principalOf(request);
  const fingerprint = {
    route: `${request.method} ${request.routeOptions.url ?? ''}`,
    path: request.url.split('?')[0],
    caller: [principal.sub, principal.dealerId ?? ''],
    query: request.query,
    body,
  };
  return createHash('sha256').update(canonicalJson(fingerprint)).digest('base64url');
}

/**
 * Whose keys a key is unique among: a dealer's users share their dealer's keys, staff each have
 * their own. Within it, a key reused for any other request is refused.
 */
function callerScope(request: FastifyRequest): string {
  const principal = principalOf(request);
  return principal.role === 'dealer' ? `dealer:${principal.dealerId}` : `user:${principal.sub}`;
}

type Stored = {
  request_hash: string;
  status_code: number | null;
  response: unknown;
  owned: boolean;
  how: 'owned' | 'merged' | 'taken_over' | 'found';
};

type Claim = { scope: string; key: string; hash: string };

/**
 * Claims new keys: true for a key this request now owns, false for one already there. The claims
 * of concurrent requests share one INSERT (a key asked for twice at once: the first asks it).
 */
const claimNew = coalescedFor(async (db: Db, claims: Claim[]): Promise<Array<'owned' | 'merged' | 'found'>> => {
  const ids = claims.map((item) => JSON.stringify([item.scope, item.key]));
  const first = claims.filter((_, index) => ids.indexOf(ids[index]!) === index);
  const { rows } = await sql<{ scope: string; key: string }>`
    INSERT INTO idempotency_keys (scope, key, request_hash, locked_until)
    SELECT scope, key, hash, now() + make_interval(secs => ${LEASE_SECONDS})
      FROM unnest(${first.map((item) => item.scope)}::text[], ${first.map((item) => item.key)}::text[], ${first.map((item) => item.hash)}::text[]) AS c(scope, key, hash)
    ON CONFLICT (scope, key) DO NOTHING
    RETURNING scope, key`.execute(db);
  const owned = new Set(rows.map((row) => JSON.stringify([row.scope, row.key])));
  return claims.map((_, index) => (ids.indexOf(ids[index]!) !== index ? 'merged' : owned.has(ids[index]!) ? 'owned' : 'found'));
});

async function claim(db: Db, scope: string, key: string, hash: string): Promise<Stored> {
  const claimed = await claimNew(db, { scope, key, hash });
  if (claimed === 'owned') return { request_hash: hash, status_code: null, response: null, owned: true, how: 'owned' };
  // A first attempt that died mid-way leaves its lease to expire; then a retry takes over.
  const takenOver = await db
    .updateTable('idempotency_keys')
    .set({ locked_until: sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})` })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('request_hash', '=', hash)
    .where('status_code', 'is', null)
    .where('locked_until', '<', sql<Date>`now()`)
    .returning(['request_hash'])
    .executeTakeFirst();
  if (takenOver) return { request_hash: hash, status_code: null, response: null, owned: true, how: 'taken_over' };
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? { ...row, owned: false, how: claimed === 'merged' ? 'merged' : 'found' } : claim(db, scope, key, hash);
}

type Completion = { scope: string; key: string; status: number; response: string };

/** Stores the responses of owned keys; concurrent requests' completions share one statement (migration 0053). */
const completeAll = coalescedFor(async (db: Db, completions: Completion[]): Promise<undefined[]> => {
  await sql`
    SELECT complete_idempotency_keys(${completions.map((item) => item.scope)}::text[], ${completions.map((item) => item.key)}::text[],
                                     ${completions.map((item) => item.status)}::int[], ${completions.map((item) => item.response)}::text[])`.execute(
    db,
  );
  return completions.map(() => undefined);
});

function complete(db: Db, scope: string, key: string, response: CommandResponse<unknown>): Promise<undefined> {
  return completeAll(db, { scope, key, status: response.status, response: JSON.stringify(response.body) });
}

async function release(db: Db, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a creating command at most once per Idempotency-Key. Without the header it just runs.
 * Client errors (4xx) are remembered like successes; server errors free the key for a retry.
 * `scope`: where the key must be unique when the route derives the new resource's id from it
 * (the dealer of an order, the order of a shipment): another caller or route using the same key
 * there would otherwise be handed the resource the first request made. `fingerprintBody`: the body
 * as it tells requests apart, when the body holds a secret (a password) that must not be hashed
 * into the stored fingerprint. `stored`: when a successful answer carries a secret that has a
 * store of its own (a subscription's signing secret), what of the answer is stored with the key
 * (`keep`) and how a replay puts the rest back from that store (`recall`), so that the key's row
 * never holds a second copy of the secret.
 */
export async function withIdempotency<Body>(
  db: Db,
  request: FastifyRequest,
  run: () => Promise<CommandResponse<Body>>,
  options: { scope?: string; fingerprintBody?: unknown; stored?: StoredForm<Body> } = {},
): Promise<CommandResponse<Body>> {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return run();
  const scope = options.scope ?? callerScope(request);
  const hash = requestHash(request, 'fingerprintBody' in options ? options.fingerprintBody : request.body);
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  const claims = request.server.metrics?.idempotencyClaims;
  let counted = false;
  for (;;) {
    const stored = await claim(db, scope, key, hash);
    // Once per request: how its first claim went (a wait for another attempt counts as in_progress).
    if (!counted) {
      counted = true;
      claims?.inc({
        outcome: stored.owned ? stored.how : stored.status_code !== null ? 'replayed' : stored.how === 'merged' ? 'merged' : 'in_progress',
      });
    }
    if (stored.request_hash !== hash) {
      throw new HttpProblem(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was already used for a different request (another body, route or caller)',
      );
    }
    if (stored.status_code !== null) {
      const recalled =
        options.stored && stored.status_code < 400 ? await options.stored.recall(stored.response) : (stored.response as Body);
      return { status: stored.status_code, body: recalled, headers: { 'idempotent-replayed': 'true' } };
    }
    if (stored.owned) return runOwned(db, scope, key, run, options.stored);
    if (Date.now() > deadline) {
      throw new HttpProblem(
        409,
        'idempotency_key_in_progress',
        'A request with this Idempotency-Key is still being processed; retry later',
        {
          headers: { 'retry-after': '1' },
        },
      );
    }
    await pause(25);
  }
}

/** What of a successful answer is stored with its key, and how a replay makes the whole answer again. */
export type StoredForm<Body> = { keep: (body: Body) => unknown; recall: (kept: unknown) => Promise<Body> };

async function runOwned<Body>(
  db: Db,
  scope: string,
  key: string,
  run: () => Promise<CommandResponse<Body>>,
  stored: StoredForm<Body> | undefined,
): Promise<CommandResponse<Body>> {
  let response: CommandResponse<Body>;
  try {
    response = await run();
  } catch (error) {
    if (error instanceof HttpProblem && error.status < 500) {
      await complete(db, scope, key, { status: error.status, body: problem(error.status, error.code, error.message, error.errors) });
    } else {
      await release(db, scope, key).catch(() => undefined);
    }
    throw error;
  }
  if (response.status >= 500) await release(db, scope, key);
  else await complete(db, scope, key, stored && response.status < 400 ? { ...response, body: stored.keep(response.body) } : response);
  return response;
}
