// Held orders, oldest first, each with its reasons: approve or reject with a note.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Descriptions, Empty, Input, Row, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { get, post } from '../api/client.ts';
import type { Order, Page } from '../api/types.ts';
import { dateTime, money } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { useCommand } from '../shared/useCommand.ts';
import { ReasonList } from '../shared/orders.tsx';
import { ProblemAlert } from '../shared/problem.tsx';

/** Approve (with a note) or reject (with the note as the reason) a held order. */
export function ReviewDecision({ order }: { order: Order }) {
  const t = useT();
  const [note, setNote] = useState('');
  const path = `/v1/orders/${encodeURIComponent(order.id)}`;
  const invalidate = [['review-queue'], ['orders'], ['order', order.id]];
  const approve = useCommand(() => post(`${path}/approve`, note.trim() ? { note: note.trim() } : {}), {
    success: () => t.review.approved(order.id),
    invalidate,
  });
  const reject = useCommand(() => post(`${path}/reject`, note.trim() ? { reason: note.trim() } : {}), {
    success: () => t.review.rejected(order.id),
    invalidate,
  });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Input.TextArea
        aria-label={`${t.review.note} ${order.id}`}
        placeholder={t.review.note}
        rows={2}
        maxLength={500}
        value={note}
        onChange={(event) => setNote(event.target.value)}
      />
      <Space wrap>
        <Button type="primary" loading={approve.isPending} disabled={reject.isPending} onClick={() => approve.mutate(undefined)}>
          {t.review.approve}
        </Button>
        <Button danger loading={reject.isPending} disabled={approve.isPending} onClick={() => reject.mutate(undefined)}>
          {t.review.reject}
        </Button>
      </Space>
      <ProblemAlert error={approve.error ?? reject.error} />
    </Space>
  );
}

export function ReviewQueuePage() {
  const t = useT();
  const { locale } = useLang();
  const queue = useQuery({
    queryKey: ['review-queue'],
    queryFn: ({ signal }) => get<Page<Order>>('/v1/orders/review-queue', { limit: 100 }, signal),
  });
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.review.title}
      </Typography.Title>
      <ProblemAlert error={queue.error} />
      {queue.isPending && <Spin />}
      {queue.data?.items.length === 0 && <Empty description={t.review.empty} />}
      <Row gutter={[16, 16]}>
        {(queue.data?.items ?? []).map((order) => (
          <Col key={order.id} xs={24} xl={12}>
            <article aria-label={order.id}>
              <Card
                title={<Link to={`/console/orders/${encodeURIComponent(order.id)}`}>{order.id}</Link>}
                extra={money(order.totals.totalMinor, order.totals.currency)}
              >
                <Space orientation="vertical" style={{ width: '100%' }}>
                  <Descriptions size="small" column={1}>
                    <Descriptions.Item label={t.orders.dealer}>{order.dealerId}</Descriptions.Item>
                    <Descriptions.Item label={t.orders.placedAt}>{dateTime(order.placedAt, locale)}</Descriptions.Item>
                    <Descriptions.Item label={t.orders.region}>{order.regionCode}</Descriptions.Item>
                    {order.review?.riskScore !== undefined && (
                      <Descriptions.Item label={t.review.risk}>{order.review.riskScore}</Descriptions.Item>
                    )}
                    {order.note && <Descriptions.Item label={t.orders.note}>{order.note}</Descriptions.Item>}
                    <Descriptions.Item label={t.orders.lines}>
                      {order.lines.map((line) => `${line.name} × ${line.qty}`).join('; ')}
                    </Descriptions.Item>
                  </Descriptions>
                  <Card size="small" type="inner" title={t.orders.reasons}>
                    <ReasonList reasons={order.review?.reasons ?? []} />
                  </Card>
                  <ReviewDecision order={order} />
                </Space>
              </Card>
            </article>
          </Col>
        ))}
      </Row>
    </Space>
  );
}
