import { describe, expect, it } from 'vitest';
import {
  admitAttempt,
  attemptFailed,
  attemptSucceeded,
  failureDelayMs,
  NO_ATTEMPTS,
  type AttemptRecord,
  type ThrottleRule,
} from './login-throttle.ts';

const rule: ThrottleRule = { maxAttempts: 3, windowMs: 60_000, lockMs: 300_000 };
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

function fail(record: AttemptRecord, now: Date): AttemptRecord {
  const admission = admitAttempt(record, rule, now);
  if (!admission.admitted) throw new Error('expected to be admitted');
  return attemptFailed(admission.record, rule, now);
}

describe('login throttle', () => {
  it('admits attempts up to the limit, then locks the key for the lock time', () => {
    let record = NO_ATTEMPTS;
    for (const second of [0, 1, 2]) record = fail(record, at(second));
    expect(record.lockedUntil).toEqual(at(302));
    const refused = admitAttempt(record, rule, at(3));
    expect(refused).toMatchObject({ admitted: false, retryAfterSeconds: 299 });
    expect(admitAttempt(record, rule, at(302)).admitted).toBe(true);
  });

  it('counts an attempt before its password is checked, so parallel attempts cannot pass the limit together', () => {
    let record = NO_ATTEMPTS;
    const admitted: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const admission = admitAttempt(record, rule, at(0));
      admitted.push(admission.admitted);
      record = admission.record;
    }
    expect(admitted).toEqual([true, true, true, false, false]);
  });

  it('forgets attempts once their window has passed', () => {
    let record = fail(fail(NO_ATTEMPTS, at(0)), at(1));
    record = fail(record, at(61));
    expect(record).toMatchObject({ attempts: 1, lockedUntil: null, windowStartedAt: at(61) });
  });

  it('clears a username on success, but gives an address back only the one attempt', () => {
    const record = fail(fail(NO_ATTEMPTS, at(0)), at(1));
    const admission = admitAttempt(record, rule, at(2));
    if (!admission.admitted) throw new Error('expected to be admitted');
    expect(attemptSucceeded(admission.record, 'username')).toEqual(NO_ATTEMPTS);
    expect(attemptSucceeded(admission.record, 'address').attempts).toBe(2);
  });

  it('answers failures more slowly from the third on, up to 2 s', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(failureDelayMs)).toEqual([0, 0, 250, 500, 1000, 2000, 2000]);
  });
});
