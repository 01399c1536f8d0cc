// Owners manage their dealer's buyers: add one, set spending limits, disable or enable.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, InputNumber, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { get, patch, post } from '../api/client.ts';
import type { Page, SpendingLimits, User } from '../api/types.ts';
import { money, yuanToMinor } from '../format.ts';
import { useT } from '../i18n/i18n.tsx';
import { useCommand } from '../shared/useCommand.ts';
import { ProblemAlert, showFieldErrors } from '../shared/problem.tsx';
import { useDealerUser } from './dealer.ts';

/** The server's minimum (its policy refuses common passwords too, shown on the field when it does). */
const PASSWORD_MIN_LENGTH = 12;

type NewBuyer = { username: string; displayName: string; password: string; perOrder?: number | null; perMonth?: number | null };

const LIMIT_FIELDS = { 'spendingLimits.perOrderMinor': 'perOrder', 'spendingLimits.perMonthMinor': 'perMonth' };

function limitsOf(values: { perOrder?: number | null; perMonth?: number | null }): SpendingLimits {
  return {
    ...(values.perOrder != null ? { perOrderMinor: yuanToMinor(values.perOrder) } : {}),
    ...(values.perMonth != null ? { perMonthMinor: yuanToMinor(values.perMonth) } : {}),
  };
}

type Limits = { perOrder?: number | null; perMonth?: number | null };

function LimitsForm({ user, dealerId, onClose }: { user: User; dealerId: string; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<Limits>();
  const save = useCommand((values: Limits) => patch(`/v1/users/${encodeURIComponent(user.id)}`, { spendingLimits: limitsOf(values) }), {
    success: () => t.buyers.saved,
    invalidate: [['users', dealerId]],
    onSuccess: onClose,
  });
  const yuan = (minor: number | null | undefined) => (minor == null ? null : minor / 100);
  return (
    <Modal
      open
      title={`${t.buyers.limits} · ${user.displayName ?? user.username ?? user.id}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t.app.save}
      cancelText={t.app.cancel}
      confirmLoading={save.isPending}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ perOrder: yuan(user.spendingLimits?.perOrderMinor), perMonth: yuan(user.spendingLimits?.perMonthMinor) }}
        onFinish={(values) => save.mutate(values, { onError: (error) => showFieldErrors(form, error, LIMIT_FIELDS) })}
      >
        <Form.Item label={t.buyers.perOrder} name="perOrder">
          <InputNumber min={0} precision={2} prefix="¥" />
        </Form.Item>
        <Form.Item label={t.buyers.perMonth} name="perMonth">
          <InputNumber min={0} precision={2} prefix="¥" />
        </Form.Item>
        <ProblemAlert error={save.error} />
      </Form>
    </Modal>
  );
}

function BuyerList({ dealerId }: { dealerId: string }) {
  const [editing, setEditing] = useState<User | null>(null);
  const t = useT();
  const users = useQuery({
    queryKey: ['users', dealerId],
    queryFn: ({ signal }) => get<Page<User>>('/v1/users', { dealerId, limit: 500 }, signal),
  });
  const setStatus = useCommand(
    (user: User) => patch(`/v1/users/${encodeURIComponent(user.id)}`, { status: user.status === 'disabled' ? 'active' : 'disabled' }),
    {
      success: () => t.buyers.saved,
      invalidate: [['users', dealerId]],
    },
  );
  const rows = users.data?.items ?? [];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ProblemAlert error={users.error ?? setStatus.error} />
      <Table<User>
        rowKey="id"
        size="small"
        loading={users.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t.buyers.username, dataIndex: 'username' },
          { title: t.buyers.displayName, dataIndex: 'displayName' },
          { title: t.roles.dealer, render: (_, user) => t.roles[user.dealerRole ?? 'owner'] },
          { title: t.buyers.perOrder, align: 'right', render: (_, user) => money(user.spendingLimits?.perOrderMinor) },
          { title: t.buyers.perMonth, align: 'right', render: (_, user) => money(user.spendingLimits?.perMonthMinor) },
          {
            title: t.buyers.status,
            render: (_, user) => (user.status === 'disabled' ? <Tag>{t.buyers.disabled}</Tag> : <Tag color="green">{t.buyers.active}</Tag>),
          },
          {
            title: t.app.actions,
            render: (_, user) =>
              user.dealerRole === 'buyer' && (
                <Space>
                  <Button size="small" onClick={() => setEditing(user)}>
                    {t.buyers.limits}
                  </Button>
                  <Button size="small" onClick={() => setStatus.mutate(user)}>
                    {user.status === 'disabled' ? t.buyers.enable : t.buyers.disable}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      {editing && <LimitsForm user={editing} dealerId={dealerId} onClose={() => setEditing(null)} />}
    </Space>
  );
}

function AddBuyer({ dealerId }: { dealerId: string }) {
  const t = useT();
  const [form] = Form.useForm<NewBuyer>();
  const create = useCommand(
    (values: NewBuyer) =>
      post<User>('/v1/users', {
        username: values.username,
        displayName: values.displayName,
        password: values.password,
        role: 'dealer',
        dealerId,
        dealerRole: 'buyer',
        spendingLimits: limitsOf(values),
      }),
    { success: () => t.buyers.created, invalidate: [['users', dealerId]], onSuccess: () => form.resetFields() },
  );
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={(values) => create.mutate(values, { onError: (error) => showFieldErrors(form, error, LIMIT_FIELDS) })}
      style={{ maxWidth: 480 }}
    >
      <Form.Item label={t.buyers.username} name="username" rules={[{ required: true }]}>
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item label={t.buyers.displayName} name="displayName" rules={[{ required: true }]}>
        <Input />
      </Form.Item>
      <Form.Item label={t.buyers.password} name="password" rules={[{ required: true, min: PASSWORD_MIN_LENGTH }]}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Space wrap>
        <Form.Item label={t.buyers.perOrder} name="perOrder">
          <InputNumber min={0} precision={2} prefix="¥" />
        </Form.Item>
        <Form.Item label={t.buyers.perMonth} name="perMonth">
          <InputNumber min={0} precision={2} prefix="¥" />
        </Form.Item>
      </Space>
      <ProblemAlert error={create.error} style={{ marginBottom: 12 }} />
      <Button type="primary" htmlType="submit" loading={create.isPending}>
        {t.buyers.add}
      </Button>
    </Form>
  );
}

export function BuyersPage() {
  const t = useT();
  const { dealerId } = useDealerUser();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.buyers.title}
      </Typography.Title>
      <Card>
        <BuyerList dealerId={dealerId} />
      </Card>
      <Card title={t.buyers.add}>
        <AddBuyer dealerId={dealerId} />
      </Card>
    </Space>
  );
}
