// Dealers: the list, and per dealer its credit limit, tier, territories and suspension; new dealers.
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Drawer, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { get, newIdempotencyKey, post, put } from '../api/client.ts';
import type { Dealer, Page } from '../api/types.ts';
import { yuanToMinor } from '../format.ts';
import { useT } from '../i18n/i18n.tsx';
import { CreditSummary } from '../shared/credit.tsx';
import { useCommand } from '../shared/useCommand.ts';
import { ProblemAlert, showFieldErrors } from '../shared/problem.tsx';
import { useCan } from '../shared/roles.ts';

const TIERS = ['platinum', 'gold', 'silver', 'bronze'];

function TierSelect(props: { value?: string; onChange?: (value: string) => void; id?: string; disabled?: boolean }) {
  const t = useT();
  return (
    <Select {...props} style={{ minWidth: 140 }} options={TIERS.map((tier) => ({ value: tier, label: t.dealers.tiers[tier] ?? tier }))} />
  );
}

function TerritoriesSelect(props: { value?: string[]; onChange?: (value: string[]) => void; id?: string; disabled?: boolean }) {
  return <Select {...props} mode="tags" style={{ minWidth: 200 }} tokenSeparators={[',', ' ']} />;
}

function DealerStatus({ dealer }: { dealer: Dealer }) {
  const t = useT();
  return dealer.status === 'suspended' ? <Tag color="red">{t.dealers.suspended}</Tag> : <Tag color="green">{t.dealers.active}</Tag>;
}

function DealerEditor({ dealer, onClose }: { dealer: Dealer; onClose: () => void }) {
  const t = useT();
  const path = `/v1/dealers/${encodeURIComponent(dealer.id)}`;
  const invalidate = [['dealers'], ['credit', dealer.id]];
  const [limit, setLimit] = useState<number | null>(null);
  const [tier, setTier] = useState(dealer.tier);
  const [territories, setTerritories] = useState(dealer.territories);
  const [minRemainingDays, setMinRemainingDays] = useState<number | null>(dealer.minRemainingDays);
  const [reason, setReason] = useState('');
  // What the API lets each role change: finance sets credit limits, operations everything else here.
  const can = useCan();
  const setsLimit = can(['ops', 'finance']);
  const manages = can(['ops']);
  const saveLimit = useCommand(() => put(`${path}/credit-limit`, { limitMinor: yuanToMinor(limit ?? 0) }), {
    success: () => t.dealers.saved,
    invalidate,
  });
  const saveTier = useCommand(() => put(`${path}/tier`, { tier }), { success: () => t.dealers.saved, invalidate });
  const saveTerritories = useCommand(() => put(`${path}/territories`, { territories }), { success: () => t.dealers.saved, invalidate });
  const saveShelfLife = useCommand(() => put(`${path}/shelf-life`, { minRemainingDays: minRemainingDays ?? 0 }), {
    success: () => t.dealers.saved,
    invalidate,
  });
  const suspend = useCommand(() => post(`${path}/suspend`, reason.trim() ? { reason: reason.trim() } : {}), {
    success: () => t.dealers.saved,
    invalidate,
    onSuccess: onClose,
  });
  const reinstate = useCommand(() => post(`${path}/reinstate`), { success: () => t.dealers.saved, invalidate, onSuccess: onClose });
  return (
    <Drawer open onClose={onClose} title={`${dealer.id} · ${dealer.name}`} size={560}>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <CreditSummary dealerId={dealer.id} />
        <Form layout="vertical">
          <Form.Item
            label={t.dealers.creditLimit}
            htmlFor="dealer-limit"
            help={saveLimit.error ? <ProblemAlert error={saveLimit.error} /> : undefined}
          >
            <Space.Compact>
              <InputNumber<number>
                id="dealer-limit"
                min={0}
                precision={2}
                prefix="¥"
                value={limit}
                onChange={setLimit}
                style={{ width: 200 }}
                disabled={!setsLimit}
              />
              {setsLimit && (
                <Button onClick={() => saveLimit.mutate(undefined)} loading={saveLimit.isPending} disabled={limit === null}>
                  {t.app.save}
                </Button>
              )}
            </Space.Compact>
          </Form.Item>
          <Form.Item
            label={t.dealers.tier}
            htmlFor="dealer-tier"
            help={saveTier.error ? <ProblemAlert error={saveTier.error} /> : undefined}
          >
            <Space.Compact>
              <TierSelect id="dealer-tier" value={tier} onChange={setTier} disabled={!manages} />
              {manages && (
                <Button onClick={() => saveTier.mutate(undefined)} loading={saveTier.isPending}>
                  {t.app.save}
                </Button>
              )}
            </Space.Compact>
          </Form.Item>
          <Form.Item
            label={t.dealers.territories}
            htmlFor="dealer-territories"
            help={saveTerritories.error ? <ProblemAlert error={saveTerritories.error} /> : undefined}
          >
            <Space.Compact>
              <TerritoriesSelect id="dealer-territories" value={territories} onChange={setTerritories} disabled={!manages} />
              {manages && (
                <Button onClick={() => saveTerritories.mutate(undefined)} loading={saveTerritories.isPending}>
                  {t.app.save}
                </Button>
              )}
            </Space.Compact>
          </Form.Item>
          <Form.Item
            label={t.dealers.minRemainingDays}
            htmlFor="dealer-shelf-life"
            extra={t.dealers.minRemainingDaysHelp}
            help={saveShelfLife.error ? <ProblemAlert error={saveShelfLife.error} /> : undefined}
          >
            <Space.Compact>
              <InputNumber<number>
                id="dealer-shelf-life"
                min={0}
                max={3650}
                precision={0}
                value={minRemainingDays}
                onChange={setMinRemainingDays}
                style={{ width: 200 }}
                disabled={!manages}
              />
              {manages && (
                <Button onClick={() => saveShelfLife.mutate(undefined)} loading={saveShelfLife.isPending}>
                  {t.app.save}
                </Button>
              )}
            </Space.Compact>
          </Form.Item>
        </Form>
        <Card size="small" title={<DealerStatus dealer={dealer} />}>
          {!manages ? (
            dealer.suspensionReason && <Typography.Text type="secondary">{dealer.suspensionReason}</Typography.Text>
          ) : dealer.status === 'suspended' ? (
            <Space orientation="vertical">
              {dealer.suspensionReason && <Typography.Text type="secondary">{dealer.suspensionReason}</Typography.Text>}
              <Button type="primary" onClick={() => reinstate.mutate(undefined)} loading={reinstate.isPending}>
                {t.dealers.reinstate}
              </Button>
              <ProblemAlert error={reinstate.error} />
            </Space>
          ) : (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Input
                aria-label={t.dealers.suspendReason}
                placeholder={t.dealers.suspendReason}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                maxLength={500}
              />
              <Button danger onClick={() => suspend.mutate(undefined)} loading={suspend.isPending}>
                {t.dealers.suspend}
              </Button>
              <ProblemAlert error={suspend.error} />
            </Space>
          )}
        </Card>
      </Space>
    </Drawer>
  );
}

type NewDealer = {
  id?: string;
  name: string;
  tier: string;
  territories: string[];
  creditLimit: number;
  paymentTermsDays?: number;
  prepay?: boolean;
};

function NewDealerForm({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<NewDealer>();
  const [key] = useState(newIdempotencyKey);
  const create = useCommand(
    (values: NewDealer) =>
      post(
        '/v1/dealers',
        {
          id: values.id || undefined,
          name: values.name,
          tier: values.tier,
          territories: values.territories,
          creditLimitMinor: yuanToMinor(values.creditLimit),
          paymentTermsDays: values.paymentTermsDays,
          prepay: values.prepay,
        },
        { headers: { 'idempotency-key': key } },
      ),
    { success: () => t.dealers.saved, invalidate: [['dealers']], onSuccess: onClose },
  );
  return (
    <Modal
      open
      title={t.dealers.create}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t.app.save}
      cancelText={t.app.cancel}
      confirmLoading={create.isPending}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ tier: 'silver', territories: [], paymentTermsDays: 30, prepay: false }}
        onFinish={(values) =>
          create.mutate(values, { onError: (error) => showFieldErrors(form, error, { creditLimitMinor: 'creditLimit' }) })
        }
      >
        <Form.Item label={t.dealers.id} name="id">
          <Input placeholder="D-2001" />
        </Form.Item>
        <Form.Item label={t.dealers.name} name="name" rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t.dealers.tier} name="tier" rules={[{ required: true }]}>
          <TierSelect />
        </Form.Item>
        <Form.Item label={t.dealers.territories} name="territories" rules={[{ required: true }]}>
          <TerritoriesSelect />
        </Form.Item>
        <Form.Item label={t.dealers.creditLimit} name="creditLimit" rules={[{ required: true }]}>
          <InputNumber min={0} precision={2} prefix="¥" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item label={t.dealers.paymentTerms} name="paymentTermsDays">
          <InputNumber min={0} precision={0} />
        </Form.Item>
        <Form.Item label={t.dealers.prepay} name="prepay" valuePropName="checked">
          <Switch />
        </Form.Item>
        <ProblemAlert error={create.error} />
      </Form>
    </Modal>
  );
}

export function DealersPage() {
  const t = useT();
  const [editing, setEditing] = useState<Dealer | null>(null);
  const [creating, setCreating] = useState(false);
  const can = useCan();
  const dealers = useInfiniteQuery({
    queryKey: ['dealers'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => get<Page<Dealer>>('/v1/dealers', { limit: 200, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = dealers.data?.pages.flatMap((page) => page.items) ?? [];
  const current = editing && (rows.find((dealer) => dealer.id === editing.id) ?? editing);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
          {t.dealers.title}
        </Typography.Title>
        {can(['ops']) && (
          <Button type="primary" onClick={() => setCreating(true)}>
            {t.dealers.create}
          </Button>
        )}
      </Space>
      <ProblemAlert error={dealers.error} />
      <Table<Dealer>
        rowKey="id"
        size="middle"
        loading={dealers.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t.dealers.id, dataIndex: 'id' },
          { title: t.dealers.name, dataIndex: 'name' },
          { title: t.dealers.tier, render: (_, dealer) => t.dealers.tiers[dealer.tier] ?? dealer.tier },
          { title: t.dealers.territories, render: (_, dealer) => dealer.territories.join(', ') },
          { title: t.dealers.paymentTerms, dataIndex: 'paymentTermsDays', align: 'right' },
          { title: t.dealers.prepay, render: (_, dealer) => (dealer.prepay ? t.app.yes : t.app.no) },
          { title: t.dealers.minRemainingDays, dataIndex: 'minRemainingDays', align: 'right' },
          { title: t.dealers.status, render: (_, dealer) => <DealerStatus dealer={dealer} /> },
          {
            title: t.app.actions,
            render: (_, dealer) => (
              <Button size="small" onClick={() => setEditing(dealer)} aria-label={`${t.app.details} ${dealer.id}`}>
                {t.app.details}
              </Button>
            ),
          },
        ]}
      />
      {dealers.hasNextPage && (
        <Button onClick={() => void dealers.fetchNextPage()} loading={dealers.isFetchingNextPage}>
          {t.app.loadMore}
        </Button>
      )}
      {current && <DealerEditor key={current.id} dealer={current} onClose={() => setEditing(null)} />}
      {creating && <NewDealerForm onClose={() => setCreating(false)} />}
    </Space>
  );
}
