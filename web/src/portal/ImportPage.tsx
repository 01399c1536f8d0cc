// Order from a spreadsheet (CSV or Excel, GBK too): a preview first (which rows matched, what the
// catalog suggests for those that did not, what the order would cost), then the order itself under
// one Idempotency-Key per file.
import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Result, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem, newIdempotencyKey, post } from '../api/client.ts';
import type { OrderWritten, Quote } from '../api/types.ts';
import { useT } from '../i18n/i18n.tsx';
import { PricedLines, ReasonList, StatusTag } from '../shared/orders.tsx';
import { ProblemAlert } from '../shared/problem.tsx';
import { useDealer } from './dealer.ts';

type Suggestion = { sku: string; name: string; gtin: string | null };
/** A line of the file: its row (and sheet, in a workbook), the SKU matched or as written, the GTIN as written. */
type PreviewLine = {
  row: number;
  sheet?: string;
  sku: string | null;
  gtin?: string;
  qty: number;
  matched: boolean;
  name?: string;
  suggestions?: Suggestion[];
};
type Preview = { lines: PreviewLine[]; quote: Quote | null };

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function contentTypeOf(file: File): string {
  return /\.xlsx$/i.test(file.name) ? XLSX : 'text/csv';
}

export function ImportPage() {
  const t = useT();
  const dealer = useDealer();
  const [file, setFile] = useState<File | null>(null);
  const [region, setRegion] = useState<string | undefined>();
  const [key, setKey] = useState(newIdempotencyKey);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [placed, setPlaced] = useState<OrderWritten | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'preview' | 'place' | null>(null);
  const regionCode = region ?? dealer.data?.territories[0];

  function choose(next: File) {
    setFile(next);
    setKey(newIdempotencyKey());
    setPreview(null);
    setError(null);
  }

  // The preview's quote is for one region: another region needs a new preview.
  function chooseRegion(next: string) {
    setRegion(next);
    setPreview(null);
  }

  async function send(previewOnly: boolean) {
    if (!file) return;
    setBusy(previewOnly ? 'preview' : 'place');
    setError(null);
    try {
      const headers: Record<string, string> = previewOnly ? {} : { 'idempotency-key': key };
      const options = {
        raw: file,
        contentType: contentTypeOf(file),
        query: { regionCode, preview: previewOnly ? 'true' : undefined },
        headers,
      };
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
              <Select
                id="import-region"
                style={{ minWidth: 120 }}
                value={regionCode}
                onChange={chooseRegion}
                options={(dealer.data?.territories ?? []).map((code) => ({ value: code, label: code }))}
              />
            </Form.Item>
          </Form>
          <Space wrap>
            <Button disabled={!file} loading={busy === 'preview'} onClick={() => void send(true)}>
              {t.import.preview}
            </Button>
            <Button type="primary" disabled={!file || !preview} loading={busy === 'place'} onClick={() => void send(false)}>
              {t.import.place}
            </Button>
          </Space>
          <ProblemAlert error={error} />
        </Space>
      </Card>
      {preview && (
        <Card title={t.import.preview}>
          <Table<PreviewLine>
            rowKey={(line) => `${line.sheet ?? ''}!${line.row}`}
            size="small"
            pagination={false}
            dataSource={preview.lines}
            scroll={{ x: 'max-content' }}
            columns={[
              { title: t.import.row, render: (_, line) => (line.sheet ? `${line.sheet}!${line.row}` : line.row) },
              { title: t.product.sku, dataIndex: 'sku' },
              { title: t.product.gtin, dataIndex: 'gtin' },
              { title: t.import.name, dataIndex: 'name' },
              { title: t.product.quantity, dataIndex: 'qty', align: 'right' },
              {
                title: t.import.matched,
                render: (_, line) =>
                  line.matched ? <Tag color="green">{t.import.matched}</Tag> : <Tag color="red">{t.import.unmatched}</Tag>,
              },
              {
                title: t.import.suggestions,
                render: (_, line) => (
                  <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                    {(line.suggestions ?? []).map((suggestion) => (
                      <li key={suggestion.sku}>
                        {suggestion.sku} {suggestion.name}
                      </li>
                    ))}
                  </ul>
                ),
              },
            ]}
          />
          {preview.lines.some((line) => !line.matched) && (
            <Alert type="warning" showIcon title={t.import.unmatchedHint} style={{ marginTop: 12 }} />
          )}
          {preview.quote && (
            <div style={{ marginTop: 16 }}>
              {preview.quote.warnings.length > 0 && (
                <Alert
                  type="warning"
                  showIcon
                  title={t.cart.warnings}
                  description={<ReasonList reasons={preview.quote.warnings} />}
                  style={{ marginBottom: 12 }}
                />
              )}
              <PricedLines cart={preview.quote} />
            </div>
          )}
        </Card>
      )}
    </Space>
  );
}
