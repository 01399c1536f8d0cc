// Webhook subscriptions, for a dealer's owner (its own orders' events) and for staff (any order,
// stock alerts): the list, a form to add one (its secret shown once), and delete. The API's
// problem+json errors are put on the form's fields.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Form, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, get, newIdempotencyKey, post } from '../api/client.ts';
import {
  DEALER_EVENTS,
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type Subscription,
  type SubscriptionCreated,
} from '../api/notifications.ts';
import type { Page } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';
import { dateTime } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { ProblemAlert, showFieldErrors } from './problem.tsx';
import { useCommand } from './useCommand.ts';

type NewSubscription = { url: string; events: NotificationEvent[]; secret: string };

/** `body.events.3` (one event refused) is shown on the events field. */
const EVENT_FIELDS = Object.fromEntries(NOTIFICATION_EVENTS.map((_, index) => [`events.${index}`, 'events']));

const QUERY_KEY = ['subscriptions'];

function CreateForm({ events }: { events: readonly NotificationEvent[] }) {
  const t = useT();
  const [form] = Form.useForm<NewSubscription>();
  const [created, setCreated] = useState<SubscriptionCreated | null>(null);
  const create = useCommand(
    ({ url, events: chosen, secret }: NewSubscription) =>
      post<SubscriptionCreated>(
        '/v1/subscriptions',
        { url: url.trim(), events: chosen, ...(secret.trim() ? { secret: secret.trim() } : {}) },
        { headers: { 'idempotency-key': newIdempotencyKey() } },
      ),
    {
      success: () => t.subscriptions.created,
      invalidate: [QUERY_KEY],
      onSuccess: (result) => {
        setCreated(result);
        form.resetFields();
      },
    },
  );
  return (
    <Card title={t.subscriptions.create}>
      <Form<NewSubscription>
        form={form}
        layout="vertical"
        initialValues={{ url: '', events: [], secret: '' }}
        onFinish={(values) => {
          setCreated(null);
          create.mutate(values, { onError: (error) => showFieldErrors(form, error, EVENT_FIELDS) });
        }}
        style={{ maxWidth: 640 }}
      >
        <Form.Item label={t.subscriptions.url} name="url" rules={[{ required: true, whitespace: true, message: t.subscriptions.required }]}>
          <Input inputMode="url" placeholder={t.subscriptions.urlPlaceholder} autoComplete="off" />
        </Form.Item>
        <Form.Item
          label={t.subscriptions.events}
          name="events"
          rules={[{ required: true, type: 'array', min: 1, message: t.subscriptions.required }]}
        >
          <Checkbox.Group
            options={events.map((event) => ({ value: event, label: `${t.subscriptions.eventNames[event] ?? event} (${event})` }))}
          />
        </Form.Item>
        <Form.Item label={t.subscriptions.secret} name="secret" extra={t.subscriptions.secretHint}>
          <Input autoComplete="off" spellCheck={false} />
        </Form.Item>
        <ProblemAlert error={create.error} style={{ marginBottom: 12 }} />
        {/* Disabled rather than loading: the loading icon's leaving motion would stay in the button's name. */}
        <Button type="primary" htmlType="submit" disabled={create.isPending}>
          {t.subscriptions.create}
        </Button>
      </Form>
      {created && (
        <Alert
          role="status"
          type="success"
          showIcon
          style={{ marginTop: 16 }}
          title={`${t.subscriptions.created}: ${created.id}`}
          description={
            <span>
              {t.subscriptions.secretOnce}{' '}
              <Typography.Text code copyable data-testid="subscription-secret">
                {created.secret}
              </Typography.Text>
            </span>
          }
          closable={{ onClose: () => setCreated(null) }}
        />
      )}
    </Card>
  );
}

function DeleteButton({ subscription }: { subscription: Subscription }) {
  const t = useT();
  const remove = useCommand(() => api<Subscription>('DELETE', `/v1/subscriptions/${encodeURIComponent(subscription.id)}`), {
    success: () => t.subscriptions.deleted,
    invalidate: [QUERY_KEY],
  });
  return (
    <Space orientation="vertical">
      <Popconfirm
        title={t.subscriptions.deleteConfirm(subscription.url)}
        onConfirm={() => remove.mutate(undefined)}
        okText={t.app.confirm}
        cancelText={t.app.cancel}
      >
        <Button danger size="small" loading={remove.isPending} aria-label={`${t.subscriptions.delete} ${subscription.url}`}>
          {t.subscriptions.delete}
        </Button>
      </Popconfirm>
      <ProblemAlert error={remove.error} />
    </Space>
  );
}

export function SubscriptionsPage() {
  const t = useT();
  const { locale } = useLang();
  const { session } = useSession();
  const events = session?.user.role === 'dealer' ? DEALER_EVENTS : NOTIFICATION_EVENTS;
  const list = useQuery({
    queryKey: QUERY_KEY,
    queryFn: ({ signal }) => get<Page<Subscription>>('/v1/subscriptions', { limit: 100 }, signal),
  });
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.subscriptions.title}
      </Typography.Title>
      <Typography.Text type="secondary">{t.subscriptions.intro}</Typography.Text>
      <ProblemAlert error={list.error} />
      <Table<Subscription>
        rowKey="id"
        size="small"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t.subscriptions.empty }}
        aria-label={t.subscriptions.title}
        columns={[
          { title: 'ID', dataIndex: 'id' },
          {
            title: t.subscriptions.url,
            dataIndex: 'url',
            render: (url: string) => <Typography.Text style={{ wordBreak: 'break-all' }}>{url}</Typography.Text>,
          },
          {
            title: t.subscriptions.events,
            render: (_, subscription) => (
              <Space size={[4, 4]} wrap style={{ maxWidth: 360 }}>
                {subscription.events.map((event) => (
                  <Tag key={event}>{t.subscriptions.eventNames[event] ?? event}</Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t.subscriptions.secretTail,
            render: (_, subscription) => <Typography.Text code>{subscription.secretHint}</Typography.Text>,
          },
          { title: t.subscriptions.createdAt, render: (_, subscription) => dateTime(subscription.createdAt, locale) },
          { title: t.app.actions, render: (_, subscription) => <DeleteButton subscription={subscription} /> },
        ]}
      />
      <CreateForm events={events} />
    </Space>
  );
}
