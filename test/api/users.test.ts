// Users against the real server: who may create, see and manage whom (an owner never another
// dealer's users), unique usernames under racing creates, limits and status changes, password
// changes and resets, and bad input refused naming its fields with nothing written.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userIdFor } from '../../src/domain/accounts/user.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createUser, signIn, TEST_PASSWORD, type SignedIn } from '../support/accounts.ts';
import { createDealer } from '../support/fixtures.ts';

let app: TestApp;
let owner: SignedIn;
let otherOwner: SignedIn;
let buyer: SignedIn;
let ops: SignedIn;
const head = () => app.running.infrastructure.store.headPosition();
const idOf = userIdFor;

beforeAll(async () => {
  app = await startTestApp();
  await createDealer(app, { id: 'D-U1' });
  await createDealer(app, { id: 'D-U2' });
  await createUser(app, { username: 'u1.owner', role: 'dealer', dealerId: 'D-U1', dealerRole: 'owner' });
  await createUser(app, { username: 'u2.owner', role: 'dealer', dealerId: 'D-U2', dealerRole: 'owner' });
  await createUser(app, { username: 'u1.buyer', role: 'dealer', dealerId: 'D-U1', dealerRole: 'buyer' });
  await createUser(app, {
    username: 'u2.buyer',
    role: 'dealer',
    dealerId: 'D-U2',
    dealerRole: 'buyer',
    displayName: 'Second dealer buyer',
  });
  await createUser(app, { username: 'u.ops', role: 'ops' });
  [owner, otherOwner, buyer, ops] = [
    await signIn(app, 'u1.owner'),
    await signIn(app, 'u2.owner'),
    await signIn(app, 'u1.buyer'),
    await signIn(app, 'u.ops'),
  ];
});
afterAll(async () => {
  await app.stop();
});

const newUser = (username: string, extra: object = {}) => ({
  username,
  displayName: `User ${username}`,
  password: TEST_PASSWORD,
  ...extra,
});
const buyerBody = (username: string, extra: object = {}) => newUser(username, { role: 'dealer', dealerRole: 'buyer', ...extra });

describe('creating users', () => {
  it('lets admin create anyone, ops dealer owners only, an owner buyers of its own dealer only', async () => {
    const post = (token: string, body: object) => app.request('POST', '/v1/users', { token, body });
    expect((await post(app.token('admin'), newUser('c.finance', { role: 'finance' }))).status).toBe(201);
    expect((await post(ops.accessToken, newUser('c.owner', { role: 'dealer', dealerId: 'D-U2', dealerRole: 'owner' }))).status).toBe(201);
    const opsBuyer = await post(ops.accessToken, buyerBody('c.ops-buyer', { dealerId: 'D-U2' }));
    expect([opsBuyer.status, opsBuyer.body.code]).toEqual([403, 'forbidden']);
    expect((await post(ops.accessToken, newUser('c.admin', { role: 'admin' }))).status).toBe(403);

    const made = await post(owner.accessToken, buyerBody('c.buyer', { spendingLimits: { perOrderMinor: 5_000, perMonthMinor: 20_000 } }));
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({
      id: idOf('c.buyer'),
      dealerId: 'D-U1',
      dealerRole: 'buyer',
      status: 'active',
      spendingLimits: { perOrderMinor: 5_000, perMonthMinor: 20_000 },
    });
    expect(made.body.position).toMatch(/^\d+$/);
    expect(made.text).not.toContain(TEST_PASSWORD);

    const before = await head();
    const elsewhere = await post(owner.accessToken, buyerBody('c.elsewhere', { dealerId: 'D-U2' }));
    expect(elsewhere.status).toBe(404);
    expect((await post(owner.accessToken, buyerBody('c.owner2', { dealerRole: 'owner' }))).status).toBe(403);
    expect((await post(buyer.accessToken, buyerBody('c.by-buyer'))).status).toBe(403);
    expect((await post(ops.accessToken, newUser('c.ghost', { role: 'dealer', dealerId: 'D-NONE', dealerRole: 'owner' }))).body.code).toBe(
      'dealer_not_found',
    );
    expect(await head()).toBe(before);
  });

  it('keeps usernames unique regardless of case, also when many creations race', async () => {
    const taken = await app.request('POST', '/v1/users', { token: app.token('admin'), body: newUser('U1.OWNER', { role: 'analyst' }) });
    expect([taken.status, taken.body.code]).toEqual([409, 'username_taken']);

    const before = await head();
    const racing = await Promise.all(
      ['Race.User', 'race.user', 'RACE.USER', 'race.User', 'Race.user', 'rACE.uSER'].map((username, index) =>
        app.request('POST', '/v1/users', {
          token: app.token('admin'),
          body: newUser(username, { role: 'analyst', displayName: `Racer ${index}` }),
        }),
      ),
    );
    expect(racing.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const events = await app.running.infrastructure.store.readStream(`user-${idOf('race.user')}`);
    expect(events.map((event) => event.type)).toEqual(['UserCreated']);
    const winner = racing.find((answer) => answer.status === 201)!;
    expect(events[0]!.data.displayName).toBe(winner.body.displayName);
    // The winner's password, and only it, signs in.
    await signIn(app, 'race.user');
    expect(BigInt(await head()) - BigInt(before)).toBe(1n);
  });

  it('refuses bad input with 400 naming every bad field, writing nothing', async () => {
    const before = await head();
    const cases: [object, string[]][] = [
      [{}, ['body.username', 'body.displayName', 'body.password', 'body.role']],
      [newUser('b.short', { role: 'ops', password: 'too-short' }), ['body.password']],
      [newUser('b.common', { role: 'ops', password: 'qwertyuiop123' }), ['body.password']],
      [newUser('b.named', { role: 'ops', password: 'my name is b.named ok' }), ['body.password']],
      [newUser('no spaces allowed', { role: 'ops' }), ['body.username']],
      [newUser('b.dealer', { role: 'dealer', dealerId: 'D-U1' }), ['body.dealerRole']],
      [newUser('b.staff', { role: 'ops', dealerId: 'D-U1', dealerRole: 'owner' }), ['body.dealerId', 'body.dealerRole']],
      [
        newUser('b.limits', { role: 'dealer', dealerId: 'D-U1', dealerRole: 'owner', spendingLimits: { perOrderMinor: 1 } }),
        ['body.spendingLimits'],
      ],
      [buyerBody('b.negative', { dealerId: 'D-U1', spendingLimits: { perOrderMinor: -1, daily: 5 } }), ['body.spendingLimits']],
      [newUser('b.role', { role: 'superuser' }), ['body.role']],
    ];
    for (const [body, fields] of cases) {
      const answer = await app.request('POST', '/v1/users', { token: app.token('admin'), body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      const paths = answer.body.errors.map((error: { path: string }) => error.path);
      for (const field of fields)
        expect(
          paths.some((path: string) => path.startsWith(field)),
          `${JSON.stringify(body)}: ${paths.join(', ')}`,
        ).toBe(true);
      expect(answer.text).not.toContain(TEST_PASSWORD);
    }
    const staffWithoutDealer = await app.request('POST', '/v1/users', {
      token: ops.accessToken,
      body: newUser('b.nodealer', { role: 'dealer', dealerRole: 'owner' }),
    });
    expect(staffWithoutDealer.body.errors).toEqual([expect.objectContaining({ path: 'body.dealerId' })]);
    const patch = await app.request('PATCH', `/v1/users/${idOf('u1.buyer')}`, {
      token: owner.accessToken,
      body: { role: 'admin', spendingLimits: { perOrderMinor: 'lots' } },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.errors.map((error: { path: string }) => error.path)).toEqual(
      expect.arrayContaining(['body', 'body.spendingLimits.perOrderMinor']),
    );
    expect(await head()).toBe(before);
  });

  it('stores the password as an argon2id hash only, and replays an Idempotency-Key without hashing the password into it', async () => {
    const headers = { 'idempotency-key': 'create-idem-1' };
    const body = newUser('c.idem', { role: 'analyst' });
    const first = await app.request('POST', '/v1/users', { token: app.token('admin'), body, headers });
    const second = await app.request('POST', '/v1/users', { token: app.token('admin'), body, headers });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const { db } = app.running.infrastructure;
    const { rows } = await sql<{
      password_hash: string;
    }>`SELECT password_hash FROM auth.credentials WHERE user_id = ${idOf('c.idem')}`.execute(db);
    expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const stored = await sql<{
      all: string;
    }>`SELECT string_agg(request_hash || coalesce(response::text, ''), ' ') AS all FROM idempotency_keys`.execute(db);
    expect(stored.rows[0]!.all).not.toContain(TEST_PASSWORD);
  });
});

describe('seeing users', () => {
  it("lists all for ops, its own dealer's for an owner, nothing for a buyer", async () => {
    const position = await head();
    const all = await app.request('GET', `/v1/users?limit=500&minPosition=${position}`, { token: ops.accessToken });
    expect(all.status).toBe(200);
    expect(all.body.items.map((user: any) => user.username)).toEqual(expect.arrayContaining(['u1.owner', 'u2.buyer', 'u.ops']));
    const mine = await app.request('GET', '/v1/users?limit=500', { token: owner.accessToken });
    expect(new Set(mine.body.items.map((user: any) => user.dealerId))).toEqual(new Set(['D-U1']));
    expect(mine.body.items.map((user: any) => user.username)).toContain('u1.buyer');
    expect(mine.text).not.toContain('Second dealer buyer');
    expect((await app.request('GET', '/v1/users?dealerId=D-U2', { token: owner.accessToken })).status).toBe(404);
    expect((await app.request('GET', '/v1/users', { token: buyer.accessToken })).status).toBe(403);
    const byDealer = await app.request('GET', '/v1/users?dealerId=D-U2&role=dealer', { token: ops.accessToken });
    expect(byDealer.body.items.map((user: any) => user.username).sort()).toEqual(['c.owner', 'u2.buyer', 'u2.owner']);
    const paged = await app.request('GET', '/v1/users?dealerId=D-U2&limit=2', { token: ops.accessToken });
    const rest = await app.request('GET', `/v1/users?dealerId=D-U2&limit=2&cursor=${paged.body.nextCursor}`, { token: ops.accessToken });
    expect([...paged.body.items, ...rest.body.items].map((user: any) => user.id)).toEqual(byDealer.body.items.map((user: any) => user.id));
  });

  it("reads another dealer's user as not found, and a buyer only itself", async () => {
    const theirs = idOf('u2.buyer');
    const answer = await app.request('GET', `/v1/users/${theirs}`, { token: owner.accessToken });
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain('Second dealer buyer');
    expect((await app.request('GET', `/v1/users/${theirs}`, { token: otherOwner.accessToken })).status).toBe(200);
    expect((await app.request('GET', `/v1/users/${idOf('u1.buyer')}`, { token: buyer.accessToken })).status).toBe(200);
    expect((await app.request('GET', `/v1/users/${idOf('u1.owner')}`, { token: buyer.accessToken })).status).toBe(404);
  });
});

describe('managing users', () => {
  it("lets an owner set its buyers' limits, never another dealer's users, nor its own limits", async () => {
    const mine = idOf('u1.buyer');
    const set = await app.request('PATCH', `/v1/users/${mine}`, {
      token: owner.accessToken,
      body: { spendingLimits: { perMonthMinor: 80_000 } },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.body.spendingLimits).toEqual({ perMonthMinor: 80_000 });
    const read = await app.request('GET', `/v1/users/${mine}?minPosition=${set.body.position}`, { token: owner.accessToken });
    expect(read.body.spendingLimits).toEqual({ perMonthMinor: 80_000 });
    const cleared = await app.request('PATCH', `/v1/users/${mine}`, { token: owner.accessToken, body: { spendingLimits: null } });
    expect(cleared.body.spendingLimits).toBeUndefined();

    const before = await head();
    const theirs = idOf('u2.buyer');
    for (const [method, path, body] of [
      ['PATCH', `/v1/users/${theirs}`, { status: 'disabled' }],
      ['PATCH', `/v1/users/${theirs}`, { spendingLimits: { perOrderMinor: 1 } }],
      ['PUT', `/v1/users/${theirs}/password`, { newPassword: 'a brand new passphrase' }],
    ] as const) {
      const answer = await app.request(method, path, { token: owner.accessToken, body });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.text).not.toContain('Second dealer buyer');
    }
    expect(
      (await app.request('PATCH', `/v1/users/${idOf('u1.owner')}`, { token: owner.accessToken, body: { status: 'disabled' } })).status,
    ).toBe(403);
    expect((await app.request('PATCH', `/v1/users/${mine}`, { token: buyer.accessToken, body: { spendingLimits: null } })).status).toBe(
      403,
    );
    expect(
      (await app.request('PATCH', `/v1/users/${idOf('u.ops')}`, { token: ops.accessToken, body: { status: 'disabled' } })).status,
    ).toBe(403);
    expect(
      (
        await app.request('PATCH', `/v1/users/${idOf('u1.owner')}`, {
          token: ops.accessToken,
          body: { spendingLimits: { perOrderMinor: 1 } },
        })
      ).body.code,
    ).toBe('limits_for_buyers_only');
    expect(await head()).toBe(before);

    const renamed = await app.request('PATCH', `/v1/users/${mine}`, { token: buyer.accessToken, body: { displayName: 'Buyer, renamed' } });
    expect([renamed.status, renamed.body.displayName]).toEqual([200, 'Buyer, renamed']);
  });

  it('changes its own password with the current one, ending its other sessions but not this one', async () => {
    await createUser(app, { username: 'p.self', role: 'finance' });
    const [here, elsewhere] = [await signIn(app, 'p.self'), await signIn(app, 'p.self')];
    const path = `/v1/users/${idOf('p.self')}/password`;
    const wrong = await app.request('PUT', path, {
      token: here.accessToken,
      body: { currentPassword: 'not my password', newPassword: 'a brand new passphrase' },
    });
    expect([wrong.status, wrong.body.code]).toEqual([422, 'current_password_incorrect']);
    const missing = await app.request('PUT', path, { token: here.accessToken, body: { newPassword: 'a brand new passphrase' } });
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'body.currentPassword' })]);
    const changed = await app.request('PUT', path, {
      token: here.accessToken,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase' },
    });
    expect(changed.status, changed.text).toBe(200);
    expect((await app.request('GET', '/v1/me', { token: here.accessToken })).status).toBe(200);
    expect((await app.request('GET', '/v1/me', { token: elsewhere.accessToken })).status).toBe(401);
    expect((await app.request('POST', '/v1/auth/login', { body: { username: 'p.self', password: TEST_PASSWORD } })).status).toBe(401);
    await signIn(app, 'p.self', 'a brand new passphrase');
    const events = await app.running.infrastructure.store.readStream(`user-${idOf('p.self')}`);
    expect(events.at(-1)).toMatchObject({ type: 'UserPasswordChanged', data: { userId: idOf('p.self'), reset: false } });
  });

  it("lets an owner reset its buyer's password, ending every session of the buyer", async () => {
    await createUser(app, { username: 'p.buyer', role: 'dealer', dealerId: 'D-U1', dealerRole: 'buyer' });
    const session = await signIn(app, 'p.buyer');
    const path = `/v1/users/${idOf('p.buyer')}/password`;
    const weak = await app.request('PUT', path, { token: owner.accessToken, body: { newPassword: 'p.buyer-password-1' } });
    expect(weak.body.errors).toEqual([expect.objectContaining({ path: 'body.newPassword' })]);
    const reset = await app.request('PUT', path, { token: owner.accessToken, body: { newPassword: 'set by the owner today' } });
    expect(reset.status, reset.text).toBe(200);
    expect((await app.request('GET', '/v1/me', { token: session.accessToken })).status).toBe(401);
    await signIn(app, 'p.buyer', 'set by the owner today');
    expect((await app.request('PUT', path, { token: buyer.accessToken, body: { newPassword: 'set by another buyer' } })).status).toBe(404);
  });
});
