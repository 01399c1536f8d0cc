// Finance: a dealer's credit and statement, recording a payment, and the auditors' exports.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { apiResponse, get, newIdempotencyKey, post } from '../api/client.ts';
import type { Dealer, Page } from '../api/types.ts';
import { businessToday, yuanToMinor } from '../format.ts';
import { useT } from '../i18n/i18n.tsx';
import { useSession } from '../auth/session.tsx';
import { CreditSummary, Statement } from '../shared/credit.tsx';
import { useCommand } from '../shared/useCommand.ts';
import { ProblemAlert, showFieldErrors } from '../shared/problem.tsx';

async function download(path: string, query: Record<string, string | undefined>, filename: string): Promise<void> {
  const response = await apiResponse('GET', path, { query });
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}

function PaymentForm({ dealerId }: { dealerId: string }) {
  const t = useT();
  const [form] = Form.useForm<{ amount: number; reference: string }>();
  const [key, setKey] = useState(newIdempotencyKey);
  const record = useCommand(
    (values: { amount: number; reference: string }) =>
      post(
        `/v1/dealers/${encodeURIComponent(dealerId)}/payments`,
        { amountMinor: yuanToMinor(values.amount), reference: values.reference },
        { headers: { 'idempotency-key': key } },
      ),
    {
      success: () => t.finance.recorded,
      invalidate: [['credit', dealerId]],
      onSuccess: () => {
        form.resetFields();
        setKey(newIdempotencyKey());
      },
    },
  );
  return (
    <Form
      form={form}
      layout="inline"
      onFinish={(values) => record.mutate(values, { onError: (error) => showFieldErrors(form, error, { amountMinor: 'amount' }) })}
    >
      <Form.Item label={t.finance.amount} name="amount" rules={[{ required: true }]}>
        <InputNumber min={0.01} precision={2} prefix="¥" />
      </Form.Item>
      <Form.Item label={t.finance.reference} name="reference" rules={[{ required: true }]}>
        <Input maxLength={100} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={record.isPending}>
        {t.finance.payment}
      </Button>
      <ProblemAlert error={record.error} style={{ width: '100%', marginTop: 8 }} />
    </Form>
  );
}

function Exports({ dealerId }: { dealerId: string | undefined }) {
  const t = useT();
  const [from, setFrom] = useState(businessToday(-30));
  const [to, setTo] = useState(businessToday(1));
  const [error, setError] = useState<unknown>(null);
  const run = (path: string, format: string, filename: string) => {
    setError(null);
    download(path, { from, to, format, dealerId: path.endsWith('ledger') ? dealerId : undefined }, filename).catch(setError);
  };
  return (
    <Space orientation="vertical">
      <Space wrap>
        <Input type="date" aria-label={t.finance.from} value={from} onChange={(event) => setFrom(event.target.value)} />
        <Input type="date" aria-label={t.finance.to} value={to} onChange={(event) => setTo(event.target.value)} />
        <Button onClick={() => run('/v1/exports/ledger', 'csv', `ledger-${dealerId ?? 'all'}-${from}-${to}.csv`)}>
          {t.finance.exportLedger}
        </Button>
        <Button onClick={() => run('/v1/exports/events', 'ndjson', `events-${from}-${to}.ndjson`)}>{t.finance.exportEvents}</Button>
      </Space>
      <ProblemAlert error={error} />
    </Space>
  );
}

export function FinancePage() {
  const t = useT();
  const { session } = useSession();
  const role = session?.user.role;
  const [dealerId, setDealerId] = useState<string | undefined>();
  const dealers = useQuery({
    queryKey: ['dealers', 'all'],
    queryFn: ({ signal }) => get<Page<Dealer>>('/v1/dealers', { limit: 500 }, signal),
  });
  const chosen = dealerId ?? dealers.data?.items[0]?.id;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.finance.title}
      </Typography.Title>
      <ProblemAlert error={dealers.error} />
      <Select
        aria-label={t.finance.dealer}
        showSearch={{ optionFilterProp: 'label' }}
        style={{ minWidth: 280 }}
        value={chosen}
        onChange={setDealerId}
        loading={dealers.isPending}
        options={(dealers.data?.items ?? []).map((dealer) => ({ value: dealer.id, label: `${dealer.id} · ${dealer.name}` }))}
      />
      {chosen && <CreditSummary dealerId={chosen} />}
      {chosen && (role === 'finance' || role === 'admin') && (
        <Card title={t.finance.payment}>
          <PaymentForm dealerId={chosen} />
        </Card>
      )}
      {chosen && (
        <Card title={t.finance.ledger}>
          <Statement dealerId={chosen} />
        </Card>
      )}
      {(role === 'finance' || role === 'admin') && (
        <Card title={t.finance.exports}>
          <Exports dealerId={chosen} />
        </Card>
      )}
    </Space>
  );
}
