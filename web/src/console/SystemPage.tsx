// Administrators: read models (position, lag, status; rebuild, resume), integration adapters and
// their dead letters, with retry.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { get, post } from '../api/client.ts';
import type { AdapterState, DeadLetter, Page, ProjectionState } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';
import { dateTime } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { useCommand } from '../shared/useCommand.ts';
import { ProblemAlert } from '../shared/problem.tsx';

const STATUS_COLORS: Record<string, string> = {
  running: 'green',
  failed: 'red',
  rebuilding: 'blue',
  open: 'red',
  retry_requested: 'gold',
  retrying: 'blue',
  delivered: 'green',
};

function Projections() {
  const t = useT();
  const projections = useQuery({
    queryKey: ['projections'],
    refetchInterval: 5_000,
    queryFn: ({ signal }) => get<ProjectionState[]>('/v1/projections', undefined, signal),
  });
  const rebuild = useCommand((name: string) => post(`/v1/projections/${encodeURIComponent(name)}/rebuild`), {
    success: () => t.system.rebuilding,
    invalidate: [['projections']],
  });
  const resume = useCommand((name: string) => post(`/v1/projections/${encodeURIComponent(name)}/resume`), {
    success: () => t.system.resume,
    invalidate: [['projections']],
  });
  return (
    <Card title={t.system.projections}>
      <ProblemAlert error={projections.error ?? rebuild.error ?? resume.error} />
      <Table<ProjectionState>
        rowKey="name"
        size="small"
        loading={projections.isPending}
        dataSource={projections.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t.system.name, dataIndex: 'name' },
          { title: t.system.position, dataIndex: 'position', align: 'right' },
          { title: t.system.lag, dataIndex: 'lag', align: 'right' },
          { title: t.system.status, render: (_, row) => <Tag color={STATUS_COLORS[row.status] ?? 'default'}>{row.status}</Tag> },
          { title: t.system.error, render: (_, row) => <Typography.Text type="danger">{row.error}</Typography.Text> },
          {
            title: t.app.actions,
            render: (_, row) => (
              <Space>
                <Popconfirm
                  title={`${t.system.rebuild} ${row.name}?`}
                  onConfirm={() => rebuild.mutate(row.name)}
                  okText={t.app.confirm}
                  cancelText={t.app.cancel}
                >
                  <Button size="small">{t.system.rebuild}</Button>
                </Popconfirm>
                {row.status === 'failed' && (
                  <Button size="small" onClick={() => resume.mutate(row.name)}>
                    {t.system.resume}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

function Integrations() {
  const t = useT();
  const { locale } = useLang();
  const adapters = useQuery({
    queryKey: ['integrations'],
    refetchInterval: 5_000,
    queryFn: ({ signal }) => get<AdapterState[]>('/v1/integrations', undefined, signal),
  });
  const letters = useQuery({
    queryKey: ['dead-letters'],
    refetchInterval: 5_000,
    queryFn: ({ signal }) => get<Page<DeadLetter>>('/v1/integrations/dead-letters', { limit: 200 }, signal),
  });
  const retry = useCommand((id: string) => post(`/v1/integrations/dead-letters/${encodeURIComponent(id)}/retry`), {
    success: () => t.system.retried,
    invalidate: [['dead-letters'], ['integrations']],
  });
  return (
    <>
      <Card title={t.system.integrations}>
        <ProblemAlert error={adapters.error} />
        <Table<AdapterState>
          rowKey="name"
          size="small"
          loading={adapters.isPending}
          dataSource={adapters.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t.app.none }}
          columns={[
            { title: t.system.name, dataIndex: 'name' },
            { title: t.system.position, dataIndex: 'position', align: 'right' },
            { title: t.system.lag, dataIndex: 'lag', align: 'right' },
            { title: t.system.active, render: (_, row) => (row.active ? <Tag color="green">{t.app.yes}</Tag> : <Tag>{t.app.no}</Tag>) },
            { title: t.system.openDeadLetters, dataIndex: 'openDeadLetters', align: 'right' },
            {
              title: t.system.lastError,
              render: (_, row) =>
                row.lastError && (
                  <Typography.Text type="danger">{`${row.lastError} (${dateTime(row.lastErrorAt, locale)})`}</Typography.Text>
                ),
            },
          ]}
        />
      </Card>
      <Card title={t.system.deadLetters}>
        <ProblemAlert error={letters.error ?? retry.error} />
        <Table<DeadLetter>
          rowKey="id"
          size="small"
          loading={letters.isPending}
          dataSource={letters.data?.items ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t.system.noDeadLetters }}
          columns={[
            { title: t.system.adapter, dataIndex: 'adapter' },
            { title: t.system.event, render: (_, row) => `${row.eventType} · ${row.streamId}` },
            { title: t.system.attempts, dataIndex: 'attempts', align: 'right' },
            { title: t.system.status, render: (_, row) => <Tag color={STATUS_COLORS[row.status] ?? 'default'}>{row.status}</Tag> },
            { title: t.system.lastError, render: (_, row) => <Typography.Text type="danger">{row.lastError}</Typography.Text> },
            { title: t.credit.at, render: (_, row) => dateTime(row.createdAt, locale) },
            {
              title: t.app.actions,
              render: (_, row) =>
                row.status === 'open' && (
                  <Button size="small" onClick={() => retry.mutate(row.id)} loading={retry.isPending && retry.variables === row.id}>
                    {t.system.retry}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
    </>
  );
}

export function SystemPage() {
  const t = useT();
  const { session } = useSession();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.system.title}
      </Typography.Title>
      {session?.user.role !== 'admin' ? (
        <Alert type="info" showIcon title={t.app.adminOnly} />
      ) : (
        <>
          <Projections />
          <Integrations />
        </>
      )}
    </Space>
  );
}
