// Who is signed in: from the accounts API (username and password → tokens, refreshed silently)
// or from a pasted token. Kept in localStorage so a reload keeps the session; a refused refresh
// (an expired or disabled account) signs out.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiProblem, api, setAuthHooks } from '../api/client.ts';
import type { Me, Role, User } from '../api/types.ts';

export type Session = { accessToken: string; refreshToken: string | null; user: User };

type LoginResponse = { accessToken: string; expiresIn: number; refreshToken: string; user: User };

const STORAGE_KEY = 'dealerline.session';

function load(): Session | null {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return stored?.accessToken && stored.user ? stored : null;
  } catch {
    return null;
  }
}

function store(session: Session | null): void {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
}

/** The user a token speaks for, read from its claims (the server checks the signature, not us). */
export function userFromToken(token: string): User | null {
  try {
    const payload = token.split('.')[1];
    if (!payload) return null;
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (char) => char.charCodeAt(0)))) as Record<string, unknown>;
    if (typeof claims.sub !== 'string' || typeof claims.role !== 'string') return null;
    return {
      id: claims.sub,
      role: claims.role as Role,
      dealerId: typeof claims.dealerId === 'string' ? claims.dealerId : null,
      dealerRole: claims.dealerRole === 'buyer' ? 'buyer' : claims.role === 'dealer' ? 'owner' : null,
    };
  } catch {
    return null;
  }
}

type SessionContext = {
  session: Session | null;
  /** Why the last session ended, to show on the sign-in page. */
  endedReason: 'expired' | null;
  login: (username: string, password: string) => Promise<void>;
  signInWithToken: (token: string) => Promise<void>;
  logout: () => Promise<void>;
};

const Context = createContext<SessionContext | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(load);
  const [endedReason, setEndedReason] = useState<'expired' | null>(null);

  const replace = useCallback((next: Session | null) => {
    store(next);
    setSession(next);
  }, []);

  useEffect(() => {
    let refreshing: Promise<boolean> | null = null;
    setAuthHooks({
      accessToken: () => load()?.accessToken,
      // One refresh at a time: parallel 401s share it, and a rotated refresh token is used once.
      refresh: () => {
        refreshing ??= (async () => {
          const current = load();
          if (!current?.refreshToken) return false;
          try {
            const fresh = await api<LoginResponse>('POST', '/v1/auth/refresh', { body: { refreshToken: current.refreshToken }, token: '' });
            replace({ accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, user: fresh.user ?? current.user });
            return true;
          } catch {
            return false;
          }
        })().finally(() => {
          refreshing = null;
        });
        return refreshing;
      },
      signedOut: () => {
        setEndedReason('expired');
        replace(null);
      },
    });
  }, [replace]);

  const value = useMemo<SessionContext>(
    () => ({
      session,
      endedReason,
      async login(username, password) {
        const answer = await api<LoginResponse>('POST', '/v1/auth/login', { body: { username, password }, token: '' });
        setEndedReason(null);
        replace({ accessToken: answer.accessToken, refreshToken: answer.refreshToken, user: answer.user });
      },
      async signInWithToken(token) {
        const claims = userFromToken(token);
        if (!claims) throw new ApiProblem(401, { code: 'invalid_token' });
        // The server checks the token and says who it speaks for: its user, or (a token minted on
        // the command line, with no user behind it) its claims alone.
        const me = await api<Me>('GET', '/v1/me', { token });
        const user = me.user ?? claims;
        setEndedReason(null);
        replace({ accessToken: token, refreshToken: null, user });
      },
      async logout() {
        const current = load();
        replace(null);
        if (current?.refreshToken) {
          await api('POST', '/v1/auth/logout', { body: { refreshToken: current.refreshToken }, token: current.accessToken }).catch(
            () => undefined,
          );
        }
      },
    }),
    [session, endedReason, replace],
  );
  return <Context value={value}>{children}</Context>;
}

export function useSession(): SessionContext {
  const context = useContext(Context);
  if (!context) throw new Error('useSession outside SessionProvider');
  return context;
}

/** Staff land in the console, dealers in the portal. */
export function homeOf(user: User): string {
  return user.role === 'dealer' ? '/portal' : '/console';
}
