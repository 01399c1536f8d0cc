// The frame of both areas: navigation (a side menu on wide screens, a drawer on phones), the
// language switch, who is signed in, and the page; with the server-state cache the pages share.
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { MenuOutlined } from '@ant-design/icons';
import { App, Button, Drawer, Grid, Layout, Menu, Space, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router';
import { ApiProblem, get } from '../api/client.ts';
import type { Me } from '../api/types.ts';
import { setBusinessTimeZone } from '../format.ts';
import { useSession } from '../auth/session.tsx';
import { useT } from '../i18n/i18n.tsx';
import { InboxBell } from './Inbox.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // A refusal will not change by asking again; a dropped connection may.
      retry: (failures, error) => failures < 2 && error instanceof ApiProblem && (error.status === 0 || error.status >= 500),
    },
  },
});

/**
 * Pages show and read times in the business time zone the server names (GET /v1/me): they wait for
 * it, or go on in the default if it cannot be had. Asked once per sign-in, apart from the dealer's
 * own GET /v1/me, whose spend is refreshed as orders change it.
 */
function InBusinessTimeZone({ userId, children }: { userId: string; children: ReactNode }) {
  const zone = useQuery({
    queryKey: ['business-time-zone', userId],
    queryFn: async ({ signal }) => (await get<Me>('/v1/me', undefined, signal)).timeZone,
    staleTime: Infinity,
  });
  if (zone.data) setBusinessTimeZone(zone.data);
  return zone.isPending ? null : children;
}

export type NavItem = { to: string; label: string; icon?: ReactNode; end?: boolean };

function selectedKey(items: NavItem[], pathname: string): string[] {
  const match = [...items]
    .sort((a, b) => b.to.length - a.to.length)
    .find((item) => (item.end ? pathname === item.to : pathname === item.to || pathname.startsWith(`${item.to}/`)));
  return match ? [match.to] : [];
}

export function AppShell({
  title,
  items,
  headerExtra,
  children,
}: {
  title: string;
  items: NavItem[];
  headerExtra?: ReactNode;
  children: ReactNode;
}) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const { session, logout } = useSession();
  const { pathname } = useLocation();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const user = session?.user;

  const menu = (
    <nav aria-label={title}>
      <Menu
        mode="inline"
        selectedKeys={selectedKey(items, pathname)}
        style={{ borderInlineEnd: 'none' }}
        onClick={() => setDrawerOpen(false)}
        items={items.map((item) => ({
          key: item.to,
          icon: item.icon,
          label: (
            <NavLink to={item.to} end={item.end}>
              {item.label}
            </NavLink>
          ),
        }))}
      />
    </nav>
  );

  const who = user && (
    <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
      {user.displayName ?? user.username ?? user.id} ·{' '}
      {user.role === 'dealer' ? `${user.dealerId ?? ''} ${t.roles[user.dealerRole ?? 'owner']}` : t.roles[user.role]}
    </Typography.Text>
  );

  // <App> gives the pages message and modal hooks; the sign-in page does without, so they load with an area.
  return (
    <QueryClientProvider client={queryClient}>
      <App message={{ top: 72 }}>
        <Layout style={{ minHeight: '100vh' }}>
          <Layout.Header
            style={{
              background: '#fff',
              padding: '0 16px',
              display: 'flex',
              alignItems: 'center',
              gap: 12,
              borderBottom: '1px solid #f0f0f0',
              position: 'sticky',
              top: 0,
              zIndex: 10,
            }}
          >
            {narrow && <Button aria-label={t.app.menu} icon={<MenuOutlined />} onClick={() => setDrawerOpen(true)} />}
            <Typography.Text strong style={{ fontSize: 16, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
              {title}
            </Typography.Text>
            <div style={{ flex: 1 }} />
            <Space size="small">
              <InboxBell />
              {headerExtra}
              {!narrow && who}
              {!narrow && <LanguageSwitch />}
              {!narrow && (
                <Button size="small" onClick={() => void logout()}>
                  {t.app.signOut}
                </Button>
              )}
            </Space>
          </Layout.Header>
          <Layout>
            {!narrow && (
              <Layout.Sider width={208} theme="light" style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
                {menu}
              </Layout.Sider>
            )}
            <Layout.Content style={{ padding: narrow ? 12 : 24, minWidth: 0 }}>
              <main>
                <InBusinessTimeZone userId={user?.id ?? ''}>{children}</InBusinessTimeZone>
              </main>
            </Layout.Content>
          </Layout>
          {narrow && (
            <Drawer
              open={drawerOpen}
              onClose={() => setDrawerOpen(false)}
              placement="left"
              size={260}
              title={title}
              styles={{ body: { padding: 0 } }}
            >
              {menu}
              <Space orientation="vertical" style={{ padding: 16 }}>
                {who}
                <LanguageSwitch />
                <Button onClick={() => void logout()}>{t.app.signOut}</Button>
              </Space>
            </Drawer>
          )}
        </Layout>
      </App>
    </QueryClientProvider>
  );
}
