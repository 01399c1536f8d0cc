// The dealer portal: find products, order, follow orders, credit; owners also approve and manage buyers.
import { AuditOutlined, FileExcelOutlined, SearchOutlined, ShoppingCartOutlined, TeamOutlined, UnorderedListOutlined, WalletOutlined } from '@ant-design/icons';
import { Badge, Button } from 'antd';
import { Route, Routes, useNavigate } from 'react-router';
import { useT } from '../i18n/i18n.tsx';
import { NotFound } from '../router.tsx';
import { AppShell, type NavItem } from '../shell/AppShell.tsx';
import { ApprovalsPage } from './ApprovalsPage.tsx';
import { BuyersPage } from './BuyersPage.tsx';
import { CartPage } from './CartPage.tsx';
import { CartProvider, useCart } from './cart.tsx';
import { CreditPage } from './CreditPage.tsx';
import { isOwner, useDealerUser } from './dealer.ts';
import { ImportPage } from './ImportPage.tsx';
import { OrderPage, OrdersPage } from './OrdersPage.tsx';
import { ProductPage } from './ProductPage.tsx';
import { SearchPage } from './SearchPage.tsx';

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
    ...(isOwner(user)
      ? [
          { to: '/portal/approvals', label: t.nav.approvals, icon: <AuditOutlined /> },
          { to: '/portal/buyers', label: t.nav.buyers, icon: <TeamOutlined /> },
        ]
      : []),
  ];
  return (
    <CartProvider owner={`${user.dealerId}.${user.id}`}>
      <AppShell title={t.app.portal} items={items} headerExtra={<CartButton />}>
        <Routes>
          <Route index element={<SearchPage />} />
          <Route path="products/:sku" element={<ProductPage />} />
          <Route path="cart" element={<CartPage />} />
          <Route path="orders" element={<OrdersPage />} />
          <Route path="orders/:id" element={<OrderPage />} />
          <Route path="import" element={<ImportPage />} />
          <Route path="credit" element={<CreditPage />} />
          <Route path="approvals" element={<ApprovalsPage />} />
          <Route path="buyers" element={<BuyersPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </AppShell>
    </CartProvider>
  );
}
