// Dashboards over the analytics read models: sales by day and by category, bestsellers, approval
// rate and time to decision, expiry risk and replenishment, for the last 30 days (China days).
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Space, Statistic, Table, Typography } from 'antd';
import { get } from '../api/client.ts';
import type { Bestseller, InventoryReport, OrderDecisionReport, Page, ReplenishmentItem, SalesReport } from '../api/types.ts';
import { money, percent, businessToday } from '../format.ts';
import { useT } from '../i18n/i18n.tsx';
import { ProblemAlert } from '../shared/problem.tsx';
import { Chart, type ChartOption } from './Chart.tsx';

const DAYS = 30;
const TIER_COLORS: Record<string, string> = { expired: '#c41d7f', red: '#f5222d', yellow: '#faad14', blue: '#1677ff' };

const seconds = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toFixed(1));

function useReport<T>(path: string, query: Record<string, string | number | boolean | undefined>) {
  return useQuery({ queryKey: ['analytics', path, query], queryFn: ({ signal }) => get<T>(path, query, signal) });
}

function ChartCard({ title, loading, error, children }: { title: string; loading: boolean; error: unknown; children: React.ReactNode }) {
  return (
    <Card title={title} loading={loading} size="small">
      <ProblemAlert error={error} />
      {children}
    </Card>
  );
}

export function DashboardPage() {
  const t = useT();
  const range = { from: businessToday(-(DAYS - 1)), to: businessToday(1) };
  const byDay = useReport<SalesReport>('/v1/analytics/sales', { groupBy: 'day', ...range, limit: 500 });
  const byCategory = useReport<SalesReport>('/v1/analytics/sales', { groupBy: 'category', ...range, limit: 100 });
  const bestsellers = useReport<Page<Bestseller>>('/v1/analytics/bestsellers', { ...range, limit: 10 });
  const decisions = useReport<OrderDecisionReport>('/v1/analytics/orders', { groupBy: 'day', ...range, limit: 500 });
  const inventory = useReport<InventoryReport>('/v1/analytics/inventory', { limit: 1 });
  const replenishment = useReport<Page<ReplenishmentItem>>('/v1/analytics/replenishment', { reorderOnly: true, limit: 20 });

  const yuanAxis = { type: 'value', axisLabel: { formatter: (value: number) => `¥${value.toLocaleString()}` } };
  const salesByDay: ChartOption = {
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 40, top: 40, bottom: 30 },
    legend: { top: 0, data: [t.dashboard.net, t.dashboard.orders] },
    xAxis: { type: 'category', data: (byDay.data?.items ?? []).map((row) => row.key.slice(5)) },
    yAxis: [yuanAxis, { type: 'value', minInterval: 1 }],
    series: [
      {
        name: t.dashboard.net,
        type: 'line',
        smooth: true,
        areaStyle: { opacity: 0.15 },
        data: (byDay.data?.items ?? []).map((row) => row.netMinor / 100),
      },
      { name: t.dashboard.orders, type: 'bar', yAxisIndex: 1, data: (byDay.data?.items ?? []).map((row) => row.orders) },
    ],
  };
  const salesByCategory: ChartOption = {
    tooltip: { trigger: 'item', valueFormatter: (value: number) => money(Math.round(value * 100)) },
    legend: { bottom: 0 },
    series: [
      {
        type: 'pie',
        radius: ['35%', '65%'],
        center: ['50%', '42%'],
        label: { show: false },
        data: (byCategory.data?.items ?? []).map((row) => ({ name: t.product.categories[row.key] ?? row.key, value: row.netMinor / 100 })),
      },
    ],
  };
  const best = [...(bestsellers.data?.items ?? [])].reverse();
  const bestsellersChart: ChartOption = {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 24, top: 10, bottom: 20, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: best.map((row) => (row.name.length > 18 ? `${row.name.slice(0, 17)}…` : row.name)) },
    series: [{ type: 'bar', data: best.map((row) => row.qty), itemStyle: { color: '#13c2c2' } }],
  };
  const totals = decisions.data?.totals;
  const approvalChart: ChartOption = {
    series: [
      {
        type: 'gauge',
        min: 0,
        max: 100,
        startAngle: 210,
        endAngle: -30,
        progress: { show: true, width: 14 },
        axisLine: { lineStyle: { width: 14 } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        title: { show: false },
        detail: { formatter: '{value}%', fontSize: 24, offsetCenter: [0, 0] },
        data: [{ value: Math.round((totals?.approvalRate ?? 0) * 1000) / 10, name: t.dashboard.approvalRate }],
      },
    ],
  };
  const expiry = inventory.data?.expiry ?? [];
  const expiryChart: ChartOption = {
    tooltip: { trigger: 'axis', valueFormatter: (value: number) => money(Math.round(value * 100)) },
    grid: { left: 72, right: 16, top: 16, bottom: 30 },
    xAxis: { type: 'category', data: expiry.map((row) => t.stock.tiers[row.tier] ?? row.tier) },
    yAxis: yuanAxis,
    series: [{ type: 'bar', data: expiry.map((row) => ({ value: row.valueMinor / 100, itemStyle: { color: TIER_COLORS[row.tier] } })) }],
  };
  const reorder = replenishment.data?.items ?? [];
  const replenishmentChart: ChartOption = {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 24, top: 10, bottom: 20, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: reorder.map((row) => `${row.sku}@${row.warehouseId}`) },
    series: [{ type: 'bar', data: reorder.map((row) => row.suggestedQty), itemStyle: { color: '#722ed1' } }],
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.dashboard.title} <Typography.Text type="secondary">· {t.dashboard.lastDays(DAYS)}</Typography.Text>
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <ChartCard title={t.dashboard.salesByDay} loading={byDay.isPending} error={byDay.error}>
            <Chart label={t.dashboard.salesByDay} option={salesByDay} />
          </ChartCard>
        </Col>
        <Col xs={24} xl={8}>
          <ChartCard title={t.dashboard.salesByCategory} loading={byCategory.isPending} error={byCategory.error}>
            <Chart label={t.dashboard.salesByCategory} option={salesByCategory} />
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={t.dashboard.bestsellers} loading={bestsellers.isPending} error={bestsellers.error}>
            <Chart label={t.dashboard.bestsellers} option={bestsellersChart} />
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={t.dashboard.approvalRate} loading={decisions.isPending} error={decisions.error}>
            <Row gutter={8}>
              <Col xs={24} md={12}>
                <Chart label={t.dashboard.approvalRate} option={approvalChart} height={220} />
              </Col>
              <Col xs={24} md={12}>
                <Space orientation="vertical">
                  <Statistic title={t.dashboard.automatic} value={percent(totals?.automaticApprovalRate)} />
                  <Statistic
                    title={`${t.dashboard.decisionTime} · ${t.dashboard.average}`}
                    value={seconds(totals?.decisionSeconds.average)}
                  />
                  <Statistic
                    title={`${t.dashboard.decisionTime} · ${t.dashboard.median}`}
                    value={seconds(totals?.decisionSeconds.median)}
                  />
                  <Statistic title={t.dashboard.held} value={totals?.onHold ?? 0} />
                </Space>
              </Col>
            </Row>
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={t.dashboard.expiryRisk} loading={inventory.isPending} error={inventory.error}>
            <Chart label={t.dashboard.expiryRisk} option={expiryChart} />
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={t.dashboard.replenishment} loading={replenishment.isPending} error={replenishment.error}>
            {reorder.length > 0 ? (
              <Chart label={t.dashboard.replenishment} option={replenishmentChart} />
            ) : (
              <Table<ReplenishmentItem> size="small" dataSource={[]} pagination={false} columns={[{ title: t.dashboard.suggestedQty }]} />
            )}
            {reorder.length > 0 && (
              <Table<ReplenishmentItem>
                rowKey={(row) => `${row.sku}@${row.warehouseId}`}
                size="small"
                dataSource={reorder}
                pagination={false}
                scroll={{ x: 'max-content' }}
                columns={[
                  { title: t.product.sku, dataIndex: 'sku' },
                  { title: t.stock.warehouse, dataIndex: 'warehouseId' },
                  { title: t.stock.available, render: (_, row) => row.inputs.available, align: 'right' },
                  { title: t.dashboard.suggestedQty, dataIndex: 'suggestedQty', align: 'right' },
                ]}
              />
            )}
          </ChartCard>
        </Col>
      </Row>
    </Space>
  );
}
