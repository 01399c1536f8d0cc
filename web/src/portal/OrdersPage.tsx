// The dealer's orders, and one order with what the dealer may do with it: reorder, cancel,
// request a return, and (owners) approve or reject a buyer's order.
import { Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { newIdempotencyKey, post } from '../api/client.ts';
import type { OrderDetail, OrderWritten } from '../api/types.ts';
import { useT } from '../i18n/i18n.tsx';
import { useCommand } from '../shared/useCommand.ts';
import { CANCELLABLE, OrderView } from '../shared/orders.tsx';
import { OrdersTable } from '../shared/OrdersTable.tsx';
import { ProblemAlert } from '../shared/problem.tsx';
import { isOwner, useDealerUser } from './dealer.ts';

export function OrdersPage() {
  const t = useT();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.orders.title}
      </Typography.Title>
      <OrdersTable basePath="/portal/orders" />
    </Space>
  );
}

function ReturnForm({ order, onClose }: { order: OrderDetail; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ sku: string; qty: number; reason: string }>();
  const [key] = useState(newIdempotencyKey);
  const shipped = order.shipments.flatMap((shipment) => shipment.lines);
  const request = useCommand(
    (values: { sku: string; qty: number; reason: string }) =>
      post(`/v1/orders/${encodeURIComponent(order.id)}/returns`, { lines: [values] }, { headers: { 'idempotency-key': key } }),
    {
      success: () => t.orders.returnRequested,
      invalidate: [['order', order.id]],
      onSuccess: onClose,
    },
  );
  return (
    <Modal
      open
      title={t.orders.requestReturn}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t.app.confirm}
      cancelText={t.app.cancel}
      confirmLoading={request.isPending}
    >
      <Form form={form} layout="vertical" onFinish={(values) => request.mutate(values)} initialValues={{ qty: 1, sku: shipped[0]?.sku }}>
        <Form.Item label={t.product.sku} name="sku" rules={[{ required: true }]}>
          <Select options={[...new Set(shipped.map((line) => line.sku))].map((sku) => ({ value: sku, label: sku }))} />
        </Form.Item>
        <Form.Item label={t.orders.returnQty} name="qty" rules={[{ required: true }]}>
          <InputNumber min={1} precision={0} />
        </Form.Item>
        <Form.Item label={t.orders.returnReason} name="reason" rules={[{ required: true }]}>
          <Input maxLength={500} />
        </Form.Item>
        <ProblemAlert error={request.error} />
      </Form>
    </Modal>
  );
}

function DealerActions({ order }: { order: OrderDetail }) {
  const t = useT();
  const navigate = useNavigate();
  const user = useDealerUser();
  const [returning, setReturning] = useState(false);
  const [rejectReason, setRejectReason] = useState('');
  // One key per visit to this order (the component is keyed by it): a double click on "Reorder" places one new order.
  const [reorderKey] = useState(newIdempotencyKey);
  const path = `/v1/orders/${encodeURIComponent(order.id)}`;
  const reorder = useCommand(() => post<OrderWritten>(`${path}/reorder`, {}, { headers: { 'idempotency-key': reorderKey } }), {
    success: (created) => t.orders.reordered(created.id),
    invalidate: [['orders'], ['me']],
    onSuccess: (created) => void navigate(`/portal/orders/${encodeURIComponent(created.id)}`),
  });
  const cancel = useCommand(() => post(`${path}/cancel`, {}), {
    success: () => t.orders.cancelled,
    invalidate: [['order', order.id], ['orders'], ['me']],
  });
  const approve = useCommand(() => post(`${path}/dealer-approve`, {}), {
    success: () => t.orders.dealerApproved,
    invalidate: [['order', order.id], ['orders'], ['me']],
  });
  const reject = useCommand(() => post(`${path}/dealer-reject`, rejectReason.trim() ? { reason: rejectReason.trim() } : {}), {
    success: () => t.orders.dealerRejected,
    invalidate: [['order', order.id], ['orders']],
  });
  const awaitingOwner = order.status === 'awaiting_dealer_approval' && isOwner(user);
  const delivered = order.shipments.some((shipment) => shipment.status === 'delivered');
  return (
    <Space orientation="vertical" align="end">
      <Space wrap>
        {awaitingOwner && (
          <>
            <Button type="primary" loading={approve.isPending} onClick={() => approve.mutate(undefined)}>
              {t.orders.dealerApprove}
            </Button>
            <Popconfirm
              title={
                <Input
                  aria-label={t.orders.rejectReason}
                  placeholder={t.orders.rejectReason}
                  value={rejectReason}
                  onChange={(event) => setRejectReason(event.target.value)}
                />
              }
              onConfirm={() => reject.mutate(undefined)}
              okText={t.orders.confirmReject}
              cancelText={t.app.cancel}
            >
              <Button danger loading={reject.isPending}>
                {t.orders.dealerReject}
              </Button>
            </Popconfirm>
          </>
        )}
        <Button loading={reorder.isPending} onClick={() => reorder.mutate(undefined)}>
          {t.orders.reorder}
        </Button>
        {delivered && <Button onClick={() => setReturning(true)}>{t.orders.requestReturn}</Button>}
        {CANCELLABLE.includes(order.status) && order.shipments.length === 0 && (
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
        )}
      </Space>
      {[reorder.error, cancel.error, approve.error, reject.error].map((error, index) =>
        error ? <ProblemAlert key={index} error={error} /> : null,
      )}
      {returning && <ReturnForm order={order} onClose={() => setReturning(false)} />}
    </Space>
  );
}

export function OrderPage() {
  const { id = '' } = useParams();
  return <OrderView id={id} actions={(order) => <DealerActions key={order.id} order={order} />} />;
}
