// The accounts' write-side tables (schema `auth`): credentials, sessions, the sign-in throttle.

export type AuthTables = {
  'auth.credentials': { user_id: string; password_hash: string; changed_at: Date };
  'auth.sessions': {
    id: string;
    user_id: string;
    created_at: Date;
    expires_at: Date;
    refreshed_at: Date;
    revoked_at: Date | null;
    revoked_reason: string | null;
  };
  'auth.refresh_tokens': { token_hash: string; session_id: string; issued_at: Date; used_at: Date | null };
  'auth.login_attempts': { key: string; attempts: number; window_started_at: Date | null; locked_until: Date | null };
};
