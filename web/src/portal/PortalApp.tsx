// The dealer portal: find products, order, follow orders, credit; owners also approve and manage buyers.
import {
  ApiOutlined,
  AuditOutlined,
  FileExcelOutlined,
  MoneyCollectOutlined,
  SearchOutlined,
  ShoppingCartOutlined,
  TeamOutlined,
  UnorderedListOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import { Badge, Button } from 'antd';
import { Route, Routes, useNavigate } from 'react-router';
import { useT } from '../i18n/i18n.tsx';
import { Suspense } from 'react';
import { Loading, NotFound } from '../router.tsx';
import { lazyPage } from '../shared/lazyPage.ts';
import { AppShell, type NavItem } from '../shell/AppShell.tsx';
import { CartProvider, useCart } from './cart.tsx';
import { isOwner, useDealerUser } from './dealer.ts';
import { SearchPage } from './SearchPage.tsx';

const ProductPage = lazyPage(() => import('./ProductPage.tsx'), 'ProductPage');
const CartPage = lazyPage(() => import('./CartPage.tsx'), 'CartPage');
const OrdersPage = lazyPage(() => import('./OrdersPage.tsx'), 'OrdersPage');
const OrderPage = lazyPage(() => import('./OrdersPage.tsx'), 'OrderPage');
const ImportPage = lazyPage(() => import('./ImportPage.tsx'), 'ImportPage');
const CreditPage = lazyPage(() => import('./CreditPage.tsx'), 'CreditPage');
const RebatesPage = lazyPage(() => import('./RebatesPage.tsx'), 'RebatesPage');
const ApprovalsPage = lazyPage(() => import('./ApprovalsPage.tsx'), 'ApprovalsPage');
const BuyersPage = lazyPage(() => import('./BuyersPage.tsx'), 'BuyersPage');
const SubscriptionsPage = lazyPage(() => import('../shared/SubscriptionsPage.tsx'), 'SubscriptionsPage');

function CartButton() {
  const t = useT();
  const { count } = useCart();
  const navigate = useNavigate();
  return (
    <Badge count={count} size="small" overflowCount={999}>
      <Button icon={<ShoppingCartOutlined />} aria-label={`${t.nav.cart} (${count})`} onClick={() => void navigate('/portal/cart')} />
    </Badge>
  );
}

export default function PortalApp() {
  const t = useT();
  const user = useDealerUser();
  const items: NavItem[] = [
    { to: '/portal', label: t.nav.search, icon: <SearchOutlined />, end: true },
    { to: '/portal/cart', label: t.nav.cart, icon: <ShoppingCartOutlined /> },
    { to: '/portal/orders', label: t.nav.orders, icon: <UnorderedListOutlined /> },
    { to: '/portal/import', label: t.nav.import, icon: <FileExcelOutlined /> },
    { to: '/portal/credit', label: t.nav.credit, icon: <WalletOutlined /> },
    { to: '/portal/rebates', label: t.nav.rebates, icon: <MoneyCollectOutlined /> },
    ...(isOwner(user)
      ? [
          { to: '/portal/approvals', label: t.nav.approvals, icon: <AuditOutlined /> },
          { to: '/portal/buyers', label: t.nav.buyers, icon: <TeamOutlined /> },
          { to: '/portal/subscriptions', label: t.subscriptions.title, icon: <ApiOutlined /> },
        ]
      : []),
  ];
  return (
    <CartProvider owner={`${user.dealerId}.${user.id}`}>
      <AppShell title={t.app.portal} items={items} headerExtra={<CartButton />}>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route index element={<SearchPage />} />
            <Route path="products/:sku" element={<ProductPage />} />
            <Route path="cart" element={<CartPage />} />
            <Route path="orders" element={<OrdersPage />} />
            <Route path="orders/:id" element={<OrderPage />} />
            <Route path="import" element={<ImportPage />} />
            <Route path="credit" element={<CreditPage />} />
            <Route path="rebates" element={<RebatesPage />} />
            <Route path="approvals" element={<ApprovalsPage />} />
            <Route path="buyers" element={<BuyersPage />} />
            <Route path="subscriptions" element={<SubscriptionsPage />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </AppShell>
    </CartProvider>
  );
}
