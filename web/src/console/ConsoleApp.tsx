// The operations console: the review queue, orders, stock, dealers, promotions, rebates, finance, system
// status and dashboards; each page shown to the roles the API lets read it.
import {
  AlertOutlined,
  ApiOutlined,
  AppstoreOutlined,
  BarChartOutlined,
  DatabaseOutlined,
  GiftOutlined,
  MoneyCollectOutlined,
  ShopOutlined,
  UnorderedListOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import { Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import type { Role } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';
import { useT } from '../i18n/i18n.tsx';
import { Loading, NotFound } from '../router.tsx';
import { lazyPage } from '../shared/lazyPage.ts';
import { AppShell, type NavItem } from '../shell/AppShell.tsx';

const ReviewQueuePage = lazyPage(() => import('./ReviewQueuePage.tsx'), 'ReviewQueuePage');
const OpsOrdersPage = lazyPage(() => import('./OrdersPage.tsx'), 'OpsOrdersPage');
const OpsOrderPage = lazyPage(() => import('./OrdersPage.tsx'), 'OpsOrderPage');
const StockPage = lazyPage(() => import('./StockPage.tsx'), 'StockPage');
const DealersPage = lazyPage(() => import('./DealersPage.tsx'), 'DealersPage');
const PromotionsPage = lazyPage(() => import('./PromotionsPage.tsx'), 'PromotionsPage');
const RebatesPage = lazyPage(() => import('./RebatesPage.tsx'), 'RebatesPage');
const RebateProgramPage = lazyPage(() => import('./RebatesPage.tsx'), 'RebateProgramPage');
const FinancePage = lazyPage(() => import('./FinancePage.tsx'), 'FinancePage');
const SystemPage = lazyPage(() => import('./SystemPage.tsx'), 'SystemPage');
const SubscriptionsPage = lazyPage(() => import('../shared/SubscriptionsPage.tsx'), 'SubscriptionsPage');
// Charts are the heaviest code of the app: loaded only when the dashboard is opened.
const DashboardPage = lazyPage(() => import('./DashboardPage.tsx'), 'DashboardPage');

type Section = NavItem & { roles: Role[] };

export default function ConsoleApp() {
  const t = useT();
  const { session } = useSession();
  const role = session?.user.role ?? 'ops';
  const sections: Section[] = [
    { to: '/console/review', label: t.nav.review, icon: <AlertOutlined />, roles: ['ops', 'finance'] },
    { to: '/console/orders', label: t.nav.orders, icon: <UnorderedListOutlined />, roles: ['ops', 'finance', 'analyst', 'integration'] },
    { to: '/console/stock', label: t.nav.stock, icon: <DatabaseOutlined />, roles: ['ops', 'finance', 'analyst', 'integration'] },
    { to: '/console/dealers', label: t.nav.dealers, icon: <ShopOutlined />, roles: ['ops', 'finance', 'analyst', 'integration'] },
    { to: '/console/promotions', label: t.nav.promotions, icon: <GiftOutlined />, roles: ['ops', 'finance', 'analyst', 'integration'] },
    { to: '/console/rebates', label: t.nav.rebates, icon: <MoneyCollectOutlined />, roles: ['ops', 'finance', 'analyst'] },
    { to: '/console/finance', label: t.nav.finance, icon: <WalletOutlined />, roles: ['ops', 'finance', 'integration'] },
    { to: '/console/dashboard', label: t.nav.dashboard, icon: <BarChartOutlined />, roles: ['ops', 'finance', 'analyst'] },
    { to: '/console/subscriptions', label: t.subscriptions.title, icon: <ApiOutlined />, roles: ['ops', 'integration'] },
    { to: '/console/system', label: t.nav.system, icon: <AppstoreOutlined />, roles: [] },
  ];
  const visible = sections.filter((section) => role === 'admin' || section.roles.includes(role));
  return (
    <AppShell title={t.app.console} items={visible}>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route index element={<Navigate to={visible[0]?.to ?? '/console/orders'} replace />} />
          <Route path="review" element={<ReviewQueuePage />} />
          <Route path="orders" element={<OpsOrdersPage />} />
          <Route path="orders/:id" element={<OpsOrderPage />} />
          <Route path="stock" element={<StockPage />} />
          <Route path="dealers" element={<DealersPage />} />
          <Route path="promotions" element={<PromotionsPage />} />
          <Route path="rebates" element={<RebatesPage />} />
          <Route path="rebates/:id" element={<RebateProgramPage />} />
          <Route path="finance" element={<FinancePage />} />
          <Route path="system" element={<SystemPage />} />
          <Route path="dashboard" element={<DashboardPage />} />
          <Route path="subscriptions" element={<SubscriptionsPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </AppShell>
  );
}
