// Sign-in against the real server: tokens and their claims, rotating refresh tokens with reuse
// detection, sign-out, disabled users refused at once, and the acting user on every event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userIdFor } from '../../src/domain/accounts/user.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { claimsOf, createUser, signIn, TEST_PASSWORD } from '../support/accounts.ts';
import { createDealer } from '../support/fixtures.ts';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  await createDealer(app, { id: 'D-ACC' });
  await createUser(app, { username: 'Acc.Owner', role: 'dealer', dealerId: 'D-ACC', dealerRole: 'owner' });
  await createUser(app, {
    username: 'acc.buyer',
    role: 'dealer',
    dealerId: 'D-ACC',
    dealerRole: 'buyer',
    spendingLimits: { perOrderMinor: 10_000 },
  });
  await createUser(app, { username: 'acc.ops', role: 'ops' });
  await createUser(app, { username: 'acc.other', role: 'finance' });
});
afterAll(async () => {
  await app.stop();
});

const me = (token: string) => app.request('GET', '/v1/me', { token });

describe('sign-in', () => {
  it('answers tokens whose claims name the user, its role, dealer and dealer role, and a session', async () => {
    const signedIn = await signIn(app, 'ACC.OWNER');
    expect(signedIn.expiresIn).toBe(900);
    expect(signedIn.user).toEqual({
      id: userIdFor('acc.owner'),
      username: 'Acc.Owner',
      displayName: 'User Acc.Owner',
      role: 'dealer',
      dealerId: 'D-ACC',
      dealerRole: 'owner',
      status: 'active',
      version: 0,
    });
    expect(claimsOf(signedIn.accessToken)).toMatchObject({
      sub: userIdFor('acc.owner'),
      role: 'dealer',
      dealerId: 'D-ACC',
      dealerRole: 'owner',
      sid: expect.any(String),
    });
    const answer = await me(signedIn.accessToken);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      sub: userIdFor('acc.owner'),
      role: 'dealer',
      dealerId: 'D-ACC',
      dealerRole: 'owner',
      user: signedIn.user,
      timeZone: 'Asia/Shanghai',
    });
    const buyer = await signIn(app, 'acc.buyer');
    expect(buyer.user.spendingLimits).toEqual({ perOrderMinor: 10_000 });
    expect(claimsOf(buyer.accessToken)).toMatchObject({ dealerRole: 'buyer' });
  });

  it('answers an unknown user and a wrong password with the same 401, taking about as long', async () => {
    const attempt = async (username: string) => {
      const started = performance.now();
      const response = await app.request('POST', '/v1/auth/login', { body: { username, password: 'not the right password' } });
      return { response, ms: performance.now() - started };
    };
    const wrong = [await attempt('acc.owner'), await attempt('acc.buyer')];
    const unknown = [await attempt('nobody.here'), await attempt('nobody.else')];
    for (const { response } of [...wrong, ...unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toEqual(unknown[0]!.response.body);
    }
    // Without the decoy hash an unknown user is answered in a twentieth of the time.
    expect(Math.min(...unknown.map((a) => a.ms))).toBeGreaterThan(0.3 * Math.min(...wrong.map((a) => a.ms)));
  });

  it('keeps CLI tokens working: a dealer token without dealerRole acts as the owner', async () => {
    const answer = await me(app.token('dealer', 'D-ACC', 'cli-dealer'));
    expect(answer.body).toEqual({
      sub: 'cli-dealer',
      role: 'dealer',
      dealerId: 'D-ACC',
      dealerRole: 'owner',
      user: null,
      timeZone: 'Asia/Shanghai',
    });
    const created = await app.request('POST', '/v1/users', {
      token: app.token('dealer', 'D-ACC'),
      body: {
        username: 'acc.cli-made',
        displayName: 'Made by a CLI owner token',
        password: TEST_PASSWORD,
        role: 'dealer',
        dealerRole: 'buyer',
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.dealerId).toBe('D-ACC');
  });

  it('records the signed-in user as the actor of the events its requests write', async () => {
    const ops = await signIn(app, 'acc.ops');
    const created = await app.request('POST', '/v1/warehouses', {
      token: ops.accessToken,
      body: { id: 'WH-ACC', name: 'Actor test', regionCode: 'CN-31' },
    });
    expect(created.status).toBe(201);
    const [event] = await app.running.infrastructure.store.readStream('warehouse-WH-ACC');
    expect(event?.metadata).toMatchObject({ actor: userIdFor('acc.ops'), role: 'ops' });
  });
});

describe('refresh tokens', () => {
  it('rotate: each refresh answers new tokens and spends the refresh token sent', async () => {
    const first = await signIn(app, 'acc.other');
    const refreshed = await app.request('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(first.refreshToken);
    expect(claimsOf(refreshed.body.accessToken).sid).toBe(claimsOf(first.accessToken).sid);
    expect((await me(refreshed.body.accessToken)).status).toBe(200);
    const again = await app.request('POST', '/v1/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } });
    expect(again.status).toBe(200);
  });

  it('end the whole session when a spent refresh token is used again', async () => {
    const first = await signIn(app, 'acc.other');
    const rotated = (await app.request('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })).body;
    const reused = await app.request('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('refresh_token_reused');
    // Everything of that sign-in is dead: the rotated refresh token and both access tokens.
    expect((await app.request('POST', '/v1/auth/refresh', { body: { refreshToken: rotated.refreshToken } })).status).toBe(401);
    for (const token of [first.accessToken, rotated.accessToken]) {
      const refused = await me(token);
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('invalid_token');
    }
    // Another sign-in of the same user is untouched.
    const other = await signIn(app, 'acc.other');
    expect((await me(other.accessToken)).status).toBe(200);
  });

  it('let only one of two racing refreshes with one token rotate, and treat the other as reuse', async () => {
    const signedIn = await signIn(app, 'acc.other');
    const answers = await Promise.all(
      [1, 2].map(() => app.request('POST', '/v1/auth/refresh', { body: { refreshToken: signedIn.refreshToken } })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    const winner = answers.find((answer) => answer.status === 200)!;
    expect((await me(winner.body.accessToken)).status).toBe(401);
  });

  it('refuse tokens that were never issued, with 400 for a missing one', async () => {
    const forged = await app.request('POST', '/v1/auth/refresh', { body: { refreshToken: 'a'.repeat(43) } });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('invalid_refresh_token');
    const missing = await app.request('POST', '/v1/auth/refresh', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'body.refreshToken' })]);
  });
});

describe('sign-out', () => {
  it('ends the session: its refresh and access tokens are refused at once; again changes nothing', async () => {
    const signedIn = await signIn(app, 'acc.other');
    const out = await app.request('POST', '/v1/auth/logout', { body: { refreshToken: signedIn.refreshToken } });
    expect(out.status).toBe(204);
    expect((await me(signedIn.accessToken)).status).toBe(401);
    expect((await app.request('POST', '/v1/auth/refresh', { body: { refreshToken: signedIn.refreshToken } })).status).toBe(401);
    expect((await app.request('POST', '/v1/auth/logout', { body: { refreshToken: signedIn.refreshToken } })).status).toBe(204);
  });
});

describe('a disabled user', () => {
  it('is refused at once: its access tokens, its refresh tokens and its sign-in; enabled, it signs in again', async () => {
    await createUser(app, { username: 'acc.leaver', role: 'dealer', dealerId: 'D-ACC', dealerRole: 'buyer' });
    const sessions = [await signIn(app, 'acc.leaver'), await signIn(app, 'acc.leaver')];
    const owner = await signIn(app, 'acc.owner');
    const id = userIdFor('acc.leaver');
    const disabled = await app.request('PATCH', `/v1/users/${id}`, { token: owner.accessToken, body: { status: 'disabled' } });
    expect(disabled.status, disabled.text).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    for (const session of sessions) {
      expect((await me(session.accessToken)).status).toBe(401);
      expect((await app.request('GET', '/v1/products', { token: session.accessToken })).status).toBe(401);
      expect((await app.request('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    }
    const refused = await app.request('POST', '/v1/auth/login', { body: { username: 'acc.leaver', password: TEST_PASSWORD } });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('invalid_credentials');

    expect((await app.request('PATCH', `/v1/users/${id}`, { token: owner.accessToken, body: { status: 'active' } })).status).toBe(200);
    const back = await signIn(app, 'acc.leaver');
    expect((await me(back.accessToken)).status).toBe(200);
    // The sessions from before the disabling stay ended.
    expect((await me(sessions[0]!.accessToken)).status).toBe(401);
  });
});
