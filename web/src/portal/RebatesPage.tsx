// The dealer's volume rebates (返利): per program its basis, the tier it reaches, the rebate accrued
// and what is settled, and how much more it must buy to reach the next tier.
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Row, Space, Statistic, Tag, Typography } from 'antd';
import { get } from '../api/client.ts';
import type { DealerRebate } from '../api/types.ts';
import { dateTime, money } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { ProblemAlert } from '../shared/problem.tsx';
import { NextTierProgress, percentText, usePassed } from '../shared/rebates.tsx';
import { useDealerUser } from './dealer.ts';

function ProgramCard({ rebate }: { rebate: DealerRebate }) {
  const t = useT();
  const { locale } = useLang();
  const ended = usePassed(rebate.endsAt);
  const figures: [string, string][] = [
    [t.rebates.basis, money(rebate.basisMinor)],
    [t.rebates.tierPercent, percentText(rebate.tierPercent)],
    [t.rebates.accrued, money(rebate.accruedMinor)],
    [t.rebates.settled, money(rebate.settledMinor)],
  ];
  return (
    <Card
      role="article"
      aria-label={rebate.title}
      title={rebate.title}
      extra={
        rebate.settledMinor > 0 ? (
          <Tag color="blue">{t.rebates.phases.settled}</Tag>
        ) : (
          <Tag color={ended ? 'orange' : 'green'}>{ended ? t.rebates.phases.ended : t.rebates.phases.running}</Tag>
        )
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {t.rebates.period}: {dateTime(rebate.startsAt, locale)} – {dateTime(rebate.endsAt, locale)}
        </Typography.Text>
        <Row gutter={[12, 12]}>
          {figures.map(([title, value]) => (
            <Col key={title} xs={12} md={6}>
              <Statistic title={title} value={value} />
            </Col>
          ))}
        </Row>
        {rebate.nextTier ? (
          <NextTierProgress basisMinor={rebate.basisMinor} nextTier={rebate.nextTier} />
        ) : (
          <Typography.Text type="secondary">{t.rebates.topTier}</Typography.Text>
        )}
      </Space>
    </Card>
  );
}

export function RebatesPage() {
  const t = useT();
  const { dealerId } = useDealerUser();
  const rebates = useQuery({
    queryKey: ['rebates', dealerId],
    queryFn: ({ signal }) => get<{ items: DealerRebate[] }>(`/v1/dealers/${encodeURIComponent(dealerId)}/rebates`, undefined, signal),
  });
  const items = rebates.data?.items ?? [];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.rebates.portalTitle}
      </Typography.Title>
      <Typography.Text type="secondary">{t.rebates.basisHelp}</Typography.Text>
      <ProblemAlert error={rebates.error} />
      {rebates.isPending ? (
        <Card loading />
      ) : items.length === 0 ? (
        <Empty description={t.rebates.none} />
      ) : (
        items.map((rebate) => <ProgramCard key={rebate.programId} rebate={rebate} />)
      )}
    </Space>
  );
}
