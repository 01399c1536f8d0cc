// Backoff: exponential, jittered between half and all of the step, capped, floored by Retry-After.
import { describe, expect, it } from 'vitest';
import { backoffDelay, DeliveryError, isRetryable } from './adapter.ts';

const policy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('retry backoff', () => {
  it('doubles per attempt, jitters within the upper half, and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 10].map((attempt) => backoffDelay(policy, attempt, undefined, () => 1))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(policy, attempt, undefined, () => 0))).toEqual([50, 100, 200, 400, 500]);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(policy, 3);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });

  it("waits at least the partner's Retry-After, within the cap", () => {
    expect(backoffDelay(policy, 1, 700, () => 0)).toBe(700);
    expect(backoffDelay(policy, 1, 60_000, () => 0)).toBe(1_000);
  });

  it('retries anything but a DeliveryError that says otherwise', () => {
    expect(isRetryable(new Error('boom'))).toBe(true);
    expect(isRetryable(new DeliveryError('refused', { retryable: false }))).toBe(false);
    expect(isRetryable(new DeliveryError('busy', { retryable: true }))).toBe(true);
  });
});
