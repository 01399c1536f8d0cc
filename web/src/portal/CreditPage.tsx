// The dealer's credit and statement; a buyer's own limits and this month's spend.
import { Card, Space, Typography } from 'antd';
import { useT } from '../i18n/i18n.tsx';
import { CreditSummary, Statement } from '../shared/credit.tsx';
import { BuyerLimits } from './BuyerLimits.tsx';
import { useDealerUser } from './dealer.ts';

export function CreditPage() {
  const t = useT();
  const { dealerId } = useDealerUser();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.credit.title}
      </Typography.Title>
      <BuyerLimits />
      <CreditSummary dealerId={dealerId} />
      <Card title={t.credit.statement}>
        <Statement dealerId={dealerId} />
      </Card>
    </Space>
  );
}
