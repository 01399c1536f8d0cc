// Guessing passwords against the real server: failures are answered more slowly, then the
// username locks (429 with Retry-After) even for the right password, parallel guesses cannot pass
// the limit together, and many failures from one address lock that address. Each test sends from
// an address of its own in 127.0.0.0/8, so the address limit of one does not reach the next.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS_RULE, USERNAME_RULE } from '../../src/domain/accounts/login-throttle.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createUser, TEST_PASSWORD } from '../support/accounts.ts';

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: any };

/** POST /v1/auth/login sent from `address` (a loopback address of the test's own). */
function loginFrom(address: string, username: string, password: string): Promise<Answer> {
  const url = new URL('/v1/auth/login', app.url);
  const payload = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: address,
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    sent.on('error', reject);
    sent.end(payload);
  });
}

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  for (const username of ['t.victim', 't.bystander', 't.parallel', 't.forgetful', 't.innocent'])
    await createUser(app, { username, role: 'analyst' });
});
afterAll(async () => {
  await app.stop();
});

describe('per username', () => {
  const login = (username: string, password: string) => loginFrom('127.0.0.11', username, password);

  it('answers failures ever more slowly, then locks the username for 15 minutes, even against the right password', async () => {
    const timings: number[] = [];
    for (let i = 0; i < USERNAME_RULE.maxAttempts; i++) {
      const started = performance.now();
      const answer = await login('t.victim', `wrong guess number ${i}`);
      timings.push(performance.now() - started);
      expect(answer.status).toBe(401);
    }
    // The third and later failures wait 250 ms, 500 ms, 1 s before they are answered.
    expect(timings[2]!).toBeGreaterThan(250);
    expect(timings[3]!).toBeGreaterThan(500);
    expect(timings[4]!).toBeGreaterThan(1_000);

    const locked = await login('t.victim', TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers['content-type']).toContain('application/problem+json');
    expect(locked.body.code).toBe('too_many_attempts');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(USERNAME_RULE.lockMs / 1000 - 30);
    expect(retryAfter).toBeLessThanOrEqual(USERNAME_RULE.lockMs / 1000);
    // The lock is the username's, whatever its case; others sign in as usual.
    expect((await login('T.VICTIM', TEST_PASSWORD)).status).toBe(429);
    expect((await login('t.bystander', TEST_PASSWORD)).status).toBe(200);
  });

  it('lets no more parallel guesses check a password than the limit allows', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => loginFrom('127.0.0.12', 't.parallel', `parallel guess ${i}`)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401).length).toBe(USERNAME_RULE.maxAttempts);
    expect(statuses.filter((status) => status === 429).length).toBe(12 - USERNAME_RULE.maxAttempts);
  });

  it('starts a username afresh after a successful sign-in', async () => {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < USERNAME_RULE.maxAttempts - 1; i++)
        expect((await loginFrom('127.0.0.13', 't.forgetful', 'not it at all')).status).toBe(401);
      expect((await loginFrom('127.0.0.13', 't.forgetful', TEST_PASSWORD)).status).toBe(200);
    }
  });
});

describe('per client address', () => {
  it('locks the address after many failures across usernames, and only that address', async () => {
    for (let i = 0; i < ADDRESS_RULE.maxAttempts; i++)
      expect((await loginFrom('127.0.0.14', `sprayed.${i}`, 'spring2026!')).status).toBe(401);
    const locked = await loginFrom('127.0.0.14', 't.innocent', TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await loginFrom('127.0.0.15', 't.innocent', TEST_PASSWORD)).status).toBe(200);
  });
});
