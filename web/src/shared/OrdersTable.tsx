// A list of orders with a status filter and "load more" (the API pages with cursors).
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Select, Space, Table } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { get } from '../api/client.ts';
import type { Order, Page } from '../api/types.ts';
import { dateTime, money } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { StatusTag } from './orders.tsx';
import { ProblemAlert } from './problem.tsx';

export const ORDER_STATUSES = [
  'on_hold',
  'awaiting_dealer_approval',
  'awaiting_payment',
  'approved',
  'partially_shipped',
  'shipped',
  'delivered',
  'completed',
  'rejected',
  'cancelled',
];

type Props = {
  /** Where an order's page is: `${basePath}/${id}`. */
  basePath: string;
  showDealer?: boolean;
  /** More filters beside the status one, feeding `query`. */
  filters?: ReactNode;
  query?: Record<string, string | undefined>;
  fixedStatus?: string;
  /** What an empty list says (default: no orders yet). */
  emptyText?: string;
  actions?: (order: Order) => ReactNode;
};

export function OrdersTable({ basePath, showDealer, filters, query: extraQuery, fixedStatus, emptyText, actions }: Props) {
  const t = useT();
  const { locale } = useLang();
  const [status, setStatus] = useState<string | undefined>(fixedStatus);
  const query = { status, ...extraQuery };
  const orders = useInfiniteQuery({
    queryKey: ['orders', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => get<Page<Order>>('/v1/orders', { ...query, limit: 50, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = orders.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {!fixedStatus && (
          <Select
            aria-label={t.orders.filterStatus}
            placeholder={t.orders.filterStatus}
            allowClear
            style={{ minWidth: 180 }}
            value={status}
            onChange={setStatus}
            options={ORDER_STATUSES.map((value) => ({ value, label: t.orders.status_[value] ?? value }))}
          />
        )}
        {filters}
      </Space>
      <ProblemAlert error={orders.error} />
      <Table<Order>
        rowKey="id"
        size="middle"
        loading={orders.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: emptyText ?? t.orders.noOrders }}
        columns={[
          { title: t.orders.id, render: (_, order) => <Link to={`${basePath}/${encodeURIComponent(order.id)}`}>{order.id}</Link> },
          ...(showDealer ? [{ title: t.orders.dealer, dataIndex: 'dealerId' as const }] : []),
          { title: t.orders.placedAt, render: (_, order) => dateTime(order.placedAt, locale) },
          { title: t.orders.status, render: (_, order) => <StatusTag status={order.status} /> },
          { title: t.orders.total, align: 'right', render: (_, order) => money(order.totals.totalMinor, order.totals.currency) },
          ...(actions ? [{ title: t.app.actions, render: (_: unknown, order: Order) => actions(order) }] : []),
        ]}
      />
      {orders.hasNextPage && (
        <Button onClick={() => void orders.fetchNextPage()} loading={orders.isFetchingNextPage}>
          {t.app.loadMore}
        </Button>
      )}
    </Space>
  );
}
