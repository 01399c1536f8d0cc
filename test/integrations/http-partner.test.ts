// The outbound partner client against a local server: the Idempotency-Key header, timeouts, and
// which failures the delivery runner may retry (5xx, 408, 429, network) and which it may not (4xx).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/integrations/adapter.ts';
import { createPartnerClient, retryAfterMs } from '../../src/integrations/http-partner.ts';
import { eventually } from '../support/wait.ts';
import { startPartner, type Partner } from './partner.ts';

describe('HTTP partner client', () => {
  let partner: Partner;

  beforeAll(async () => {
    partner = await startPartner(({ payload }) => ({
      status: payload.status,
      delayMs: payload.delayMs,
      headers: payload.retryAfter ? { 'retry-after': String(payload.retryAfter) } : undefined,
    }));
  });
  afterAll(async () => {
    await partner.close();
  });

  // An answer the test expects gets all the time it needs on a loaded machine; the timeout case is short.
  const client = (timeoutMs: number) => createPartnerClient({ baseUrl: `${partner.url}/partner/`, timeoutMs });
  const failure = (body: object, timeoutMs = 10_000) =>
    client(timeoutMs)
      .post('events', body, { idempotencyKey: 'key-1' })
      .then(
        () => undefined,
        (error: unknown) => error as DeliveryError,
      );

  it('posts JSON with the Idempotency-Key and resolves on 2xx', async () => {
    await client(10_000).post('/events', { status: 201, n: 1 }, { idempotencyKey: 'event-123' });
    const call = partner.calls.at(-1)!;
    expect(call.key).toBe('event-123');
    expect(call.payload).toEqual({ status: 201, n: 1 });
  });

  it('retries 5xx, 408, 429 and timeouts, honouring Retry-After, but not other 4xx', async () => {
    for (const status of [500, 502, 503, 408, 429]) {
      const error = await failure({ status });
      expect(error, String(status)).toBeInstanceOf(DeliveryError);
      expect(error!.retryable, String(status)).toBe(true);
      expect(error!.message).toContain(`HTTP ${status}`);
    }
    expect((await failure({ status: 429, retryAfter: '3' }))!.retryAfterMs).toBe(3_000);
    for (const status of [400, 401, 404, 409, 422]) {
      const error = await failure({ status });
      expect(error!.retryable, String(status)).toBe(false);
      expect(error!.retryAfterMs).toBeUndefined();
    }
    const slow = await failure({ status: 200, delayMs: 1_000 }, 200);
    expect(slow!.retryable).toBe(true);
    expect(slow!.message).toContain('timed out after 200 ms');
  });

  it('counts an unreachable partner as retryable, and stops at once when the runner aborts', async () => {
    const unreachable = createPartnerClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 1_000 });
    const error = await unreachable.post('events', {}, { idempotencyKey: 'k' }).catch((caught: unknown) => caught as DeliveryError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('network error') });

    const stop = new AbortController();
    const started = Date.now();
    const calls = partner.calls.length;
    const pending = createPartnerClient({ baseUrl: partner.url, timeoutMs: 5_000 }).post(
      'events',
      { status: 200, delayMs: 3_000 },
      { idempotencyKey: 'k', signal: stop.signal },
    );
    // Aborted while the partner holds the request.
    await eventually(() => (partner.calls.length > calls ? true : undefined), 5_000, 'the partner to receive the request');
    stop.abort(new Error('runner stopping'));
    await expect(pending).rejects.toThrow('runner stopping');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('5')).toBe(5_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
