// Owners: their buyers' orders over a limit, waiting for a yes or no.
import { Space, Typography } from 'antd';
import { useT } from '../i18n/i18n.tsx';
import { OrdersTable } from '../shared/OrdersTable.tsx';

export function ApprovalsPage() {
  const t = useT();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.approvals.title}
      </Typography.Title>
      <OrdersTable basePath="/portal/orders" fixedStatus="awaiting_dealer_approval" emptyText={t.approvals.empty} />
    </Space>
  );
}
