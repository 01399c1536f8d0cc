// Webhook signatures: valid, forged, tampered, stale, malformed, rotated secrets.
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './signature.ts';

const secret = 'partner-secret-0123456789';
const body = Buffer.from('{"id":"m-1","type":"payment.settled","data":{}}');
const now = 1_750_000_000;

describe('webhook signatures', () => {
  it('accepts a signature over the raw body within the tolerance', () => {
    expect(verifyWebhookSignature(secret, signWebhook(secret, body, now), body, now)).toEqual({ valid: true });
    expect(verifyWebhookSignature(secret, signWebhook(secret, body, now - 299), body, now).valid).toBe(true);
    expect(verifyWebhookSignature(secret, signWebhook(secret, body, now + 299), body, now).valid).toBe(true);
  });

  it('refuses another secret, a tampered body, a stale or future time, and malformed headers', () => {
    expect(verifyWebhookSignature(secret, signWebhook('another-secret-0123', body, now), body, now).valid).toBe(false);
    expect(verifyWebhookSignature(secret, signWebhook(secret, body, now), Buffer.from(`${body.toString()} `), now).valid).toBe(false);
    expect(verifyWebhookSignature(secret, signWebhook(secret, body, now - 301), body, now)).toMatchObject({
      valid: false,
      reason: expect.stringContaining('300 s'),
    });
    expect(verifyWebhookSignature(secret, signWebhook(secret, body, now + 301), body, now).valid).toBe(false);
    for (const header of [undefined, '', 'v1=abc', `t=${now}`, `t=soon,v1=${'a'.repeat(64)}`, `t=${now},v1=${'z'.repeat(64)}`]) {
      expect(verifyWebhookSignature(secret, header, body, now).valid, String(header)).toBe(false);
    }
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const old = signWebhook('old-secret-0123456789', body, now).split(',')[1];
    const current = signWebhook(secret, body, now).split(',')[1];
    expect(verifyWebhookSignature(secret, `t=${now},${old},${current}`, body, now).valid).toBe(true);
  });
});
