// Pages: sign-in in the first bundle; the portal and the console each load as their own bundle.
import { Spin, Typography } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Link, Navigate, useLocation } from 'react-router';
import type { Role } from './api/types.ts';
import { homeOf, useSession } from './auth/session.tsx';
import { SignInPage } from './auth/SignInPage.tsx';
import { useT } from './i18n/i18n.tsx';

const STAFF: Role[] = ['ops', 'finance', 'analyst', 'integration', 'admin'];

function RequireSession({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (!session) return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!roles.includes(session.user.role)) return <Navigate to={homeOf(session.user)} replace />;
  return children;
}

function Home() {
  const { session } = useSession();
  return <Navigate to={session ? homeOf(session.user) : '/signin'} replace />;
}

export function NotFound() {
  const t = useT();
  return (
    <main style={{ padding: 48, textAlign: 'center' }}>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        {t.app.notFound}
      </Typography.Title>
      <Link to="/">{t.app.back}</Link>
    </main>
  );
}

export function Loading() {
  const t = useT();
  return (
    <div style={{ padding: 48, textAlign: 'center' }}>
      <Spin description={t.app.loading} />
    </div>
  );
}

const PortalApp = lazy(() => import('./portal/PortalApp.tsx'));
const ConsoleApp = lazy(() => import('./console/ConsoleApp.tsx'));

export const router = createBrowserRouter([
  { path: '/', element: <Home /> },
  { path: '/signin', element: <SignInPage /> },
  {
    path: '/portal/*',
    element: (
      <RequireSession roles={['dealer']}>
        <Suspense fallback={<Loading />}>
          <PortalApp />
        </Suspense>
      </RequireSession>
    ),
  },
  {
    path: '/console/*',
    element: (
      <RequireSession roles={STAFF}>
        <Suspense fallback={<Loading />}>
          <ConsoleApp />
        </Suspense>
      </RequireSession>
    ),
  },
  { path: '*', element: <NotFound /> },
]);
