// Orders search for staff, and one order with the staff's actions.
import { Button, Card, Input, Popconfirm, Space, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { post } from '../api/client.ts';
import type { OrderDetail } from '../api/types.ts';
import { useT } from '../i18n/i18n.tsx';
import { useCommand, useDebounced } from '../shared/hooks.ts';
import { OrderView } from '../shared/orders.tsx';
import { OrdersTable } from '../shared/OrdersTable.tsx';
import { ProblemAlert } from '../shared/problem.tsx';
import { ReviewDecision } from './ReviewQueuePage.tsx';

export function OpsOrdersPage() {
  const t = useT();
  const [dealerId, setDealerId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const dealer = useDebounced(dealerId.trim(), 300);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.orders.title}
      </Typography.Title>
      <OrdersTable
        basePath="/console/orders"
        showDealer
        query={{ dealerId: dealer || undefined, from: from || undefined, to: to || undefined }}
        filters={
          <>
            <Input aria-label={t.orders.dealerFilter} placeholder={t.orders.dealerFilter} allowClear value={dealerId} onChange={(event) => setDealerId(event.target.value)} style={{ width: 160 }} />
            <Input type="date" aria-label={t.orders.from} value={from} onChange={(event) => setFrom(event.target.value)} style={{ width: 160 }} />
            <Input type="date" aria-label={t.orders.to} value={to} onChange={(event) => setTo(event.target.value)} style={{ width: 160 }} />
          </>
        }
      />
    </Space>
  );
}

const CANCELLABLE = ['approved', 'awaiting_payment', 'on_hold'];

function StaffActions({ order }: { order: OrderDetail }) {
  const t = useT();
  const cancel = useCommand(() => post(`/v1/orders/${encodeURIComponent(order.id)}/cancel`, {}), { success: () => t.orders.cancelled, invalidate: [['order', order.id], ['orders']] });
  if (!CANCELLABLE.includes(order.status) || order.shipments.length > 0) return null;
  return (
    <Space orientation="vertical" align="end">
      <Popconfirm title={t.orders.confirmCancel} onConfirm={() => cancel.mutate(undefined)} okText={t.app.confirm} cancelText={t.app.cancel}>
        <Button danger loading={cancel.isPending}>
          {t.orders.cancel}
        </Button>
      </Popconfirm>
      <ProblemAlert error={cancel.error} />
    </Space>
  );
}

export function OpsOrderPage() {
  const t = useT();
  const { id = '' } = useParams();
  return (
    <OrderView
      id={id}
      showDealer
      actions={(order) => (
        <Space orientation="vertical" align="end">
          <StaffActions order={order} />
          {order.status === 'on_hold' && (
            <Card size="small" title={t.review.title} style={{ minWidth: 260 }}>
              <ReviewDecision order={order} />
            </Card>
          )}
        </Space>
      )}
    />
  );
}
