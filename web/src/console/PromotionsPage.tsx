// Promotions: running and past ones, ending one, and a new one (its rule and eligibility as JSON,
// the forms the API documents per kind).
import { useQuery } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { get, newIdempotencyKey, post } from '../api/client.ts';
import type { Page, Promotion } from '../api/types.ts';
import { dateTime } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { useCommand } from '../shared/useCommand.ts';
import { ProblemAlert, showFieldErrors } from '../shared/problem.tsx';

const RULE_EXAMPLES: Record<string, string> = {
  percent_off: '{ "percent": 10 }',
  amount_off: '{ "amountOffMinor": 500 }',
  spend_threshold: '{ "minSpendMinor": 100000, "amountOffMinor": 8000 }',
  buy_x_get_y: '{ "buyQty": 10, "getQty": 1 }',
  bundle_price: '{ "skus": ["SKU-A", "SKU-B"], "bundlePriceMinor": 9900 }',
  tiered_quantity: '{ "breaks": [{ "minQty": 20, "unitOffMinor": 200 }] }',
};

/** A time typed in the form is a time in China (UTC+8), whatever the browser's zone. */
const shanghaiInstant = (local: string) => new Date(`${local}:00+08:00`).toISOString();

type NewPromotion = { title: string; kind: string; rule: string; eligibility?: string; startsAt: string; endsAt: string; stackable: boolean };

function parseJson(text: string | undefined): unknown {
  return text?.trim() ? JSON.parse(text) : undefined;
}

function NewPromotionForm({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<NewPromotion>();
  const kind = Form.useWatch('kind', form) ?? 'percent_off';
  const [key] = useState(newIdempotencyKey);
  const create = useCommand(
    (values: NewPromotion) =>
      post(
        '/v1/promotions',
        {
          title: values.title,
          kind: values.kind,
          rule: parseJson(values.rule),
          eligibility: parseJson(values.eligibility),
          startsAt: shanghaiInstant(values.startsAt),
          endsAt: shanghaiInstant(values.endsAt),
          stackable: values.stackable,
        },
        { headers: { 'idempotency-key': key } },
      ),
    { success: () => t.promotions.created, invalidate: [['promotions']], onSuccess: onClose },
  );
  const jsonRule = { validator: async (_: unknown, value?: string) => void parseJson(value) };
  return (
    <Modal open title={t.promotions.create} onCancel={onClose} onOk={() => form.submit()} okText={t.app.save} cancelText={t.app.cancel} confirmLoading={create.isPending} width={640}>
      <Form form={form} layout="vertical" initialValues={{ kind: 'percent_off', stackable: false }} onFinish={(values) => create.mutate(values, { onError: (error) => showFieldErrors(form, error) })}>
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
          <Input.TextArea rows={2} placeholder='{ "categories": ["snacks"], "tiers": ["gold"] }' spellCheck={false} style={{ fontFamily: 'monospace' }} />
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
        <ProblemAlert error={create.error} />
      </Form>
    </Modal>
  );
}

export function PromotionsPage() {
  const t = useT();
  const { locale } = useLang();
  const [activeOnly, setActiveOnly] = useState(true);
  const [creating, setCreating] = useState(false);
  const promotions = useQuery({ queryKey: ['promotions', activeOnly], queryFn: ({ signal }) => get<Page<Promotion>>('/v1/promotions', { active: activeOnly || undefined, limit: 500 }, signal) });
  const end = useCommand((id: string) => post(`/v1/promotions/${encodeURIComponent(id)}/end`, {}), { success: () => t.promotions.ended, invalidate: [['promotions']] });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
          {t.promotions.title}
        </Typography.Title>
        <Space>
          <Switch checked={activeOnly} onChange={setActiveOnly} aria-label={t.promotions.activeOnly} />
          <span>{t.promotions.activeOnly}</span>
          <Button type="primary" onClick={() => setCreating(true)}>
            {t.promotions.create}
          </Button>
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
          { title: t.promotions.window, render: (_, promotion) => `${dateTime(promotion.startsAt, locale)} – ${dateTime(promotion.endsAt, locale)}` },
          { title: t.promotions.redemptions, dataIndex: 'redemptions', align: 'right' },
          {
            title: t.promotions.status,
            render: (_, promotion) => <Tag color={promotion.status === 'active' ? 'green' : 'default'}>{t.promotions.statuses[promotion.status] ?? promotion.status}</Tag>,
          },
          {
            title: t.app.actions,
            render: (_, promotion) =>
              promotion.status === 'active' && (
                <Popconfirm title={`${t.promotions.end} ${promotion.title}?`} onConfirm={() => end.mutate(promotion.id)} okText={t.app.confirm} cancelText={t.app.cancel}>
                  <Button size="small" danger>
                    {t.promotions.end}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      {creating && <NewPromotionForm onClose={() => setCreating(false)} />}
    </Space>
  );
}
