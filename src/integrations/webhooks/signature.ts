// Partner webhook signatures: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
// under the partner's secret; several v1 values are allowed while a secret is rotated.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far the signed time may be from ours, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

function hmac(secret: string, timestamp: string, rawBody: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** The header value a partner sends (and our tests and partner simulators use). */
export function signWebhook(secret: string, rawBody: Buffer | string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmac(secret, String(unixSeconds), rawBody).toString('hex')}`;
}

export function verifyWebhookSignature(secret: string, header: string | undefined, rawBody: Buffer, nowSeconds: number): SignatureCheck {
  if (!header) return { valid: false, reason: 'X-Signature is missing' };
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = value;
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || signatures.length === 0)
    return { valid: false, reason: 'X-Signature must be t=<unix seconds>,v1=<hex HMAC-SHA256>' };
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return { valid: false, reason: `The signature timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s away from now` };
  }
  const expected = hmac(secret, timestamp, rawBody);
  return signatures.some((signature) => timingSafeEqual(signature, expected))
    ? { valid: true }
    : { valid: false, reason: 'The signature does not match' };
}
