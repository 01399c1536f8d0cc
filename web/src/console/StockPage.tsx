// Stock by SKU and warehouse with its lots and expiry tiers, low stock, expiring lots, movements,
// and the ops forms for receipts and adjustments.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Typography, type FormInstance } from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { get, newIdempotencyKey, post } from '../api/client.ts';
import type { ExpiringLot, LowStock, Page, Stock, StockLot, StockMovement, Warehouse } from '../api/types.ts';
import { dateTime, day } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { useCommand } from '../shared/useCommand.ts';
import { useDebounced } from '../shared/useDebounced.ts';
import { ProblemAlert, showFieldErrors } from '../shared/problem.tsx';

const TIER_COLORS: Record<string, string> = { expired: 'magenta', red: 'red', yellow: 'gold', blue: 'blue' };

export function TierTag({ tier }: { tier: string | null }) {
  const t = useT();
  if (!tier) return null;
  return <Tag color={TIER_COLORS[tier] ?? 'default'}>{t.stock.tiers[tier] ?? tier}</Tag>;
}

function useWarehouses() {
  return useQuery({
    queryKey: ['warehouses'],
    staleTime: 300_000,
    queryFn: ({ signal }) => get<Page<Warehouse>>('/v1/warehouses', { limit: 500 }, signal),
  });
}

function WarehouseSelect(props: {
  value?: string;
  onChange?: (value: string) => void;
  allowClear?: boolean;
  id?: string;
  'aria-label'?: string;
}) {
  const t = useT();
  const warehouses = useWarehouses();
  return (
    <Select
      {...props}
      placeholder={t.stock.warehouse}
      style={{ minWidth: 180 }}
      loading={warehouses.isPending}
      options={(warehouses.data?.items ?? []).map((warehouse) => ({ value: warehouse.id, label: `${warehouse.id} · ${warehouse.name}` }))}
    />
  );
}

function LotsTable({ lots }: { lots: StockLot[] }) {
  const t = useT();
  const { locale } = useLang();
  return (
    <Table<StockLot>
      rowKey="lot"
      size="small"
      pagination={false}
      dataSource={lots}
      columns={[
        { title: t.stock.lot, dataIndex: 'lot' },
        { title: t.stock.productionDate, render: (_, lot) => day(lot.productionDate, locale) },
        { title: t.stock.expiryDate, render: (_, lot) => day(lot.expiryDate, locale) },
        { title: t.stock.daysLeft, dataIndex: 'daysLeft', align: 'right' },
        { title: t.stock.qty, dataIndex: 'qty', align: 'right' },
        { title: t.stock.tier, render: (_, lot) => <TierTag tier={lot.daysLeft <= 0 ? 'expired' : lot.expiryTier} /> },
      ]}
    />
  );
}

/** Stock per SKU and warehouse, first filtered on what the link named (an inbox alert: /console/stock?sku=…&warehouseId=…). */
function StockBySku({ linked }: { linked: { sku: string; warehouseId: string | undefined } }) {
  const t = useT();
  const [sku, setSku] = useState(linked.sku);
  const [warehouseId, setWarehouseId] = useState<string | undefined>(linked.warehouseId);
  const query = { sku: useDebounced(sku.trim(), 300) || undefined, warehouseId };
  const stock = useInfiniteQuery({
    queryKey: ['stock', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => get<Page<Stock>>('/v1/stock', { ...query, limit: 100, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = stock.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Input
          aria-label={t.product.sku}
          placeholder={t.product.sku}
          allowClear
          value={sku}
          onChange={(event) => setSku(event.target.value)}
          style={{ width: 200 }}
        />
        <WarehouseSelect aria-label={t.stock.warehouse} allowClear value={warehouseId} onChange={setWarehouseId} />
      </Space>
      <ProblemAlert error={stock.error} />
      <Table<Stock>
        rowKey={(row) => `${row.sku}@${row.warehouseId}`}
        size="small"
        loading={stock.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        expandable={{ expandedRowRender: (row) => <LotsTable lots={row.lots} />, rowExpandable: (row) => row.lots.length > 0 }}
        columns={[
          { title: t.product.sku, dataIndex: 'sku' },
          { title: t.stock.warehouse, dataIndex: 'warehouseId' },
          { title: t.stock.onHand, dataIndex: 'onHand', align: 'right' },
          { title: t.stock.reserved, dataIndex: 'reserved', align: 'right' },
          { title: t.stock.available, dataIndex: 'available', align: 'right' },
          {
            title: t.stock.tier,
            render: (_, row) =>
              [...new Set(row.lots.map((lot) => (lot.daysLeft <= 0 ? 'expired' : lot.expiryTier)).filter(Boolean))].map((tier) => (
                <TierTag key={tier} tier={tier} />
              )),
          },
        ]}
      />
      {stock.hasNextPage && (
        <Button onClick={() => void stock.fetchNextPage()} loading={stock.isFetchingNextPage}>
          {t.app.loadMore}
        </Button>
      )}
    </Space>
  );
}

function LowStockTable() {
  const t = useT();
  const low = useQuery({
    queryKey: ['stock', 'low'],
    queryFn: ({ signal }) => get<Page<LowStock>>('/v1/stock/low', { limit: 500 }, signal),
  });
  return (
    <>
      <ProblemAlert error={low.error} />
      <Table<LowStock>
        rowKey="sku"
        size="small"
        loading={low.isPending}
        dataSource={low.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t.product.sku, dataIndex: 'sku' },
          { title: t.dealers.name, dataIndex: 'name' },
          { title: t.stock.threshold, dataIndex: 'threshold', align: 'right' },
          { title: t.stock.onHand, dataIndex: 'onHand', align: 'right' },
          {
            title: t.stock.available,
            align: 'right',
            render: (_, row) => <Typography.Text type={row.available === 0 ? 'danger' : 'warning'}>{row.available}</Typography.Text>,
          },
        ]}
      />
    </>
  );
}

function ExpiringTable() {
  const t = useT();
  const { locale } = useLang();
  const [tier, setTier] = useState<string>('red');
  const lots = useQuery({
    queryKey: ['stock', 'expiring', tier],
    queryFn: ({ signal }) => get<Page<ExpiringLot>>('/v1/stock/expiring', { tier, limit: 500 }, signal),
  });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Select
        aria-label={t.stock.tier}
        value={tier}
        onChange={setTier}
        style={{ minWidth: 200 }}
        options={['red', 'yellow', 'blue'].map((value) => ({ value, label: t.stock.tiers[value] }))}
      />
      <ProblemAlert error={lots.error} />
      <Table<ExpiringLot>
        rowKey={(row) => `${row.sku}@${row.warehouseId}/${row.lot}`}
        size="small"
        loading={lots.isPending}
        dataSource={lots.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t.product.sku, dataIndex: 'sku' },
          { title: t.stock.warehouse, dataIndex: 'warehouseId' },
          { title: t.stock.lot, dataIndex: 'lot' },
          { title: t.stock.expiryDate, render: (_, lot) => day(lot.expiryDate, locale) },
          { title: t.stock.daysLeft, dataIndex: 'daysLeft', align: 'right' },
          { title: t.stock.qty, dataIndex: 'qty', align: 'right' },
          { title: t.stock.tier, render: (_, lot) => <TierTag tier={lot.expiryTier} /> },
        ]}
      />
    </Space>
  );
}

function MovementsTable() {
  const t = useT();
  const { locale } = useLang();
  const movements = useInfiniteQuery({
    queryKey: ['stock', 'movements'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => get<Page<StockMovement>>('/v1/stock/movements', { limit: 100, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ProblemAlert error={movements.error} />
      <Table<StockMovement>
        rowKey="id"
        size="small"
        loading={movements.isPending}
        dataSource={movements.data?.pages.flatMap((page) => page.items) ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t.credit.at, render: (_, row) => dateTime(row.occurredAt, locale) },
          { title: t.stock.kind, dataIndex: 'kind' },
          { title: t.product.sku, dataIndex: 'sku' },
          { title: t.stock.warehouse, dataIndex: 'warehouseId' },
          { title: t.stock.lot, dataIndex: 'lot' },
          { title: t.stock.qty, dataIndex: 'qty', align: 'right' },
          { title: t.credit.reference, render: (_, row) => [row.reference, row.orderId, row.reason].filter(Boolean).join(' · ') },
        ]}
      />
      {movements.hasNextPage && (
        <Button onClick={() => void movements.fetchNextPage()} loading={movements.isFetchingNextPage}>
          {t.app.loadMore}
        </Button>
      )}
    </Space>
  );
}

/** A stock command form: one Idempotency-Key per filled-in form, field errors on their fields. */
function useStockCommand<Values>(form: FormInstance<Values>, path: string, body: (values: Values) => unknown, success: string) {
  const [key, setKey] = useState(newIdempotencyKey);
  const command = useCommand((values: Values) => post(path, body(values), { headers: { 'idempotency-key': key } }), {
    success: () => success,
    invalidate: [['stock']],
    onSuccess: () => {
      form.resetFields();
      setKey(newIdempotencyKey());
    },
  });
  const submit = (values: Values) =>
    command.mutate(values, {
      onError: (error) => {
        showFieldErrors(form, error);
        setKey(newIdempotencyKey());
      },
    });
  return { command, submit };
}

type ReceiptValues = { sku: string; warehouseId: string; lot: string; productionDate: string; expiryDate: string; qty: number };

function ReceiptForm() {
  const t = useT();
  const [form] = Form.useForm<ReceiptValues>();
  const { command, submit } = useStockCommand(form, '/v1/stock/receipts', (values) => values, t.stock.received);
  return (
    <Form form={form} layout="vertical" onFinish={submit} style={{ maxWidth: 520 }}>
      <Form.Item label={t.product.sku} name="sku" rules={[{ required: true }]}>
        <Input />
      </Form.Item>
      <Form.Item label={t.stock.warehouse} name="warehouseId" rules={[{ required: true }]}>
        <WarehouseSelect />
      </Form.Item>
      <Form.Item label={t.stock.lot} name="lot" rules={[{ required: true }]}>
        <Input />
      </Form.Item>
      <Space wrap>
        <Form.Item label={t.stock.productionDate} name="productionDate" rules={[{ required: true }]}>
          <Input type="date" />
        </Form.Item>
        <Form.Item label={t.stock.expiryDate} name="expiryDate" rules={[{ required: true }]}>
          <Input type="date" />
        </Form.Item>
        <Form.Item label={t.stock.qty} name="qty" rules={[{ required: true }]}>
          <InputNumber min={1} precision={0} />
        </Form.Item>
      </Space>
      <ProblemAlert error={command.error} style={{ marginBottom: 12 }} />
      <Button type="primary" htmlType="submit" loading={command.isPending}>
        {t.stock.receipt}
      </Button>
    </Form>
  );
}

type AdjustmentValues = { sku: string; warehouseId: string; lot: string; delta: number; reason: string };

function AdjustmentForm() {
  const t = useT();
  const [form] = Form.useForm<AdjustmentValues>();
  const { command, submit } = useStockCommand(form, '/v1/stock/adjustments', (values) => values, t.stock.adjusted);
  return (
    <Form form={form} layout="vertical" onFinish={submit} style={{ maxWidth: 520 }}>
      <Form.Item label={t.product.sku} name="sku" rules={[{ required: true }]}>
        <Input />
      </Form.Item>
      <Form.Item label={t.stock.warehouse} name="warehouseId" rules={[{ required: true }]}>
        <WarehouseSelect />
      </Form.Item>
      <Form.Item label={t.stock.lot} name="lot" rules={[{ required: true }]}>
        <Input />
      </Form.Item>
      <Form.Item label={t.stock.delta} name="delta" rules={[{ required: true }]}>
        <InputNumber precision={0} />
      </Form.Item>
      <Form.Item label={t.stock.reason} name="reason" rules={[{ required: true }]}>
        <Input maxLength={500} />
      </Form.Item>
      <ProblemAlert error={command.error} style={{ marginBottom: 12 }} />
      <Button type="primary" htmlType="submit" loading={command.isPending}>
        {t.stock.adjustment}
      </Button>
    </Form>
  );
}

export function StockPage() {
  const t = useT();
  const [params] = useSearchParams();
  const linkedSku = params.get('sku') ?? '';
  const linkedWarehouse = params.get('warehouseId') ?? undefined;
  const tabs = useMemo(
    () => [
      {
        key: 'stock',
        label: t.stock.bySku,
        // Keyed by the link: following another alert's link starts from its filter.
        children: <StockBySku key={`${linkedSku}@${linkedWarehouse ?? ''}`} linked={{ sku: linkedSku, warehouseId: linkedWarehouse }} />,
      },
      { key: 'low', label: t.stock.low, children: <LowStockTable /> },
      { key: 'expiring', label: t.stock.expiring, children: <ExpiringTable /> },
      { key: 'movements', label: t.stock.movements, children: <MovementsTable /> },
      { key: 'receipt', label: t.stock.receipt, children: <ReceiptForm /> },
      { key: 'adjustment', label: t.stock.adjustment, children: <AdjustmentForm /> },
    ],
    [t, linkedSku, linkedWarehouse],
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.stock.title}
      </Typography.Title>
      <Card>
        <Tabs items={tabs} destroyOnHidden />
      </Card>
    </Space>
  );
}
