// An order as both areas show it: status, review reasons in words, lines with each promotion's
// explanation, timeline, shipments with tracking, returns.
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Grid, Space, Table, Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { get } from '../api/client.ts';
import type { Gift, OrderDetail, PricedLine, PromotionNotApplied, Reason, Return, Totals } from '../api/types.ts';
import { dateTime, day, money } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { ItemList } from './ItemList.tsx';
import { ProblemAlert } from './problem.tsx';
import { ShipmentTracking, TrackingDetail } from './tracking.tsx';

const STATUS_COLORS: Record<string, string> = {
  approved: 'green',
  completed: 'green',
  delivered: 'cyan',
  dispatched: 'blue',
  planned: 'default',
  shipped: 'blue',
  partially_shipped: 'geekblue',
  on_hold: 'orange',
  awaiting_payment: 'gold',
  awaiting_dealer_approval: 'purple',
  rejected: 'red',
  cancelled: 'default',
  requested: 'orange',
  refunded: 'green',
  received: 'blue',
};

/** Where the API lets an order be cancelled (before its first shipment, too). */
export const CANCELLABLE = ['approved', 'awaiting_payment', 'on_hold', 'awaiting_dealer_approval'];

export function StatusTag({ status, kind = 'order' }: { status: string; kind?: 'order' | 'return' | 'shipment' }) {
  const t = useT();
  const label = { order: t.orders.status_, return: t.orders.returnStatus, shipment: t.orders.shipmentStatus }[kind][status] ?? status;
  return <Tag color={STATUS_COLORS[status] ?? 'default'}>{label}</Tag>;
}

/** Review reasons and quote warnings: the code in plain words, the API's detail beneath. */
export function ReasonList({ reasons }: { reasons: Reason[] }) {
  const t = useT();
  if (reasons.length === 0) return null;
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {reasons.map((reason) => (
        <li key={`${reason.code}:${reason.detail}`}>
          <Typography.Text strong>{t.reasons[reason.code] ?? reason.code}</Typography.Text>
          <br />
          <Typography.Text type="secondary">{reason.detail}</Typography.Text>
        </li>
      ))}
    </ul>
  );
}

function LineDescription({ line }: { line: PricedLine }) {
  const t = useT();
  return (
    <div style={{ minWidth: 160, maxWidth: 300, whiteSpace: 'normal' }}>
      <div>{line.name}</div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {line.sku}
      </Typography.Text>
      <div style={{ fontSize: 12 }} aria-label={t.cart.explanation}>
        {line.promotions.map((promotion) => (
          <Tag key={promotion.id} color="volcano" style={{ marginBottom: 2 }}>
            {promotion.title}
          </Tag>
        ))}
        <Typography.Text type="secondary">{line.explanation}</Typography.Text>
      </div>
    </div>
  );
}

/** Promotions the cart would have had but did not get (a cap reached, a region's budget spent), and why. */
function PromotionsNotApplied({ promotions }: { promotions: PromotionNotApplied[] }) {
  const t = useT();
  return (
    <Alert
      type="info"
      showIcon
      title={t.cart.notApplied}
      description={
        <ul aria-label={t.cart.notApplied} style={{ margin: 0, paddingInlineStart: 18 }}>
          {promotions.map((promotion) => (
            <li key={promotion.id}>
              <Typography.Text strong>{promotion.title}</Typography.Text>: {t.reasons[promotion.reason] ?? promotion.reason}
              <br />
              <Typography.Text type="secondary">{promotion.detail}</Typography.Text>
            </li>
          ))}
        </ul>
      }
    />
  );
}

type QuantityColumn = { title: string; render: (line: PricedLine) => ReactNode };

type PricedCart = { lines: PricedLine[]; gifts: Gift[]; totals: Totals; promotionsNotApplied?: PromotionNotApplied[] };

/** Priced lines: a table on wide screens, one block per line on a phone (five columns do not fit). */
export function PricedLines({ cart, quantity }: { cart: PricedCart; quantity?: QuantityColumn }) {
  const { lines, gifts, totals, promotionsNotApplied = [] } = cart;
  const t = useT();
  const narrow = !Grid.useBreakpoint().md;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {narrow ? (
        <ItemList
          items={lines}
          itemKey={(line) => line.sku}
          render={(line) => (
            <Space orientation="vertical" size={4} style={{ width: '100%' }}>
              <LineDescription line={line} />
              <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
                {quantity ? quantity.render(line) : <span>× {line.qty}</span>}
                <span>
                  {line.discountMinor > 0 && <Typography.Text type="secondary">−{money(line.discountMinor)} </Typography.Text>}
                  <Typography.Text strong>{money(line.netMinor)}</Typography.Text>
                </span>
              </div>
            </Space>
          )}
        />
      ) : (
        <Table<PricedLine>
          rowKey="sku"
          size="small"
          pagination={false}
          dataSource={lines}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t.orders.lines, render: (_, line) => <LineDescription line={line} /> },
            quantity
              ? { title: quantity.title, render: (_, line) => quantity.render(line) }
              : { title: t.product.quantity, dataIndex: 'qty', align: 'right' },
            { title: t.cart.unitPrice, align: 'right', render: (_, line) => money(line.unitPriceMinor) },
            { title: t.cart.discount, align: 'right', render: (_, line) => (line.discountMinor ? `−${money(line.discountMinor)}` : '') },
            { title: t.cart.lineNet, align: 'right', render: (_, line) => money(line.netMinor) },
          ]}
        />
      )}
      {gifts.length > 0 && (
        <Card size="small" title={t.cart.gifts}>
          <ItemList
            items={gifts}
            itemKey={(gift) => `${gift.promotionId}:${gift.sku}`}
            render={(gift) => (
              <div>
                {gift.name} × {gift.qty}
                <br />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {gift.explanation}
                </Typography.Text>
              </div>
            )}
          />
        </Card>
      )}
      {promotionsNotApplied.length > 0 && <PromotionsNotApplied promotions={promotionsNotApplied} />}
      <TotalsBlock totals={totals} />
    </Space>
  );
}

export function TotalsBlock({ totals }: { totals: Totals }) {
  const t = useT();
  return (
    <Descriptions size="small" column={1} bordered style={{ maxWidth: 360, marginInlineStart: 'auto' }}>
      <Descriptions.Item label={t.cart.subtotal}>{money(totals.subtotalMinor, totals.currency)}</Descriptions.Item>
      <Descriptions.Item label={t.cart.discount}>
        {totals.discountMinor ? `−${money(totals.discountMinor, totals.currency)}` : money(0)}
      </Descriptions.Item>
      <Descriptions.Item label={t.cart.total}>
        <Typography.Text strong data-testid="total">
          {money(totals.totalMinor, totals.currency)}
        </Typography.Text>
      </Descriptions.Item>
    </Descriptions>
  );
}

export function useOrder(id: string) {
  return useQuery({
    queryKey: ['order', id],
    queryFn: ({ signal }) => get<OrderDetail>(`/v1/orders/${encodeURIComponent(id)}`, undefined, signal),
  });
}

/** The whole order; `actions` are the area's buttons (reorder, cancel, approve…). */
export function OrderView({
  id,
  actions,
  returnActions,
  showDealer,
}: {
  id: string;
  actions?: (order: OrderDetail) => ReactNode;
  /** Buttons beside one return (staff move returns on). */
  returnActions?: (order: OrderDetail, item: Return) => ReactNode;
  showDealer?: boolean;
}) {
  const t = useT();
  const { locale } = useLang();
  const { data: order, error, isPending } = useOrder(id);
  if (error) return <ProblemAlert error={error} />;
  if (isPending || !order) return <Card loading />;
  const reasons = order.review?.reasons ?? [];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Space wrap>
            <span>
              {t.orders.id} {order.id}
            </span>
            <StatusTag status={order.status} />
          </Space>
        }
        extra={actions?.(order)}
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
          <Descriptions.Item label={t.orders.placedAt}>{dateTime(order.placedAt, locale)}</Descriptions.Item>
          {showDealer && <Descriptions.Item label={t.orders.dealer}>{order.dealerId}</Descriptions.Item>}
          <Descriptions.Item label={t.orders.region}>{order.regionCode}</Descriptions.Item>
          <Descriptions.Item label={t.orders.total}>{money(order.totals.totalMinor, order.totals.currency)}</Descriptions.Item>
          {order.deliveryAddress && <Descriptions.Item label={t.orders.address}>{order.deliveryAddress}</Descriptions.Item>}
          {order.note && <Descriptions.Item label={t.orders.note}>{order.note}</Descriptions.Item>}
        </Descriptions>
        {reasons.length > 0 && (
          <Card size="small" type="inner" title={t.orders.reasons} style={{ marginTop: 12 }}>
            <ReasonList reasons={reasons} />
          </Card>
        )}
      </Card>
      <Card title={t.orders.lines}>
        <PricedLines cart={order} />
      </Card>
      <Card title={t.orders.shipments}>
        <ItemList
          items={order.shipments}
          itemKey={(shipment) => shipment.shipmentId}
          render={(shipment) => (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Typography.Text strong>{shipment.shipmentId}</Typography.Text>
                <StatusTag status={shipment.status} kind="shipment" />
                {shipment.carrier && (
                  <span>
                    {t.orders.carrier}: {shipment.carrier}
                  </span>
                )}
                {shipment.trackingNumber && (
                  <span>
                    {t.orders.tracking}: <Typography.Text copyable>{shipment.trackingNumber}</Typography.Text>
                  </span>
                )}
              </Space>
              <Typography.Text type="secondary">
                {t.orders.shippedAt}: {dateTime(shipment.shippedAt, locale)} · {t.orders.deliveredAt}:{' '}
                {dateTime(shipment.deliveredAt, locale)}
              </Typography.Text>
              <ShipmentTracking shipment={shipment} />
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {shipment.lines.map((line) => (
                  <li key={`${line.sku}:${line.warehouseId}`}>
                    {line.sku} × {line.qty} ({line.warehouseId}; {t.orders.lots}:{' '}
                    {line.lots.map((lot) => `${lot.lot} ×${lot.qty}, ${t.orders.expiry} ${day(lot.expiryDate, locale)}`).join('; ')})
                  </li>
                ))}
              </ul>
            </Space>
          )}
        />
      </Card>
      {order.returns.length > 0 && (
        <Card title={t.orders.returns}>
          <ItemList
            items={order.returns}
            itemKey={(item) => item.returnId}
            render={(item) => (
              <Space wrap>
                <Typography.Text strong>{item.returnId}</Typography.Text>
                <StatusTag status={item.status} kind="return" />
                <span>{dateTime(item.requestedAt, locale)}</span>
                <span>{item.lines.map((line) => `${line.sku} × ${line.qty} (${line.reason})`).join('; ')}</span>
                {returnActions?.(order, item)}
              </Space>
            )}
          />
        </Card>
      )}
      <Card title={t.orders.timeline}>
        <Timeline
          items={order.timeline.map((entry, index) => ({
            key: index,
            color: STATUS_COLORS[entry.status] === 'red' ? 'red' : 'blue',
            content: (
              <div>
                <Typography.Text strong>{t.orders.events[entry.event] ?? t.tracking.events[entry.event] ?? entry.event}</Typography.Text>{' '}
                <StatusTag status={entry.status} />
                <TrackingDetail entry={entry} />
                <br />
                <Typography.Text type="secondary">
                  {dateTime(entry.at, locale)} · {entry.actor}
                </Typography.Text>
              </div>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}
