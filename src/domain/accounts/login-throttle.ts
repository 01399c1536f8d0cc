// How sign-in attempts are throttled, per username and per client address: failed attempts are
// answered ever more slowly, and too many in a window lock the key for a while.

export type ThrottleRule = {
  /** Attempts in a window not known to have succeeded before the key locks. */
  maxAttempts: number;
  windowMs: number;
  lockMs: number;
};

const MINUTE = 60_000;

export const USERNAME_RULE: ThrottleRule = { maxAttempts: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };
/** Looser: many people may sign in from one office address. */
export const ADDRESS_RULE: ThrottleRule = { maxAttempts: 20, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };

/**
 * One key's record. `attempts` counts the window's attempts that failed or are still being
 * checked: an attempt is counted before its password is, so parallel guesses cannot slip past
 * the limit together.
 */
export type AttemptRecord = { attempts: number; windowStartedAt: Date | null; lockedUntil: Date | null };

export const NO_ATTEMPTS: AttemptRecord = { attempts: 0, windowStartedAt: null, lockedUntil: null };

export type Admission = { admitted: true; record: AttemptRecord } | { admitted: false; record: AttemptRecord; retryAfterSeconds: number };

const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/** Whether an attempt may check its password now; if so it is counted. */
export function admitAttempt(record: AttemptRecord, rule: ThrottleRule, now: Date): Admission {
  if (record.lockedUntil && record.lockedUntil > now)
    return { admitted: false, record, retryAfterSeconds: secondsUntil(record.lockedUntil, now) };
  const windowOver = !record.windowStartedAt || now.getTime() - record.windowStartedAt.getTime() >= rule.windowMs;
  const current = windowOver ? { attempts: 0, windowStartedAt: now, lockedUntil: null } : { ...record, lockedUntil: null };
  if (current.attempts >= rule.maxAttempts) {
    const lockedUntil = new Date(now.getTime() + rule.lockMs);
    return { admitted: false, record: { ...current, lockedUntil }, retryAfterSeconds: secondsUntil(lockedUntil, now) };
  }
  return { admitted: true, record: { ...current, attempts: current.attempts + 1 } };
}

/** A counted attempt failed: the last one allowed locks the key. */
export function attemptFailed(record: AttemptRecord, rule: ThrottleRule, now: Date): AttemptRecord {
  return record.attempts >= rule.maxAttempts ? { ...record, lockedUntil: new Date(now.getTime() + rule.lockMs) } : record;
}

/**
 * A counted attempt succeeded: a username starts afresh; an address only gets this attempt back,
 * so one good account does not clear the failures of guesses at others.
 */
export function attemptSucceeded(record: AttemptRecord, kind: 'username' | 'address'): AttemptRecord {
  return kind === 'username' ? NO_ATTEMPTS : { ...record, attempts: Math.max(0, record.attempts - 1) };
}

/** How long the answer to a failed attempt waits: nothing for the first two, then doubling to 2 s. */
export function failureDelayMs(attempts: number): number {
  return attempts <= 2 ? 0 : Math.min(2_000, 250 * 2 ** (attempts - 3));
}
