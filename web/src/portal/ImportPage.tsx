// Order from a spreadsheet (CSV or Excel): a preview first where the server offers one (which rows
// matched, what the order would cost), then the order itself under one Idempotency-Key per file.
import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Result, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem, newIdempotencyKey, post } from '../api/client.ts';
import type { OrderWritten, Quote } from '../api/types.ts';
import { useT } from '../i18n/i18n.tsx';
import { useCapabilities } from '../shared/useCapabilities.ts';
import { PricedLines, ReasonList, StatusTag } from '../shared/orders.tsx';
import { ProblemAlert } from '../shared/problem.tsx';
import { useDealer } from './dealer.ts';

type PreviewLine = { row: number; sku: string | null; qty: number | null; matched: boolean; suggestions?: { sku: string; name?: string }[] | string[] };
type Preview = { lines: PreviewLine[]; quote: Quote | null };

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function contentTypeOf(file: File): string {
  return /\.xlsx$/i.test(file.name) ? XLSX : 'text/csv';
}

export function ImportPage() {
  const t = useT();
  const capabilities = useCapabilities();
  const dealer = useDealer();
  const [file, setFile] = useState<File | null>(null);
  const [region, setRegion] = useState<string | undefined>();
  const [key, setKey] = useState(newIdempotencyKey);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [placed, setPlaced] = useState<OrderWritten | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'preview' | 'place' | null>(null);
  const regionCode = region ?? dealer.data?.territories[0];
  const canPreview = capabilities.data?.importPreview === true;

  function choose(next: File) {
    setFile(next);
    setKey(newIdempotencyKey());
    setPreview(null);
    setError(null);
  }

  async function send(previewOnly: boolean) {
    if (!file) return;
    setBusy(previewOnly ? 'preview' : 'place');
    setError(null);
    try {
      const headers: Record<string, string> = previewOnly ? {} : { 'idempotency-key': key };
      const options = { raw: file, contentType: contentTypeOf(file), query: { regionCode, preview: previewOnly ? 'true' : undefined }, headers };
      if (previewOnly) setPreview(await post<Preview>('/v1/orders/import', undefined, options));
      else setPlaced(await post<OrderWritten>('/v1/orders/import', undefined, options));
    } catch (failure) {
      setError(failure);
      if (!previewOnly && failure instanceof ApiProblem && failure.status > 0 && failure.status < 500) setKey(newIdempotencyKey());
    } finally {
      setBusy(null);
    }
  }

  if (placed) {
    return (
      <Result
        status={placed.status === 'approved' ? 'success' : 'warning'}
        title={t.import.placed(placed.id)}
        subTitle={
          <Space orientation="vertical">
            <StatusTag status={placed.status} />
            <ReasonList reasons={placed.review?.reasons ?? []} />
          </Space>
        }
        extra={
          <Link to={`/portal/orders/${encodeURIComponent(placed.id)}`}>
            <Button type="primary">{t.cart.viewOrder}</Button>
          </Link>
        }
      />
    );
  }

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.import.title}
      </Typography.Title>
      <Card>
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Upload.Dragger
            accept=".csv,.xlsx,text/csv"
            maxCount={1}
            fileList={file ? [{ uid: key, name: file.name, status: 'done' }] : []}
            beforeUpload={(chosen) => {
              choose(chosen);
              return false;
            }}
            onRemove={() => setFile(null)}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p>{t.import.choose}</p>
            <Typography.Text type="secondary">{t.import.hint}</Typography.Text>
          </Upload.Dragger>
          <Form layout="inline">
            <Form.Item label={t.cart.region} htmlFor="import-region">
              <Select id="import-region" style={{ minWidth: 120 }} value={regionCode} onChange={setRegion} options={(dealer.data?.territories ?? []).map((code) => ({ value: code, label: code }))} />
            </Form.Item>
          </Form>
          {capabilities.data && !canPreview && <Alert type="info" showIcon title={t.import.noPreview} />}
          <Space wrap>
            {canPreview && (
              <Button disabled={!file} loading={busy === 'preview'} onClick={() => void send(true)}>
                {t.import.preview}
              </Button>
            )}
            <Button type="primary" disabled={!file || (canPreview && !preview)} loading={busy === 'place'} onClick={() => void send(false)}>
              {t.import.place}
            </Button>
          </Space>
          <ProblemAlert error={error} />
        </Space>
      </Card>
      {preview && (
        <Card title={t.import.preview}>
          <Table<PreviewLine>
            rowKey="row"
            size="small"
            pagination={false}
            dataSource={preview.lines}
            scroll={{ x: 'max-content' }}
            columns={[
              { title: t.import.row, dataIndex: 'row' },
              { title: t.product.sku, dataIndex: 'sku' },
              { title: t.product.quantity, dataIndex: 'qty', align: 'right' },
              { title: t.import.matched, render: (_, line) => (line.matched ? <Tag color="green">{t.import.matched}</Tag> : <Tag color="red">{t.import.unmatched}</Tag>) },
              {
                title: t.import.suggestions,
                render: (_, line) =>
                  (line.suggestions ?? []).map((suggestion) => (typeof suggestion === 'string' ? suggestion : suggestion.name ? `${suggestion.sku} ${suggestion.name}` : suggestion.sku)).join(', '),
              },
            ]}
          />
          {preview.quote && (
            <div style={{ marginTop: 16 }}>
              {preview.quote.warnings.length > 0 && (
                <Alert type="warning" showIcon title={t.cart.warnings} description={<ReasonList reasons={preview.quote.warnings} />} style={{ marginBottom: 12 }} />
              )}
              <PricedLines lines={preview.quote.lines} gifts={preview.quote.gifts} totals={preview.quote.totals} />
            </div>
          )}
        </Card>
      )}
    </Space>
  );
}
