// Users and sign-in through the real API, for tests that act as people rather than CLI tokens.
import { expect } from 'vitest';
import type { ApiClient } from './app.ts';

export type NewUserSpec = {
  username: string;
  role: string;
  password?: string;
  displayName?: string;
  dealerId?: string;
  dealerRole?: 'owner' | 'buyer';
  spendingLimits?: { perOrderMinor?: number; perMonthMinor?: number };
};

export const TEST_PASSWORD = 'correct horse battery staple';

/** Creates a user as `token` (default: a CLI admin token); returns the created user. */
export async function createUser(app: ApiClient, spec: NewUserSpec, token = app.token('admin')): Promise<{ id: string; position: string }> {
  const created = await app.request('POST', '/v1/users', {
    token,
    body: { displayName: `User ${spec.username}`, password: TEST_PASSWORD, ...spec },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

export type SignedIn = { accessToken: string; refreshToken: string; expiresIn: number; user: any };

export async function signIn(app: ApiClient, username: string, password = TEST_PASSWORD): Promise<SignedIn> {
  const response = await app.request('POST', '/v1/auth/login', { body: { username, password } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

/** The claims of a JWT, unverified. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}
