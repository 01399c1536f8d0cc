// Sign-in: username and password through the accounts API, or a pasted access token.
import { Alert, Button, Divider, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { ApiProblem } from '../api/client.ts';
import { useT } from '../i18n/i18n.tsx';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';
import { ProblemAlert } from '../shared/problem.tsx';
import { homeOf, useSession } from './session.tsx';

/** Only paths of this app: `?next=` never sends anyone elsewhere. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : null;
}

export function SignInPage() {
  const t = useT();
  const { session, endedReason, login, signInWithToken } = useSession();
  const [params] = useSearchParams();
  const [loginError, setLoginError] = useState<unknown>(null);
  const [tokenError, setTokenError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'login' | 'token' | null>(null);

  // Signing in re-renders this page with a session: this sends the user on.
  if (session) return <Navigate to={safeNext(params.get('next')) ?? homeOf(session.user)} replace />;

  async function onLogin(values: { username: string; password: string }) {
    setBusy('login');
    setLoginError(null);
    try {
      await login(values.username, values.password);
    } catch (error) {
      setLoginError(error);
    } finally {
      setBusy(null);
    }
  }

  async function onToken(values: { token: string }) {
    setBusy('token');
    setTokenError(null);
    try {
      await signInWithToken(values.token.trim());
    } catch (error) {
      setTokenError(error);
    } finally {
      setBusy(null);
    }
  }

  const loginMessage = (() => {
    if (!(loginError instanceof ApiProblem)) return loginError ? <ProblemAlert error={loginError} /> : null;
    if (loginError.status === 401) return <Alert role="alert" type="error" showIcon title={t.signIn.failed} />;
    if (loginError.status === 429)
      return <Alert role="alert" type="error" showIcon title={t.signIn.tooMany(loginError.retryAfter ?? '60')} />;
    return <ProblemAlert error={loginError} />;
  })();

  return (
    <main
      style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 16, background: '#f0f4fa' }}
    >
      <section
        style={{
          width: '100%',
          maxWidth: 420,
          background: '#fff',
          borderRadius: 8,
          padding: 24,
          boxShadow: '0 1px 3px rgba(0, 0, 0, 0.08)',
        }}
      >
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8, marginBottom: 16 }}>
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {t.app.name}
          </Typography.Title>
          <LanguageSwitch />
        </div>
        {endedReason === 'expired' && <Alert type="warning" showIcon title={t.app.sessionEnded} style={{ marginBottom: 16 }} />}
        <Form
          layout="vertical"
          onFinish={(values: { username: string; password: string }) => void onLogin(values)}
          requiredMark={false}
          aria-label={t.signIn.title}
        >
          <Form.Item label={t.signIn.username} name="username" rules={[{ required: true, message: t.signIn.required }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t.signIn.password} name="password" rules={[{ required: true, message: t.signIn.required }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {loginMessage && <div style={{ marginBottom: 16 }}>{loginMessage}</div>}
          <Button type="primary" htmlType="submit" block loading={busy === 'login'}>
            {t.signIn.submit}
          </Button>
        </Form>
        <Divider plain>{t.signIn.pasteTitle}</Divider>
        <Form
          layout="vertical"
          onFinish={(values: { token: string }) => void onToken(values)}
          requiredMark={false}
          aria-label={t.signIn.pasteTitle}
        >
          <Form.Item
            label={t.signIn.token}
            name="token"
            extra={t.signIn.tokenHint}
            rules={[{ required: true, message: t.signIn.required }]}
          >
            <Input.TextArea rows={3} spellCheck={false} autoComplete="off" />
          </Form.Item>
          {tokenError !== null && (
            <div style={{ marginBottom: 16 }}>
              {tokenError instanceof ApiProblem && tokenError.status === 401 ? (
                <Alert role="alert" type="error" showIcon title={t.signIn.badToken} />
              ) : (
                <ProblemAlert error={tokenError} />
              )}
            </div>
          )}
          <Button htmlType="submit" block loading={busy === 'token'}>
            {t.signIn.useToken}
          </Button>
        </Form>
      </section>
    </main>
  );
}
