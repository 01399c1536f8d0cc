// A password checked the way sign-in checks it: counted per username and client address before
// the check, failures answered ever more slowly, a locked key refused with 429 and Retry-After.
import type { FastifyRequest } from 'fastify';
import { admitSignIn, signInFailed, signInSucceeded, throttleKeys } from '../accounts/login-throttle.ts';
import type { Db } from '../db/database.ts';
import { failureDelayMs } from '../domain/accounts/login-throttle.ts';
import { HttpProblem } from './problem.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `check` (true: the password is right) unless the username or the address is locked. */
export async function throttledPasswordCheck(
  db: Db,
  request: FastifyRequest,
  username: string,
  check: () => Promise<boolean>,
): Promise<boolean> {
  const keys = throttleKeys(username, request.ip);
  const admission = await admitSignIn(db, keys, new Date());
  if (!admission.admitted) {
    request.log.warn({ address: request.ip }, 'password check refused: too many failed attempts');
    throw new HttpProblem(429, 'too_many_attempts', 'Too many failed password attempts; try again later', {
      headers: { 'retry-after': String(admission.retryAfterSeconds) },
    });
  }
  if (await check()) {
    await signInSucceeded(db, keys, new Date());
    return true;
  }
  await signInFailed(db, keys, new Date());
  await pause(failureDelayMs(admission.attempts));
  return false;
}
