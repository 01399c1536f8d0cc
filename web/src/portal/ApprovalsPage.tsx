// Owners: their buyers' orders over a limit, waiting for a yes or no.
import { Alert, Space, Typography } from 'antd';
import { useT } from '../i18n/i18n.tsx';
import { useCapabilities } from '../shared/useCapabilities.ts';
import { OrdersTable } from '../shared/OrdersTable.tsx';

export function ApprovalsPage() {
  const t = useT();
  const capabilities = useCapabilities();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.approvals.title}
      </Typography.Title>
      {capabilities.data && !capabilities.data.dealerApproval ? (
        <Alert type="info" showIcon title={t.app.notAvailable} />
      ) : (
        capabilities.data && <OrdersTable basePath="/portal/orders" fixedStatus="awaiting_dealer_approval" />
      )}
    </Space>
  );
}
