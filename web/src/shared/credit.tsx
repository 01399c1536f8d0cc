// A dealer's credit (limit, reserved, outstanding, available) and its statement with the running
// balance: the dealer's own page and finance's both show these.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Row, Space, Statistic, Table, Typography } from 'antd';
import { get } from '../api/client.ts';
import type { Credit, LedgerEntry, Page } from '../api/types.ts';
import { dateTime, money } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { ProblemAlert } from './problem.tsx';

export function CreditSummary({ dealerId }: { dealerId: string }) {
  const t = useT();
  const credit = useQuery({
    queryKey: ['credit', dealerId],
    queryFn: ({ signal }) => get<Credit>(`/v1/dealers/${encodeURIComponent(dealerId)}/credit`, undefined, signal),
  });
  if (credit.error) return <ProblemAlert error={credit.error} />;
  const figures: [string, number | undefined][] = [
    [t.credit.limit, credit.data?.limitMinor],
    [t.credit.reserved, credit.data?.reservedMinor],
    [t.credit.outstanding, credit.data?.outstandingMinor],
    [t.credit.available, credit.data?.availableMinor],
  ];
  return (
    <Row gutter={[12, 12]}>
      {figures.map(([title, value]) => (
        <Col key={title} xs={12} md={6}>
          <Card size="small" loading={credit.isPending}>
            <Statistic title={title} value={money(value)} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

export function Statement({ dealerId }: { dealerId: string }) {
  const t = useT();
  const { locale } = useLang();
  const ledger = useInfiniteQuery({
    queryKey: ['credit', dealerId, 'ledger'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      get<Page<LedgerEntry>>(`/v1/dealers/${encodeURIComponent(dealerId)}/ledger`, { limit: 100, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = ledger.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ProblemAlert error={ledger.error} />
      <Table<LedgerEntry>
        rowKey="position"
        size="small"
        loading={ledger.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t.credit.at, render: (_, entry) => dateTime(entry.at, locale) },
          { title: t.credit.kind, render: (_, entry) => t.credit.kinds[entry.kind] ?? entry.kind },
          {
            title: t.credit.reference,
            render: (_, entry) => (
              <Typography.Text type="secondary">
                {[entry.orderId, entry.shipmentId, entry.reference, entry.creditNoteId, entry.reason].filter(Boolean).join(' · ')}
              </Typography.Text>
            ),
          },
          { title: t.credit.amount, align: 'right', render: (_, entry) => money(entry.amountMinor) },
          { title: t.credit.balance, align: 'right', render: (_, entry) => <strong>{money(entry.balanceAfterMinor)}</strong> },
        ]}
      />
      {ledger.hasNextPage && (
        <Button onClick={() => void ledger.fetchNextPage()} loading={ledger.isFetchingNextPage}>
          {t.app.loadMore}
        </Button>
      )}
    </Space>
  );
}
