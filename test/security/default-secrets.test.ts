// A fresh development install has secrets of its own: a token signed with the development JWT
// secret earlier versions shipped is not admin, and a payment webhook signed with the old
// development webhook secret credits no ledger.
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { developmentSecretsFile } from '../../src/config.ts';
import { signWebhook } from '../../src/integrations/webhooks/signature.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, creditOf } from '../support/fixtures.ts';

const OLD_JWT_SECRET = 'dealerline-dev-secret-change-me-0123456789';
const OLD_PAYMENT_SECRET = 'dev-payment-webhook-secret';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function signedWith(secret: string, payload: object): string {
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('a fresh development install', () => {
  let app: TestApp;
  let dealerCreated: string;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dealerline-install-'));

  beforeAll(async () => {
    // No secret set: what `npm start` on a new machine does.
    app = await startTestApp({
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      JWT_SECRET: '',
      PAYMENT_WEBHOOK_SECRET: '',
      LOGISTICS_WEBHOOK_SECRET: '',
    });
    dealerCreated = await createDealer(app, { id: 'D-FRESH' });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('keeps its own secrets in its data directory', () => {
    expect(existsSync(developmentSecretsFile(dataDir))).toBe(true);
  });

  it('does not take a token signed with the old development secret', async () => {
    const now = Math.floor(Date.now() / 1_000);
    const forged = signedWith(OLD_JWT_SECRET, { sub: 'intruder', role: 'admin', iat: now, exp: now + 600 });
    const refused = await app.request('GET', '/v1/dealers', { token: forged });
    expect(refused.status).toBe(401);
    expect((await app.request('GET', '/v1/dealers', { token: app.token('admin') })).status).toBe(200);
  });

  it('does not credit a ledger on a payment webhook signed with the old development secret', async () => {
    const before = await creditOf(app, 'D-FRESH', dealerCreated);
    const body = JSON.stringify({
      id: 'pay-old-secret',
      type: 'payment.succeeded',
      data: { dealerId: 'D-FRESH', amountMinor: 5_000_000, reference: 'FORGED-1' },
    });
    const response = await app.request('POST', '/v1/webhooks/payments', {
      raw: body,
      headers: { 'content-type': 'application/json', 'x-signature': signWebhook(OLD_PAYMENT_SECRET, body, Math.floor(Date.now() / 1_000)) },
    });
    expect(response.status).toBe(401);
    expect(await creditOf(app, 'D-FRESH')).toEqual(before);
    expect(await app.running.infrastructure.store.readStream('webhook-payments-pay-old-secret')).toEqual([]);
  });
});
