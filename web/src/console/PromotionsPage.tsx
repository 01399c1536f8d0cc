// Promotions: running and past ones, ending one, and a new one (its rule and eligibility as JSON,
// the forms the API documents per kind; a budget per delivery region); a promotion's detail with
// what each region's budget has used and has left.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  AutoComplete,
  Button,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Progress,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { ApiProblem, get, newIdempotencyKey, post } from '../api/client.ts';
import type { Page, Promotion, PromotionBudget } from '../api/types.ts';
import { businessInstant, dateTime, money, yuanToMinor } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { useCommand } from '../shared/useCommand.ts';
import { ProblemAlert, showFieldErrors, showFieldErrorsAt } from '../shared/problem.tsx';
import { useRegionCodes } from '../shared/regions.ts';
import { useCan } from '../shared/roles.ts';

const RULE_EXAMPLES: Record<string, string> = {
  percent_off: '{ "percent": 10 }',
  amount_off: '{ "amountOffMinor": 500 }',
  spend_threshold: '{ "minSpendMinor": 100000, "amountOffMinor": 8000 }',
  buy_x_get_y: '{ "buyQty": 10, "getQty": 1 }',
  bundle_price: '{ "skus": ["SKU-A", "SKU-B"], "bundlePriceMinor": 9900 }',
  tiered_quantity: '{ "breaks": [{ "minQty": 20, "unitOffMinor": 200 }] }',
};

type BudgetRow = { regionCode?: string; maxDiscount?: number | null; maxUnits?: number | null };

type NewPromotion = {
  title: string;
  kind: string;
  rule: string;
  eligibility?: string;
  startsAt: string;
  endsAt: string;
  stackable: boolean;
  budgets?: BudgetRow[];
};

function parseJson(text: string | undefined): unknown {
  return text?.trim() ? JSON.parse(text) : undefined;
}

/** The form's rows as the API's `budgets` record (yuan → fen); rows without a region are left out. */
function budgetsOf(rows: BudgetRow[] | undefined): Record<string, { maxDiscountMinor?: number; maxUnits?: number }> {
  const budgets: Record<string, { maxDiscountMinor?: number; maxUnits?: number }> = {};
  for (const row of rows ?? []) {
    const regionCode = row.regionCode?.trim();
    if (!regionCode) continue;
    budgets[regionCode] = {
      ...(row.maxDiscount !== undefined && row.maxDiscount !== null && { maxDiscountMinor: yuanToMinor(row.maxDiscount) }),
      ...(row.maxUnits !== undefined && row.maxUnits !== null && { maxUnits: row.maxUnits }),
    };
  }
  return budgets;
}

const BUDGET_FIELDS: Record<string, keyof BudgetRow> = { maxDiscountMinor: 'maxDiscount', maxUnits: 'maxUnits' };

/** `budgets.CN-31.maxDiscountMinor` → the row of CN-31's discount field; `budgets.CN-31` → its region field. */
function budgetFieldOf(path: string, rows: BudgetRow[] | undefined): (string | number)[] | undefined {
  const match = /^budgets\.(.+?)(?:\.(maxDiscountMinor|maxUnits))?$/.exec(path);
  if (!match) return undefined;
  const index = (rows ?? []).findIndex((row) => row.regionCode?.trim() === match[1]);
  if (index < 0) return undefined;
  return ['budgets', index, match[2] ? BUDGET_FIELDS[match[2]]! : 'regionCode'];
}

/** One row per region: its code (a known one suggested, any typed), at most so much discount in yuan, at most so many units. */
function BudgetRows() {
  const t = useT();
  const regions = useRegionCodes();
  return (
    <Form.List name="budgets">
      {(fields, { add, remove }) => (
        <fieldset style={{ border: 'none', margin: 0, padding: 0 }}>
          <legend style={{ fontSize: 14, marginBottom: 8 }}>{t.promotions.budgets}</legend>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t.promotions.budgetsHelp}
          </Typography.Paragraph>
          {fields.map((field) => (
            <Space key={field.key} align="start" wrap>
              <Form.Item
                name={[field.name, 'regionCode']}
                label={t.promotions.region}
                style={{ width: 160 }}
                rules={[
                  { required: true, message: t.promotions.regionRequired },
                  ({ getFieldValue }) => ({
                    validator: async (_, value?: string) => {
                      const rows = (getFieldValue('budgets') as BudgetRow[] | undefined) ?? [];
                      if (value && rows.filter((row) => row.regionCode?.trim() === value.trim()).length > 1)
                        throw new Error(t.promotions.regionTwice);
                    },
                  }),
                ]}
              >
                <AutoComplete
                  aria-label={`${t.promotions.region} ${field.name + 1}`}
                  options={regions.map((value) => ({ value }))}
                  style={{ width: 140 }}
                />
              </Form.Item>
              <Form.Item
                name={[field.name, 'maxDiscount']}
                label={t.promotions.maxDiscount}
                dependencies={[['budgets', field.name, 'maxUnits']]}
                rules={[
                  ({ getFieldValue }) => ({
                    validator: async (_, value?: number | null) => {
                      const units = getFieldValue(['budgets', field.name, 'maxUnits']) as number | null | undefined;
                      if ((value === undefined || value === null) && (units === undefined || units === null))
                        throw new Error(t.promotions.budgetEmpty);
                    },
                  }),
                ]}
              >
                <InputNumber<number>
                  aria-label={`${t.promotions.maxDiscount} ${field.name + 1}`}
                  min={0.01}
                  precision={2}
                  prefix="¥"
                  style={{ width: 160 }}
                />
              </Form.Item>
              <Form.Item name={[field.name, 'maxUnits']} label={t.promotions.maxUnits}>
                <InputNumber<number>
                  aria-label={`${t.promotions.maxUnits} ${field.name + 1}`}
                  min={1}
                  precision={0}
                  style={{ width: 120 }}
                />
              </Form.Item>
              <Button
                type="text"
                aria-label={`${t.promotions.removeBudget} ${field.name + 1}`}
                icon={<MinusCircleOutlined />}
                onClick={() => remove(field.name)}
                style={{ marginTop: 30 }}
              />
            </Space>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>
            {t.promotions.addBudget}
          </Button>
        </fieldset>
      )}
    </Form.List>
  );
}

function NewPromotionForm({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<NewPromotion>();
  const kind = Form.useWatch('kind', form) ?? 'percent_off';
  // A refusal is kept under its key: the corrected form is sent under a new one.
  const [key, setKey] = useState(newIdempotencyKey);
  const create = useCommand(
    (values: NewPromotion) =>
      post(
        '/v1/promotions',
        {
          title: values.title,
          kind: values.kind,
          rule: parseJson(values.rule),
          eligibility: parseJson(values.eligibility),
          startsAt: businessInstant(values.startsAt),
          endsAt: businessInstant(values.endsAt),
          stackable: values.stackable,
          budgets: budgetsOf(values.budgets),
        },
        { headers: { 'idempotency-key': key } },
      ),
    { success: () => t.promotions.created, invalidate: [['promotions']], onSuccess: onClose },
  );
  const jsonRule = { validator: async (_: unknown, value?: string) => void parseJson(value) };
  return (
    <Modal
      open
      title={t.promotions.create}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t.app.save}
      cancelText={t.app.cancel}
      confirmLoading={create.isPending}
      width={640}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'percent_off', stackable: false }}
        onFinish={(values) =>
          create.mutate(values, {
            onError: (error) => {
              if (error instanceof ApiProblem && error.status > 0 && error.status < 500) setKey(newIdempotencyKey());
              showFieldErrors(form, error);
              showFieldErrorsAt(form, error, (path) => budgetFieldOf(path, values.budgets));
            },
          })
        }
      >
        <Form.Item label={t.promotions.name} name="title" rules={[{ required: true }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t.promotions.kind} name="kind" rules={[{ required: true }]}>
          <Select options={Object.keys(RULE_EXAMPLES).map((value) => ({ value, label: t.promotions.kinds[value] ?? value }))} />
        </Form.Item>
        <Form.Item label={t.promotions.rule} name="rule" rules={[{ required: true }, { ...jsonRule, message: t.promotions.badJson }]}>
          <Input.TextArea rows={3} placeholder={RULE_EXAMPLES[kind]} spellCheck={false} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item label={t.promotions.eligibility} name="eligibility" rules={[{ ...jsonRule, message: t.promotions.badJson }]}>
          <Input.TextArea
            rows={2}
            placeholder='{ "categories": ["snacks"], "tiers": ["gold"] }'
            spellCheck={false}
            style={{ fontFamily: 'monospace' }}
          />
        </Form.Item>
        <Space wrap>
          <Form.Item label={t.promotions.startsAt} name="startsAt" rules={[{ required: true }]}>
            <Input type="datetime-local" />
          </Form.Item>
          <Form.Item label={t.promotions.endsAt} name="endsAt" rules={[{ required: true }]}>
            <Input type="datetime-local" />
          </Form.Item>
          <Form.Item label={t.promotions.stackable} name="stackable" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <BudgetRows />
        <ProblemAlert error={create.error} />
      </Form>
    </Modal>
  );
}

/** Used of a limit as a bar and in words; no limit: what is used only. */
function BudgetUse({
  used,
  max,
  remaining,
  format,
  label,
}: {
  used: number;
  max: number | null;
  remaining: number | null;
  format: (value: number) => string;
  label: string;
}) {
  const t = useT();
  if (max === null) return <Typography.Text type="secondary">{t.promotions.noLimit}</Typography.Text>;
  const spent = remaining !== null && remaining <= 0;
  return (
    <div style={{ minWidth: 220 }}>
      <Progress
        percent={Math.min(100, Math.round((used / max) * 1000) / 10)}
        status={spent ? 'exception' : 'active'}
        size="small"
        aria-label={label}
      />
      <Typography.Text style={{ fontSize: 12 }}>
        {t.promotions.budgetUsed(format(used), format(max))} · {t.promotions.budgetLeft(format(remaining ?? 0))}
      </Typography.Text>
    </div>
  );
}

const units = (value: number) => String(value);

function PromotionDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const t = useT();
  const { locale } = useLang();
  const promotion = useQuery({
    queryKey: ['promotions', 'detail', id],
    queryFn: ({ signal }) => get<Promotion>(`/v1/promotions/${encodeURIComponent(id)}`, undefined, signal),
  });
  const data = promotion.data;
  return (
    <Drawer open onClose={onClose} title={data ? `${data.id} · ${data.title}` : id} size={720}>
      <ProblemAlert error={promotion.error} />
      {data && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              { key: 'kind', label: t.promotions.kind, children: t.promotions.kinds[data.kind] ?? data.kind },
              {
                key: 'window',
                label: t.promotions.window,
                children: `${dateTime(data.startsAt, locale)} – ${dateTime(data.endsAt, locale)}`,
              },
              { key: 'status', label: t.promotions.status, children: t.promotions.statuses[data.status] ?? data.status },
              { key: 'rule', label: t.promotions.rule, children: <code>{JSON.stringify(data.rule)}</code> },
              { key: 'eligibility', label: t.promotions.eligibility, children: <code>{JSON.stringify(data.eligibility)}</code> },
              { key: 'redemptions', label: t.promotions.redemptions, children: data.redemptions },
            ]}
          />
          <section aria-label={t.promotions.budgets}>
            <Typography.Title level={3} style={{ fontSize: 16 }}>
              {t.promotions.budgets}
            </Typography.Title>
            <Table<PromotionBudget>
              rowKey="regionCode"
              size="small"
              pagination={false}
              dataSource={data.budgets ?? []}
              locale={{ emptyText: t.promotions.noBudgets }}
              scroll={{ x: 'max-content' }}
              columns={[
                { title: t.promotions.region, dataIndex: 'regionCode' },
                {
                  title: t.promotions.maxDiscount,
                  render: (_, budget) => (
                    <BudgetUse
                      used={budget.usedDiscountMinor}
                      max={budget.maxDiscountMinor}
                      remaining={budget.remainingDiscountMinor}
                      format={(value) => money(value)}
                      label={`${budget.regionCode} ${t.promotions.maxDiscount}`}
                    />
                  ),
                },
                {
                  title: t.promotions.maxUnits,
                  render: (_, budget) => (
                    <BudgetUse
                      used={budget.usedUnits}
                      max={budget.maxUnits}
                      remaining={budget.remainingUnits}
                      format={units}
                      label={`${budget.regionCode} ${t.promotions.maxUnits}`}
                    />
                  ),
                },
              ]}
            />
          </section>
        </Space>
      )}
    </Drawer>
  );
}

export function PromotionsPage() {
  const t = useT();
  const { locale } = useLang();
  const [activeOnly, setActiveOnly] = useState(true);
  const [creating, setCreating] = useState(false);
  const [detail, setDetail] = useState<string | null>(null);
  const can = useCan();
  const manages = can(['ops']);
  const promotions = useQuery({
    queryKey: ['promotions', activeOnly],
    queryFn: ({ signal }) => get<Page<Promotion>>('/v1/promotions', { active: activeOnly || undefined, limit: 500 }, signal),
  });
  const end = useCommand((id: string) => post(`/v1/promotions/${encodeURIComponent(id)}/end`, {}), {
    success: () => t.promotions.ended,
    invalidate: [['promotions']],
  });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
          {t.promotions.title}
        </Typography.Title>
        <Space>
          <Switch checked={activeOnly} onChange={setActiveOnly} aria-label={t.promotions.activeOnly} />
          <span>{t.promotions.activeOnly}</span>
          {manages && (
            <Button type="primary" onClick={() => setCreating(true)}>
              {t.promotions.create}
            </Button>
          )}
        </Space>
      </Space>
      <ProblemAlert error={promotions.error ?? end.error} />
      <Table<Promotion>
        rowKey="id"
        loading={promotions.isPending}
        dataSource={promotions.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t.promotions.id, dataIndex: 'id' },
          { title: t.promotions.name, dataIndex: 'title' },
          { title: t.promotions.kind, render: (_, promotion) => t.promotions.kinds[promotion.kind] ?? promotion.kind },
          {
            title: t.promotions.window,
            render: (_, promotion) => `${dateTime(promotion.startsAt, locale)} – ${dateTime(promotion.endsAt, locale)}`,
          },
          { title: t.promotions.redemptions, dataIndex: 'redemptions', align: 'right' },
          {
            title: t.promotions.status,
            render: (_, promotion) => (
              <Tag color={promotion.status === 'active' ? 'green' : 'default'}>
                {t.promotions.statuses[promotion.status] ?? promotion.status}
              </Tag>
            ),
          },
          {
            title: t.app.actions,
            render: (_, promotion) => (
              <Space>
                <Button size="small" onClick={() => setDetail(promotion.id)} aria-label={`${t.app.details} ${promotion.id}`}>
                  {t.app.details}
                </Button>
                {manages && promotion.status === 'active' && (
                  <Popconfirm
                    title={`${t.promotions.end} ${promotion.title}?`}
                    onConfirm={() => end.mutate(promotion.id)}
                    okText={t.app.confirm}
                    cancelText={t.app.cancel}
                  >
                    <Button size="small" danger>
                      {t.promotions.end}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      {creating && <NewPromotionForm onClose={() => setCreating(false)} />}
      {detail && <PromotionDetail id={detail} onClose={() => setDetail(null)} />}
    </Space>
  );
}
