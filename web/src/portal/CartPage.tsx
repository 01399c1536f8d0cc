// The cart: every change asks the API for a new quote (prices, promotions with their explanation,
// gifts, warnings); "Place order" sends the cart once under the cart's Idempotency-Key.
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Empty, Form, Input, InputNumber, Result, Row, Select, Space, Spin, Typography } from 'antd';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem, post } from '../api/client.ts';
import type { OrderWritten, PricedLine, Quote } from '../api/types.ts';
import { money } from '../format.ts';
import { useT } from '../i18n/i18n.tsx';
import { PricedLines, ReasonList, StatusTag } from '../shared/orders.tsx';
import { ProblemAlert } from '../shared/problem.tsx';
import { useCart } from './cart.tsx';
import { BuyerLimits } from './BuyerLimits.tsx';
import { useDealer } from './dealer.ts';

function PlacedResult({ order, onDone }: { order: OrderWritten; onDone: () => void }) {
  const t = useT();
  const reasons = order.review?.reasons ?? [];
  return (
    <Result
      status={order.status === 'rejected' ? 'error' : order.status === 'approved' ? 'success' : 'warning'}
      title={t.cart.placed(order.id)}
      subTitle={
        <Space orientation="vertical">
          <span>
            <StatusTag status={order.status} /> {money(order.totals.totalMinor, order.totals.currency)}
          </span>
          <ReasonList reasons={reasons} />
        </Space>
      }
      extra={[
        <Link key="view" to={`/portal/orders/${encodeURIComponent(order.id)}`}>
          <Button type="primary">{t.cart.viewOrder}</Button>
        </Link>,
        <Button key="more" onClick={onDone}>
          {t.cart.keepShopping}
        </Button>,
      ]}
    />
  );
}

export function CartPage() {
  const t = useT();
  const queryClient = useQueryClient();
  const { cart, setQty, remove, setDetails, renewKey, clear } = useCart();
  const dealer = useDealer();
  const territories = dealer.data?.territories ?? [];
  const regionCode = cart.regionCode ?? territories[0] ?? null;
  const lines = cart.lines.map(({ sku, qty }) => ({ sku, qty }));
  const [placed, setPlaced] = useState<OrderWritten | null>(null);
  const [placeError, setPlaceError] = useState<unknown>(null);
  const [placing, setPlacing] = useState(false);
  const inFlight = useRef(false);

  const quote = useQuery({
    queryKey: ['quote', lines, regionCode],
    enabled: lines.length > 0 && regionCode !== null,
    placeholderData: keepPreviousData,
    staleTime: 0,
    queryFn: ({ signal }) => post<Quote>('/v1/quotes', { lines, regionCode }, { signal }),
  });

  async function placeOrder() {
    // A second click while the first is on its way sends nothing; a retry uses the same key.
    if (inFlight.current || !regionCode) return;
    inFlight.current = true;
    setPlacing(true);
    setPlaceError(null);
    try {
      const order = await post<OrderWritten>(
        '/v1/orders',
        { lines, regionCode, deliveryAddress: cart.deliveryAddress.trim() || undefined, note: cart.note.trim() || undefined },
        { headers: { 'idempotency-key': cart.idempotencyKey } },
      );
      setPlaced(order);
      clear();
      await queryClient.invalidateQueries({ queryKey: ['orders'] });
      await queryClient.invalidateQueries({ queryKey: ['credit'] });
      await queryClient.invalidateQueries({ queryKey: ['me'] });
    } catch (error) {
      setPlaceError(error);
      // The server keeps a refusal under its key: a new attempt needs a new key. A lost answer
      // (no response) keeps the key, so sending again cannot place a second order.
      if (error instanceof ApiProblem && error.status > 0 && error.status < 500) renewKey();
    } finally {
      inFlight.current = false;
      setPlacing(false);
    }
  }

  if (placed) return <PlacedResult order={placed} onDone={() => setPlaced(null)} />;

  if (cart.lines.length === 0) {
    return (
      <Empty description={t.cart.empty}>
        <Link to="/portal">
          <Button type="primary">{t.cart.goShopping}</Button>
        </Link>
      </Empty>
    );
  }

  const quoted = quote.data;
  // Over a buyer's limits is not a problem with the cart: the buyer's own panel says it.
  const overLimit = quoted?.warnings.find((warning) => warning.code === 'buyer_limit_exceeded');
  const warnings = quoted?.warnings.filter((warning) => warning !== overLimit) ?? [];
  const quantity = {
    title: t.product.quantity,
    render: (line: PricedLine) => (
      <Space.Compact>
        <InputNumber<number>
          aria-label={`${t.product.quantity} ${line.name}`}
          min={1}
          max={100_000}
          precision={0}
          value={cart.lines.find((item) => item.sku === line.sku)?.qty ?? line.qty}
          onChange={(value) => value && setQty(line.sku, value)}
          style={{ width: 80 }}
        />
        <Button aria-label={`${t.cart.remove} ${line.name}`} onClick={() => remove(line.sku)}>
          ×
        </Button>
      </Space.Compact>
    ),
  };

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={17}>
        <Card
          title={
            <Space>
              {t.cart.title}
              {quote.isFetching && <Spin size="small" aria-label={t.cart.quoting} />}
            </Space>
          }
          extra={<Button onClick={clear}>{t.cart.clear}</Button>}
        >
          <ProblemAlert error={quote.error} style={{ marginBottom: 12 }} />
          {quoted ? <PricedLines cart={quoted} quantity={quantity} /> : <Card loading variant="borderless" />}
          {quoted && quoted.promotions.length > 0 && (
            <ul aria-label={t.product.promotions} style={{ marginTop: 12, paddingInlineStart: 18 }}>
              {quoted.promotions.map((promotion) => (
                <li key={promotion.id}>
                  <Typography.Text strong>{promotion.title}</Typography.Text>: {promotion.explanation}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </Col>
      <Col xs={24} xl={7}>
        <Card title={t.cart.quote}>
          <Space orientation="vertical" style={{ width: '100%' }} size="middle">
            {warnings.length > 0 && (
              <Alert type="warning" showIcon title={t.cart.warnings} description={<ReasonList reasons={warnings} />} />
            )}
            <BuyerLimits overLimit={overLimit} />
            {dealer.data && dealer.data.minRemainingDays > 0 && (
              <Typography.Text type="secondary">{t.cart.minShelfLife(dealer.data.minRemainingDays)}</Typography.Text>
            )}
            <Form layout="vertical">
              <Form.Item label={t.cart.region} htmlFor="cart-region">
                <Select
                  id="cart-region"
                  value={regionCode ?? undefined}
                  onChange={(value: string) => setDetails({ regionCode: value })}
                  options={territories.map((code) => ({ value: code, label: code }))}
                  loading={dealer.isPending}
                />
              </Form.Item>
              <Form.Item label={t.cart.address} htmlFor="cart-address">
                <Input.TextArea
                  id="cart-address"
                  rows={2}
                  maxLength={500}
                  value={cart.deliveryAddress}
                  onChange={(event) => setDetails({ deliveryAddress: event.target.value })}
                />
              </Form.Item>
              <Form.Item label={t.cart.note} htmlFor="cart-note">
                <Input id="cart-note" maxLength={500} value={cart.note} onChange={(event) => setDetails({ note: event.target.value })} />
              </Form.Item>
            </Form>
            {quoted && (
              <Typography.Text style={{ fontSize: 18 }}>
                {t.cart.total}: <strong>{money(quoted.totals.totalMinor, quoted.totals.currency)}</strong>
              </Typography.Text>
            )}
            <ProblemAlert error={placeError} />
            <Button type="primary" size="large" block loading={placing} disabled={!regionCode} onClick={() => void placeOrder()}>
              {t.cart.placeOrder}
            </Button>
          </Space>
        </Card>
      </Col>
    </Row>
  );
}
