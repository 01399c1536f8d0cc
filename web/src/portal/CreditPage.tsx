// The dealer's credit and statement, its terms (minimum shelf life); a buyer's own limits and this month's spend.
import { Card, Descriptions, Space, Typography } from 'antd';
import { useT } from '../i18n/i18n.tsx';
import { CreditSummary, Statement } from '../shared/credit.tsx';
import { BuyerLimits } from './BuyerLimits.tsx';
import { useDealer, useDealerUser } from './dealer.ts';

export function CreditPage() {
  const t = useT();
  const { dealerId } = useDealerUser();
  const dealer = useDealer();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.credit.title}
      </Typography.Title>
      <BuyerLimits />
      <CreditSummary dealerId={dealerId} />
      {dealer.data && (
        <Card size="small" title={t.credit.terms}>
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'shelfLife',
                label: t.credit.minShelfLife,
                children:
                  dealer.data.minRemainingDays > 0 ? t.credit.minShelfLifeDays(dealer.data.minRemainingDays) : t.credit.noMinShelfLife,
              },
            ]}
          />
        </Card>
      )}
      <Card title={t.credit.statement}>
        <Statement dealerId={dealerId} />
      </Card>
    </Space>
  );
}
