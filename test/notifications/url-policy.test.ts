// Where a subscription may send: checked when it is made and again by the connection of every
// delivery, so a host name that resolves to an internal address later (DNS rebinding) is refused
// then, against a real local receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/integrations/adapter.ts';
import { postSigned } from '../../src/integrations/subscriptions/delivery.ts';
import { checkSubscriptionUrl, refusedAddress, type Resolved, type UrlPolicy } from '../../src/integrations/subscriptions/url-policy.ts';
import { startReceiver, type Receiver } from './receiver.ts';

/** A resolver whose answers the test sets per host name. */
function resolver(answers: Record<string, string[]>) {
  const table = { ...answers };
  const resolve = async (hostname: string): Promise<Resolved[]> => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, set: (hostname: string, addresses: string[]) => void (table[hostname] = addresses) };
}

describe('the subscription URL policy', () => {
  const development: UrlPolicy = { production: false };
  const production: UrlPolicy = { production: true };

  it('allows public addresses, and loopback only outside production', () => {
    expect(refusedAddress('93.184.216.34', production)).toBeUndefined();
    expect(refusedAddress('2606:4700::1111', production)).toBeUndefined();
    expect(refusedAddress('127.0.0.1', development)).toBeUndefined();
    expect(refusedAddress('::1', development)).toBeUndefined();
    expect(refusedAddress('127.0.0.1', production)).toContain('loopback');
  });

  it('never allows private, link-local, metadata, shared, reserved or IPv4-mapped internal addresses', () => {
    for (const address of [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      'fe80::1',
      'fd00:ec2::254',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '0.0.0.0',
      '::',
      '224.0.0.1',
      '255.255.255.255',
      '198.18.0.1',
    ]) {
      expect(refusedAddress(address, development), address).toBeDefined();
    }
  });

  it('checks every address a host name resolves to', async () => {
    const names = resolver({
      'hooks.example.com': ['93.184.216.34'],
      'mixed.example.com': ['93.184.216.34', '10.0.0.7'],
      'metadata.google.internal': ['169.254.169.254'],
    });
    const policy = { ...production, resolve: names.resolve };
    expect(await checkSubscriptionUrl('https://hooks.example.com/dealerline#ignored', policy)).toMatchObject({
      ok: true,
      url: new URL('https://hooks.example.com/dealerline'),
    });
    expect(await checkSubscriptionUrl('https://mixed.example.com/hook', policy)).toMatchObject({
      ok: false,
      message: expect.stringContaining('10.0.0.7'),
    });
    expect(await checkSubscriptionUrl('https://metadata.google.internal/computeMetadata/v1/', policy)).toMatchObject({
      ok: false,
      message: expect.stringContaining('link-local'),
    });
    expect(await checkSubscriptionUrl('https://nowhere.example.com/hook', policy)).toEqual({
      ok: false,
      message: 'host nowhere.example.com does not resolve',
    });
  });

  it('takes https only in production, and http only to loopback outside it', async () => {
    const names = resolver({ 'hooks.example.com': ['93.184.216.34'], localhost: ['127.0.0.1', '::1'] });
    expect(await checkSubscriptionUrl('http://hooks.example.com/hook', { ...development, resolve: names.resolve })).toMatchObject({
      ok: false,
      message: expect.stringContaining('https'),
    });
    expect(await checkSubscriptionUrl('http://localhost:8080/hook', { ...development, resolve: names.resolve })).toMatchObject({
      ok: true,
    });
    expect(await checkSubscriptionUrl('http://localhost:8080/hook', { ...production, resolve: names.resolve })).toMatchObject({
      ok: false,
    });
    expect(await checkSubscriptionUrl('https://localhost:8443/hook', { ...production, resolve: names.resolve })).toMatchObject({
      ok: false,
      message: expect.stringContaining('loopback'),
    });
    // Numeric forms of an address are the address.
    expect(await checkSubscriptionUrl('https://0x7f.1/hook', production)).toMatchObject({
      ok: false,
      message: expect.stringContaining('127.0.0.1'),
    });
    expect(await checkSubscriptionUrl('https://2852039166/hook', production)).toMatchObject({
      ok: false,
      message: expect.stringContaining('169.254.169.254'),
    });
  });
});

describe('a delivery connection', () => {
  let target: Receiver;

  beforeAll(async () => {
    target = await startReceiver('delivery-secret-0123456789');
  });
  afterAll(async () => {
    await target.close();
  });

  const post = (url: string, policy: UrlPolicy) =>
    postSigned(
      {
        url,
        body: '{"id":"e-1"}',
        secret: target.secret,
        idempotencyKey: 'e-1',
        eventType: 'order.approved',
        signal: AbortSignal.timeout(5_000),
        timeoutMs: 5_000,
      },
      policy,
    );

  it('connects to what the host resolves to when every address is allowed, and refuses it when one is not (DNS rebinding)', async () => {
    const port = new URL(target.url).port;
    const names = resolver({ 'hooks.test': ['127.0.0.1'] });
    await post(`http://hooks.test:${port}/hook`, { production: false, resolve: names.resolve });
    expect(target.accepted).toHaveLength(1);
    expect(target.accepted[0]!.signatureValid).toBe(true);

    names.set('hooks.test', ['10.0.0.1']);
    const refused = await post(`http://hooks.test:${port}/hook`, { production: false, resolve: names.resolve }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DeliveryError);
    expect(refused).toMatchObject({ retryable: false, message: expect.stringContaining('10.0.0.1') });
    expect(target.calls).toHaveLength(1);

    // In production, loopback is refused at the connection too.
    const literal = await post(`http://127.0.0.1:${port}/hook`, { production: true }).catch((error: unknown) => error);
    expect(literal).toMatchObject({ retryable: false, message: expect.stringContaining('loopback') });
    expect(target.calls).toHaveLength(1);
  });

  it('classifies answers for retries: 5xx and 429 retryable, other 4xx not', async () => {
    target.answer(() => 503);
    await expect(post(target.url, { production: false })).rejects.toMatchObject({ retryable: true });
    target.answer(() => 410);
    await expect(post(target.url, { production: false })).rejects.toMatchObject({ retryable: false });
    target.answer(() => 200);
  });
});
