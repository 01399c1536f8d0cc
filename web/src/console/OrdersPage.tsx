// Orders search for staff, and one order with the staff's actions.
import { Button, Card, Input, Popconfirm, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { post } from '../api/client.ts';
import type { OrderDetail, Return } from '../api/types.ts';
import { useT } from '../i18n/i18n.tsx';
import { useCommand } from '../shared/useCommand.ts';
import { useDebounced } from '../shared/useDebounced.ts';
import { CANCELLABLE, OrderView } from '../shared/orders.tsx';
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
            <Input
              aria-label={t.orders.dealerFilter}
              placeholder={t.orders.dealerFilter}
              allowClear
              value={dealerId}
              onChange={(event) => setDealerId(event.target.value)}
              style={{ width: 160 }}
            />
            <Input
              type="date"
              aria-label={t.orders.from}
              value={from}
              onChange={(event) => setFrom(event.target.value)}
              style={{ width: 160 }}
            />
            <Input type="date" aria-label={t.orders.to} value={to} onChange={(event) => setTo(event.target.value)} style={{ width: 160 }} />
          </>
        }
      />
    </Space>
  );
}

function StaffActions({ order }: { order: OrderDetail }) {
  const t = useT();
  const cancel = useCommand(() => post(`/v1/orders/${encodeURIComponent(order.id)}/cancel`, {}), {
    success: () => t.orders.cancelled,
    invalidate: [['order', order.id], ['orders']],
  });
  if (!CANCELLABLE.includes(order.status) || order.shipments.length > 0) return null;
  return (
    <Space orientation="vertical" align="end">
      <Popconfirm
        title={t.orders.confirmCancel}
        onConfirm={() => cancel.mutate(undefined)}
        okText={t.app.confirm}
        cancelText={t.app.cancel}
      >
        <Button danger loading={cancel.isPending}>
          {t.orders.cancel}
        </Button>
      </Popconfirm>
      <ProblemAlert error={cancel.error} />
    </Space>
  );
}

/** Moves a return on: requested → approved or rejected → received (restocked or quarantined) → refunded. */
function ReturnActions({ order, item }: { order: OrderDetail; item: Return }) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [disposition, setDisposition] = useState<'restock' | 'quarantine'>('restock');
  const path = `/v1/orders/${encodeURIComponent(order.id)}/returns/${encodeURIComponent(item.returnId)}`;
  const invalidate = [['order', order.id]];
  const done = { success: () => t.dealers.saved, invalidate };
  const approve = useCommand(() => post(`${path}/approve`, {}), done);
  const reject = useCommand(() => post(`${path}/reject`, { reason: reason.trim() || t.app.none }), done);
  // Goods go back where they were shipped from, into the lot they left (when it was one lot).
  const receive = useCommand(
    () =>
      post(`${path}/receive`, {
        lines: item.lines.map((line) => {
          const shipped = order.shipments.flatMap((shipment) => shipment.lines).find((candidate) => candidate.sku === line.sku);
          const lot = shipped?.lots.length === 1 ? shipped.lots[0]!.lot : undefined;
          return { sku: line.sku, qty: line.qty, warehouseId: shipped?.warehouseId, lot, disposition };
        }),
      }),
    done,
  );
  const refund = useCommand(() => post(`${path}/refund`, {}), done);
  const error = approve.error ?? reject.error ?? receive.error ?? refund.error;
  return (
    <Space wrap>
      {item.status === 'requested' && (
        <>
          <Button size="small" type="primary" loading={approve.isPending} onClick={() => approve.mutate(undefined)}>
            {t.returns.approve}
          </Button>
          <Input
            size="small"
            aria-label={t.returns.rejectReason}
            placeholder={t.returns.rejectReason}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            style={{ width: 160 }}
          />
          <Button size="small" danger loading={reject.isPending} onClick={() => reject.mutate(undefined)}>
            {t.returns.reject}
          </Button>
        </>
      )}
      {item.status === 'approved' && (
        <>
          <Select
            size="small"
            aria-label={t.returns.disposition}
            value={disposition}
            onChange={setDisposition}
            options={[
              { value: 'restock', label: t.returns.restock },
              { value: 'quarantine', label: t.returns.quarantine },
            ]}
          />
          <Button size="small" type="primary" loading={receive.isPending} onClick={() => receive.mutate(undefined)}>
            {t.returns.receive}
          </Button>
        </>
      )}
      {item.status === 'received' && (
        <Button size="small" type="primary" loading={refund.isPending} onClick={() => refund.mutate(undefined)}>
          {t.returns.refund}
        </Button>
      )}
      <ProblemAlert error={error} />
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
      returnActions={(order, item) => <ReturnActions order={order} item={item} />}
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
